"""MediaPipe's vision-pipeline CUSTOM operators in the C runtime (issue 12 item 3): MaxPoolingWithArgmax2D,
MaxUnpooling2D and Convolution2DTransposeBias, against NumPy references written here from their published
definitions (MediaPipe's mediapipe/util/tflite/operations/*.cc: options are TFLite's C parameter structs; argmax
indices are floats ky * filter_width + kx + 0.1; unpooling pads as ComputePadding(stride, output, filter, input) and
skips places outside the output; the transposed convolution's size and padding as its Prepare). LiteRT's Python
package has none of them, so NumPy is the only oracle. TransformLandmarks (4-D with FlexBuffer {dimensions, scale},
3-D without) and TransformTensorBilinear (version 2: align-corners correction, float/double arithmetic as written in
the reference) likewise; Landmarks2TransformMatrix has no kernel yet and is named as an unsupported custom op."""
import struct

import numpy as np
import pytest
from flatbuffers import flexbuffers

import tensorlite as tl
from tests.runtime_c.tflite_graph import Model

RNG = np.random.default_rng(7)
SAME, VALID = 1, 2


def pool_params(padding, stride, filt, activation=0) -> bytes:
    return struct.pack("<6i", padding, stride[1], stride[0], filt[1], filt[0], activation)  # w before h


def _out_size(n, f, s, padding):
    return -(-n // s) if padding == SAME else (n - f + s) // s


def _pad(stride, in_size, filt, out_size):
    total = (out_size - 1) * stride + filt - in_size
    return total // 2 if total > 0 else 0


def _trunc_divmod(k, d):
    q = abs(k) // d * (1 if k >= 0 else -1)  # C's division truncates toward zero
    return q, k - q * d


def argmax_pool_ref(x, padding, stride, filt, activation=0):
    n, h, w, c = x.shape
    oh, ow = _out_size(h, filt[0], stride[0], padding), _out_size(w, filt[1], stride[1], padding)
    ph, pw = _pad(stride[0], h, filt[0], oh), _pad(stride[1], w, filt[1], ow)
    lo, hi = {0: (-np.inf, np.inf), 1: (0, np.inf), 2: (-1, 1), 3: (0, 6)}[activation]
    out, idx = np.zeros((n, oh, ow, c), np.float32), np.zeros((n, oh, ow, c), np.float32)
    for b, oy, ox, ch in np.ndindex(n, oh, ow, c):
        best, where = np.float32(np.finfo(np.float32).min), 0
        for ky in range(filt[0]):
            for kx in range(filt[1]):
                y, xx = oy * stride[0] - ph + ky, ox * stride[1] - pw + kx
                if 0 <= y < h and 0 <= xx < w and x[b, y, xx, ch] > best:
                    best, where = x[b, y, xx, ch], ky * filt[1] + kx
        out[b, oy, ox, ch] = np.clip(best, lo, hi)
        idx[b, oy, ox, ch] = np.float32(where) + np.float32(0.1)
    return out, idx


def unpool_ref(x, idx, stride, filt):
    n, h, w, c = x.shape
    oh, ow = h * filt[0], w * filt[1]
    ph, pw = _pad(stride[0], oh, filt[0], h), _pad(stride[1], ow, filt[1], w)
    out = np.zeros((n, oh, ow, c), np.float32)
    for b, y, xx, ch in np.ndindex(n, h, w, c):
        ky, kx = _trunc_divmod(int(np.trunc(idx[b, y, xx, ch])), filt[1])
        oy, ox = y * stride[0] - ph + ky, xx * stride[1] - pw + kx
        if 0 <= oy < oh and 0 <= ox < ow:
            out[b, oy, ox, ch] = x[b, y, xx, ch]
    return out


def tconv_ref(x, wgt, bias, padding, stride):
    n, h, w, ci = x.shape
    co, kh, kw, _ = wgt.shape
    th = max(0, kh - (h - 1) % stride[0] - 1) if padding == SAME else 0
    tw = max(0, kw - (w - 1) % stride[1] - 1) if padding == SAME else 0
    oh, ow = stride[0] * (h - 1) + kh - th, stride[1] * (w - 1) + kw - tw
    full = np.zeros((n, stride[0] * (h - 1) + kh, stride[1] * (w - 1) + kw, co))
    for y, xx in np.ndindex(h, w):  # scatter each input pixel through the whole filter, then crop
        full[:, y * stride[0]:y * stride[0] + kh, xx * stride[1]:xx * stride[1] + kw] += np.einsum(
            "nc,okwc->nkwo", x[:, y, xx].astype(np.float64), wgt.astype(np.float64))
    return (full[:, th // 2:th // 2 + oh, tw // 2:tw // 2 + ow] + bias).astype(np.float32)


def one_custom(code, inputs, outputs, options, consts=None) -> bytes:
    """A model of one CUSTOM op: `inputs` [(name, shape)] float32 graph inputs, or constants from `consts`."""
    m = Model()
    g = m.subgraph()
    ins = [g.const(name, consts[name]) if consts and name in consts else g.input(name, shape, "float32")
           for name, shape in inputs]
    outs = [g.tensor(name, shape, "float32") for name, shape in outputs]
    g.custom(code, ins, outs, options)
    g.output(*outs)
    return m.build()


def run(data, feeds, **resize):
    it = tl.lite.Interpreter(model_content=data)
    for d, x in zip(it.get_input_details(), feeds):
        if tuple(d["shape"]) != x.shape:
            it.resize_tensor_input(d["index"], list(x.shape))
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]) for d in it.get_output_details()]


@pytest.mark.parametrize("padding,stride,filt,shape,activation", [
    (SAME, (2, 2), (2, 2), (1, 8, 8, 3), 0), (VALID, (2, 2), (2, 2), (2, 7, 9, 4), 0),
    (SAME, (2, 1), (3, 3), (1, 7, 6, 2), 1), (VALID, (1, 2), (3, 2), (1, 6, 9, 5), 3),
    (SAME, (3, 3), (2, 2), (1, 10, 11, 1), 2)])
def test_max_pooling_with_argmax(padding, stride, filt, shape, activation):
    x = RNG.standard_normal(shape).astype(np.float32) * 3
    x[0, :2, :2, 0] = 1.5  # ties: the first maximum in the window wins
    want_y, want_i = argmax_pool_ref(x, padding, stride, filt, activation)
    data = one_custom("MaxPoolingWithArgmax2D", [("x", shape)], [("y", want_y.shape), ("i", want_i.shape)],
                      pool_params(padding, stride, filt, activation))
    y, i = run(data, [x])
    np.testing.assert_array_equal(y, want_y)
    np.testing.assert_array_equal(i, want_i)


@pytest.mark.parametrize("stride,filt,shape", [((2, 2), (2, 2), (1, 4, 5, 3)), ((1, 2), (2, 3), (2, 3, 4, 2)),
                                               ((3, 3), (2, 2), (1, 3, 3, 1))])
def test_max_unpooling(stride, filt, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    idx = (RNG.integers(0, filt[0] * filt[1], shape) + 0.1).astype(np.float32)
    idx.flat[::7] = np.float32(-3.9)  # out-of-window and out-of-range indices are skipped, never written
    idx.flat[1::11] = np.float32(1e6)
    want = unpool_ref(x, idx, stride, filt)
    data = one_custom("MaxUnpooling2D", [("x", shape), ("i", shape)], [("y", want.shape)],
                      pool_params(SAME, stride, filt))
    (got,) = run(data, [x, idx])
    np.testing.assert_array_equal(got, want)


def test_argmax_then_unpooling_and_a_resize():
    """The encoder/decoder pair as pipelines use it, at the model's batch 1 and resized to 3."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [1, 6, 6, 2], "float32")
    y, i, u = g.tensor("y", [1, 3, 3, 2], "float32"), g.tensor("i", [1, 3, 3, 2], "float32"), \
        g.tensor("u", [1, 6, 6, 2], "float32")
    g.custom("MaxPoolingWithArgmax2D", [x], [y, i], pool_params(SAME, (2, 2), (2, 2)))
    g.custom("MaxUnpooling2D", [y, i], [u], pool_params(SAME, (2, 2), (2, 2)))
    g.output(u)
    data = m.build()
    for batch in (1, 3):
        xs = RNG.standard_normal((batch, 6, 6, 2)).astype(np.float32)
        (got,) = run(data, [xs])
        pooled, where = argmax_pool_ref(xs, SAME, (2, 2), (2, 2))
        np.testing.assert_array_equal(got, unpool_ref(pooled, where, (2, 2), (2, 2)))
        assert got.shape == (batch, 6, 6, 2) and np.count_nonzero(got) == pooled.size  # one maximum per window


@pytest.mark.parametrize("padding,stride,shape,kernel", [
    (SAME, (2, 2), (1, 4, 5, 3), (4, 3, 3)), (VALID, (2, 2), (2, 3, 3, 2), (3, 2, 2)),
    (SAME, (1, 2), (1, 5, 4, 4), (2, 3, 2)), (SAME, (2, 2), (1, 4, 4, 8), (5, 4, 4))])
def test_convolution_2d_transpose_bias(padding, stride, shape, kernel):
    co, kh, kw = kernel
    x = RNG.standard_normal(shape).astype(np.float32)
    wgt = RNG.standard_normal((co, kh, kw, shape[3])).astype(np.float32)
    bias = RNG.standard_normal(co).astype(np.float32)
    want = tconv_ref(x, wgt, bias, padding, stride)
    data = one_custom("Convolution2DTransposeBias", [("x", shape), ("w", None), ("b", None)], [("y", want.shape)],
                      struct.pack("<3i", padding, stride[1], stride[0]), consts={"w": wgt, "b": bias})
    (got,) = run(data, [x])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_bad_options_and_shapes_are_refused_by_name():
    shape = (1, 4, 4, 1)
    short = one_custom("MaxUnpooling2D", [("x", shape), ("i", shape)], [("y", (1, 8, 8, 1))], b"\x01\x00\x00\x00")
    with pytest.raises(ValueError, match=r"CUSTOM MaxUnpooling2D.*fewer bytes than the op's parameters"):
        run(short, [np.zeros(shape, np.float32)] * 2)
    wrong = one_custom("MaxPoolingWithArgmax2D", [("x", shape)], [("y", (1, 3, 3, 1)), ("i", (1, 3, 3, 1))],
                       pool_params(SAME, (2, 2), (2, 2)))
    with pytest.raises(ValueError, match=r"CUSTOM MaxPoolingWithArgmax2D.*output shape differs"):
        run(wrong, [np.zeros(shape, np.float32)])
    model = one_custom("Landmarks2TransformMatrix", [("x", shape)], [("y", shape)], b"")
    assert tl.lite.Interpreter(model_content=model).unsupported_ops() == ["CUSTOM Landmarks2TransformMatrix"]
    batch2 = one_custom("TransformLandmarks", [("x", (2, 5, 3)), ("m", (4, 4))], [("y", (2, 5, 3))], b"")
    with pytest.raises(ValueError, match=r"CUSTOM TransformLandmarks.*batch 1"):
        run(batch2, [np.zeros((2, 5, 3), np.float32), np.eye(4, dtype=np.float32)])


def transform_landmarks_ref(points, m, dims, scale):
    f = np.float32
    out = points.copy()
    x3, y3 = f(m[0, 3]) * f(scale), f(m[1, 3]) * f(scale)
    flat = out.reshape(-1, points.shape[-1])
    for k in range(0, points.shape[-1], dims):
        px, py = flat[:, k].copy(), flat[:, k + 1].copy()
        flat[:, k] = f(m[0, 0]) * px + f(m[0, 1]) * py + f(m[0, 2]) * f(0) + x3 * f(1)
        flat[:, k + 1] = f(m[1, 0]) * px + f(m[1, 1]) * py + f(m[1, 2]) * f(0) + y3 * f(1)
    return out


def random_affine():
    a = RNG.uniform(-np.pi, np.pi)
    m = np.eye(4, dtype=np.float32)
    m[:2, :2] = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) * np.float32(RNG.uniform(0.5, 1.5))
    m[:2, 3] = RNG.uniform(-3, 3, 2)
    return m


@pytest.mark.parametrize("shape,options", [((1, 7, 3), None), ((1, 9, 2), None), ((1, 2, 3, 6), (3, 1.0)),
                                           ((1, 1, 4, 8), (2, 0.25))])
def test_transform_landmarks(shape, options):
    points, m = RNG.uniform(-5, 5, shape).astype(np.float32), random_affine()
    dims, scale = options or (shape[-1], 1.0)
    raw = bytes(flexbuffers.Dumps({"dimensions": dims, "scale": scale})) if options else b""
    data = one_custom("TransformLandmarks", [("x", shape), ("m", (4, 4))], [("y", shape)], raw)
    (got,) = run(data, [points, m])
    np.testing.assert_array_equal(got, transform_landmarks_ref(points, m, dims, scale))


def transform_bilinear_ref(image, m, out_hw):
    f, d = np.float32, np.float64
    _, h, w, c = image.shape
    tx, ty = m[0].astype(f).copy(), m[1].astype(f).copy()
    tx[3] = f(d(tx[3]) + (d(tx[0]) * 0.5 + d(tx[1]) * 0.5 - 0.5))
    ty[3] = f(d(ty[3]) + (d(ty[0]) * 0.5 + d(ty[1]) * 0.5 - 0.5))
    out = np.zeros((1, *out_hw, c), f)
    for oy, ox in np.ndindex(*out_hw):
        cx = tx[0] * f(ox) + tx[1] * f(oy) + tx[2] * f(0) + tx[3] * f(1)
        cy = ty[0] * f(ox) + ty[1] * f(oy) + ty[2] * f(0) + ty[3] * f(1)
        if not (0 <= cx <= w - 1 and 0 <= cy <= h - 1):
            continue
        x0, y0 = int(np.floor(cx)), int(np.floor(cy))

        def at(y, x):
            return image[0, y, x] if y < h and x < w else np.zeros(c, f)
        rc, lc = f(cx - np.floor(cx)), f(cy - np.floor(cy))
        upper = ((1.0 - d(rc)) * at(y0, x0).astype(d) + (rc * at(y0, x0 + 1)).astype(d)).astype(f)
        lower = ((1.0 - d(rc)) * at(y0 + 1, x0).astype(d) + (rc * at(y0 + 1, x0 + 1)).astype(d)).astype(f)
        out[0, oy, ox] = ((lc * lower).astype(d) + (1.0 - d(lc)) * upper.astype(d)).astype(f)
    return out


@pytest.mark.parametrize("in_hw,out_hw,c", [((8, 9), (5, 6), 3), ((6, 6), (6, 6), 1), ((10, 7), (4, 9), 2)])
def test_transform_tensor_bilinear(in_hw, out_hw, c):
    image = RNG.standard_normal((1, *in_hw, c)).astype(np.float32)
    m = random_affine()
    m[:2, 3] = np.float32([in_hw[1] / 2, in_hw[0] / 2])  # rotate and scale about a point inside the image
    data = one_custom("TransformTensorBilinear", [("x", image.shape), ("m", (4, 4))], [("y", (1, *out_hw, c))], b"")
    (got,) = run(data, [image, m])
    want = transform_bilinear_ref(image, m, out_hw)
    assert np.count_nonzero(want) > 0 and np.count_nonzero(want == 0) > 0  # some samples inside, some outside
    np.testing.assert_array_equal(got, want)
