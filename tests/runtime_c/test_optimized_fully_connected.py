"""Batch-1 FULLY_CONNECTED in the optimized tier (a matrix-vector product over the GEMM's packed weight
panels, several panels at a time: opt/fully_connected_f32_x86.c) against the reference tier in every
instruction set this machine runs, on 1, 2 and 3 threads: unit counts that leave every panel-group
remainder and a partial last panel, short and long depths, with and without a bias, each fused activation;
batches above one keep the GEMM and are checked beside them. Floats within 1e-5 of the reference's
magnitude (the tiers sum with fused multiply-adds), int8 bit for bit."""
import numpy as np
import pytest

from tests.runtime_c.test_optimized_kernels import _one_op, _q, _same

# (batch, depth, units): units 1..16 (one panel, partial), 17 and 33 (partial after whole panels), 64 and
# 80 (4 and 5 panels), 129 and 200 (8 panels plus remainders), 1000 (MobileNet's classifier)
SHAPES = [(1, 1, 1), (1, 7, 15), (1, 64, 16), (1, 33, 17), (1, 5, 33), (1, 128, 64), (1, 3, 80), (1, 17, 129),
          (1, 256, 200), (1, 1280, 1000), (2, 33, 129), (3, 16, 40)]


def _fc_f32(batch, depth, units, act, bias, seed):
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, (units, depth)).astype(np.float32)
    consts = [(1, w, None)] + ([(2, rng.uniform(-1, 1, units).astype(np.float32), None)] if bias else [])
    data = _one_op("FULLY_CONNECTED", [("float32", (batch, depth), None)], ("float32", (batch, units), None),
                   {"fused_activation_function": act}, consts=consts)
    return data, [rng.uniform(-1, 1, (batch, depth)).astype(np.float32)]


@pytest.mark.parametrize("batch,depth,units", SHAPES, ids=lambda v: str(v))
def test_float_fully_connected_in_every_tier(batch, depth, units):
    for act, bias in ((0, True), (1, False), (3, True)):   # NONE, RELU, RELU6
        data, feeds = _fc_f32(batch, depth, units, act, bias, seed=units + act)
        _same(data, feeds)


@pytest.mark.parametrize("batch,depth,units", SHAPES, ids=lambda v: str(v))
def test_int8_fully_connected_in_every_tier(batch, depth, units):
    rng = np.random.default_rng(depth)
    w = rng.integers(-127, 127, (units, depth), endpoint=True).astype(np.int8)
    b = rng.integers(-3000, 3000, units).astype(np.int32)
    data = _one_op("FULLY_CONNECTED", [("int8", (batch, depth), _q(0.02, -3))], ("int8", (batch, units), _q(0.05, 4)),
                   {"fused_activation_function": 1}, consts=[(1, w, _q(0.004, 0)), (2, b, _q(0.02 * 0.004, 0))])
    _same(data, [rng.integers(-128, 127, (batch, depth), endpoint=True).astype(np.int8)])
