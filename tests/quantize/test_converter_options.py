"""TensorFlow's converter settings choose the quantization mode (the table atop converter/options.py), and a
setting tensorlite would not honour is an error instead of being ignored."""
import numpy as np
import pytest
from tensorlite.converter.reader import read

import tensorlite as tl

L = tl.keras.layers


def _converter():
    tl.random.set_seed(1)
    model = tl.keras.Sequential([L.Input(shape=(40,)), L.Dense(32, activation="relu"), L.Dense(4),
                                 L.Softmax()])
    return tl.lite.Converter.from_keras_model(model)


def _data():
    rng = np.random.default_rng(0)
    return lambda: ([rng.uniform(-1, 1, (1, 40)).astype(np.float32)] for _ in range(20))


def _kinds(data: bytes):
    sg = read(data, "m").subgraphs[0]
    weights = {sg.tensors[op.inputs[1]].dtype for op in sg.operators if op.opcode == "FULLY_CONNECTED"}
    acts = {sg.tensors[o].dtype for op in sg.operators if op.opcode == "FULLY_CONNECTED" for o in op.outputs}
    io = (sg.tensors[sg.inputs[0]].dtype, sg.tensors[sg.outputs[0]].dtype)
    return weights, acts, io, [op.opcode for op in sg.operators]


def test_no_optimizations_is_float32():
    weights, acts, io, _ = _kinds(_converter().convert())
    assert weights == {"float32"} and acts == {"float32"} and io == ("float32", "float32")


def test_default_alone_is_dynamic_range():
    c = _converter()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    weights, acts, io, _ = _kinds(c.convert())
    assert weights == {"int8", "float32"}     # 32x40 = 1,280 values: int8; 4x32 = 128: below the threshold
    assert acts == {"float32"} and io == ("float32", "float32")


def test_float16_type_is_float16_weights():
    c = _converter()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.target_spec.supported_types = [tl.float16]
    sg = read(c.convert(), "m").subgraphs[0]
    constants = [t for t in sg.tensors if t.data is not None and t.dtype.startswith("float")]
    assert constants and {t.dtype for t in constants} == {"float16"}
    assert [op.opcode for op in sg.operators].count("DEQUANTIZE") == len(constants)


def test_representative_dataset_is_full_int8_with_float_io():
    c = _converter()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.representative_dataset = tl.lite.RepresentativeDataset(_data())
    weights, acts, io, ops = _kinds(c.convert())
    assert weights == {"int8"} and acts == {"int8"} and io == ("float32", "float32")
    assert ops[0] == "QUANTIZE" and ops[-1] == "DEQUANTIZE"


def test_builtins_int8_with_int8_io():
    c = _converter()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.representative_dataset = _data()
    c.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = tl.int8
    c.inference_output_type = tl.int8
    weights, acts, io, ops = _kinds(c.convert())
    assert io == ("int8", "int8") and "QUANTIZE" not in ops and "DEQUANTIZE" not in ops


def test_uint8_io_wraps_the_int8_model_as_tensorflow_does():
    """uint8 I/O: a QUANTIZE uint8 -> int8 first and int8 -> uint8 last, zero points shifted by 128, so in
    LiteRT the uint8 model's output is the int8 model's plus 128 for the input plus 128, bit for bit."""
    from tests.quantize.helpers import litert_interpreter, run

    files = {}
    for io in (tl.int8, tl.uint8):
        c = _converter()
        c.optimizations = [tl.lite.Optimize.DEFAULT]
        c.representative_dataset = _data()
        c.inference_input_type = c.inference_output_type = io
        files[io.name] = c.convert()
    weights, acts, io, ops = _kinds(files["uint8"])
    assert io == ("uint8", "uint8") and ops[0] == ops[-1] == "QUANTIZE" and acts == {"int8"}
    sg8, sgu = (read(files[k], "m").subgraphs[0] for k in ("int8", "uint8"))
    for a, b in ((sg8.inputs[0], sgu.inputs[0]), (sg8.outputs[0], sgu.outputs[0])):
        qa, qb = sg8.tensors[a].quantization, sgu.tensors[b].quantization
        assert qa.scale[0] == qb.scale[0] and qb.zero_point[0] == qa.zero_point[0] + 128
        name = sgu.tensors[b].name                                   # the uint8 tensor keeps the model's name
        assert not name.endswith("_int8") and any(t.name == f"{name}_int8" for t in sgu.tensors)
    x = np.random.default_rng(5).integers(-128, 128, (1, 40)).astype(np.int8)
    want = run(litert_interpreter(files["int8"]), [x])[0].astype(np.int32) + 128
    got = run(litert_interpreter(files["uint8"]), [(x.astype(np.int32) + 128).astype(np.uint8)])[0]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(run(tl.lite.Interpreter(model_content=files["uint8"]),
                                      [(x.astype(np.int32) + 128).astype(np.uint8)])[0], got)


def test_int16x8_ops_set_gives_int16_activations():
    tl.random.set_seed(3)
    model = tl.keras.Sequential([L.Input(shape=(6, 6, 2)), L.Conv2D(4, 3, activation="sigmoid")])
    c = tl.lite.Converter.from_keras_model(model)
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    c.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, 6, 6, 2)).astype(np.float32)] for _ in range(8))
    c.target_spec.supported_ops = [tl.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    c.inference_input_type = tl.int16
    c.inference_output_type = tl.int16
    sg = read(c.convert(), "m").subgraphs[0]
    conv = next(op for op in sg.operators if op.opcode == "CONV_2D")
    assert [sg.tensors[i].dtype for i in conv.inputs] == ["int16", "int8", "int64"]
    assert [op.opcode for op in sg.operators] == ["CONV_2D", "LOGISTIC"]
    assert sg.tensors[sg.outputs[0]].quantization.scale[0] == np.float32(1 / 32768)


@pytest.mark.parametrize("setting,message", [
    (dict(inference_input_type="int8"), "need full integer"),
    (dict(representative_dataset="x"), "only with optimizations"),
    (dict(target_spec=tl.lite.TargetSpec(supported_types=[tl.float16])), "also set optimizations"),
    (dict(optimizations=["SPEED"]), "unknown value"),
    (dict(optimizations=[tl.lite.Optimize.DEFAULT],
          target_spec=tl.lite.TargetSpec(supported_ops={tl.lite.OpsSet.TFLITE_BUILTINS_INT8})), "representative"),
    (dict(optimizations=[tl.lite.Optimize.DEFAULT], inference_output_type=tl.int8), "full integer"),
    (dict(optimizations=[tl.lite.Optimize.DEFAULT], representative_dataset=_data(), inference_input_type=tl.uint8,
          target_spec=tl.lite.TargetSpec(
              supported_ops={tl.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8})),
     "use int16 or float32"),
])
def test_settings_that_cannot_be_honoured_raise(setting, message):
    c = _converter()
    for k, v in setting.items():
        setattr(c, k, v)
    with pytest.raises(ValueError, match=message):
        c.convert()


def test_select_tf_ops_and_sparsity_are_not_implemented():
    c = _converter()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.target_spec.supported_ops = [tl.lite.OpsSet.SELECT_TF_OPS]
    with pytest.raises(NotImplementedError, match="SELECT_TF_OPS"):
        c.convert()
    c = _converter()
    c.optimizations = [tl.lite.Optimize.EXPERIMENTAL_SPARSITY]
    with pytest.raises(NotImplementedError, match="SPARSITY"):
        c.convert()


def test_unknown_settings_raise_and_tf_flags_we_honour_are_accepted():
    c = _converter()
    with pytest.raises(AttributeError, match="no setting 'experimental_enable_resource_variables'"):
        c.experimental_enable_resource_variables = True
    c.experimental_new_converter = True
    c.allow_custom_ops = True
    with pytest.raises(ValueError, match="experimental_new_converter"):
        c.experimental_new_converter = False


def test_strict_int8_names_the_operator_it_cannot_quantize():
    tl.random.set_seed(2)
    model = tl.keras.Sequential([L.Input(shape=(6,)), L.Dense(6), L.Lambda(lambda t: tl.math.exp(t))])
    c = tl.lite.Converter.from_keras_model(model)
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: ([np.full((1, 6), 0.5, np.float32)] for _ in range(3))
    c.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with pytest.raises(ValueError, match=r"operator 1 \(EXP.*cannot be int8: no integer kernel"):
        c.convert()
    c.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS]   # float fallback allowed
    sg = read(c.convert(), "m").subgraphs[0]
    assert [op.opcode for op in sg.operators] == ["QUANTIZE", "FULLY_CONNECTED", "DEQUANTIZE", "EXP"]
    assert c.quantization_result.float_ops[0][1] == "EXP"
