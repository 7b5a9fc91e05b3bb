"""Device registry and placement (`with tl.device("cpu"):`). One module per device, one small
surface each: `name`, `xp`, `available() -> (ok, reason)`, `put`, `get`, `sync`."""
from __future__ import annotations

import contextlib
import threading

from . import cpu, cuda, tpu, xla

DEVICES = {"cpu": cpu, "cuda": cuda, "xla": xla, "tpu": tpu}
_state = threading.local()


def get_device(name: str):
    name = name.lower().split(":")[0]
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; known: {', '.join(DEVICES)}")
    return DEVICES[name]


def current_device():
    return getattr(_state, "device", cpu)


@contextlib.contextmanager
def device(name: str):
    """Places the ops created inside the block on `name` ("cpu", "cuda", "xla", "tpu")."""
    dev = get_device(name)
    ok, reason = dev.available()
    if not ok:
        raise RuntimeError(f"device {name!r} is not available: {reason}")
    prev = current_device()
    _state.device = dev
    try:
        yield dev
    finally:
        _state.device = prev
