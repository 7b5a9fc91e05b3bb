"""Re-quantizing float models made by TensorFlow's converter. The corpus's two float models with a
TensorFlow int8 twin (hello_world, mnist_lstm) go through `tensorlite quantize --mode int8` with int8 I/O, as
the twins have: LiteRT runs the results, they are no larger than the twins and track the float model at
least as closely on the inputs below; tensorlite's C runtime equals LiteRT's reference kernels on them and
TFLite Micro runs them. Other TensorFlow-made float models quantize and run the same way."""
import numpy as np
import pytest
from tensorlite.converter.reader import read
from tensorlite.runtime import Interpreter
from tensorlite.tools import cli
from tensorlite.training.keras.datasets import digits

from tests.paths import CORPUS, TF_CONVERTED
from tests.quantize.helpers import litert_interpreter, run, tflm_run


def _mnist_like(x):
    """sklearn-style 8x8 digits scaled to [0, 1] and blown up to MNIST's 28x28 (3x, 2-pixel border)."""
    big = np.kron(x.reshape(-1, 8, 8) / 16.0, np.ones((1, 3, 3)))
    return np.pad(big, ((0, 0), (2, 2), (2, 2))).astype(np.float32)


# model -> (calibration inputs, evaluation inputs), each [N, *input shape without batch]
def _inputs(name):
    if name == "hello_world":
        return (np.linspace(0, 2 * np.pi, 200, dtype=np.float32).reshape(-1, 1),
                np.linspace(0, 2 * np.pi, 1000, dtype=np.float32).reshape(-1, 1))
    (x_train, _), (x_test, _) = digits.load_data()
    return _mnist_like(x_train[:100]), _mnist_like(x_test[:100])


def _dequantized_outputs(data, xs, engine="litert"):
    outs = []
    for x in xs:
        it = Interpreter(model_content=data) if engine == "ours" else litert_interpreter(data)
        i, o = it.get_input_details()[0], it.get_output_details()[0]
        scale, zero = i["quantization"]
        q = np.clip(np.round(x[None] / scale) + zero, -128, 127).astype(np.int8)
        if engine == "tflm":
            y = tflm_run(data, [q], 1)[0]
        else:
            y = run(it, [q])[0]
        scale, zero = o["quantization"]
        outs.append((y.astype(np.float32) - zero) * scale)
    return np.array(outs)


@pytest.mark.parametrize("name", ["hello_world", "mnist_lstm"])
def test_requantized_corpus_model_beats_its_tensorflow_twin(name, tmp_path, capsys):
    float_path, twin = CORPUS / f"{name}_float.tflite", (CORPUS / f"{name}_int8.tflite").read_bytes()
    cal, test = _inputs(name)
    np.save(tmp_path / "cal.npy", cal)
    out = tmp_path / "ours.tflite"
    code = cli.main(["quantize", str(float_path), "--mode", "int8", "--calibration", str(tmp_path / "cal.npy"),
                     "--input-type", "int8", "--output-type", "int8", "--strict", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    ours = out.read_bytes()
    assert len(ours) <= len(twin)
    floats = np.array([run(litert_interpreter(float_path.read_bytes()), [x[None]])[0] for x in test])
    mine, theirs = _dequantized_outputs(ours, test), _dequantized_outputs(twin, test)
    err_mine, err_theirs = np.abs(mine - floats), np.abs(theirs - floats)
    assert err_mine.max() <= err_theirs.max() and np.sqrt(np.mean(err_mine ** 2)) <= np.sqrt(np.mean(err_theirs ** 2))
    np.testing.assert_array_equal(_dequantized_outputs(ours, test[:20], "ours"), mine[:20])
    tflm = _dequantized_outputs(ours, test[:5], "tflm")
    lsb = read(ours, "m").subgraphs[0].tensors[read(ours, "m").subgraphs[0].outputs[0]].quantization.scale[0]
    # TFLM's own integer LSTM is up to 1 step from LiteRT's; the softmax after it may widen that to 2
    np.testing.assert_allclose(tflm, mine[:5], rtol=0, atol=2.001 * lsb)
    assert (tflm.argmax(-1) == mine[:5].argmax(-1)).all()


@pytest.mark.parametrize("path", [CORPUS / "magic_wand.tflite", TF_CONVERTED / "ds_cnn_float.tflite",
                                  TF_CONVERTED / "flatten_float.tflite", TF_CONVERTED / "gru_float.tflite"],
                         ids=lambda p: p.stem)
@pytest.mark.parametrize("mode", ["int8", "dynamic", "float16"])
def test_tensorflow_float_models_quantize_and_run_alike(path, mode, tmp_path, capsys):
    it = litert_interpreter(path.read_bytes())
    shape = [1 if d < 0 else d for d in it.get_input_details()[0]["shape_signature"]]
    rng = np.random.default_rng(0)
    cal = rng.uniform(-1, 1, [12] + shape[1:]).astype(np.float32)
    np.save(tmp_path / "cal.npy", cal)
    out = tmp_path / "q.tflite"
    extra = ["--calibration", str(tmp_path / "cal.npy")] if mode == "int8" else []
    assert cli.main(["quantize", str(path), "--mode", mode, "-o", str(out), *extra]) == 0, capsys.readouterr().err
    data = out.read_bytes()
    for x in cal[:3]:
        want = run(litert_interpreter(data), [x[None]])[0]
        got = run(Interpreter(model_content=data), [x[None]])[0]
        if mode == "int8":
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        ref = run(litert_interpreter(path.read_bytes()), [x[None]])[0]
        assert np.abs(want - ref).max() <= 0.1 * max(1.0, float(np.abs(ref).max()))
