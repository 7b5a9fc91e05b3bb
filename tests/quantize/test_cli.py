"""`tensorlite quantize`: each mode from a float .tflite and from an ONNX file, the report, keep-float, and
every kind of bad calibration data as one clear error before any work, leaving no output file."""
import json
import os

import numpy as np
import pytest
from tensorlite.converter.reader import read
from tensorlite.tools import cli

import tensorlite as tl
from tests.quantize.helpers import litert_interpreter, run

L = tl.keras.layers


@pytest.fixture(scope="module")
def float_file(tmp_path_factory):
    tl.random.set_seed(4)
    model = tl.keras.Sequential([L.Input(shape=(8, 8, 1)), L.Conv2D(8, 3, padding="same", activation="relu"),
                                 L.MaxPooling2D(2), L.Flatten(), L.Dense(40, activation="relu"),
                                 L.Dense(5, name="scores"), L.Softmax()])
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "float.tflite"
    path.write_bytes(tl.lite.Converter.from_keras_model(model).convert())
    rng = np.random.default_rng(0)
    np.save(folder / "cal.npy", rng.uniform(0, 1, (30, 8, 8, 1)).astype(np.float32))
    return folder


def _quantize(capsys, *args):
    code = cli.main(["quantize", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("mode", ["float16", "dynamic", "int8", "int16x8"])
def test_each_mode_writes_a_model_litert_runs(float_file, capsys, mode):
    out = float_file / f"{mode}.tflite"
    extra = ["--calibration", float_file / "cal.npy"] if mode in ("int8", "int16x8") else []
    code, stdout, err = _quantize(capsys, float_file / "float.tflite", "--mode", mode, "-o", out, *extra)
    assert code == 0, err
    assert f"wrote {out}" in stdout
    x = np.random.default_rng(1).uniform(0, 1, (1, 8, 8, 1)).astype(np.float32)
    want = run(litert_interpreter((float_file / "float.tflite").read_bytes()), [x])[0]
    got = run(litert_interpreter(out.read_bytes()), [x])[0]
    assert np.abs(got - want).max() < 0.05      # softmax probabilities


def test_uint8_io(float_file, capsys, tmp_path):
    out = tmp_path / "u8.tflite"
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration",
                             float_file / "cal.npy", "--input-type", "uint8", "--output-type", "uint8", "-o", out)
    assert code == 0, err
    it = litert_interpreter(out.read_bytes())
    assert it.get_input_details()[0]["dtype"] == np.uint8 and it.get_output_details()[0]["dtype"] == np.uint8
    scale, zero = it.get_input_details()[0]["quantization"]
    x = np.random.default_rng(1).uniform(0, 1, (1, 8, 8, 1)).astype(np.float32)
    want = run(litert_interpreter((float_file / "float.tflite").read_bytes()), [x])[0]
    got = run(it, [np.clip(np.round(x / scale) + zero, 0, 255).astype(np.uint8)])[0]
    o_scale, o_zero = it.get_output_details()[0]["quantization"]
    assert np.abs((got.astype(np.float64) - o_zero) * o_scale - want).max() < 0.05
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int16x8", "--calibration",
                             float_file / "cal.npy", "--input-type", "uint8", "-o", tmp_path / "b.tflite")
    assert code == 2 and "uint8 inputs/outputs go with int8" in err and not (tmp_path / "b.tflite").exists()


def test_report_json_has_one_object_per_quantized_tensor(float_file, capsys):
    out, report = float_file / "r.tflite", float_file / "r.json"
    code, stdout, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration",
                                  float_file / "cal.npy", "--report", report, "-o", out)
    assert code == 0, err
    rows = json.loads(report.read_text())
    sg = read(out.read_bytes(), "r").subgraphs[0]
    integer = [t for t in sg.tensors if t.data is None and t.dtype == "int8"]
    assert len(rows) == len(integer)
    assert set(rows[0]) == {"tensor", "op", "dtype", "scale", "zero_point", "sqnr_db", "max_abs_error"}
    assert all(r["sqnr_db"] > 20 for r in rows), rows
    assert "SQNR dB" in stdout and rows[-1]["tensor"][:20] in stdout


def test_keep_float_by_layer_name_and_by_builtin(float_file, capsys):
    out = float_file / "k.tflite"
    code, stdout, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration",
                                  float_file / "cal.npy", "--keep-float", "scores", "--keep-float", "softmax",
                                  "-o", out)
    assert code == 0, err
    sg = read(out.read_bytes(), "k").subgraphs[0]
    kinds = [(op.opcode, sg.tensors[op.outputs[0]].dtype) for op in sg.operators]
    assert ("FULLY_CONNECTED", "float32") in kinds and ("FULLY_CONNECTED", "int8") in kinds
    assert ("SOFTMAX", "float32") in kinds
    assert "kept float: operator" in stdout
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration",
                             float_file / "cal.npy", "--keep-float", "no_such_layer", "-o", float_file / "n.tflite")
    assert code == 2 and "'no_such_layer' names no operator" in err
    assert not (float_file / "n.tflite").exists()


def _bad(tmp_path, name, array):
    path = tmp_path / name
    if isinstance(array, dict):
        np.savez(path, **array)
    else:
        np.save(path, array)
    return path


@pytest.mark.parametrize("name,array,message", [
    ("shape.npy", np.zeros((10, 8, 7, 1), np.float32), "shape [10, 8, 7, 1]; expected [N, 8, 8, 1]"),
    ("dtype.npy", np.zeros((10, 8, 8, 1), np.uint8), "uint8 data but the model takes float32"),
    ("empty.npy", np.zeros((0, 8, 8, 1), np.float32), "is empty (shape [0, 8, 8, 1])"),
    ("nan.npy", np.full((3, 8, 8, 1), np.nan, np.float32), "NaN or infinite"),
    ("inf.npy", np.full((3, 8, 8, 1), np.inf, np.float32), "NaN or infinite"),
    ("text.npy", np.array(["a", "b"]), "<U1 data; expected numbers"),
    ("names.npz", {"pixels": np.zeros((3, 8, 8, 1), np.float32)}, "do not name the model's inputs"),
])
def test_bad_calibration_data_is_one_clear_error(float_file, tmp_path, capsys, name, array, message):
    out = tmp_path / "out.tflite"
    path = _bad(tmp_path, name, array)
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration", path,
                             "-o", out)
    assert code == 2
    assert err.startswith("tensorlite quantize: error: ") and message in err, err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and os.listdir(tmp_path) == [name]


def test_mode_and_calibration_must_agree(float_file, capsys, tmp_path):
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "-o", tmp_path / "a.tflite")
    assert code == 2 and "needs --calibration" in err
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "float16", "--calibration",
                             float_file / "cal.npy", "-o", tmp_path / "a.tflite")
    assert code == 2 and "not used by --mode float16" in err
    code, _, err = _quantize(capsys, float_file / "float.tflite", "--mode", "dynamic", "--input-type", "int8",
                             "-o", tmp_path / "a.tflite")
    assert code == 2 and "integer input/output types need full integer" in err
    assert os.listdir(tmp_path) == []


def test_an_already_quantized_model_is_refused(float_file, capsys, tmp_path):
    first = tmp_path / "q.tflite"
    assert _quantize(capsys, float_file / "float.tflite", "--mode", "int8", "--calibration", float_file / "cal.npy",
                     "-o", first)[0] == 0
    code, _, err = _quantize(capsys, first, "--mode", "int8", "--calibration", float_file / "cal.npy",
                             "-o", tmp_path / "qq.tflite")
    assert code == 2 and "already quantized (int8 activations)" in err


def test_an_onnx_model_quantizes_to_int8_and_tracks_onnxruntime(tmp_path, capsys):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.normal(0, 0.5, (4, 1, 3, 3)).astype(np.float32), "w"),
             numpy_helper.from_array(rng.normal(0, 0.1, 4).astype(np.float32), "b"),
             numpy_helper.from_array(rng.normal(0, 0.5, (3, 4)).astype(np.float32), "fc")]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]), helper.make_node("GlobalAveragePool", ["r"], ["p"]),
             helper.make_node("Flatten", ["p"], ["f"]), helper.make_node("Gemm", ["f", "fc"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "small", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], inits)
    path = tmp_path / "small.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    cal = rng.uniform(0, 1, (20, 1, 1, 8, 8)).astype(np.float32)
    np.save(tmp_path / "cal.npy", cal)
    out = tmp_path / "small_int8.tflite"
    code, _, err = _quantize(capsys, path, "--mode", "int8", "--calibration", tmp_path / "cal.npy", "--strict",
                             "-o", out)
    assert code == 0, err
    import onnxruntime
    session = onnxruntime.InferenceSession(str(path))
    for x in cal[:3]:
        want = session.run(None, {"x": x})[0]
        got = run(litert_interpreter(out.read_bytes()), [x])[0]
        assert np.abs(got - want).max() < 0.05 * max(1.0, float(np.abs(want).max()))
