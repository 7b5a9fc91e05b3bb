"""Custom operators the application provides (issue 12 item 3): in C through tl_resolver_add_custom (a program built
against libtensorlite.a, runtimes/c/tests/example_custom_op.c, reading its FlexBuffer options with the public API) and
in Python through tl.lite.Interpreter(custom_ops={...}); results against NumPy, errors naming the node, resizing
through a custom op whose prepare gives the output shapes, and the model-loader fuzzing (ASan + UBSan) over models with
a registered custom op whose options are mutated."""
import subprocess

import numpy as np
import pytest
from flatbuffers import flexbuffers

import tensorlite as tl
from tests.paths import CORPUS

from .cbuild import RUNTIME, make
from .tflite_graph import Model

RNG = np.random.default_rng(3)


def custom_model(code="ScaleShift", options=None, shape=(2, 3), signature=None) -> bytes:
    """x -> CUSTOM `code` -> y, float32 of `shape` (shape_signature `signature` on both when given)."""
    m = Model()
    g = m.subgraph()
    x, y = g.input("x", shape, "float32"), g.tensor("y", shape, "float32")
    g.custom(code, [x], [y], bytes(flexbuffers.Dumps(options if options is not None else {"scale": 2.5, "shift": 3})))
    g.output(y)
    if signature:
        for i in (x, y):
            g.g.tensors[i].shapeSignature = list(signature)
    return m.build()


def scale_shift(inputs, options):
    o = flexbuffers.Loads(options)
    return inputs[0] * o["scale"] + o.get("shift", 0)


def test_python_custom_op_runs_and_is_named_when_missing():
    data = custom_model()
    assert tl.lite.Interpreter(model_content=data).unsupported_ops() == ["CUSTOM ScaleShift"]
    with pytest.raises(ValueError, match=r"node 0 \(CUSTOM ScaleShift\): operator has no kernel"):
        tl.lite.Interpreter(model_content=data).allocate_tensors()
    it = tl.lite.Interpreter(model_content=data, custom_ops={"ScaleShift": scale_shift})
    assert it.unsupported_ops() == []
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    it.allocate_tensors()
    it.set_tensor(0, x)
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(it.get_output_details()[0]["index"]), x * np.float32(2.5) + 3)


def test_python_custom_op_errors_name_the_node_and_keep_the_cause():
    data = custom_model()

    def raises(inputs, options):
        raise KeyError("no such thing")

    for op, kind, match in ((raises, KeyError, "KeyError: 'no such thing'"),
                            (lambda inputs, options: inputs[0][:1], ValueError, r"output 0 has shape \[1, 3\]"),
                            (lambda inputs, options: inputs[0].astype(np.complex64), TypeError, "complex64"),
                            (lambda inputs, options: [inputs[0], inputs[0]], ValueError, "returned 2 outputs")):
        it = tl.lite.Interpreter(model_content=data, custom_ops={"ScaleShift": op})
        it.allocate_tensors()
        with pytest.raises(RuntimeError, match=r"node 0 \(CUSTOM ScaleShift\).*" + match) as exc:
            it.invoke()
        assert isinstance(exc.value.__cause__, kind)
    with pytest.raises(ValueError, match="expected"):
        tl.lite.Interpreter(model_content=data, custom_ops={"ScaleShift": 3})


class Repeat:
    """A custom op whose output shape follows its input (it doubles the last axis): its prepare says so."""

    def prepare(self, input_shapes, options):
        (shape,) = input_shapes
        return [(*shape[:-1], 2 * shape[-1])]

    def __call__(self, inputs, options):
        return np.concatenate([inputs[0], inputs[0]], axis=-1)


def test_resize_through_a_custom_op_with_prepare():
    m = Model()
    g = m.subgraph()
    x, y = g.input("x", [1, 3], "float32"), g.tensor("y", [1, 6], "float32")
    g.custom("Repeat", [x], [y], b"")
    g.output(y)
    g.g.tensors[x].shapeSignature, g.g.tensors[y].shapeSignature = [-1, 3], [-1, 6]
    it = tl.lite.Interpreter(model_content=m.build(), custom_ops={"Repeat": Repeat()})
    it.resize_tensor_input(0, [4, 5])  # any shape the op takes (not strict)
    it.allocate_tensors()
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    it.set_tensor(0, x)
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(it.get_output_details()[0]["index"]), np.concatenate([x, x], 1))
    # without a prepare the output keeps the model's shape, which no longer fits: the op's result is refused
    it = tl.lite.Interpreter(model_content=m.build(), custom_ops={"Repeat": Repeat().__call__})
    it.resize_tensor_input(0, [4, 3])
    it.allocate_tensors()
    it.set_tensor(0, x[:, :3])
    with pytest.raises(RuntimeError, match=r"output 0 has shape \[4, 6\], the tensor \[1, 6\]"):
        it.invoke()


def _example(tmp_path):
    out = make(tmp_path, target=f"{tmp_path}/gcc-release/libtensorlite.a")
    exe = tmp_path / "example_custom_op"
    r = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", f"-I{RUNTIME / 'include'}",
                        str(RUNTIME / "tests" / "example_custom_op.c"), str(out / "libtensorlite.a"), "-lm",
                        "-pthread", "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return exe


def test_c_custom_op_through_the_resolver(tmp_path):
    exe = _example(tmp_path)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    for options, want in (({"scale": 2.5, "shift": 3}, x * np.float32(2.5) + 3), ({"scale": -1.0}, -x)):
        (tmp_path / "m.tflite").write_bytes(custom_model(options=options))
        r = subprocess.run([str(exe), str(tmp_path / "m.tflite")], input=x.tobytes(), capture_output=True)
        assert r.returncode == 0, r.stderr.decode()
        np.testing.assert_array_equal(np.frombuffer(r.stdout, np.float32).reshape(2, 3), want)
    for options, match in (({"shift": 3}, "custom option 'scale' is missing"),
                           ({"scale": "big"}, "custom option 'scale' is missing or not of the asked type")):
        (tmp_path / "m.tflite").write_bytes(custom_model(options=options))
        r = subprocess.run([str(exe), str(tmp_path / "m.tflite")], input=x.tobytes(), capture_output=True)
        assert r.returncode == 1 and "node 0 (CUSTOM ScaleShift)" in r.stderr.decode(), r.stderr
        assert match in r.stderr.decode()
    (tmp_path / "m.tflite").write_bytes(custom_model(code="Unknown"))  # a code nobody registered
    r = subprocess.run([str(exe), str(tmp_path / "m.tflite")], input=x.tobytes(), capture_output=True)
    assert r.returncode == 1 and "node 0 (CUSTOM Unknown): operator has no kernel" in r.stderr.decode()


def test_fuzzed_custom_op_options_under_sanitizers(tmp_path):
    """fuzz_model_loader registers TlFuzzCustom (reading scale/shift/axes through tl_custom_option_*) and re-runs each
    model resized: mutations of models using it, and of models of the built-in vision ops, hit the option readers,
    then the resize path; never a crash."""
    out = make(tmp_path, mode="sanitize", target=f"{tmp_path}/gcc-sanitize/fuzz_model_loader")
    seeds = []
    for k, options in enumerate(({"scale": 1.5, "shift": -2, "axes": [0, 1]}, {"shift": 7}, {})):
        seeds.append(tmp_path / f"custom{k}.tflite")
        seeds[-1].write_bytes(custom_model("TlFuzzCustom", options, shape=(2, 3), signature=(-1, 3)))
    # and the built-in vision ops, whose options are raw C structs (test_vision_custom_ops.py)
    from .test_vision_custom_ops import SAME, one_custom, pool_params
    pool = pool_params(SAME, (2, 2), (2, 2))
    vision = {"argmax": one_custom("MaxPoolingWithArgmax2D", [("x", (1, 4, 4, 2))],
                                   [("y", (1, 2, 2, 2)), ("i", (1, 2, 2, 2))], pool),
              "unpool": one_custom("MaxUnpooling2D", [("x", (1, 2, 2, 2)), ("i", (1, 2, 2, 2))],
                                   [("y", (1, 4, 4, 2))], pool),
              "tconv": one_custom("Convolution2DTransposeBias", [("x", (1, 3, 3, 2)), ("w", None), ("b", None)],
                                  [("y", (1, 6, 6, 3))], bytes(np.array([SAME, 2, 2], "<i4")),
                                  consts={"w": np.ones((3, 2, 2, 2), np.float32), "b": np.zeros(3, np.float32)})}
    for name, model in vision.items():
        seeds.append(tmp_path / f"{name}.tflite")
        seeds[-1].write_bytes(model)
    r = subprocess.run([str(out / "fuzz_model_loader"), *seeds, CORPUS / "audio_preprocessor_int8.tflite"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    assert "no crash" in r.stdout and "Sanitizer" not in r.stderr
