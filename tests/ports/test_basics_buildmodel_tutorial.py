"""PyTorch's "Learn the Basics", part "Build the Neural Network" (pytorch/tutorials,
beginner_source/basics/buildmodel_tutorial.py, read at commit 07a339ec; published at
https://pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html), ported by changing the imports only
(the unused ``os``, ``DataLoader`` and ``torchvision`` imports of the tutorial are dropped): a
FashionMNIST-sized ``NeuralNetwork`` (Flatten + Sequential of Linear/ReLU) moved ``.to(device)``,
``torch.rand(1, 28, 28, device=device)``, ``nn.Softmax(dim=1)(logits)``, ``.argmax(1)``, each layer on a (3,
28, 28) minibatch, and ``named_parameters()`` with ``param[:2]``.

No data set: the tutorial feeds random images. Nothing shrunk. The weights are random, so the checks are on
structure: shapes, rows of the softmax summing to 1, ReLU outputs non-negative, and the parameter names and
sizes, which must be PyTorch's. At the end, ``print(model)`` is compared with PyTorch's text for the same
model: computed once with torch 2.13.0 (CPU) from the same program.
"""

# ruff: noqa: UP008, UP032 -- the original's super(NeuralNetwork, self) and str.format are kept as written

from __future__ import annotations

import numpy as np

import tensorgrad as torch
from tensorgrad import nn

# computed once with torch 2.13.0 (CPU) from the same program: str(model)
TORCH_MODEL_TEXT = """NeuralNetwork(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear_relu_stack): Sequential(
    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
    (5): ReLU()
  )
)"""

# computed once with torch 2.13.0 (CPU) from the same program: (name, size) from model.named_parameters()
TORCH_NAMED_PARAMETERS = [
    ("linear_relu_stack.0.weight", (512, 784)),
    ("linear_relu_stack.0.bias", (512,)),
    ("linear_relu_stack.2.weight", (512, 512)),
    ("linear_relu_stack.2.bias", (512,)),
    ("linear_relu_stack.4.weight", (10, 512)),
    ("linear_relu_stack.4.bias", (10,)),
]


class NeuralNetwork(nn.Module):
    def __init__(self):
        super(NeuralNetwork, self).__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
            nn.ReLU(),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def test_build_the_neural_network():
    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    print("Using {} device".format(device))

    model = NeuralNetwork().to(device)
    print(model)

    X = torch.rand(1, 28, 28, device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    print(f"Predicted class: {y_pred}")
    assert tuple(logits.shape) == (1, 10) and np.isclose(pred_probab.sum().item(), 1.0, rtol=1e-5)
    assert 0 <= y_pred.item() < 10

    input_image = torch.rand(3, 28, 28)
    print(input_image.size())

    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    print(flat_image.size())
    assert flat_image.size() == (3, 784)

    layer1 = nn.Linear(in_features=28 * 28, out_features=20)
    hidden1 = layer1(flat_image)
    print(hidden1.size())
    assert hidden1.size() == (3, 20)

    print(f"Before ReLU: {hidden1}\n\n")
    hidden1 = nn.ReLU()(hidden1)
    print(f"After ReLU: {hidden1}")
    assert (hidden1.detach().numpy() >= 0).all()

    seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(20, 10))
    input_image = torch.rand(3, 28, 28)
    logits = seq_modules(input_image)

    softmax = nn.Softmax(dim=1)
    pred_probab = softmax(logits)
    assert np.allclose(pred_probab.sum(1).detach().numpy(), 1.0, rtol=1e-5)

    print("Model structure: ", model, "\n\n")

    named = []
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
        named.append((name, tuple(param.size())))

    assert named == TORCH_NAMED_PARAMETERS
    assert str(model) == TORCH_MODEL_TEXT
