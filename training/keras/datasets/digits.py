"""The UCI optical digits (8x8 images, 1,797 of them), embedded so the main job needs no download.

    (x_train, y_train), (x_test, y_test) = tl.keras.datasets.digits.load_data()

Images are uint8 arrays of shape (n, 8, 8) holding 0..16 (not 0..255: each pixel counts the set
pixels of a 4x4 block); labels are uint8 digits 0..9, as Keras's MNIST loader returns them. The
split is stratified and fixed by `seed`, independent of `tl.random`: every class contributes the
same share to the test set, and the same arguments always give the same arrays. With the
defaults: 1,437 training and 360 test images. Data origin and checksum: README.md beside this file.
"""
from __future__ import annotations

import gzip
import math
import os

import numpy as np

_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.csv.gz")
_N_IMAGES = 1797


def _read(path: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        with gzip.open(path, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, ValueError) as e:
        raise OSError(f"digits: cannot read {path}: {e}") from e
    if table.shape != (_N_IMAGES, 65) or table[:, :64].min() < 0 or table[:, :64].max() > 16:
        raise ValueError(f"digits: {path} is not the digits table: expected {_N_IMAGES} rows of 64 "
                         f"pixels in 0..16 and a label, got shape {list(table.shape)}")
    return table[:, :64].astype(np.uint8).reshape(-1, 8, 8), table[:, 64].astype(np.uint8)


def _stratified_test_counts(counts: np.ndarray, n_test: int) -> np.ndarray:
    """Splits `n_test` over the classes in proportion to `counts`, by largest remainder, so the
    per-class numbers sum to exactly `n_test`."""
    share = counts * n_test / counts.sum()
    take = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    return take


def load_data(test_split: float = 0.2, seed: int = 113):
    """Returns `((x_train, y_train), (x_test, y_test))`; the test set is `ceil(test_split * 1797)`
    images (360 by default), stratified by class; both sets are in a seeded random order."""
    if not 0.0 < test_split < 1.0:
        raise ValueError(f"digits.load_data: `test_split` must be in (0, 1), got {test_split}")
    x, y = _read(_FILE)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    n_test = math.ceil(test_split * len(y))
    test_idx, train_idx = [], []
    for c, k in zip(classes, _stratified_test_counts(counts, n_test), strict=True):
        members = rng.permutation(np.flatnonzero(y == c))
        test_idx.append(members[:k])
        train_idx.append(members[k:])
    train = rng.permutation(np.concatenate(train_idx))
    test = rng.permutation(np.concatenate(test_idx))
    return (x[train], y[train]), (x[test], y[test])
