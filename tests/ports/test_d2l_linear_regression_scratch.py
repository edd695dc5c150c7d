"""Dive into Deep Learning, "Linear Regression Implementation from Scratch", PyTorch version (d2l-ai/d2l-zh,
chapter_linear-networks/linear-regression-scratch.md, the ``#@tab pytorch`` / ``#@tab all`` cells, read at
commit 078ab0db; published at https://zh.d2l.ai/chapter_linear-networks/linear-regression-scratch.html),
ported by changing the imports only: ``synthetic_data`` with ``d2l.normal`` / ``d2l.matmul`` / ``y +=``,
``data_iter`` yielding ``features[batch_indices]`` for a ``d2l.tensor`` of shuffled indices,
``torch.normal(0, 0.01, size=(2,1), requires_grad=True)``, the hand-written ``sgd`` (``param -= ...`` and
``param.grad.zero_()`` under ``torch.no_grad()``), ``l.sum().backward()`` and ``float(train_l.mean())``.

The book's cells call framework functions through the ``d2l`` package's aliases (``d2l.normal``,
``d2l.matmul``, ``d2l.tensor``, ``d2l.reshape``, ``d2l.numpy``); ``d2l`` is not installed here, so a stand-in
namespace defines those aliases over tensorgrad as ``d2l/torch.py`` defines them over torch (``normal =
torch.normal``, ``reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)``, ...; the function aliases
forward at call time, so that a missing function fails the test rather than the collection of the suite). The
scatter-plot cell (``d2l.set_figsize``, ``d2l.plt``) is dropped.

No data set: the program makes its own (1000 examples). Nothing shrunk. Everything is random (Python's
``random.shuffle`` too), so the checks are on behaviour: the printed loss falls below 1e-3 by the third epoch
(the book prints about 5e-5) and the estimation errors of w and b are small.
"""

# ruff: noqa: E741 -- the book's ``l`` for the loss is kept as written

from __future__ import annotations

import random
import types

import numpy as np

import tensorgrad as torch

# the aliases of d2l/torch.py that these cells use, over tensorgrad
d2l = types.SimpleNamespace(
    normal=lambda *args, **kwargs: torch.normal(*args, **kwargs),
    matmul=lambda *args, **kwargs: torch.matmul(*args, **kwargs),
    tensor=lambda *args, **kwargs: torch.tensor(*args, **kwargs),
    reshape=lambda x, *args, **kwargs: x.reshape(*args, **kwargs),
    numpy=lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs),
)


def synthetic_data(w, b, num_examples):  # @save
    """生成 y = Xw + b + 噪声。"""
    X = d2l.normal(0, 1, (num_examples, len(w)))
    y = d2l.matmul(X, w) + b
    y += d2l.normal(0, 0.01, y.shape)
    return X, d2l.reshape(y, (-1, 1))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # 这些样本是随机读取的，没有特定的顺序
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = d2l.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):  # @save
    """线性回归模型。"""
    return d2l.matmul(X, w) + b


def squared_loss(y_hat, y):  # @save
    """均方损失。"""
    return (y_hat - d2l.reshape(y, y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):  # @save
    """小批量随机梯度下降。"""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def test_linear_regression_from_scratch():
    torch.manual_seed(0)
    random.seed(0)
    printed = []

    true_w = d2l.tensor([2, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)

    print("features:", features[0], "\nlabel:", labels[0])

    batch_size = 10

    for X, y in data_iter(batch_size, features, labels):
        print(X, "\n", y)
        assert tuple(X.shape) == (10, 2) and tuple(y.shape) == (10, 1)
        break

    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    lr = 0.03
    num_epochs = 3
    net = linreg
    loss = squared_loss

    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            l = loss(net(X, w, b), y)  # `X`和`y`的小批量损失
            # 因为`l`形状是(`batch_size`, 1)，而不是一个标量。`l`中的所有元素被加到一起，
            # 并以此计算关于[`w`, `b`]的梯度
            l.sum().backward()
            sgd([w, b], lr, batch_size)  # 使用参数的梯度更新参数
        with torch.no_grad():
            train_l = loss(net(features, w, b), labels)
            print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
            printed.append(float(train_l.mean()))

    print(f"w的估计误差: {true_w - d2l.reshape(w, true_w.shape)}")
    print(f"b的估计误差: {true_b - b}")

    assert len(printed) == 3 and printed[-1] < 1e-3
    assert np.abs(d2l.numpy(true_w - d2l.reshape(w, true_w.shape))).max() < 0.01
    assert abs(true_b - float(b.detach())) < 0.01
