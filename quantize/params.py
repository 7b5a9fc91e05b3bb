"""Quantization parameters from value ranges, and quantized arrays, as the TFLite quantization spec
defines them (real = scale * (q - zero_point)):

- int8 activations: asymmetric, q in [-128, 127]. The range is widened to hold 0 so that 0.0 (padding,
  ReLU's floor) is exact, and the zero point is an integer inside the range;
- int16 activations (the 16x8 mode): symmetric, zero point 0, q in [-32767, 32767];
- int8 weights: symmetric (zero point 0), q in [-127, 127] ("narrow range": -128 is never used, so
  the product of two int8 weights cannot overflow an int16 intermediate in optimized kernels), one
  scale per output channel for convolutions;
- biases: int32 (int64 beside int16 activations) with scale = input scale * weight scale and zero
  point 0, so they add straight into the integer accumulator.

Rounding is half away from zero, as TFLite's own quantization tools round.
"""
from __future__ import annotations

import numpy as np

QMIN = {"int8": -128, "int16": -32768, "int32": -(2**31), "int64": -(2**63)}
QMAX = {"int8": 127, "int16": 32767, "int32": 2**31 - 1, "int64": 2**63 - 1}


def round_half_away(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def activation_params(lo: float, hi: float, dtype: str) -> tuple[float, int]:
    """(scale, zero_point) for an activation whose values lie in [lo, hi]."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
        raise ValueError(f"activation range [{lo}, {hi}] is not a finite interval")
    if dtype == "int16":
        bound = max(abs(lo), abs(hi))
        return (bound / 32767.0 if bound > 0 else 1.0), 0
    if dtype != "int8":
        raise ValueError(f"activations quantize to int8 or int16, not {dtype}")
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:                     # always exactly zero: any scale represents it
        return 1.0, -128
    scale = (hi - lo) / 255.0
    zero_point = int(np.clip(round_half_away(-128 - lo / scale), -128, 127))
    return scale, zero_point


def quantize_values(x: np.ndarray, scale, zero_point, dtype: str, axis: int | None = None,
                    narrow: bool = False) -> np.ndarray:
    """round(x / scale) + zero_point, saturated to the type (to +-127 for narrow int8); `scale` and
    `zero_point` are per channel along `axis` when it is given."""
    x = np.asarray(x, np.float64)
    scale = np.asarray(scale, np.float64)
    zero_point = np.asarray(zero_point, np.int64)
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    lo = QMIN[dtype] + (1 if narrow else 0)
    q = round_half_away(x / scale) + zero_point
    return np.clip(q, lo, QMAX[dtype]).astype(dtype)


def weight_scales(w: np.ndarray, axis: int | None) -> np.ndarray:
    """Symmetric int8 scales: max |w| / 127 per channel along `axis` (one scale when None). An
    all-zero channel gets scale 1 (its values quantize to 0 whatever the scale)."""
    w = np.abs(np.asarray(w, np.float64))
    if axis is None:
        bound = np.array([w.max() if w.size else 0.0])
    else:
        bound = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1).max(axis=1)
    scales = bound / 127.0
    return np.where(scales > 0, scales, 1.0)


def bias_values(b: np.ndarray, input_scale: float, w_scales: np.ndarray, dtype: str) -> np.ndarray:
    """The bias in the accumulator's units; raises OverflowError where a value does not fit `dtype`."""
    scales = float(input_scale) * np.asarray(w_scales, np.float64)
    q = round_half_away(np.asarray(b, np.float64) / scales)
    if np.any(np.abs(q) > QMAX[dtype]):
        raise OverflowError(f"bias does not fit {dtype}")
    return q.astype(dtype)
