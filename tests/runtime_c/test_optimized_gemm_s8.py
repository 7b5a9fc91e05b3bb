"""The kernels the optimized tier runs through the int8 GEMM's raw int32 sums (runtimes/c/kernels/opt/gemm_s8.h)
against the reference kernels, in every instruction set this machine runs and on 2 and 3 threads
(test_optimized_kernels.py's `_same`):

- FULLY_CONNECTED int8, whose reference requantizes in double (round(sum * in_scale * w_scale / out_scale),
  half away from zero), so every output byte must be equal, ties included. Shapes have tails of the GEMM's
  12-row tiles and 16- and 32-unit panels; weights per tensor and per unit, input zero points at both ends of
  int8, biases present and absent; weights with a zero point and biases that could saturate the int32 sum stay
  on the reference kernel and must agree all the same.
- Hybrid CONV_2D and FULLY_CONNECTED (float32 input and output, int8 weights): the input quantized by the
  reference's own function, the sums by the GEMM, the reference's float operations in its order, so the floats
  must be equal bit for bit (NaN, infinities and -0.0 in some inputs): test_optimized_kernels.py's convolution
  geometries with one filter scale (symmetric rows) and per-channel scales (asymmetric rows, per-batch zero
  points that im2col pads with), and the FULLY_CONNECTED shapes above under its 16 settings."""
import itertools

import numpy as np
import pytest

from .test_optimized_kernels import GEOMETRIES, _one_op, _q, _same


def _fully_connected_s8(batches, depth, units, in_q, w_scales, out_q, act=0, bias=True, w_zero=0, bias_scale=1.0,
                        seed=0):
    """One int8 FULLY_CONNECTED [batches, depth] x [units, depth] and its input."""
    rng = np.random.default_rng(seed)
    w_scales = np.broadcast_to(np.asarray(w_scales, np.float64), (len(np.atleast_1d(w_scales)),))
    w = rng.integers(-127, 128, (units, depth)).astype(np.int8)
    consts = [(1, w, _q(w_scales, np.full(len(w_scales), w_zero)))]
    if bias:
        b = (rng.integers(-5000, 5000, units) * bias_scale).astype(np.int32)
        consts.append((2, b, _q(in_q[0] * w_scales * np.ones(units) if len(w_scales) > 1 else [in_q[0] * w_scales[0]],
                                np.zeros(units if len(w_scales) > 1 else 1))))
    data = _one_op("FULLY_CONNECTED", [("int8", (batches, depth), _q(*in_q))], ("int8", (batches, units), _q(*out_q)),
                   {"fused_activation_function": act}, consts=consts)
    return data, [rng.integers(-128, 128, (batches, depth)).astype(np.int8)]


FC_SHAPES = [(1, 1, 1), (1, 7, 5), (3, 33, 17), (5, 64, 32), (13, 301, 40), (1, 1280, 100), (30, 16, 70), (2, 3, 33)]
# (input (scale, zero point), weight scales: one, or "per-unit", output (scale, zero point), activation)
FC_QUANTS = [((0.05, -128), 0.01, (0.2, 3), 0),
             ((0.02, 127), "per-unit", (0.5, -128), 1),     # RELU
             ((0.5, 0), 1.0, (1.0, 0), 0),                  # scale 0.5: half the sums are ties
             ((0.25, 7), 0.5, (0.5, -9), 3),                # scale 0.25, RELU6
             ((0.003, -20), "per-unit", (0.0001, 10), 0)]   # saturates both ways


@pytest.mark.parametrize("batches,depth,units", FC_SHAPES, ids=lambda v: str(v))
def test_fully_connected_int8_in_every_tier(batches, depth, units):
    for k, (in_q, w_scales, out_q, act) in enumerate(FC_QUANTS):
        if w_scales == "per-unit":
            w_scales = np.random.default_rng(k).uniform(0.001, 0.02, units)
        data, feeds = _fully_connected_s8(batches, depth, units, in_q, w_scales, out_q, act, bias=k != 1, seed=k)
        _same(data, feeds)


@pytest.mark.parametrize("case", ["weight zero point", "saturating bias"])
def test_fully_connected_int8_left_to_the_reference(case):
    kw = {"w_zero": 3} if case == "weight zero point" else {"bias_scale": 400000.0}
    data, feeds = _fully_connected_s8(4, 5000 if case == "saturating bias" else 40, 20, (0.05, -3), 0.01, (0.3, 1),
                                      **kw)
    _same(data, feeds)


# Hybrid (dynamic-range) CONV_2D and FULLY_CONNECTED: float32 input and output, int8 weights with zero point 0,
# float32 bias. The optimized tier quantizes the input with the reference's own function, sums with the int8
# GEMM and applies the reference's float operations in its order, so the floats must be equal bit for bit.
def _weights_s8(rng, shape, per_channel):
    w = rng.integers(-127, 128, shape).astype(np.int8)
    scales = rng.uniform(0.001, 0.05, shape[0]) if per_channel else [0.02]
    return w, _q(scales, np.zeros(len(scales)), 0)


def _hybrid_input(rng, shape, special=False):
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    x[0] = np.abs(x[0]) + 0.5                      # one batch positive only (zero point -128 when asymmetric)
    if special:                                    # NaN, infinities and -0.0 reach the row quantizer
        n = min(x.size - 1, 4)
        x.flat[1:1 + n] = [np.nan, np.inf, -np.inf, -0.0][:n]
    return x


def _conv_hybrid(batch, h, w, c, out_c, k, stride, padding, dilation, act, per_channel, bias, seed):
    rng = np.random.default_rng(seed)
    f, fq = _weights_s8(rng, (out_c, k, k, c), per_channel)
    consts = [(1, f, fq)] + ([(2, rng.standard_normal(out_c).astype(np.float32), None)] if bias else [])
    eff = (k - 1) * dilation + 1
    oh, ow = (-(-h // stride), -(-w // stride)) if padding == 0 else ((h - eff) // stride + 1, (w - eff) // stride + 1)
    return _one_op("CONV_2D", [("float32", (batch, h, w, c), None)], ("float32", (batch, oh, ow, out_c), None),
                   dict(padding=padding, stride_w=stride, stride_h=stride, dilation_w_factor=dilation,
                        dilation_h_factor=dilation, fused_activation_function=act), consts=consts), rng


CONV_GEOMETRIES = [g[1:] for g in GEOMETRIES if g[0] == "CONV_2D"]


@pytest.mark.parametrize("shape,k,stride,padding,dilation", CONV_GEOMETRIES,
                         ids=lambda v: str(v) if not isinstance(v, tuple) else "x".join(map(str, v)))
def test_hybrid_convolution_geometry_in_every_tier(shape, k, stride, padding, dilation):
    batch, h, w, c = shape
    for per_channel in (False, True):   # symmetric rows with one filter scale; asymmetric rows per channel
        data, rng = _conv_hybrid(2, h, w, c, 19, k, stride, padding, dilation, act=int(per_channel),
                                 per_channel=per_channel, bias=k != 5, seed=k + stride + per_channel)
        _same(data, [_hybrid_input(rng, (2, h, w, c), special=dilation == 2 and k == 3)], exact=True)


@pytest.mark.parametrize("out_c", [1, 16, 33, 70])
def test_hybrid_convolution_channels_in_every_tier(out_c):
    for per_channel, act in ((False, 3), (True, 0)):
        data, rng = _conv_hybrid(3, 7, 9, 20, out_c, 1, 1, 0, 1, act, per_channel, bias=True, seed=out_c)
        _same(data, [_hybrid_input(rng, (3, 7, 9, 20))], exact=True)


def test_hybrid_grouped_convolution_left_to_the_reference():
    rng = np.random.default_rng(5)
    f, fq = _weights_s8(rng, (6, 3, 3, 2), True)
    data = _one_op("CONV_2D", [("float32", (1, 6, 6, 4), None)], ("float32", (1, 6, 6, 6), None),
                   dict(padding=0, stride_w=1, stride_h=1), consts=[(1, f, fq)])
    _same(data, [_hybrid_input(rng, (1, 6, 6, 4))], exact=True)


def _fully_connected_hybrid(batches, depth, units, per_channel, bias, asymmetric, act, seed):
    rng = np.random.default_rng(seed)
    w, wq = _weights_s8(rng, (units, depth), per_channel)
    consts = [(1, w, wq)] + ([(2, rng.standard_normal(units).astype(np.float32), None)] if bias else [])
    data = _one_op("FULLY_CONNECTED", [("float32", (batches, depth), None)], ("float32", (batches, units), None),
                   {"fused_activation_function": act, "asymmetric_quantize_inputs": asymmetric}, consts=consts)
    return data, [_hybrid_input(rng, (batches, depth), special=seed % 3 == 0)]


@pytest.mark.parametrize("batches,depth,units", FC_SHAPES, ids=lambda v: str(v))
def test_hybrid_fully_connected_in_every_tier(batches, depth, units):
    for k, (per_channel, bias, asymmetric, act) in enumerate(itertools.product((False, True), (False, True),
                                                                                (False, True), (0, 1))):
        if k % 2 == batches % 2:    # half of the 16 settings per shape, all of them over the shapes
            data, feeds = _fully_connected_hybrid(batches, depth, units, per_channel, bias, asymmetric, act, seed=k)
            _same(data, feeds, exact=True)
