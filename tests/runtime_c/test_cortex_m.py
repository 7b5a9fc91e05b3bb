"""The Cortex-M port: `tensorlite codegen` + arm-none-eabi-gcc build a firmware per model (only its
kernels linked), qemu-system-arm runs it on an emulated Cortex-M4 (mps2-an386) with semihosting,
and its outputs equal the host C runtime's on the same input. Integer outputs must match bit for
bit; float outputs within 1e-6 relative (magic_wand is bit-exact; the converted digits CNN differs
in the last bits, newlib's libm against glibc's)."""
import os

import numpy as np
import pytest
from tensorlite.tools import mcu

import tensorlite as tl
from tests.conftest import skip_or_fail
from tests.paths import CORPUS

MODELS = ["hello_world_int8", "magic_wand", "mnist_lstm_int8", "micro_speech_quantized", "person_detect",
          "keyword_scrambled_8bit", "converted_digits_cnn", "audio_preprocessor_int8", "audio_preprocessor_float"]


@pytest.fixture(scope="module", autouse=True)
def _toolchain():
    missing = mcu.missing_tools()
    if missing:
        skip_or_fail(f"{', '.join(missing)} not found: bash bootstrap.sh installs gcc-arm-none-eabi, "
                     "libnewlib-arm-none-eabi and qemu-system-arm")


def _model_path(name, tmp_path):
    if name != "converted_digits_cnn":
        return os.path.join(CORPUS, name + ".tflite")
    from tensorlite.tools.pipeline import build_digits_cnn
    model = build_digits_cnn()
    rng = np.random.default_rng(0)
    for w in model.weights:
        a = rng.uniform(0.5, 1.5, w.shape) if "variance" in w.name else rng.normal(0, 0.5, w.shape)
        w.assign(a.astype(np.float32))
    path = tmp_path / "digits.tflite"
    path.write_bytes(tl.lite.Converter.from_keras_model(model).convert())
    return str(path)


def _random_inputs(it, seed=0):
    rng = np.random.default_rng(seed)
    arrays = []
    for d in it.get_input_details():
        dt = np.dtype(d["dtype"])
        if dt.kind == "f":
            arrays.append(rng.normal(0, 1, d["shape"]).astype(dt))
        else:
            info = np.iinfo(dt)
            arrays.append(rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(dt))
    return arrays


@pytest.mark.parametrize("name", MODELS)
def test_firmware_matches_host_runtime(name, tmp_path):
    path = _model_path(name, tmp_path)
    # as the firmware runs it: Cortex-M builds keep weights in flash (pack_weights starts at 0 there)
    host = tl.lite.Interpreter(model_path=path, pack_weights=False)
    host.allocate_tensors()
    xs = _random_inputs(host)
    for d, x in zip(host.get_input_details(), xs):
        host.set_tensor(d["index"], x)
    host.invoke()
    want = [host.get_tensor(d["index"]) for d in host.get_output_details()]

    result = mcu.run_firmware(path, b"".join(x.tobytes() for x in xs), str(tmp_path))
    assert len(result["outputs"]) == len(want)
    for w, raw in zip(want, result["outputs"]):
        got = np.frombuffer(raw, w.dtype).reshape(w.shape)
        if w.dtype.kind == "f":
            np.testing.assert_allclose(got, w, rtol=1e-6, atol=1e-7)
        else:
            np.testing.assert_array_equal(got, w)
    assert 0 < result["arena"] <= 1024 * 1024


def test_model_kernels_only_make_a_smaller_runtime(tmp_path):
    """OPS=model links only the model's kernels: the runtime part of the firmware shrinks."""
    path = os.path.join(CORPUS, "hello_world_int8.tflite")
    own = mcu.runtime_bytes(mcu.build_firmware(path, b"", str(tmp_path), "model"))
    every = mcu.runtime_bytes(mcu.build_firmware(path, b"", str(tmp_path), "all"))
    assert own["data"] == every["data"] == 0 and own["bss"] == every["bss"] == 0   # no mutable statics
    assert 0 < own["text"] < every["text"] / 2


def test_codegen_refuses_models_the_runtime_cannot_run(tmp_path):
    from tensorlite.tools.codegen_cmd import generate
    with pytest.raises(ValueError, match="no kernel for"):
        generate(os.path.join(CORPUS, "person_detect_vela.tflite"), str(tmp_path / "gen"))  # CUSTOM ethos-u
