"""8-bit SOFTMAX in the optimized tier (opt/softmax_q8.c: the reference's fixed-point arithmetic through
tables of the 256 input differences) against the reference tier, bit for bit, in every instruction set this
machine runs: int8 -> int8, int8 -> int16 and uint8 -> uint8, rows shorter and longer than their range of
values, input scales and betas whose differences leave the fixed-point range (outputs of exactly zero), one
row and many, every input value."""
import numpy as np
import pytest

from tests.runtime_c.test_optimized_kernels import _one_op, _q, _same

OUT = {"int8": ("int8", _q(1 / 256, -128)), "int16": ("int16", _q(1 / 65536, -32768)),
       "uint8": ("uint8", _q(1 / 256, 0))}
# (input type, output type, input scale, input zero point, beta)
PARAMS = [("int8", "int8", 0.1, 5, 1.0), ("int8", "int8", 0.02, -128, 1.0), ("int8", "int8", 0.5, 0, 1.0),
          ("int8", "int8", 0.0390625, 0, 0.5), ("int8", "int8", 1.0, 3, 2.0), ("int8", "int16", 0.1, -3, 1.0),
          ("int8", "int16", 0.7, 0, 1.0), ("uint8", "uint8", 0.05, 128, 1.0), ("uint8", "uint8", 0.4, 10, 1.5)]
SHAPES = [(1, 1), (1, 5), (3, 17), (1, 255), (2, 256), (1, 1000), (4, 300), (2, 3, 7)]


@pytest.mark.parametrize("in_t,out_t,scale,zero,beta", PARAMS, ids=lambda v: str(v))
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_8bit_softmax_in_every_tier(in_t, out_t, scale, zero, beta, shape):
    info = np.iinfo(in_t)
    rng = np.random.default_rng(shape[-1])
    x = rng.integers(info.min, info.max, shape, endpoint=True).astype(in_t)
    narrow = (x // 16).astype(in_t)  # a range of 16 values: rows longer than their range use the table
    every = np.resize(np.arange(info.min, info.max + 1), shape).astype(in_t)
    data = _one_op("SOFTMAX", [(in_t, shape, _q(scale, zero))], (OUT[out_t][0], shape, OUT[out_t][1]), {"beta": beta})
    for feed in (x, narrow, every):
        _same(data, [feed])
