"""The built-in networks of the ``tensorgrad`` command, sized for 8x8 digit images (64 pixels, 10 classes)
by default; any image size and class count can be asked for.

``mlp``: Flatten, Dense(in -> 128), ReLU, Dense(128 -> 64), ReLU, Dense(64 -> classes).
``cnn``: Conv2D(c -> 16, 3x3, same padding), ReLU, MaxPool2D(2), Conv2D(16 -> 32, 3x3, same), ReLU,
MaxPool2D(2), Flatten, Dense(32 * (h/4) * (w/4) -> classes).
"""

from __future__ import annotations

from collections.abc import Callable

from .. import nn

#: what each builder expects: (channels, height, width) of one image
DIGITS_IMAGE = (1, 8, 8)


def mlp(
    image: tuple[int, int, int] = DIGITS_IMAGE, classes: int = 10, hidden: tuple[int, ...] = (128, 64)
) -> nn.Module:
    """A multilayer perceptron on flattened images; see the module docstring."""
    channels, height, width = image
    layers: list[nn.Module] = [nn.Flatten()]
    width_in = channels * height * width
    for units in hidden:
        layers += [nn.Dense(width_in, units), nn.ReLU()]
        width_in = units
    layers.append(nn.Dense(width_in, classes))
    return nn.Sequential(*layers)


def cnn(image: tuple[int, int, int] = DIGITS_IMAGE, classes: int = 10) -> nn.Module:
    """A two-block convolutional network (see the module docstring); height and width: multiples of 4."""
    channels, height, width = image
    if height % 4 or width % 4:
        raise ValueError(
            f"cnn: image height and width must be multiples of 4 (two 2x2 poolings), got {image}"
        )
    return nn.Sequential(
        nn.Conv2D(channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Conv2D(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Flatten(),
        nn.Dense(32 * (height // 4) * (width // 4), classes),
    )


MODELS: dict[str, Callable[..., nn.Module]] = {"mlp": mlp, "cnn": cnn}
