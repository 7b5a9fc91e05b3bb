"""The kernels the optimized tier runs through the int8 GEMM's raw int32 sums (runtimes/c/kernels/opt/gemm_s8.h)
against the reference kernels, in every instruction set this machine runs and on 2 and 3 threads
(test_optimized_kernels.py's `_same`): FULLY_CONNECTED int8, whose reference requantizes in double
(round(sum * in_scale * w_scale / out_scale), half away from zero), so every output byte must be equal, ties
included. Shapes have tails of the GEMM's 12-row tiles and 16- and 32-unit panels; weights per tensor and per
unit, input zero points at both ends of int8, biases present and absent; weights with a zero point and biases
that could saturate the int32 sum stay on the reference kernel and must agree all the same."""
import numpy as np
import pytest

from .test_optimized_kernels import _one_op, _q, _same


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
