"""Dive into Deep Learning, "Implementation of Softmax Regression from Scratch", PyTorch version
(d2l-ai/d2l-zh, chapter_linear-networks/softmax-regression-scratch.md, the ``#@tab pytorch`` / ``#@tab all``
cells, read at commit 02b0536b; published at
https://zh.d2l.ai/chapter_linear-networks/softmax-regression-scratch.html), ported by changing the imports and
the data only: ``W = torch.normal(0, 0.01, size=(784, 10), requires_grad=True)``, a hand-written ``softmax``
with ``d2l.reduce_sum(X_exp, 1, keepdim=True)``, ``cross_entropy`` as ``- d2l.log(y_hat[range(len(y_hat)),
y])``, ``accuracy`` with ``d2l.argmax`` / ``d2l.astype`` (``x.type(dtype)``), the ``Accumulator``,
``evaluate_accuracy`` / ``train_epoch_ch3`` (which ask ``isinstance(net, torch.nn.Module)`` and
``isinstance(updater, torch.optim.Optimizer)``), the ``Animator`` (matplotlib, drawn off-screen here) and
``train_ch3``, whose own asserts require a training loss below 0.5 and accuracies above 0.7, then
``predict_ch3``.

The book's cells call framework functions through the ``d2l`` package; ``d2l`` is not installed here, so a
stand-in namespace gives the aliases as ``d2l/torch.py`` defines them (over tensorgrad, forwarding at call
time), ``d2l.sgd`` from the linear-regression section, ``get_fashion_mnist_labels``, ``set_axes`` and ``plt``
as in d2l, a no-op ``use_svg_display``, and a ``show_images`` that draws nothing but keeps the titles it is
given (for a check). The data: ``d2l.load_data_fashion_mnist(256)`` returns loaders over generated 1x28x28
images of ten classes (class k is a bright bar at rows 2k+4 and 2k+5 over faint noise), 2560 for training and
512 for testing, instead of downloading Fashion-MNIST (60000 and 10000). The ten epochs and lr 0.1 are kept.
The weights are random, so the checks are the book's own asserts in ``train_ch3``, plus the spot checks the
text makes (softmax rows sum to 1; ``accuracy(y_hat, y) / len(y)`` is 0.5 on its toy example).
"""

# ruff: noqa: E741, B007, RUF005 -- the book's ``l`` for the loss, its idioms and unused loop variables are kept
# as written

from __future__ import annotations

import types

import matplotlib
import numpy as np
from IPython import display

import tensorgrad as torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def load_data_fashion_mnist(batch_size):
    """Stand-in for d2l.load_data_fashion_mnist: loaders over generated images (see the module docstring)."""
    from tensorgrad.utils.data import DataLoader, TensorDataset  # inside, so that while it is missing only
    # this test fails, not the collection of the suite

    def bar_images(count, seed):
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, 10, count)
        images = rng.uniform(0.0, 0.3, (count, 1, 28, 28)).astype(np.float32)
        for k in range(10):
            images[labels == k, 0, 2 * k + 4 : 2 * k + 6, 4:24] = 1.0
        return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))

    return (
        DataLoader(bar_images(2560, seed=8), batch_size, shuffle=True),
        DataLoader(bar_images(512, seed=9), batch_size, shuffle=False),
    )


def sgd(params, lr, batch_size):  # @save
    """小批量随机梯度下降。"""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def get_fashion_mnist_labels(labels):  # @save
    """返回Fashion-MNIST数据集的文本标签"""
    text_labels = [
        "t-shirt",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "shirt",
        "sneaker",
        "bag",
        "ankle boot",
    ]
    return [text_labels[int(i)] for i in labels]


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """设置matplotlib的轴"""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


shown = []  # the titles predict_ch3 passes to d2l.show_images (which only draws)

# the parts of d2l (d2l/torch.py) that these cells use, over tensorgrad
d2l = types.SimpleNamespace(
    load_data_fashion_mnist=load_data_fashion_mnist,
    sgd=sgd,
    get_fashion_mnist_labels=get_fashion_mnist_labels,
    set_axes=set_axes,
    plt=plt,
    use_svg_display=lambda: None,
    show_images=lambda imgs, num_rows, num_cols, titles=None, scale=1.5: shown.append(titles),
    normal=lambda *args, **kwargs: torch.normal(*args, **kwargs),
    matmul=lambda *args, **kwargs: torch.matmul(*args, **kwargs),
    exp=lambda *args, **kwargs: torch.exp(*args, **kwargs),
    log=lambda *args, **kwargs: torch.log(*args, **kwargs),
    tensor=lambda *args, **kwargs: torch.tensor(*args, **kwargs),
    size=lambda x, *args, **kwargs: x.numel(*args, **kwargs),
    reshape=lambda x, *args, **kwargs: x.reshape(*args, **kwargs),
    reduce_sum=lambda x, *args, **kwargs: x.sum(*args, **kwargs),
    argmax=lambda x, *args, **kwargs: x.argmax(*args, **kwargs),
    astype=lambda x, *args, **kwargs: x.type(*args, **kwargs),
)


class Accumulator:  # @save
    """在n个变量上累加"""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


class Animator:  # @save
    """在动画中绘制数据"""

    def __init__(
        self,
        xlabel=None,
        ylabel=None,
        legend=None,
        xlim=None,
        ylim=None,
        xscale="linear",
        yscale="linear",
        fmts=("-", "m--", "g-.", "r:"),
        nrows=1,
        ncols=1,
        figsize=(3.5, 2.5),
    ):
        # 增量地绘制多条线
        if legend is None:
            legend = []
        d2l.use_svg_display()
        self.fig, self.axes = d2l.plt.subplots(nrows, ncols, figsize=figsize)
        if nrows * ncols == 1:
            self.axes = [
                self.axes,
            ]
        # 使用lambda函数捕获参数
        self.config_axes = lambda: d2l.set_axes(
            self.axes[0], xlabel, ylabel, xlim, ylim, xscale, yscale, legend
        )
        self.X, self.Y, self.fmts = None, None, fmts

    def add(self, x, y):
        # 向图表中添加多个数据点
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        self.axes[0].cla()
        for x, y, fmt in zip(self.X, self.Y, self.fmts):
            self.axes[0].plot(x, y, fmt)
        self.config_axes()
        display.display(self.fig)
        display.clear_output(wait=True)


def test_softmax_regression_from_scratch():
    torch.manual_seed(0)
    history = []

    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

    num_inputs = 784
    num_outputs = 10

    W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
    b = torch.zeros(num_outputs, requires_grad=True)

    X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    d2l.reduce_sum(X, 0, keepdim=True), d2l.reduce_sum(X, 1, keepdim=True)

    def softmax(X):
        X_exp = d2l.exp(X)
        partition = d2l.reduce_sum(X_exp, 1, keepdim=True)
        return X_exp / partition  # 这里应用了广播机制

    X = d2l.normal(0, 1, (2, 5))
    X_prob = softmax(X)
    X_prob, d2l.reduce_sum(X_prob, 1)
    assert np.allclose(d2l.reduce_sum(X_prob, 1).numpy(), 1.0, atol=1e-6)

    def net(X):
        return softmax(d2l.matmul(d2l.reshape(X, (-1, W.shape[0])), W) + b)

    y = d2l.tensor([0, 2])
    y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y_hat[[0, 1], y]

    def cross_entropy(y_hat, y):
        return -d2l.log(y_hat[range(len(y_hat)), y])

    cross_entropy(y_hat, y)
    assert np.allclose(cross_entropy(y_hat, y).numpy(), -np.log([0.1, 0.5]), rtol=1e-6)

    def accuracy(y_hat, y):  # @save
        """计算预测正确的数量"""
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = d2l.argmax(y_hat, axis=1)
        cmp = d2l.astype(y_hat, y.dtype) == y
        return float(d2l.reduce_sum(d2l.astype(cmp, y.dtype)))

    accuracy(y_hat, y) / len(y)
    assert accuracy(y_hat, y) / len(y) == 0.5

    def evaluate_accuracy(net, data_iter):  # @save
        """计算在指定数据集上模型的精度"""
        if isinstance(net, torch.nn.Module):
            net.eval()  # 将模型设置为评估模式
        metric = Accumulator(2)  # 正确预测数、预测总数
        with torch.no_grad():
            for X, y in data_iter:
                metric.add(accuracy(net(X), y), d2l.size(y))
        return metric[0] / metric[1]

    evaluate_accuracy(net, test_iter)

    def train_epoch_ch3(net, train_iter, loss, updater):  # @save
        """训练模型一个迭代周期（定义见第3章）"""
        # 将模型设置为训练模式
        if isinstance(net, torch.nn.Module):
            net.train()
        # 训练损失总和、训练准确度总和、样本数
        metric = Accumulator(3)
        for X, y in train_iter:
            # 计算梯度并更新参数
            y_hat = net(X)
            l = loss(y_hat, y)
            if isinstance(updater, torch.optim.Optimizer):
                # 使用PyTorch内置的优化器和损失函数
                updater.zero_grad()
                l.mean().backward()
                updater.step()
            else:
                # 使用定制的优化器和损失函数
                l.sum().backward()
                updater(X.shape[0])
            metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
        # 返回训练损失和训练精度
        return metric[0] / metric[2], metric[1] / metric[2]

    def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):  # @save
        """训练模型（定义见第3章）"""
        animator = Animator(
            xlabel="epoch",
            xlim=[1, num_epochs],
            ylim=[0.3, 0.9],
            legend=["train loss", "train acc", "test acc"],
        )
        for epoch in range(num_epochs):
            train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
            test_acc = evaluate_accuracy(net, test_iter)
            animator.add(epoch + 1, train_metrics + (test_acc,))
            history.append(train_metrics + (test_acc,))
        train_loss, train_acc = train_metrics
        assert train_loss < 0.5, train_loss
        assert train_acc <= 1 and train_acc > 0.7, train_acc
        assert test_acc <= 1 and test_acc > 0.7, test_acc

    lr = 0.1

    def updater(batch_size):
        return d2l.sgd([W, b], lr, batch_size)

    num_epochs = 10
    train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)

    def predict_ch3(net, test_iter, n=6):  # @save
        """预测标签（定义见第3章）"""
        for X, y in test_iter:
            break
        trues = d2l.get_fashion_mnist_labels(y)
        preds = d2l.get_fashion_mnist_labels(d2l.argmax(net(X), axis=1))
        titles = [true + "\n" + pred for true, pred in zip(trues, preds)]
        d2l.show_images(d2l.reshape(X[0:n], (n, 28, 28)), 1, n, titles=titles[0:n])

    predict_ch3(net, test_iter)
    plt.close("all")

    assert len(history) == 10 and len(shown) == 1 and len(shown[0]) == 6
    assert all(title.count("\n") == 1 for title in shown[0])
