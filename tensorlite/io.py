"""`tl.io`: feature specs as `tf.io` spells them (TFX Trainer and Transform modules build them)."""
from __future__ import annotations

from typing import NamedTuple


class FixedLenFeature(NamedTuple):
    """A feature with a fixed number of values per example, `shape` (e.g. [1]) of `dtype`."""

    shape: list
    dtype: object
    default_value: object = None


class VarLenFeature(NamedTuple):
    """A feature with any number of values per example."""

    dtype: object
