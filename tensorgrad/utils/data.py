"""``tensorgrad.utils.data``: PyTorch's ``torch.utils.data`` names for what ``tensorgrad.data`` defines.

``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``, ``DataLoader`` and ``default_collate`` are the
same objects as ``tensorgrad.data``'s (``tensorgrad.utils.data.DataLoader is tensorgrad.data.DataLoader``).
"""

from ..data.dataset import Dataset, Subset, TensorDataset, random_split
from ..data.loader import DataLoader, default_collate

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
