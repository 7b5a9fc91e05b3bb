"""complex64 tensors and the builtins that make or read them: RFFT2D, REAL, IMAG and COMPLEX_ABS, against LiteRT's
reference kernels. REAL and IMAG are exact; COMPLEX_ABS is hypotf and equal bit for bit, over magnitudes from
1e-9 to 1e9, zeros, infinities and NaN. RFFT2D is computed in double and rounded once, LiteRT's in float: they
agree within 1e-6 of the transform's largest magnitude (its float rounding), on batches, crops, zero padding and
runtime fft lengths, and both are checked against NumPy's double FFT. Refusals: non-power-of-two lengths, a width
of 1 (LiteRT's output there is not the transform), shapes fft_length does not give, complex64 where a kernel does
not take it."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.runtime_c.tflite_graph import check_against_litert, one_op, refused, run_both


def _complex(rng, shape, spread=0.0):
    scale = np.exp(rng.uniform(-spread, spread, shape)) if spread else 1.0
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * scale).astype(np.complex64)


@pytest.mark.parametrize("op", ["REAL", "IMAG", "COMPLEX_ABS"])
@pytest.mark.parametrize("shape", [[3, 4], [2, 3, 5, 2], [7], []])
def test_complex_parts_bit_exact(op, shape):
    rng = np.random.default_rng(len(shape))
    z = _complex(rng, shape, spread=20.0)
    if shape == [7]:
        z = np.array([0, complex(np.inf, 1), complex(1, -np.inf), complex(np.nan, 0), complex(0, np.nan), -0.0,
                      complex(3e38, 3e38)], np.complex64)
    check_against_litert(one_op(op, [(shape, "complex64")], [(shape, "float32")]), [z])


# (input shape, fft_length, fft_length constant?)
RFFT_CASES = [([4, 8], [4, 8], True), ([2, 3, 5], [4, 8], True), ([8, 16], [4, 8], True),
              ([1, 2, 6, 10], [8, 16], True),
              ([4, 8], [4, 8], False), ([5, 3], [1, 2], True), ([16, 32], [16, 32], True), ([3, 4], [2, 2], True)]


@pytest.mark.parametrize("shape,length,const", RFFT_CASES)
def test_rfft2d_against_litert_and_numpy(shape, length, const):
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape).astype(np.float32)
    oshape = shape[:-2] + [length[0], length[1] // 2 + 1]
    fl = np.array(length, np.int32)
    model = one_op("RFFT2D", [(shape, "float32"), ([2], "int32")], [(oshape, "complex64")],
                   consts={1: fl} if const else {})
    (ours,), (ref,) = run_both(model, [x] if const else [x, fl])
    assert ours.dtype == ref.dtype == np.complex64 and ours.shape == ref.shape == tuple(oshape)
    padded = np.zeros(shape[:-2] + length)
    h, w = min(shape[-2], length[0]), min(shape[-1], length[1])
    padded[..., :h, :w] = x[..., :h, :w]
    exact = np.fft.rfft2(padded)
    scale = max(np.abs(exact).max(), 1.0)
    assert np.abs(ours - exact).max() <= 1e-7 * scale * 4  # rounded once from double
    assert np.abs(ours - ref).max() <= 1e-6 * scale


def test_rfft2d_refusals_and_runtime_length():
    x = np.ones((4, 8), np.float32)
    refused(one_op("RFFT2D", [([6, 12], "float32"), None], [([6, 7], "complex64")],
                   consts={1: np.array([6, 12], np.int32)}), "RFFT2D", "powers of two")
    refused(one_op("RFFT2D", [([4, 8], "float32"), None], [([4, 4], "complex64")],
                   consts={1: np.array([4, 8], np.int32)}), "RFFT2D", "output shape is not")
    refused(one_op("RFFT2D", [([4, 8], "float32"), None], [([4, 5], "float32")],
                   consts={1: np.array([4, 8], np.int32)}), "RFFT2D", "output must be complex64")
    refused(one_op("RFFT2D", [([4, 8], "float32"), None], [([2, 1], "complex64")],
                   consts={1: np.array([2, 1], np.int32)}), "RFFT2D", "width must be at least 2")
    it = tl.lite.Interpreter(model_content=one_op("RFFT2D", [([4, 8], "float32"), ([2], "int32")],
                                                  [([4, 5], "complex64")]))
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.set_tensor(it.get_input_details()[1]["index"], np.array([4, 4], np.int32))
    with pytest.raises(RuntimeError, match="fft_length does not give the output's shape"):
        it.invoke()


def test_complex64_refused_where_a_kernel_does_not_take_it():
    refused(one_op("REAL", [([3], "float32")], [([3], "float32")]), "REAL", "input must be complex64")
    refused(one_op("COMPLEX_ABS", [([3], "complex64")], [([3], "complex64")]), "COMPLEX_ABS", "output must be float32")
    with pytest.raises(ValueError, match=r"node 0 \(ADD\)"):
        tl.lite.Interpreter(model_content=one_op("ADD", [([3], "complex64"), ([3], "complex64")],
                                                 [([3], "complex64")])).allocate_tensors()


def test_rfft2d_shape_rule_after_a_resize():
    from tests.runtime_c.test_window_ops import resized_both
    x = np.random.default_rng(2).standard_normal((3, 2, 6, 9)).astype(np.float32)
    model = one_op("RFFT2D", [([1, 2, 6, 9], "float32"), None], [([1, 2, 8, 9], "complex64")],
                   consts={1: np.array([8, 16], np.int32)})
    (ours,), (ref,) = resized_both(model, [[3, 2, 6, 9]], [x])
    assert ours.shape == ref.shape == (3, 2, 8, 9)
    assert np.abs(ours - ref).max() <= 1e-6 * np.abs(ref).max()
