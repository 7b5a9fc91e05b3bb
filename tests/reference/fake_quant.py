"""References for training/ops/fake_quant.py: TensorFlow's FakeQuant arithmetic written as a plain loop.
Ranges avoid zero points that fall on .5 exactly (float32 and float64 could round those apart). The
gradient is a straight-through estimator, not a derivative: tests/quantize/test_qat.py checks it."""
import math

import numpy as np

from . import BadCase, Case, rng

r = rng(41)


def fake_quant_ref(x, lo, hi, num_bits=8, narrow_range=False):
    qmin, qmax = (1 if narrow_range else 0), 2 ** num_bits - 1
    lo = np.broadcast_to(np.asarray(lo, np.float64), x.shape[-1:]) if np.ndim(lo) else np.full(x.shape[-1:], lo)
    hi = np.broadcast_to(np.asarray(hi, np.float64), x.shape[-1:]) if np.ndim(hi) else np.full(x.shape[-1:], hi)
    out = np.empty_like(x)
    for i in np.ndindex(*x.shape):
        c = i[-1]
        scale = (hi[c] - lo[c]) / (qmax - qmin)
        from_min = qmin - lo[c] / scale
        zero = min(max(math.copysign(math.floor(abs(from_min) + 0.5), from_min), qmin), qmax)
        n_lo, n_hi = (qmin - zero) * scale, (qmax - zero) * scale
        v = min(max(float(x[i]), n_lo), n_hi)
        out[i] = math.floor((v - n_lo) / scale + 0.5) * scale + n_lo
    return out


x = (r.standard_normal((3, 5, 4)) * 1.5).astype(np.float32)
CASES = [
    Case("fake_quant", [x, np.float32(-0.73), np.float32(1.41)], fake_quant_ref, grad=False, atol=1e-5),
    Case("fake_quant", [x, np.float32(-2.1), np.float32(0.37)], fake_quant_ref, attrs={"narrow_range": True},
         name="narrow", grad=False, atol=1e-5),
    Case("fake_quant", [x, np.float32(0.2), np.float32(3.3)], fake_quant_ref, attrs={"num_bits": 4},
         name="four_bits_positive_range", grad=False, atol=1e-5),
    Case("fake_quant", [x, np.array([-1.3, -0.2, -2.7, 0.0], np.float32), np.array([1.3, 0.9, 2.7, 0.61], np.float32)],
         fake_quant_ref, attrs={"narrow_range": True}, name="per_channel", grad=False, atol=1e-5),
]
def _nudged(lo, hi, num_bits, narrow_range, channels):
    y = fake_quant_ref(np.stack([np.full(channels, -1e9), np.full(channels, 1e9)]), lo, hi, num_bits, narrow_range)
    return y[0], y[1]                       # far outside both ends: the nudged bounds themselves


def fake_quant_grad_ref(dy, x, lo, hi, num_bits=8, narrow_range=False):
    n_lo, n_hi = _nudged(lo, hi, num_bits, narrow_range, x.shape[-1])
    below, above = x < n_lo, x > n_hi
    dx = np.where(below | above, 0.0, dy).astype(x.dtype)
    axes = tuple(range(x.ndim)) if np.ndim(lo) == 0 else tuple(range(x.ndim - 1))
    return (dx, np.sum(np.where(below, dy, 0.0), axis=axes).astype(np.float32),
            np.sum(np.where(above, dy, 0.0), axis=axes).astype(np.float32))


dy = r.standard_normal(x.shape).astype(np.float32)
CASES += [
    Case("fake_quant_grad", [dy, x, np.float32(-0.73), np.float32(1.41)], fake_quant_grad_ref, atol=1e-5),
    Case("fake_quant_grad", [dy, x, np.array([-1.3, -0.2, -2.7, 0.0], np.float32),
                             np.array([1.3, 0.9, 2.7, 0.61], np.float32)], fake_quant_grad_ref,
         attrs={"narrow_range": True}, name="per_channel", atol=1e-5),
]
BAD = [
    BadCase("fake_quant", [x, np.zeros(3, np.float32), np.ones(3, np.float32)], ValueError,
            ("one value per channel", "[3]")),
    BadCase("fake_quant", [x.astype(np.int32), np.int32(0), np.int32(1)], TypeError, ("inputs",)),
]
