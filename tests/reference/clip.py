"""References for training/ops/clip.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(28)
# Values kept at least 0.1 away from the bounds: clip has kinks there.
t = np.array([[-2.0, -0.7, 0.1, 0.6], [1.7, -0.2, 0.95, -1.3], [0.3, 2.2, -0.45, 0.75]], np.float32)
lo = np.array([-0.5, -0.5, 0.0, -1.0], np.float32)
hi = np.array(0.8, np.float32)


def clip_ref(v, a, b):
    a, b = np.broadcast_to(a, v.shape), np.broadcast_to(b, v.shape)
    out = v.copy()
    for i in np.ndindex(*v.shape):
        out[i] = max(min(v[i], b[i]), a[i])  # TensorFlow's order: min with hi first
    return out


CASES = [
    Case("clip", [t, lo, hi], clip_ref),
    Case("clip", [t, np.array(0.5, np.float32), np.array(-0.5, np.float32)], clip_ref, name="lo_above_hi"),
    Case("clip", [(t * 10).astype(np.int32), np.array(-3, np.int32), np.array(5, np.int32)], clip_ref,
         name="int32"),
]
BAD = [
    BadCase("clip", [t, lo, r.standard_normal((2, 1, 1)).astype(np.float32)], ValueError,
            ("shape of t [3, 4]", "[2, 3, 4]")),
    BadCase("clip", [t, lo.astype(np.float64), hi], TypeError, ("same dtype", "float64")),
]
