"""int8 ADD / SUB in the optimized tier's 32-bit form (opt/binary_q.c: each input's rescaling as two 32-bit
multiplies and a compare, then the output's rescaling; the reference's arithmetic step for step), and MUL, whose
int8 results share its byte packing, against the reference tier bit for bit, in every instruction set this machine
runs: every pair of int8 values, under quantizations where an input's scale is the larger one (no rounding
division), both equal, ratios far apart, zero points at both ends, outputs that saturate, an output scale fine
enough to show the inputs' own rounding, each fused activation; and the broadcasts that form takes (one operand a
repeated row or a single value) with tails."""
import numpy as np
import pytest

from tests.runtime_c.test_optimized_kernels import _one_op, _q, _same

# (input a, input b, output): (scale, zero point)
QUANTS = [((0.05, 0), (0.05, 0), (0.05, 0)), ((0.05, 3), (0.03, -10), (0.07, -5)),
          ((0.0236, -128), (0.0472, 127), (0.031, 4)), ((0.001, -100), (0.2, 90), (0.5, -3)),
          ((0.1, 127), (0.1, -128), (0.003, 0)), ((0.0005267, -128), (0.002002, -128), (0.0002633, -128)),
          ((0.5, 1), (0.0001, -7), (0.02, 20)), ((0.0117, 9), (0.0118, -9), (0.0235, -1)),
          # an output scale 2^-20 of the inputs': where 3 a's steps cancel 10 of b's, the output shows each input's
          # own rounding (in a wider one it almost never reaches the output)
          ((0.1, 0), (0.03, 0), (4.77e-7, 0)), ((0.03, 5), (0.1, -5), (4.77e-7, 0))]


@pytest.mark.parametrize("opcode", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("quants", QUANTS, ids=lambda q: str(q))
def test_every_int8_pair_in_every_tier(opcode, quants):
    shape = (1, 256, 256)
    a = np.repeat(np.arange(-128, 128), 256).reshape(shape).astype(np.int8)
    b = np.tile(np.arange(-128, 128), 256).reshape(shape).astype(np.int8)
    for act in (0, 1, 3):   # NONE, RELU, RELU6
        data = _one_op(opcode, [("int8", shape, _q(*quants[0])), ("int8", shape, _q(*quants[1]))],
                       ("int8", shape, _q(*quants[2])), {"fused_activation_function": act})
        _same(data, [a, b])


BROADCASTS = [((1, 7, 9, 37), (1, 1, 1, 37)), ((1, 1, 1, 19), (1, 5, 3, 19)), ((1, 9, 41), (1,)), ((1,), (2, 3, 33)),
              ((1, 56, 56, 24), (1, 56, 56, 24))]


@pytest.mark.parametrize("a_shape,b_shape", BROADCASTS, ids=lambda s: "x".join(map(str, s)))
def test_int8_broadcasts_in_every_tier(a_shape, b_shape):
    rng = np.random.default_rng(len(a_shape) + a_shape[-1])
    out_shape = np.broadcast_shapes(a_shape, b_shape)
    for k, quants in enumerate(QUANTS[:4]):
        for opcode in ("ADD", "SUB"):
            data = _one_op(opcode, [("int8", a_shape, _q(*quants[0])), ("int8", b_shape, _q(*quants[1]))],
                           ("int8", out_shape, _q(*quants[2])), {"fused_activation_function": k % 4})
            _same(data, [rng.integers(-128, 127, s, endpoint=True).astype(np.int8) for s in (a_shape, b_shape)])
