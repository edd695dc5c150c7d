"""The 8x8 handwritten digits bundled with scikit-learn (1,797 images, 10 classes; no download).

Pixels are counts 0..16 of ink in 4x4 blocks of the original 32x32 bitmaps; we scale them to [0, 1] by
pixel / 16. The train/test split is ``stratified_split`` of the labels, so both halves have every digit in
the same proportion and, for one seed, the two halves are disjoint and cover all images.
"""

from __future__ import annotations

import numpy as np

from ..dataset import TensorDataset, stratified_split


def load_digits(
    train: bool = True, test_fraction: float = 0.2, seed: int = 0, flatten: bool = False
) -> TensorDataset:
    """The training (or test) part of scikit-learn's digits: a ``TensorDataset`` of float32 images in
    [0, 1] of shape (N, 1, 8, 8) (or (N, 64) with ``flatten``) and int64 labels 0..9.

    With the defaults the training set has 1,437 images and the test set 360.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError("load_digits needs scikit-learn: pip install 'tensorgrad[data]'") from None
    bunch = sklearn_load_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    train_idx, test_idx = stratified_split(labels, test_fraction=test_fraction, seed=seed)
    chosen = train_idx if train else test_idx
    x = images[chosen].reshape(len(chosen), 64) if flatten else images[chosen][:, None, :, :]
    return TensorDataset(np.ascontiguousarray(x), labels[chosen])
