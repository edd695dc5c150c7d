"""``tensorgrad.utils.data``: PyTorch's ``torch.utils.data`` names for what ``tensorgrad.data`` defines.

``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``, ``DataLoader`` and ``default_collate`` are the
same objects as ``tensorgrad.data``'s (``tensorgrad.utils.data.DataLoader is tensorgrad.data.DataLoader``).
PyTorch's submodule paths work too: ``tensorgrad.utils.data.dataset`` and ``tensorgrad.utils.data.dataloader``
(``from torch.utils.data.dataset import random_split``).
"""

from .dataloader import DataLoader, default_collate
from .dataset import Dataset, Subset, TensorDataset, random_split

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
