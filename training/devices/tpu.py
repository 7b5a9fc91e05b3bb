"""`tpu` names a TPU seen by JAX; the XLA device runs there when one exists. Without one,
`with tl.device("tpu")` fails with the reason (there is no silent fallback to the CPU)."""
from __future__ import annotations

from . import xla

name = "tpu"


def available() -> tuple[bool, str]:
    ok, reason = xla.available()
    if not ok:
        return False, reason
    try:
        tpus = xla._load().devices("tpu")
    except RuntimeError:
        tpus = []
    if not tpus:
        return False, f"no TPU: JAX sees only {sorted({d.platform for d in xla._load().devices()})}"
    return True, ""


def __getattr__(attr):
    return getattr(xla, attr)
