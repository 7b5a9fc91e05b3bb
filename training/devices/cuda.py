"""The CUDA device (CuPy): arrays are cupy arrays and kernels registered for "cuda" take
`xp=cupy` (the cards register their xp-generic kernels for "cpu" and "cuda"); an op without a
CUDA kernel falls back to the CPU and the transfer is logged. Install on a machine with an NVIDIA
GPU: pip install -e '.[cuda]'. Without CuPy or a GPU, `with tl.device("cuda")` fails with the
reason (no silent fallback)."""
from __future__ import annotations

import numpy as np

name = "cuda"
_cupy = None


def _load():
    global _cupy
    if _cupy is None:
        import cupy
        _cupy = cupy
    return _cupy


def available() -> tuple[bool, str]:
    try:
        cp = _load()
    except ImportError:
        return False, "CuPy is not installed (pip install -e '.[cuda]' on a machine with an NVIDIA GPU)"
    try:
        count = cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # CUDA driver missing or broken: CuPy raises its own runtime errors
        return False, f"no usable CUDA GPU ({type(e).__name__}: {e})"
    if count == 0:
        return False, "no CUDA GPU is visible"
    return True, ""


def __getattr__(attr):  # `xp` is cupy, imported on first use
    if attr == "xp":
        return _load()
    raise AttributeError(attr)


def put(a):
    return _load().asarray(a)


def get(a) -> np.ndarray:
    return a if isinstance(a, np.ndarray) else _load().asnumpy(a)


def sync() -> None:
    _load().cuda.Device().synchronize()
