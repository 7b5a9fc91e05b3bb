"""The XLA device (JAX): arrays are jax arrays, kernels take `xp=jax.numpy`, so eager ops run as
XLA computations and a traced tl.function is compiled whole with jax.jit (training/graph/xla.py).
Runs on whatever JAX sees: the CPU here, GPUs or TPUs where present. Install: pip install -e '.[xla]'.

Kernels: the op table's kernels are written against an array module `xp`; those that are pure
jax.numpy (no in-place writes, no data-dependent Python) are registered for "xla" as they are
(erf and gelu use jax.scipy's erf through their xp). Gradient ops whose kernels write in place
declare on their card the forward op they are the vjp of (`vjp_of`), and run here as jax.vjp of
its kernel. Ops whose card says `no_xla` have no XLA kernel and run on the CPU (placement falls
back and logs the transfer)."""
from __future__ import annotations

import numpy as np

name = "xla"
_jax = None


def _load():
    global _jax
    if _jax is None:
        import jax
        jax.config.update("jax_enable_x64", True)  # float64/int64 tensors keep their dtype
        _use_compilation_cache(jax)
        _jax = jax
        _register()
    return _jax


def cache_dir() -> str | None:
    """Where compiled XLA programs persist between processes: $TENSORLITE_XLA_CACHE, else
    $XDG_CACHE_HOME/tensorlite/xla (~/.cache/tensorlite/xla); None when TENSORLITE_XLA_CACHE is empty."""
    import os
    env = os.environ.get("TENSORLITE_XLA_CACHE")
    if env is not None:
        return env or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tensorlite", "xla")


def _use_compilation_cache(jax) -> None:
    """JAX's persistent compilation cache, on unless the user configured JAX's own. XLA's CPU compiler
    takes seconds per train-step shape (1.5-4 s for the digits CNN here) and a new process compiles
    again; from the cache the same program loads in about 0.08 s. Programs compiling in under 0.5 s
    are not stored (cheaper to compile than to read), unless JAX's own variable says otherwise."""
    import os
    if jax.config.jax_compilation_cache_dir:
        return
    path = cache_dir()
    if path:
        jax.config.update("jax_compilation_cache_dir", path)
        if "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS" not in os.environ:
            jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


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
    """A committed array on JAX's default device: the same kind jitted calls return, so a compiled
    function called with either does not compile again for the other."""
    jax = _load()
    return jax.device_put(jax.numpy.asarray(a), jax.devices()[0])


def get(a) -> np.ndarray:
    return np.asarray(a)


def sync() -> None:
    pass


def _register() -> None:
    from ..ops.registry import OPS
    for op in OPS.values():
        if "xla" in op.kernels or op.no_xla:
            continue
        if op.vjp_of is not None:
            forward, shape_attr = op.vjp_of
            forward = OPS[forward].kernels["cpu"]
            op.kernels["xla"] = _vjp_at_input(forward) if shape_attr is None else _linear_vjp(forward, shape_attr)
        elif "cpu" in op.kernels:
            op.kernels["xla"] = op.kernels["cpu"]


def _linear_vjp(forward, shape_attr):
    """grad(dy, *rest, <shape_attr>=input shape, **attrs): the forward is linear in its first input, so
    its vjp at zeros of that shape is the gradient. A None batch there (a symbolic one, where the card
    allows it: `symbolic_attrs`) is dy's."""
    def kernel(xp, dy, *rest, **attrs):
        shape = tuple(attrs.pop(shape_attr))
        if shape and shape[0] is None:
            shape = (dy.shape[0],) + shape[1:]
        _, pullback = _jax.vjp(lambda a: forward(xp, a, *rest, **attrs), xp.zeros(shape, dy.dtype))
        return pullback(dy)[0]
    return kernel


def _vjp_at_input(forward):
    """grad(x, dy, **attrs): the vjp of the forward at x. (max_pool2d_grad has its own XLA kernel: JAX's
    rule for max shares a tie's gradient, where the CPU kernel gives it to the first maximum.)"""
    def kernel(xp, x, dy, **attrs):
        _, pullback = _jax.vjp(lambda a: forward(xp, a, **attrs), x)
        return pullback(dy)[0]
    return kernel
