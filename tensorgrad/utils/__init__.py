"""``tensorgrad.utils``: PyTorch's ``torch.utils`` names, so ``from tensorgrad.utils.data import DataLoader``
ports as is. The code lives in ``tensorgrad.data``; this package only re-exports it."""

from . import data

__all__ = ["data"]
