"""tl.function and the Graph IR: IR verifier, dump and save/load; executor memory; retracing rules; variable
capture and assignment; tracing errors that name the user's line. Traced equals eager over the whole op table,
forward and gradient, in tests/graph/test_op_table_modes.py (its "cpu" mode)."""
import numpy as np
import pytest
from tensorlite.training.function import TracingError
from tensorlite.training.graph.executor import Executor
from tensorlite.training.graph.ir import Graph, Node, Value

import tensorlite as tl


def test_variables_captured_by_reference_and_assigned_each_call():
    v = tl.Variable(np.ones((3, 2), np.float32), name="w")

    @tl.function
    def step(x):
        y = tl.matmul(x, v)
        v.assign_add(tl.ones_like(v))
        return y

    x = tl.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    outs = [step(x).numpy() for _ in range(3)]
    for k, o in enumerate(outs):  # each call reads the value the previous call assigned
        np.testing.assert_allclose(o, x.numpy() @ np.full((3, 2), 1.0 + k, np.float32))
    np.testing.assert_allclose(v.numpy(), np.full((3, 2), 4.0))
    v.assign(np.zeros((3, 2), np.float32))  # assigned outside: the graph sees it
    np.testing.assert_allclose(step(x).numpy(), 0.0)
    before = v.numpy().copy()
    step.get_concrete_function(tl.TensorSpec([5, 3], tl.float32))  # a trace for the graph only
    np.testing.assert_allclose(v.numpy(), before)


def test_traced_sgd_train_step_equals_eager():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)

    def make():
        w = tl.Variable(np.full((4, 1), 0.1, np.float32))
        b = tl.Variable(np.zeros((1,), np.float32))
        opt = tl.keras.optimizers.SGD(0.05, momentum=0.9)

        def step(xb, yb):
            with tl.GradientTape() as tape:
                loss = tl.reduce_mean(tl.square(tl.matmul(xb, w) + b - yb))
            opt.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
            return loss
        return w, b, step

    w1, b1, eager = make()
    w2, b2, step = make()
    traced = tl.function(step)
    for _ in range(5):
        le = eager(tl.constant(x), tl.constant(y))
        lt = traced(tl.constant(x), tl.constant(y))
        np.testing.assert_allclose(lt.numpy(), le.numpy(), rtol=1e-6)
    np.testing.assert_allclose(w2.numpy(), w1.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b2.numpy(), b1.numpy(), rtol=1e-6)
    assert traced.trace_count == 1


def test_retracing_rules():
    f = tl.function(lambda x, k=1: x * k)
    a = tl.constant(np.ones((2, 3), np.float32))
    f(a)
    f(a + 1)
    assert f.trace_count == 1  # same dtype and shape: the cached graph
    f(tl.constant(np.ones((4, 3), np.float32)))
    f(a, k=2)
    f(tl.constant(np.ones((2, 3), np.int32)))
    assert f.trace_count == 4  # new shape, new Python value, new dtype
    np.testing.assert_allclose(f(a, k=2).numpy(), 2.0)
    with pytest.warns(UserWarning, match="traced 6 times"):
        for n in range(5, 7):
            f(tl.constant(np.ones((n, 3), np.float32)))


def test_input_signature_checks_calls():
    f = tl.function(lambda x: x + 1, input_signature=[tl.TensorSpec([None, 3], tl.float32)])
    np.testing.assert_allclose(f(tl.constant(np.zeros((5, 3), np.float32))).numpy(), 1.0)
    with pytest.raises(TypeError, match="does not match input_signature float32\\[None, 3\\]"):
        f(tl.constant(np.zeros((5, 4), np.float32)))


def test_python_branch_on_tensor_names_the_line():
    @tl.function
    def f(x):
        if tl.reduce_sum(x) > 0:  # the offending line
            return x
        return -x

    with pytest.raises(TracingError, match=r"test_function.py:\d+: .*the offending line.*tl.where / tl.cond"):
        f(tl.constant(np.ones(3, np.float32)))
    with pytest.raises(TracingError, match="numpy"):
        tl.function(lambda x: x * float(np.sum(x.numpy())))(tl.constant(np.ones(3, np.float32)))


def test_ir_verify_dump_and_save_load(tmp_path):
    f = tl.function(lambda x, y: tl.nn.relu(tl.matmul(x, y) + 1.0))
    x = tl.constant(np.arange(6, dtype=np.float32).reshape(2, 3) - 2)
    y = tl.constant(np.ones((3, 4), np.float32))
    want = f(x, y).numpy()
    g = f.get_concrete_function(x, y).graph
    text = g.dump()
    assert "matmul(%" in text and "add(%" in text and "activation='relu'" in text and "return %" in text
    g.save(str(tmp_path / "g"))
    g2 = Graph.load(str(tmp_path / "g"))
    outs, _ = Executor(g2).run([x.numpy(), y.numpy()], {})
    np.testing.assert_array_equal(outs[0], want)
    bad = Graph("bad", inputs=[Value(1, "float32", (2,))])
    bad.nodes = [Node("relu", [Value(9, "float32", (2,))], [Value(2, "float32", (2,))])]
    with pytest.raises(ValueError, match="node 0 \\(relu\\): input %9.* used before it is defined"):
        bad.verify()
    bad.nodes = [Node("relu", [bad.inputs[0]], [Value(2, "int32", (2,))])]
    with pytest.raises(ValueError, match="node 0 \\(relu\\): output .* inference gives float32\\[2\\]"):
        bad.verify()
    (tmp_path / "g" / "graph.json").write_text('{"name": "x"}')
    with pytest.raises(ValueError, match="not a valid tensorlite graph"):
        Graph.load(str(tmp_path / "g"))


def test_executor_frees_by_lifetime():
    @tl.function
    def chain(x):
        for _ in range(8):
            x = tl.nn.relu(x * 1.5 + 0.5)
        return x

    x = tl.constant(np.ones((256, 256), np.float32))
    chain(x)
    out = chain(x)
    cf = chain.get_concrete_function(x)
    np.testing.assert_allclose(out.numpy(), cf._executor.run([x.numpy()], {})[0][0])
    step = 256 * 256 * 4
    assert cf.peak_bytes <= 3 * step < Executor(cf.graph).total_bytes()  # 24 intermediates, at most 3 live


def test_first_call_under_a_tape_or_inside_a_trace_is_connected():
    """The call that traces must still be differentiable and, inside another traced function, be
    recorded as ops (not frozen as a constant); variables it assigns change once."""
    v = tl.Variable(np.float32(1.0))

    @tl.function
    def inner(x):
        v.assign_add(1.0)
        return tl.tanh(x) * 2.0

    x = tl.constant(np.array([0.5, 1.0], np.float32))
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = tl.reduce_sum(inner(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * (1 - np.tanh([0.5, 1.0]) ** 2), rtol=1e-6)
    assert float(v.numpy()) == 2.0

    @tl.function
    def outer(a):
        return inner(a * 2.0) + 1.0

    for a in ([0.1, 0.2], [-1.0, 3.0]):
        a = np.array(a, np.float32)
        np.testing.assert_allclose(outer(a).numpy(), np.tanh(a * 2) * 2 + 1, rtol=1e-6)
