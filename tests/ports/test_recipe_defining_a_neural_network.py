"""PyTorch's recipe "Defining a Neural Network in PyTorch" (pytorch/tutorials,
recipes_source/recipes/defining_a_neural_network.py, read at commit 0a7e6866; published at
https://pytorch.org/tutorials/recipes/recipes/defining_a_neural_network.html), ported by changing the imports
only: the MNIST network with ``nn.Dropout2d``, printed, then one random 28x28 image passed through it.

This recipe was not in the corpus when the corpus was written; trying it found ``nn.Dropout2d`` missing (a
clear "not supported" error), which was then added. No data and nothing shrunk. The printed model is compared
with PyTorch's (computed once with torch 2.13.0 (CPU) from the same program); the output is random (random
weights and image), so its checks are structural: log-probabilities of 10 classes that sum to one, and
channel dropout zeroing whole feature maps.
"""

# ruff: noqa: UP008 -- the recipe's super(Net, self) is kept as written (the formatter re-indents its body)

from __future__ import annotations

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F

# computed once with torch 2.13.0 (CPU): print(Net())
TORCH_PRINT = """Net(
  (conv1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))
  (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1))
  (dropout1): Dropout2d(p=0.25, inplace=False)
  (dropout2): Dropout2d(p=0.5, inplace=False)
  (fc1): Linear(in_features=9216, out_features=128, bias=True)
  (fc2): Linear(in_features=128, out_features=10, bias=True)
)"""


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    # x represents our data
    def forward(self, x):
        # Pass data through conv1
        x = self.conv1(x)
        # Use the rectified-linear activation function over x
        x = F.relu(x)

        x = self.conv2(x)
        x = F.relu(x)

        # Run max pooling over x
        x = F.max_pool2d(x, 2)
        # Pass data through dropout1
        x = self.dropout1(x)
        # Flatten x with start_dim=1
        x = x.flatten(start_dim=1)
        # Pass data through fc1
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)

        # Apply softmax to x
        output = F.log_softmax(x, dim=1)
        return output


def test_defining_a_neural_network_recipe_prints_pytorchs_model_and_outputs_log_probabilities():
    my_nn = Net()
    assert str(my_nn) == TORCH_PRINT

    # Equates to one random 28x28 image
    random_data = torch.rand((1, 1, 28, 28))

    my_nn = Net()
    result = my_nn(random_data)
    print(result)

    assert result.shape == (1, 10)
    np.testing.assert_allclose(np.exp(result.numpy()).sum(), 1.0, rtol=1e-5)
    result.sum().backward()
    assert my_nn.conv1.weight.grad.shape == (32, 1, 3, 3)


def test_dropout2d_zeroes_whole_feature_maps_in_training_and_nothing_in_eval():
    torch.manual_seed(0)
    x = torch.ones(8, 16, 4, 4)
    dropout = nn.Dropout2d(0.5)
    per_map = dropout(x).sum(dim=(2, 3)).numpy()
    assert set(np.unique(per_map)) <= {0.0, 32.0}  # a map is all zero or all scaled by 1 / (1 - p)
    assert 0.3 < (per_map == 0).mean() < 0.7  # about half the maps dropped (128 maps)
    dropout.eval()
    assert dropout(x) is x
