"""The per-tensor record (tensorlite.h's tl_tensor): 32 bytes on x86_64 (the C program fails to build otherwise),
its dims read in place from the model, or kept in the arena where the model is not 4-aligned or the runtime gives a
tensor another shape. runtimes/c/tests/tensor_record.c loads each model from an aligned buffer and from one at an odd
address, checks where every tensor's dims lie and that both loads give the same outputs; the output shapes it
prints, after a resize or at invoke for value-shaped outputs, must be LiteRT's on the same inputs. The binding's
details (name, quantization) are read from the model through tl_tensor_name / tl_tensor_quantization."""
import subprocess

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.paths import DATA

from .cbuild import CORPUS, RUNTIME, make


@pytest.fixture(scope="module")
def exe(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tensor_record")
    out = make(tmp, target=f"{tmp}/gcc-release/libtensorlite.a")
    path = tmp / "tensor_record"
    r = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", f"-I{RUNTIME / 'include'}",
                        str(RUNTIME / "tests" / "tensor_record.c"), str(out / "libtensorlite.a"), "-lm", "-pthread",
                        "-o", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return path


def _feeds(interpreter):
    """The input bytes tensor_record.c writes: byte k = 7k + 3, float32 element k = (k % 13) / 8 - 0.75."""
    feeds = []
    for d in interpreter.get_input_details():
        n = int(np.prod(d["shape"]))
        if d["dtype"] == np.float32:
            x = ((np.arange(n) % 13) * 0.125 - 0.75).astype(np.float32)
        else:
            x = ((np.arange(n * np.dtype(d["dtype"]).itemsize) * 7 + 3) % 256).astype(np.uint8).view(d["dtype"])
        feeds.append(x.reshape(d["shape"]))
    return feeds


def _litert_shapes(path, resize=None):
    it = litert_interpreter(model_path=str(path))
    if resize:
        it.resize_tensor_input(it.get_input_details()[0]["index"], resize)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), _feeds(it)):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [list(it.get_tensor(d["index"]).shape) for d in it.get_output_details()]


def _ours(exe, path, resize=()):
    r = subprocess.run([str(exe), str(path), *map(str, resize)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return [eval(line.split("] ")[0] + "]") for line in r.stdout.splitlines()]


ODD_ADDRESS = ["hello_world_int8", "sensiml_model_runner", "micro_speech_lstm", "keyword_scrambled"]


@pytest.mark.parametrize("model", ODD_ADDRESS)
def test_odd_address_gives_the_aligned_outputs(exe, model):
    path = CORPUS / f"{model}.tflite"
    assert _ours(exe, path) == _litert_shapes(path)


def test_resized_input_reports_the_new_shapes(exe):
    path = CORPUS / "hello_world_float.tflite"
    assert _ours(exe, path, (5, 1)) == _litert_shapes(path, [5, 1]) == [[5, 1]]


def test_value_shaped_outputs_report_their_shapes(exe):
    for name in ("where_gather_nd", "unique_size"):
        path = DATA / "tf_value_shaped" / f"{name}.tflite"
        assert _ours(exe, path) == _litert_shapes(path), name


def test_details_read_from_the_model():
    """Name and per-channel quantization come from the model, as LiteRT gives them."""
    path = CORPUS / "retinaface.tflite"
    ours, ref = tl.lite.Interpreter(model_path=str(path)), litert_interpreter(model_path=str(path))
    ours.allocate_tensors()
    ref.allocate_tensors()
    ref_details = {d["index"]: d for d in ref.get_tensor_details()}
    per_channel = 0
    for d in ours.get_tensor_details():
        r = ref_details[d["index"]]
        assert d["name"] == r["name"]
        assert list(d["shape"]) == list(r["shape"])
        q, rq = d["quantization_parameters"], r["quantization_parameters"]
        np.testing.assert_array_equal(q["scales"], rq["scales"])
        np.testing.assert_array_equal(q["zero_points"], rq["zero_points"])
        assert q["quantized_dimension"] == rq["quantized_dimension"]
        per_channel += len(q["scales"]) > 1
    assert per_channel > 10
