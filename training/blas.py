"""Matrix products for the CPU kernels: NumPy's BLAS, with small products on one BLAS thread.

OpenBLAS splits even a 2048 x 9 x 16 product over all its threads; on a 2-core machine that is
busy with anything else, waking and joining them costs 10-30x the product itself (measured on
the digits CNN's convolutions with tl.profiler). Products under SMALL multiply-adds therefore run
with the BLAS thread count set to 1 for the call (restored after), larger ones on every thread.
The switch needs OpenBLAS's set/get_num_threads, looked up in the library NumPy loaded; with
another BLAS (or none found) every product uses the BLAS's own threading."""
from __future__ import annotations

import ctypes

import numpy as np

SMALL = 1 << 24  # multiply-adds (about 34 MFLOP, ~1 ms on one core): below it one thread wins
_NAMES = (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
          ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
          ("openblas_set_num_threads", "openblas_get_num_threads"))
_threads = None  # (set, get) once found; False when there is no OpenBLAS to steer


def _find():
    global _threads
    np.ones((2, 2)) @ np.ones((2, 2))  # make sure NumPy's BLAS is loaded
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line and ".so" in line})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in _NAMES:
            if hasattr(lib, set_name) and hasattr(lib, get_name):
                setter, getter = getattr(lib, set_name), getattr(lib, get_name)
                setter.argtypes, setter.restype, getter.restype = [ctypes.c_int], None, ctypes.c_int
                _threads = (setter, getter)
                return _threads
    _threads = False
    return _threads


def matmul(xp, a, b):
    """xp.matmul(a, b); with NumPy, on one BLAS thread when the product is small."""
    if xp is not np:
        return xp.matmul(a, b)
    threads = _threads if _threads is not None else _find()
    work = a.size * b.shape[-1] if a.ndim >= b.ndim else b.size * a.shape[-2]
    if not threads or work >= SMALL:
        return np.matmul(a, b)
    setter, getter = threads
    before = getter()
    if before == 1:
        return np.matmul(a, b)
    setter(1)
    try:
        return np.matmul(a, b)
    finally:
        setter(before)


def set_threads(n: int) -> bool:
    """Sets OpenBLAS's thread count for every later product (benchmarks pin it); False without OpenBLAS."""
    threads = _threads if _threads is not None else _find()
    if not threads:
        return False
    threads[0](int(n))
    return True
