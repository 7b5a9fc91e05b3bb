"""The four modes on the main job's digits CNN, through the TensorFlow-style converter settings: accuracy
against the float model on the held-out digits (the issue's bars: int8 within 0.5 points, dynamic range
and float16 within 0.2), file sizes, and the integer files equal across LiteRT's reference kernels,
tensorlite's C runtime and TFLite Micro."""
import numpy as np
from tensorlite.runtime import Interpreter

import tensorlite as tl
from tests.quantize.helpers import litert_interpreter, run, tflm_run


def _convert(model, x_train, mode):
    c = tl.lite.Converter.from_keras_model(model)
    if mode == "float32":
        return c.convert()
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    if mode == "float16":
        c.target_spec.supported_types = [tl.float16]
    if mode in ("int8", "int8_io"):
        c.representative_dataset = lambda: ([x[None]] for x in x_train[:100])
    if mode == "int8_io":
        c.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
        c.inference_input_type = tl.int8
        c.inference_output_type = tl.int8
    return c.convert()


def _predict(data, x_test, reference=True):
    it = litert_interpreter(data, reference=reference)
    inp = it.get_input_details()[0]
    outs = []
    for x in x_test:
        x = x[None]
        if inp["dtype"] == np.int8:
            scale, zero = inp["quantization"]
            x = np.clip(np.round(x / scale) + zero, -128, 127).astype(np.int8)
        outs.append(run(it, [x])[0][0])
    return np.array(outs)


def test_modes_keep_the_digits_accuracy(digits_cnn):
    model, x_train, _, x_test, y_test = digits_cnn
    sizes, accuracy = {}, {}
    for mode in ("float32", "float16", "dynamic", "int8", "int8_io"):
        data = _convert(model, x_train, mode)
        sizes[mode] = len(data)
        accuracy[mode] = 100.0 * float(np.mean(_predict(data, x_test).argmax(axis=1) == y_test))
    assert accuracy["float32"] > 95.0
    assert abs(accuracy["float16"] - accuracy["float32"]) <= 0.2
    assert abs(accuracy["dynamic"] - accuracy["float32"]) <= 0.2
    assert abs(accuracy["int8"] - accuracy["float32"]) <= 0.5
    assert abs(accuracy["int8_io"] - accuracy["float32"]) <= 0.5
    # int8 weights are a quarter of float32's; the file also holds the graph, names and biases
    assert sizes["int8"] < 0.45 * sizes["float32"] and sizes["dynamic"] < 0.45 * sizes["float32"]
    assert sizes["float16"] < 0.65 * sizes["float32"]


def test_int8_digits_is_bit_exact_across_runtimes(digits_cnn):
    model, x_train, _, x_test, _ = digits_cnn
    data = _convert(model, x_train, "int8_io")
    ours = Interpreter(model_content=data)
    ref = litert_interpreter(data, reference=True)
    scale, zero = ours.get_input_details()[0]["quantization"]
    for x in x_test[:40]:
        q = np.clip(np.round(x[None] / scale) + zero, -128, 127).astype(np.int8)
        want = run(ref, [q])[0]
        np.testing.assert_array_equal(run(ours, [q])[0], want)
        np.testing.assert_array_equal(tflm_run(data, [q], 1)[0], want)


def test_float16_and_dynamic_run_in_the_c_runtime_as_in_litert(digits_cnn):
    model, x_train, _, x_test, _ = digits_cnn
    for mode in ("float16", "dynamic"):
        data = _convert(model, x_train, mode)
        want = _predict(data, x_test[:20])
        ours = Interpreter(model_content=data)
        got = np.array([run(ours, [x[None]])[0][0] for x in x_test[:20]])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
