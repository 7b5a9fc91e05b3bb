"""The XLA device (JAX): arrays are jax arrays, kernels take `xp=jax.numpy`, so eager ops run as
XLA computations and a traced tl.function is compiled whole with jax.jit (training/graph/xla.py).
Runs on whatever JAX sees: the CPU here, GPUs or TPUs where present. Install: pip install -e '.[xla]'.

Kernels: the op table's kernels are written against an array module `xp`; those that are pure
jax.numpy (no in-place writes, no data-dependent Python) are registered for "xla" as they are
(erf and gelu use jax.scipy's erf through their xp); the ops in CPU_ONLY have no XLA kernel and
run on the CPU (placement falls back and logs the transfer)."""
from __future__ import annotations

import numpy as np

name = "xla"
CPU_ONLY = {"conv2d_backprop_input", "strided_slice_grad", "unsorted_segment_sum", "gather",
            "max_pool2d_grad", "avg_pool2d_grad"}
_jax = None


def _load():
    global _jax
    if _jax is None:
        import jax
        jax.config.update("jax_enable_x64", True)  # float64/int64 tensors keep their dtype
        _jax = jax
        _register()
    return _jax


def available() -> tuple[bool, str]:
    try:
        _load()
    except ImportError:
        return False, "JAX is not installed (pip install -e '.[xla]')"
    return True, ""


def __getattr__(attr):  # `xp` is jax.numpy, imported on first use
    if attr == "xp":
        return _load().numpy
    raise AttributeError(attr)


def put(a):
    return _load().numpy.asarray(a)


def get(a) -> np.ndarray:
    return np.asarray(a)


def sync() -> None:
    pass


def _register() -> None:
    from ..ops.registry import OPS
    for op_name, op in OPS.items():
        if op_name not in CPU_ONLY and "cpu" in op.kernels and "xla" not in op.kernels:
            op.kernels["xla"] = op.kernels["cpu"]
