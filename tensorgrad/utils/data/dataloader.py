"""``tensorgrad.utils.data.dataloader``: PyTorch's ``torch.utils.data.dataloader`` path to
``tensorgrad.data``'s loader (the same objects)."""

from ...data.loader import DataLoader, default_collate

__all__ = ["DataLoader", "default_collate"]
