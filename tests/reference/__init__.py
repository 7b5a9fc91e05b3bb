"""Independent NumPy/SciPy references for every op, and the test cases that use them.

Each module mirrors one card file of `training/ops/` and defines `CASES`, a list of `Case`.
References never call tensorlite: they are naive loops or NumPy/SciPy, so a kernel bug cannot
hide in its own reference (JAX's `lax_reference.py`).
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Case:
    op: str                          # name in the op table
    inputs: list                     # NumPy arrays (their dtypes are the dtypes tested)
    ref: Callable                    # reference: (*inputs, **attrs) -> array or tuple of arrays
    attrs: dict = field(default_factory=dict)
    name: str = ""                   # short id for the test report
    rtol: float = 1e-5
    atol: float = 1e-6
    grad: bool = True                # check gradients (ignored for nondifferentiable ops)
    order2: bool = True              # also check second-order gradients
    grad_rtol: float = 1e-4
    grad_atol: float = 1e-6

    @property
    def id(self) -> str:
        return f"{self.op}-{self.name}" if self.name else self.op


@dataclass
class BadCase:
    """A call that must raise `error` with every string of `match` in its message."""
    op: str
    inputs: list
    error: type
    match: tuple
    attrs: dict = field(default_factory=dict)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def all_cases() -> tuple[list[Case], list[BadCase]]:
    cases, bad = [], []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        cases += getattr(mod, "CASES", [])
        bad += getattr(mod, "BAD", [])
    return cases, bad
