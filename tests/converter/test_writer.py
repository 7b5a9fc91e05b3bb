"""The FlatBuffer writer, read back with LiteRT's own generated schema module (an independent
reader): the fields DESIGN contract 3 names, alignment, operator codes, signatures, metadata,
dynamic batch; and conversion from concrete functions and saved models."""
import numpy as np
import pytest
from tensorlite.converter.model import Model, Operator, Subgraph, Tensor
from tensorlite.converter.writer import write

import tensorlite as tl
from tests.litert import litert_interpreter, litert_schema

L = tl.keras.layers


def _parse(data: bytes):
    schema, _ = litert_schema()
    return schema, schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0)), schema.Model.GetRootAsModel(data, 0)


def _mlp(activation="relu"):
    m = tl.keras.Sequential([L.Input(shape=(6,)), L.Dense(5, activation=activation), L.Dense(3)])
    rng = np.random.default_rng(0)
    for w in m.weights:
        w.assign(rng.normal(0, 1, w.shape).astype(np.float32))
    return m


def test_header_buffers_metadata_and_signature():
    data = tl.lite.Converter.from_keras_model(_mlp()).convert()
    assert data[4:8] == b"TFL3"
    schema, m, raw = _parse(data)
    assert m.version == 3
    assert m.buffers[0].data is None or len(m.buffers[0].data) == 0          # buffer 0: the empty sentinel
    base = np.frombuffer(data, np.uint8).__array_interface__["data"][0]
    for i in range(1, raw.BuffersLength()):
        b = raw.Buffers(i)
        if b.DataLength():
            assert (b.DataAsNumpy().__array_interface__["data"][0] - base) % 16 == 0, f"buffer {i} unaligned"
    meta = {md.name.decode(): bytes(m.buffers[md.buffer].data) for md in m.metadata}
    assert meta["min_runtime_version"].rstrip(b"\0") == b"1.5.0"   # FULLY_CONNECTED v1
    assert meta["producer"] == b"tensorlite"
    assert m.description == b"converted by tensorlite"
    (sig,) = m.signatureDefs
    assert sig.signatureKey == b"serving_default" and sig.subgraphIndex == 0
    g = m.subgraphs[0]
    assert [t.tensorIndex for t in sig.inputs] == list(g.inputs)
    assert [t.tensorIndex for t in sig.outputs] == list(g.outputs)
    # the Dense + relu became one FULLY_CONNECTED with its bias and fused RELU
    ops = [m.operatorCodes[op.opcodeIndex].builtinCode for op in g.operators]
    assert ops == [schema.BuiltinOperator.FULLY_CONNECTED] * 2
    first = g.operators[0].builtinOptions
    assert first.fusedActivationFunction == schema.ActivationFunctionType.RELU
    assert g.operators[1].builtinOptions.fusedActivationFunction == schema.ActivationFunctionType.NONE
    assert len(g.operators[0].inputs) == 3 and g.operators[0].inputs[2] >= 0


def test_extended_builtin_code_and_runtime_version():
    """GELU is code 150: deprecated_builtin_code holds 127 (PLACEHOLDER_FOR_GREATER_OP_CODES)."""
    data = tl.lite.Converter.from_keras_model(_mlp("gelu")).convert()
    schema, m, _ = _parse(data)
    codes = {c.builtinCode: c.deprecatedBuiltinCode for c in m.operatorCodes}
    assert codes[schema.BuiltinOperator.GELU] == 127
    assert codes[schema.BuiltinOperator.FULLY_CONNECTED] == schema.BuiltinOperator.FULLY_CONNECTED
    meta = {md.name.decode(): bytes(m.buffers[md.buffer].data) for md in m.metadata}
    assert meta["min_runtime_version"].rstrip(b"\0") == b"2.9.0"   # GELU's first runtime


def test_conv_options_and_filter_layout():
    m = tl.keras.Sequential([L.Input(shape=(9, 9, 2)), L.Conv2D(3, (3, 2), strides=(2, 1), padding="valid",
                                                               dilation_rate=1)])
    data = tl.lite.Converter.from_keras_model(m).convert()
    schema, t, _ = _parse(data)
    g = t.subgraphs[0]
    (op,) = g.operators
    o = op.builtinOptions
    assert (o.strideH, o.strideW, o.padding) == (2, 1, schema.Padding.VALID)
    w = g.tensors[op.inputs[1]]
    assert list(w.shape) == [3, 3, 2, 2]                                     # OHWI
    kernel = m.layers[0].kernel.numpy()                                       # HWIO
    stored = np.frombuffer(bytes(t.buffers[w.buffer].data), np.float32).reshape(3, 3, 2, 2)
    np.testing.assert_array_equal(stored, kernel.transpose(3, 0, 1, 2))


def test_dynamic_batch_resizes_in_litert():
    model = _mlp()
    data = tl.lite.Converter.from_keras_model(model).convert()
    it = litert_interpreter(data, reference=False)
    d = it.get_input_details()[0]
    assert list(d["shape_signature"]) == [-1, 6] and list(d["shape"]) == [1, 6]
    assert list(it.get_output_details()[0]["shape_signature"]) == [-1, 3]
    x = np.random.default_rng(3).normal(size=(4, 6)).astype(np.float32)
    it.resize_tensor_input(d["index"], [4, 6])
    it.allocate_tensors()
    it.set_tensor(d["index"], x)
    it.invoke()
    np.testing.assert_allclose(it.get_tensor(it.get_output_details()[0]["index"]), model(x).numpy(), rtol=1e-5,
                               atol=1e-6)


def test_from_concrete_functions_two_outputs():
    w = tl.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10)

    @tl.function
    def f(x, y):
        h = tl.matmul(x, w)
        return {"sum": h + y, "act": tl.nn.relu(h - 0.5)}

    cf = f.get_concrete_function(tl.TensorSpec([2, 4], tl.float32), tl.TensorSpec([2, 3], tl.float32))
    data = tl.lite.Converter.from_concrete_functions([cf]).convert()
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    y = np.random.default_rng(1).normal(size=(2, 3)).astype(np.float32)
    want = f(x, y)
    runner = litert_interpreter(data, reference=False).get_signature_runner("serving_default")
    got = runner(x=x, y=y)
    assert set(got) == {"sum", "act"}
    for k in got:
        np.testing.assert_allclose(got[k], want[k].numpy(), rtol=1e-6, atol=1e-6)
    ours = tl.lite.Interpreter(model_content=data).get_signature_runner("serving_default")(x=x, y=y)
    for k in got:
        np.testing.assert_allclose(ours[k], want[k].numpy(), rtol=1e-6, atol=1e-6)


def test_from_saved_model_two_signatures(tmp_path):
    class Scaler(tl.Module):
        def __init__(self):
            super().__init__()
            self.scale = tl.Variable(np.array([2.0, -1.0, 0.5], np.float32))

        @tl.function(input_signature=[tl.TensorSpec([1, 3], tl.float32)])
        def __call__(self, x):
            return x * self.scale

        @tl.function(input_signature=[tl.TensorSpec([1, 3], tl.float32)])
        def shifted(self, x):
            return tl.nn.relu(x + self.scale)

    obj = Scaler()
    tl.saved_model.save(obj, str(tmp_path / "sm"))
    data = tl.lite.Converter.from_saved_model(str(tmp_path / "sm")).convert()
    it = litert_interpreter(data, reference=False)
    assert set(it.get_signature_list()) == {"serving_default", "shifted"}
    x = np.array([[1.0, 2.0, -3.0]], np.float32)
    np.testing.assert_allclose(list(it.get_signature_runner("serving_default")(x=x).values())[0], x * obj.scale.numpy())
    np.testing.assert_allclose(list(it.get_signature_runner("shifted")(x=x).values())[0],
                               np.maximum(x + obj.scale.numpy(), 0))


def test_op_without_lowering_names_op_and_node():
    @tl.function
    def f(x):
        return tl.math.erf(x) * 2.0

    cf = f.get_concrete_function(tl.TensorSpec([3], tl.float32))
    with pytest.raises(tl.lite.ConversionError, match=r"node 0 \(erf .*no TFLite lowering"):
        tl.lite.Converter.from_concrete_functions([cf]).convert()


def test_writer_rejects_bad_model_data():
    sg = Subgraph("g", [Tensor("x", "float32", (2,)), Tensor("y", "float32", (2,))],
                  [Operator("NOT_AN_OP", [0], [1])], [0], [1])
    with pytest.raises(ValueError, match="NOT_AN_OP"):
        write(Model([sg]))
    sg.operators = [Operator("RELU", [0], [1], {"alpha": 1.0})]
    with pytest.raises(ValueError, match="RELU takes no builtin options"):
        write(Model([sg]))
    sg.operators = [Operator("ADD", [0, 0], [1], {"no_such_field": 1})]
    with pytest.raises(ValueError, match="no_such_field"):
        write(Model([sg]))
