"""Whole ONNX models built with onnx.helper convert with Converter.from_onnx and match onnxruntime in
LiteRT: a MobileNet-style CNN (conv-bn-relu6, depthwise conv, global pool, Shape-derived reshape,
gemm), a U-Net-style block (pool, resize, channel concat, transposed conv), an MLP with a dynamic
batch and a transformer encoder block (LayerNormalization, softmax attention, Gelu written with
Erf, residual adds). NCHW models cost at most one TRANSPOSE per NCHW input/output. Malformed
models and unsupported ops are ValueErrors naming the node."""
import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from tensorlite.converter.onnx import import_model  # noqa: E402

import tensorlite as tl  # noqa: E402
from tests.litert import litert_interpreter, run  # noqa: E402

RNG = np.random.default_rng(0)
F = TensorProto.FLOAT


class Builder:
    """A small onnx.helper front end: initializers with random values, nodes with fresh names."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def w(self, *shape, scale=0.3, positive=False, value=None):
        self.n += 1
        a = value if value is not None else (RNG.uniform(0.5, 1.5, shape) if positive else RNG.normal(0, scale, shape))
        name = f"w{self.n}"
        self.inits.append(numpy_helper.from_array(np.asarray(a, np.float32 if value is None else None), name))
        return name

    def ints(self, *values):
        self.n += 1
        name = f"i{self.n}"
        self.inits.append(numpy_helper.from_array(np.asarray(values, np.int64), name))
        return name

    def __call__(self, op, *inputs, outputs=1, **attrs):
        self.n += 1
        outs = [f"t{self.n}_{k}" for k in range(outputs)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=f"{op.lower()}_{self.n}", **attrs))
        return outs[0] if outputs == 1 else outs

    def model(self, inputs, outputs, opset=17):
        g = helper.make_graph(self.nodes, "m", inputs, outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def _litert(data, feeds):
    """LiteRT (default kernels) with its inputs resized to the feeds' shapes, and its outputs on them."""
    it = litert_interpreter(data, reference=False)
    for d, x in zip(it.get_input_details(), feeds):
        if tuple(d["shape"]) != x.shape:
            it.resize_tensor_input(d["index"], x.shape)
    return it, run(it, feeds)


def _ort(model, feeds):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, dict(zip([i.name for i in sess.get_inputs()], feeds)))


def _ops(data) -> list[str]:
    return [d["op_name"] for d in litert_interpreter(data, reference=False)._get_ops_details()]


def _check(model, tmp_path, feeds, rtol=1e-5, atol=1e-5):
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    data = tl.lite.Converter.from_onnx(str(path)).convert()
    _, got = _litert(data, feeds)
    want = _ort(model, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return data


def _conv_bn(b, x, cin, cout, k=3, stride=1, group=1, act="relu6"):
    y = b("Conv", x, b.w(cout, cin // group, k, k), kernel_shape=[k, k], strides=[stride, stride],
          pads=[k // 2] * 4, group=group)
    y = b("BatchNormalization", y, b.w(cout, positive=True), b.w(cout), b.w(cout), b.w(cout, positive=True),
          epsilon=1e-3)
    if act == "relu6":
        return b("Clip", y, b.w(value=np.float32(0)), b.w(value=np.float32(6)))
    return b("Relu", y)


def mobilenet(batch="N"):
    b = Builder()
    y = _conv_bn(b, "image", 3, 8, stride=2)                       # 16 -> 8
    y = _conv_bn(b, y, 8, 8, group=8)                              # depthwise
    y = _conv_bn(b, y, 8, 16, k=1, act="relu")                     # pointwise
    z = _conv_bn(b, y, 16, 16, group=16)
    z = _conv_bn(b, z, 16, 16, k=1, act="relu6")
    y = b("Add", y, z)                                             # inverted-residual style skip
    y = b("MaxPool", y, kernel_shape=[2, 2], strides=[2, 2])       # 8 -> 4
    y = b("GlobalAveragePool", y)
    # Flatten written as Shape -> Gather -> Unsqueeze -> Concat -> Reshape (folds to a constant)
    n = b("Unsqueeze", b("Gather", b("Shape", y), b.w(value=np.int64(0)), axis=0), b.ints(0))
    y = b("Reshape", y, b("Concat", n, b.ints(-1), axis=0))
    y = b("Gemm", y, b.w(10, 16), b.w(10), transB=1)
    logits = b("Softmax", y, axis=1)
    return b.model([helper.make_tensor_value_info("image", F, [batch, 3, 16, 16])],
                   [helper.make_tensor_value_info(logits, F, [batch, 10])])


def test_mobilenet_style_cnn(tmp_path):
    x = RNG.normal(0, 1, (1, 3, 16, 16)).astype(np.float32)
    data = _check(mobilenet(), tmp_path, [x])
    ops = _ops(data)
    assert ops.count("TRANSPOSE") == 1           # the NCHW input, nothing else
    assert "DEPTHWISE_CONV_2D" in ops and "FULLY_CONNECTED" in ops


def test_mobilenet_dynamic_batch(tmp_path):
    model = mobilenet()
    graph, shapes, names = import_model(model)
    assert shapes == [(None, 3, 16, 16)] and len(names) == 1
    data = tl.lite.Converter.from_onnx(model).convert()
    x = RNG.normal(0, 1, (3, 3, 16, 16)).astype(np.float32)
    it, (got,) = _litert(data, [x])
    assert it.get_input_details()[0]["shape_signature"][0] == -1
    np.testing.assert_allclose(got, _ort(model, [x])[0], rtol=1e-5, atol=1e-5)


def unet_block():
    b = Builder()
    skip = _conv_bn(b, "x", 4, 6, act="relu")                      # [1, 6, 8, 8]
    y = b("AveragePool", skip, kernel_shape=[2, 2], strides=[2, 2])
    y = b("Conv", y, b.w(6, 3, 3, 3), b.w(6), kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=2)   # grouped
    y = b("LeakyRelu", y, alpha=0.1)
    y = b("Resize", y, "", b.w(value=np.array([1, 1, 2, 2], np.float32)), mode="nearest")
    y = b("Concat", skip, y, axis=1)                               # channels
    y = b("ConvTranspose", y, b.w(12, 3, 2, 2), b.w(3), kernel_shape=[2, 2], strides=[2, 2])
    y = b("Sigmoid", y)
    return b.model([helper.make_tensor_value_info("x", F, [1, 4, 8, 8])],
                   [helper.make_tensor_value_info(y, F, [1, 3, 16, 16])])


def test_unet_style_block(tmp_path):
    x = RNG.normal(0, 1, (1, 4, 8, 8)).astype(np.float32)
    ops = _ops(_check(unet_block(), tmp_path, [x]))
    assert ops.count("TRANSPOSE") == 2           # one for the NCHW input, one for the NCHW output
    assert {"RESIZE_NEAREST_NEIGHBOR", "CONCATENATION", "TRANSPOSE_CONV", "AVERAGE_POOL_2D"} <= set(ops)


def test_mlp_dynamic_batch(tmp_path):
    b = Builder()
    y = b("Relu", b("Gemm", "x", b.w(12, 32), b.w(32)))
    y = b("Tanh", b("Add", b("MatMul", y, b.w(32, 16)), b.w(16)))
    y = b("Gemm", y, b.w(16, 4), b.w(4), alpha=0.5, beta=2.0)
    y = b("LogSoftmax", y)
    model = b.model([helper.make_tensor_value_info("x", F, ["batch", 12])],
                    [helper.make_tensor_value_info(y, F, ["batch", 4])])
    _, shapes, _ = import_model(model)
    assert shapes == [(None, 12)]
    for n in (1, 5):
        data = _check(model, tmp_path, [RNG.normal(0, 1, (n, 12)).astype(np.float32)])
    assert "TRANSPOSE" not in _ops(data)


def transformer_block(t=8, d=16, heads=2):
    b = Builder()
    dh = d // heads

    def layer_norm(x):
        return b("LayerNormalization", x, b.w(d, positive=True), b.w(d), axis=-1, epsilon=1e-5)

    def split_heads(x):                                             # [1, T, D] -> [1, H, T, dh]
        return b("Transpose", b("Reshape", x, b.ints(1, t, heads, dh)), perm=[0, 2, 1, 3])

    h = layer_norm("x")
    q, k, v = (split_heads(b("Add", b("MatMul", h, b.w(d, d)), b.w(d))) for _ in range(3))
    scores = b("Div", b("MatMul", q, b("Transpose", k, perm=[0, 1, 3, 2])), b.w(value=np.float32(np.sqrt(dh))))
    att = b("MatMul", b("Softmax", scores, axis=-1), v)
    att = b("Reshape", b("Transpose", att, perm=[0, 2, 1, 3]), b.ints(1, t, d))
    x1 = b("Add", "x", b("MatMul", att, b.w(d, d)))
    h = b("Add", b("MatMul", layer_norm(x1), b.w(d, 4 * d)), b.w(4 * d))
    # exact Gelu as exporters write it: x * 0.5 * (1 + erf(x / sqrt(2)))
    e = b("Erf", b("Div", h, b.w(value=np.float32(np.sqrt(2.0)))))
    g = b("Mul", b("Mul", h, b("Add", e, b.w(value=np.float32(1.0)))), b.w(value=np.float32(0.5)))
    y = b("Add", x1, b("MatMul", g, b.w(4 * d, d)))
    return b.model([helper.make_tensor_value_info("x", F, [1, t, d])],
                   [helper.make_tensor_value_info(y, F, [1, t, d])])


def test_transformer_encoder_block(tmp_path):
    x = RNG.normal(0, 1, (1, 8, 16)).astype(np.float32)
    ops = _ops(_check(transformer_block(), tmp_path, [x]))
    assert "GELU" in ops and "SOFTMAX" in ops
    # the attention's head split/merge are real data movements; no transpose is added or doubled
    assert ops.count("TRANSPOSE") <= 4


def test_nchw_transpose_and_layout_free_ops(tmp_path):
    """Pad, Slice, Split, ReduceMean, Softmax on channels and an explicit Transpose to NHWC, all on
    a conv's NHWC result: no transpose inside, one at the NCHW input, one per NCHW output."""
    b = Builder()
    y = b("Conv", "x", b.w(6, 3, 3, 3), kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = b("Pad", y, b.ints(0, 0, 1, 2, 0, 0, 1, 0), mode="constant")
    y = b("Slice", y, b.ints(1, 0), b.ints(9, 9), b.ints(2, 3))
    p, q = b("Split", y, b.ints(2, 4), axis=1, outputs=2)
    s = b("Softmax", q, axis=1)
    m = b("ReduceMean", p, b.ints(1), keepdims=1)
    out1 = b("Mul", s, m)
    out2 = b("Transpose", b("Relu", p), perm=[0, 2, 3, 1])          # NHWC output: no transpose at all
    model = b.model([helper.make_tensor_value_info("x", F, [1, 3, 8, 8])],
                    [helper.make_tensor_value_info(out1, F, [1, 4, 8, 9]),
                     helper.make_tensor_value_info(out2, F, [1, 8, 9, 2])],
                    opset=18)
    x = RNG.normal(0, 1, (1, 3, 8, 8)).astype(np.float32)
    ops = _ops(_check(model, tmp_path, [x]))
    assert ops.count("TRANSPOSE") == 2


# ---- errors ----
def test_unsupported_op_names_the_node():
    b = Builder()
    y = b("Relu", "x")
    b.nodes.append(helper.make_node("Einsum", ["x", y], ["out"], name="my_einsum", equation="ij,ij->i"))
    model = b.model([helper.make_tensor_value_info("x", F, [2, 3])], [helper.make_tensor_value_info("out", F, [2])])
    with pytest.raises(ValueError, match=r"node 'my_einsum' \(Einsum\).*not supported"):
        tl.lite.Converter.from_onnx(model)


def test_lone_erf_is_refused():
    b = Builder()
    y = b("Erf", "x")
    model = b.model([helper.make_tensor_value_info("x", F, [2, 3])], [helper.make_tensor_value_info(y, F, [2, 3])])
    with pytest.raises(ValueError, match=r"\(Erf\).*only as part of Gelu"):
        import_model(model)


def test_unsupported_attribute_names_the_node():
    b = Builder()
    y = b("ConvTranspose", "x", b.w(4, 2, 3, 3), kernel_shape=[3, 3], dilations=[2, 2])
    model = b.model([helper.make_tensor_value_info("x", F, [1, 4, 6, 6])],
                    [helper.make_tensor_value_info(y, F, [1, 2, 10, 10])])
    with pytest.raises(ValueError, match=r"node 'convtranspose_\d+' \(ConvTranspose\): dilated ConvTranspose"):
        import_model(model)


def test_one_d_convolution_and_pooling(tmp_path):
    """[N, C, L] data runs through the 2-D builtins with a unit height; still one transpose per end."""
    b = Builder()
    y = b("Conv", "x", b.w(8, 4, 3), b.w(8), kernel_shape=[3], pads=[2, 0], dilations=[1])   # causal
    y = b("MaxPool", b("Relu", y), kernel_shape=[2], strides=[2])
    y = b("ConvTranspose", y, b.w(8, 4, 2), kernel_shape=[2], strides=[2])
    model = b.model([helper.make_tensor_value_info("x", F, [1, 4, 10])],
                    [helper.make_tensor_value_info(y, F, [1, 4, 10])])
    ops = _ops(_check(model, tmp_path, [RNG.normal(0, 1, (1, 4, 10)).astype(np.float32)]))
    assert ops.count("TRANSPOSE") == 2


def test_malformed_models(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage that is not a protobuf \xff\xff")
    with pytest.raises(ValueError, match="ONNX"):
        tl.lite.Converter.from_onnx(str(bad))
    # a node reading a tensor nothing produces
    node = helper.make_node("Relu", ["missing"], ["y"], name="broken_relu")
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", F, [2])],
                          [helper.make_tensor_value_info("y", F, [2])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(ValueError, match="broken_relu"):
        import_model(model)
    # an opset older than 13
    old = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                                              [helper.make_tensor_value_info("x", F, [2])],
                                              [helper.make_tensor_value_info("y", F, [2])]),
                            opset_imports=[helper.make_opsetid("", 11)])
    with pytest.raises(ValueError, match="opset 11"):
        import_model(old)
    # a dynamic dimension other than the batch
    dyn = helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                                              [helper.make_tensor_value_info("x", F, [1, "T"])],
                                              [helper.make_tensor_value_info("y", F, [1, "T"])]),
                            opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(ValueError, match="input_shapes"):
        import_model(dyn)
    graph, shapes, _ = import_model(dyn, input_shapes={"x": (1, 5)})
    assert shapes == [(1, 5)]


@pytest.mark.parametrize("order", ["half_x_first", "x_then_half", "half_then_x"])
def test_gelu_patterns_from_erf(order, tmp_path):
    """The products of x * 0.5 * (1 + erf(x / sqrt(2))) in the orders exporters write them become
    one GELU; the Erf never reaches the .tflite."""
    b = Builder()
    h = b("MatMul", "x", b.w(6, 6))
    e = b("Add", b("Erf", b("Mul", h, b.w(value=np.float32(1 / np.sqrt(2))))), b.w(value=np.float32(1.0)))
    half = b.w(value=np.float32(0.5))
    if order == "half_x_first":
        y = b("Mul", b("Mul", h, half), e)
    elif order == "x_then_half":
        y = b("Mul", b("Mul", e, h), half)
    else:
        y = b("Mul", b("Mul", e, half), h)
    model = b.model([helper.make_tensor_value_info("x", F, [2, 6])], [helper.make_tensor_value_info(y, F, [2, 6])])
    ops = _ops(_check(model, tmp_path, [RNG.normal(0, 2, (2, 6)).astype(np.float32)]))
    assert "GELU" in ops and "MUL" not in ops
