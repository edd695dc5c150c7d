"""``tensorgrad.utils.data.dataset``: PyTorch's ``torch.utils.data.dataset`` path to ``tensorgrad.data``'s
datasets (the same objects)."""

from ...data.dataset import Dataset, Subset, TensorDataset, random_split

__all__ = ["Dataset", "Subset", "TensorDataset", "random_split"]
