"""The built-in networks of the ``tensorgrad`` command, sized for 8x8 digit images (64 pixels, 10 classes)
by default; any input shape and class count can be asked for.

``mlp``: Flatten, Dense(in -> 128), ReLU, Dense(128 -> 64), ReLU, Dense(64 -> classes), where ``in`` is the
number of input features (64 for a digit, 2 for a point of the toy data sets).
``cnn``: Conv2D(c -> 32, 3x3, same padding), ReLU, MaxPool2D(2), Conv2D(32 -> 64, 3x3, same), ReLU,
MaxPool2D(2), Flatten, Dropout(0.25), Dense(64 * (h/4) * (w/4) -> classes), for images of shape (c, h, w).
The classic small CNN (Keras' MNIST example has this shape); on the digits it reaches 98-99% test accuracy
with Momentum or Adam in 20 epochs (the dropout keeps Adam from settling on a split's hard cases at 97%).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .. import nn

#: the shape of one digits image: (channels, height, width)
DIGITS_IMAGE = (1, 8, 8)


def mlp(
    input_shape: tuple[int, ...] = DIGITS_IMAGE, classes: int = 10, hidden: tuple[int, ...] = (128, 64)
) -> nn.Module:
    """A multilayer perceptron on flattened inputs of ``input_shape``; see the module docstring."""
    layers: list[nn.Module] = [nn.Flatten()]
    width_in = math.prod(input_shape)
    for units in hidden:
        layers += [nn.Dense(width_in, units), nn.ReLU()]
        width_in = units
    layers.append(nn.Dense(width_in, classes))
    return nn.Sequential(*layers)


def cnn(input_shape: tuple[int, ...] = DIGITS_IMAGE, classes: int = 10) -> nn.Module:
    """A two-block convolutional network (see the module docstring) on images of ``input_shape`` (c, h, w)."""
    if len(input_shape) != 3:
        raise ValueError(
            "cnn: needs images of shape (channels, height, width), got inputs of shape "
            f"{tuple(input_shape)}; use the mlp for points"
        )
    channels, height, width = input_shape
    if height % 4 or width % 4:
        raise ValueError(
            f"cnn: image height and width must be multiples of 4 (two 2x2 poolings), got {tuple(input_shape)}"
        )
    return nn.Sequential(
        nn.Conv2D(channels, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Conv2D(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Flatten(),
        nn.Dropout(0.25),
        nn.Dense(64 * (height // 4) * (width // 4), classes),
    )


MODELS: dict[str, Callable[..., nn.Module]] = {"mlp": mlp, "cnn": cnn}
