"""Symbolic dimensions (DESIGN contract 2): a None of an input_signature stays None in the traced graph, so one
trace serves every size there; sizes the graph needs at run time are shape ops (shape, strided_slice, stack
feeding reshape), which constant folding leaves alone; gradients trace too; the XLA device compiles per size;
saved models reload in a fresh process at any batch; the converter writes -1 in shape_signature wherever the
dimension flows and LiteRT runs the file after resize_tensor_input. References are NumPy."""
import json
import subprocess
import sys

import numpy as np
import pytest
from tensorlite.training.graph.ir import Graph, Node, Value
from tensorlite.training.graph.passes import constant_folding

import tensorlite as tl
from tests.litert import litert_interpreter, run

RNG = np.random.default_rng(7)


def _ops(graph) -> list[str]:
    return [n.op for n in graph.nodes]


def test_one_trace_serves_every_batch():
    w = RNG.standard_normal((5, 3)).astype(np.float32)

    @tl.function(input_signature=[tl.TensorSpec([None, 5], tl.float32)])
    def f(x):
        h = tl.nn.relu(tl.matmul(x, tl.constant(w)))
        batch = tl.cast(tl.shape(x)[0], tl.float32)
        return tl.reduce_mean(h, axis=0) * batch, tl.reshape(h, [tl.shape(h)[0], -1, 1])

    for n in (3, 7):
        x = RNG.standard_normal((n, 5)).astype(np.float32)
        mean, col = f(x)
        h = np.maximum(x @ w, 0)
        np.testing.assert_allclose(mean.numpy(), h.mean(0) * n, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(col.numpy(), h.reshape(n, 3, 1), rtol=1e-6)
    assert f.trace_count == 1
    graph = f.get_concrete_function(tl.TensorSpec([None, 5], tl.float32)).graph
    assert f.trace_count == 1  # the same trace: the spec's None keys it
    assert graph.inputs[0].shape == (None, 5)
    # the batch stays symbolic through every value it reaches; the reshape's sizes are computed in the graph
    assert {"shape", "strided_slice", "stack", "reshape"} <= set(_ops(graph))
    reshape = [n for n in graph.nodes if n.op == "reshape"][0]
    assert len(reshape.inputs) == 2 and reshape.attrs["shape"] == (None, -1, 1)
    assert [n.outputs[0].shape for n in graph.nodes if n.op == "matmul"] == [(None, 3)]  # relu fused into it
    # the calls are checked against the signature, not against the size traced first
    with pytest.raises(TypeError, match=r"does not match input_signature float32\[None, 5\]"):
        f(np.zeros((2, 4), np.float32))


def test_static_signature_still_folds_shapes():
    """Constant folding turns tl.shape of a fully known shape into a constant (the shape arithmetic after it
    folds too), and never folds one with a symbolic dimension."""
    def body(x):
        return tl.reshape(x, [tl.shape(x)[0], tl.shape(x)[1] * 4])

    symbolic = tl.function(body, input_signature=[tl.TensorSpec([None, 3, 4], tl.float32)])
    fixed = tl.function(body, input_signature=[tl.TensorSpec([2, 3, 4], tl.float32)])
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    for f in (symbolic, fixed):
        np.testing.assert_array_equal(f(x).numpy(), x.reshape(2, 12))
    sym_graph = symbolic.get_concrete_function(tl.TensorSpec([None, 3, 4], tl.float32)).graph
    fixed_graph = fixed.get_concrete_function(tl.TensorSpec([2, 3, 4], tl.float32)).graph
    assert "shape" in _ops(sym_graph)
    assert _ops(fixed_graph) == ["reshape"] and fixed_graph.nodes[0].attrs["shape"] == (2, 12)

    # the pass alone: shape of [None, 4] stays a node, shape of [2, 4] becomes the constant [2, 4]
    for shape, folds in (((None, 4), False), ((2, 4), True)):
        x, s = Value(1, "float32", shape), Value(2, "int32", (2,))
        g = Graph("g", [x], [s], [Node("shape", [x], [s], {"out_type": tl.int32})])
        assert constant_folding.run(g) == int(folds)
        if folds:
            np.testing.assert_array_equal(g.constants[s.id], [2, 4])
        else:
            assert _ops(g) == ["shape"] and not g.constants


def test_traced_train_step_with_a_symbolic_batch():
    """A train step traced once with input_signature [None, 5]: its gradients (mean over the batch, a reshape
    to a run-time size, broadcasting) equal NumPy's at batch 3 and 6."""
    w = tl.Variable(RNG.standard_normal((5, 3)).astype(np.float32))
    b = tl.Variable(np.zeros(3, np.float32))

    @tl.function(input_signature=[tl.TensorSpec([None, 5], tl.float32), tl.TensorSpec([None, 3], tl.float32)])
    def step(x, y):
        with tl.GradientTape() as tape:
            p = tl.nn.softmax(tl.matmul(x, w) + b)
            p = tl.reduce_sum(tl.reshape(p, [tl.shape(p)[0], -1, 1]), axis=2)
            loss = tl.reduce_mean(tl.square(p - y))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    for n in (3, 6):
        x, y = RNG.standard_normal((n, 5)).astype(np.float32), RNG.standard_normal((n, 3)).astype(np.float32)
        w0, b0 = w.numpy().astype(np.float64), b.numpy().astype(np.float64)
        loss = step(x, y)
        z = x @ w0 + b0
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        d = 2 * (p - y) / (n * 3)
        dz = p * (d - (d * p).sum(1, keepdims=True))
        assert float(loss) == pytest.approx(((p - y) ** 2).mean(), rel=1e-5)
        np.testing.assert_allclose(w.numpy(), w0 - 0.1 * x.T @ dz, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b.numpy(), b0 - 0.1 * dz.sum(0), rtol=1e-5, atol=1e-6)
    assert step.trace_count == 1


def test_control_flow_keeps_the_symbolic_batch():
    """tl.cond branches and a tl.while_loop body see the symbolic batch: one trace, and the converted IF/WHILE
    subgraphs run in LiteRT after a resize."""
    @tl.function(input_signature=[tl.TensorSpec([None, 3], tl.float32)])
    def f(x):
        y = tl.cond(tl.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
        _, z = tl.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z + 1.0), [tl.constant(0), y])
        return z

    for n in (2, 5):
        x = RNG.uniform(0.1, 1, (n, 3)).astype(np.float32)
        np.testing.assert_allclose(f(x).numpy(), x * 2 + 3, rtol=1e-6)
        np.testing.assert_allclose(f(-x).numpy(), -x - 1 + 3, rtol=1e-6)
    assert f.trace_count == 1
    cf = f.get_concrete_function(tl.TensorSpec([None, 3], tl.float32))
    branches = [a for n in cf.graph.nodes for a in n.attrs.values() if isinstance(a, Graph)]
    assert len(branches) == 4 and all(g.inputs[-1].shape == (None, 3) for g in branches)
    interpreter = litert_interpreter(tl.lite.Converter.from_concrete_functions([cf]).convert())
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [4, 3])
    x = RNG.uniform(0.1, 1, (4, 3)).astype(np.float32)
    (got,) = run(interpreter, [x])
    np.testing.assert_allclose(got, x * 2 + 3, rtol=1e-6)


def test_symbolic_attribute_is_refused_with_the_fix():
    f = tl.function(lambda x: tl.zeros_like(x) + tl.broadcast_to(tl.constant(1.0), x.shape),
                    input_signature=[tl.TensorSpec([None, 2], tl.float32)])
    with pytest.raises(NotImplementedError, match=r"`shape`=\[None, 2\] holds a symbolic dimension.*tl\.shape\(x\)"):
        f(np.zeros((3, 2), np.float32))
    g = tl.function(lambda x: x * len(x), input_signature=[tl.TensorSpec([None, 2], tl.float32)])
    with pytest.raises(TypeError, match=r"len\(\) of a tensor whose first dimension is symbolic"):
        g(np.zeros((3, 2), np.float32))


def test_xla_compiles_each_size_from_one_trace():
    from tensorlite.training.devices import xla as xla_device

    from tests.conftest import skip_or_fail
    ok, reason = xla_device.available()
    if not ok:
        skip_or_fail(reason)

    @tl.function(input_signature=[tl.TensorSpec([None, 4, 5], tl.float32)])
    def f(x):
        flat = tl.reshape(x, tl.stack([tl.shape(x)[0], tl.shape(x)[1] * 5]))
        return tl.nn.relu(flat), tl.reduce_mean(x, axis=0)

    with tl.device("xla"):
        for i, n in enumerate((2, 3, 2)):
            x = RNG.standard_normal((n, 4, 5)).astype(np.float32)
            flat, mean = f(x)
            assert flat.device == ("cpu" if i == 0 else "xla")  # the first call traces, on the CPU
            np.testing.assert_allclose(flat.numpy(), np.maximum(x.reshape(n, 20), 0), rtol=1e-6)
            np.testing.assert_allclose(mean.numpy(), x.mean(0), rtol=1e-5, atol=1e-6)
    assert f.trace_count == 1


def test_converted_function_is_dynamic_wherever_the_batch_flows():
    """from_concrete_functions on a [None, 4, 5] trace: -1 in the shape_signature of the input, the outputs
    and the intermediate tensors; the run-time reshape is SHAPE, STRIDED_SLICE, PACK, RESHAPE; LiteRT runs it
    at batch 1 and, after resize_tensor_input, at batch 6."""
    w = RNG.standard_normal((20, 3)).astype(np.float32)

    @tl.function(input_signature=[tl.TensorSpec([None, 4, 5], tl.float32)])
    def f(x):
        flat = tl.reshape(x, [tl.shape(x)[0], 20])
        y = tl.nn.relu(tl.matmul(tl.reshape(flat, [tl.shape(x)[0], -1]), tl.constant(w)))
        return y, tl.reduce_mean(x, axis=[1, 2])

    converter = tl.lite.Converter.from_concrete_functions([f.get_concrete_function(
        tl.TensorSpec([None, 4, 5], tl.float32))])
    model = converter.convert_model()
    sg = model.subgraphs[0]
    assert sg.tensors[sg.inputs[0]].shape_signature == (-1, 4, 5)
    assert sg.tensors[sg.inputs[0]].shape == (1, 4, 5)
    assert [sg.tensors[i].shape_signature[0] for i in sg.outputs] == [-1, -1]
    ops = [op.opcode for op in sg.operators]
    assert {"SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE"} <= set(ops)
    reshaped = [sg.tensors[op.outputs[0]] for op in sg.operators if op.opcode == "RESHAPE"]
    assert all(t.shape[1:] == (20,) and t.shape_signature[0] == -1 for t in reshaped)  # static at batch 1

    data = converter.convert()
    for n in (1, 6):
        x = RNG.standard_normal((n, 4, 5)).astype(np.float32)
        for interpreter in (litert_interpreter(data), tl.lite.Interpreter(model_content=data)):  # LiteRT and ours
            if n != 1:
                interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [n, 4, 5])
            got = run(interpreter, [x])
            want = [np.maximum(x.reshape(n, 20) @ w, 0), x.mean(axis=(1, 2))]
            for g, e in zip(sorted(got, key=lambda a: a.ndim), sorted(want, key=lambda a: a.ndim)):
                np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def keras_model(seed=0):
    """The acceptance model: Conv2D, BatchNormalization (trained-looking statistics), Reshape, Flatten, Dropout,
    Dense and GlobalAveragePooling2D, with a None batch."""
    tl.random.set_seed(seed)
    layers = tl.keras.layers
    image = tl.keras.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(image)
    x = layers.BatchNormalization()(x)
    pooled = layers.GlobalAveragePooling2D()(x)
    x = layers.Reshape((4, 16, 4))(x)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    x = layers.Dense(6, activation="relu")(x)
    x = layers.Concatenate()([x, pooled])
    model = tl.keras.Model(image, layers.Dense(3, activation="softmax", name="probs")(x))
    rng = np.random.default_rng(seed)
    bn = model.get_layer(index=2)
    bn.set_weights([rng.uniform(0.5, 2, 4).astype(np.float32), rng.normal(size=4).astype(np.float32),
                    rng.normal(size=4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)])
    return model


def numpy_forward(model, x):
    """The model's inference in NumPy from its weights (the independent reference)."""
    k1, b1, gamma, beta, mean, var, k2, b2, k3, b3 = [w.astype(np.float64) for w in model.get_weights()]
    n = x.shape[0]
    pad = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    conv = np.zeros((n, 8, 8, 4))
    for i in range(3):
        for j in range(3):
            conv += np.einsum("nhwc,co->nhwo", pad[:, i:i + 8, j:j + 8], k1[i, j])
    h = np.maximum(conv + b1, 0)
    h = (h - mean) / np.sqrt(var + 1e-3) * gamma + beta
    d = np.maximum(h.reshape(n, -1) @ k2 + b2, 0)
    z = np.concatenate([d, h.mean(axis=(1, 2))], axis=1) @ k3 + b3
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


LOAD_AND_RUN = """
import json, sys
import numpy as np
import tensorlite as tl
m = tl.saved_model.load(sys.argv[1])
fn = m.signatures["serving_default"]
out = {"signature": [list(s.shape) for s in fn.input_signature], "graph_input": list(fn.graph.inputs[0].shape)}
for path in sys.argv[2:]:
    out[path] = m(np.load(path))["probs"].numpy().tolist()
print(json.dumps(out))
"""


def test_keras_saved_model_runs_any_batch_in_a_fresh_process_and_converts(tmp_path):
    model = keras_model()
    tl.saved_model.save(model, str(tmp_path / "sm"))
    feeds = {}
    for n in (1, 8):
        x = np.random.default_rng(n).standard_normal((n, 8, 8, 3)).astype(np.float32)
        np.save(tmp_path / f"x{n}.npy", x)
        feeds[str(tmp_path / f"x{n}.npy")] = x
    done = subprocess.run([sys.executable, "-c", LOAD_AND_RUN, str(tmp_path / "sm"), *feeds],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["signature"] == [got["graph_input"]] == [[None, 8, 8, 3]]  # one symbolic graph for every batch
    for path, x in feeds.items():
        want = model.predict(x, verbose=0)
        np.testing.assert_allclose(np.float32(got[path]), want, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(want, numpy_forward(model, x), rtol=1e-4, atol=1e-6)

    out = tmp_path / "model.tflite"
    done = subprocess.run([sys.executable, "-m", "tensorlite", "convert", str(tmp_path / "sm"), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    x8 = feeds[str(tmp_path / "x8.npy")]
    want = model.predict(x8, verbose=0)
    for reference in (True, False):  # LiteRT's reference kernels and its default ones
        interpreter = litert_interpreter(out.read_bytes(), reference=reference)
        (detail,) = interpreter.get_input_details()
        assert list(detail["shape"]) == [1, 8, 8, 3] and list(detail["shape_signature"]) == [-1, 8, 8, 3]
        assert list(interpreter.get_output_details()[0]["shape_signature"]) == [-1, 3]
        interpreter.resize_tensor_input(detail["index"], [8, 8, 8, 3])
        (probs,) = run(interpreter, [x8])
        np.testing.assert_allclose(probs, want, rtol=1e-5, atol=1e-6)

    # tensorlite's C runtime runs the file at its batch 1, and at batch 8 after a resize (strict: only -1 changes)
    interpreter = tl.lite.Interpreter(model_path=str(out))
    x1 = feeds[str(tmp_path / "x1.npy")]
    (probs,) = run(interpreter, [x1])
    np.testing.assert_allclose(probs, model.predict(x1, verbose=0), rtol=1e-5, atol=1e-6)
    (detail,) = interpreter.get_input_details()
    with pytest.raises(ValueError, match="fixed at 8 in its shape_signature"):
        interpreter.resize_tensor_input(detail["index"], [8, 9, 8, 3], strict=True)
    interpreter.resize_tensor_input(detail["index"], [8, 8, 8, 3], strict=True)
    (probs,) = run(interpreter, [x8])
    np.testing.assert_allclose(probs, want, rtol=1e-5, atol=1e-6)


def test_recurrent_and_transposed_conv_layers_follow_the_batch(tmp_path):
    """Layers that make batch-sized tensors (an LSTM's initial state, Conv2DTranspose's output shape) build
    them from the input in a symbolic trace: the saved model runs at two batches, and the converted file in
    LiteRT after a resize."""
    tl.random.set_seed(3)
    layers = tl.keras.layers
    seq = tl.keras.Input((4, 3))
    lstm = tl.keras.Model(seq, layers.Dense(2)(layers.LSTM(5)(seq)))
    image = tl.keras.Input((4, 4, 2))
    deconv = tl.keras.Model(image, layers.Conv2DTranspose(3, 3, strides=2, padding="same")(image))
    for i, (model, shape) in enumerate(((lstm, (4, 3)), (deconv, (4, 4, 2)))):
        tl.saved_model.save(model, str(tmp_path / f"sm{i}"))
        loaded = tl.saved_model.load(str(tmp_path / f"sm{i}"))
        for n in (1, 5):
            x = RNG.standard_normal((n, *shape)).astype(np.float32)
            (y,) = loaded(x).values()
            np.testing.assert_allclose(y.numpy(), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
        data = tl.lite.Converter.from_saved_model(str(tmp_path / f"sm{i}")).convert()
        for interpreter in (litert_interpreter(data), tl.lite.Interpreter(model_content=data)):  # LiteRT and ours
            interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [5, *shape])
            (y,) = run(interpreter, [x])
            np.testing.assert_allclose(y, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
