"""`tensorlite convert`: a saved model becomes a .tflite LiteRT runs; bad input is one clear line,
exit code 2, and no output file."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tensorlite", "convert", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


class Affine(tl.Module):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        self.w = tl.Variable(rng.normal(size=(4, 3)).astype(np.float32))
        self.b = tl.Variable(rng.normal(size=(3,)).astype(np.float32))

    @tl.function(input_signature=[tl.TensorSpec([None, 4], tl.float32)])
    def __call__(self, x):
        return tl.nn.relu(tl.matmul(x, self.w) + self.b)


class UsesErf(tl.Module):
    @tl.function(input_signature=[tl.TensorSpec([2], tl.float32)])
    def __call__(self, x):
        return tl.math.erf(x)


def test_convert_saved_model_runs_in_litert(tmp_path):
    obj = Affine()
    tl.saved_model.save(obj, str(tmp_path / "sm"))
    out = tmp_path / "affine.tflite"
    r = _cli(str(tmp_path / "sm"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout and out.is_file()
    it = litert_interpreter(model_path=str(out), reference=False)
    d = it.get_input_details()[0]
    assert list(d["shape_signature"]) == [-1, 4]
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    it.resize_tensor_input(d["index"], [5, 4])
    it.allocate_tensors()
    it.set_tensor(d["index"], x)
    it.invoke()
    want = np.maximum(x @ obj.w.numpy() + obj.b.numpy(), 0)
    np.testing.assert_allclose(it.get_tensor(it.get_output_details()[0]["index"]), want, rtol=1e-5, atol=1e-6)


def _assert_refused(tmp_path, r, out, *fragments):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.startswith("tensorlite convert: error:"), r.stderr
    for f in fragments:
        assert f in r.stderr, r.stderr
    assert not out.exists()
    assert not [p for p in os.listdir(out.parent) if p.startswith(".tmp-")]


@pytest.mark.parametrize("case", ["unknown_type", "missing", "not_a_saved_model", "corrupt_saved_model",
                                  "malformed_onnx", "unsupported_op"])
def test_convert_refuses_bad_input(tmp_path, case):
    out = tmp_path / "out.tflite"
    if case == "unknown_type":
        src = tmp_path / "weights.h5"
        src.write_bytes(b"\x89HDF\r\n")
        frag = ("unknown input type",)
    elif case == "missing":
        src = tmp_path / "nothing_here"
        frag = ("no such file",)
    elif case == "not_a_saved_model":
        src = tmp_path / "folder"
        src.mkdir()
        frag = ("not a tensorlite saved model",)
    elif case == "corrupt_saved_model":
        tl.saved_model.save(Affine(), str(tmp_path / "sm"))
        src = tmp_path / "sm"
        (src / "saved_model.json").write_text("{ not json")
        frag = ("not valid JSON",)
    elif case == "malformed_onnx":
        src = tmp_path / "model.onnx"
        src.write_bytes(b"this is not a protobuf \xff\xfe")
        frag = ("model.onnx",)
    else:
        tl.saved_model.save(UsesErf(), str(tmp_path / "sm"))
        src = tmp_path / "sm"
        frag = ("(erf", "no TFLite lowering")
    _assert_refused(tmp_path, _cli(str(src), "-o", str(out)), out, *frag)


def test_convert_onnx_file(tmp_path):
    """An .onnx file (a Gemm + Relu MLP built with onnx.helper) converts; LiteRT equals onnxruntime."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(3, 5)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["y"])],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    src, out = tmp_path / "mlp.onnx", tmp_path / "mlp.tflite"
    onnx.save(model, str(src))
    r = _cli(str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    x = rng.normal(size=(2, 5)).astype(np.float32)
    want = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    (got,) = run(litert_interpreter(model_path=str(out), reference=False), [x])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
