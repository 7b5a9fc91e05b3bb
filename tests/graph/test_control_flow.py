"""tl.cond and tl.while_loop: Python when eager, graph ops when traced (one trace serves every
branch and trip count), gradients through a traced cond (finite differences), saved models, and
conversion to TFLite IF / WHILE run by LiteRT and by the C runtime."""
import numpy as np
import pytest
from tensorlite.training.graph.trace import TracingError

import tensorlite as tl
from tests.litert import litert_interpreter


def _fd(f, x, eps=1e-3):
    """Central finite differences of scalar f at float32 x, computed in float64."""
    g = np.zeros(x.shape, np.float64)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (float(f(x + d)) - float(f(x - d))) / (2 * eps)
    return g


def test_eager_cond_runs_one_branch_as_python():
    calls = []

    def yes():
        calls.append("yes")
        return tl.constant(1.0)

    def no():
        calls.append("no")
        return tl.constant(2.0)
    assert float(tl.cond(tl.constant(True), yes, no)) == 1.0
    assert float(tl.cond(False, yes, no)) == 2.0
    assert calls == ["yes", "no"]


def test_traced_cond_one_graph_both_branches():
    w = tl.Variable(np.array([0.5, -1.0, 2.0], np.float32))

    @tl.function
    def f(x):
        return tl.cond(tl.reduce_sum(x) > 0, lambda: (x * w, x + 1.0), lambda: (x - w, x * 3.0))

    for x in (np.array([1.0, 2.0, 3.0], np.float32), np.array([-1.0, -2.0, 0.5], np.float32)):
        a, b = f(x)
        want = (x * w.numpy(), x + 1) if x.sum() > 0 else (x - w.numpy(), x * 3)
        np.testing.assert_allclose(a.numpy(), want[0], rtol=1e-6)
        np.testing.assert_allclose(b.numpy(), want[1], rtol=1e-6)
    assert f.trace_count == 1
    assert [n.op for n in f.get_concrete_function(tl.TensorSpec([3], tl.float32)).graph.nodes].count("cond") == 1


def test_gradient_through_traced_cond_matches_finite_differences():
    w = tl.Variable(np.array([0.3, -0.7, 1.1], np.float32))

    @tl.function
    def loss_and_grads(x):
        with tl.GradientTape() as tape:
            tape.watch(x)
            y = tl.cond(tl.reduce_sum(x) > 0, lambda: tl.tanh(x * w), lambda: x * x - w)
            loss = tl.reduce_sum(y * y)
        gx, gw = tape.gradient(loss, [x, w])
        return loss, gx, gw

    def loss_np(x, wv):
        y = np.tanh(x * wv) if x.sum() > 0 else x * x - wv
        return np.sum(y * y)

    for x in (np.array([0.4, 0.9, -0.2], np.float32), np.array([-0.4, 0.1, -0.6], np.float32)):
        loss, gx, gw = loss_and_grads(tl.constant(x))
        wv = w.numpy()
        np.testing.assert_allclose(float(loss), loss_np(x, wv), rtol=1e-5)
        np.testing.assert_allclose(gx.numpy(), _fd(lambda a, wv=wv: loss_np(a, wv), x), rtol=2e-3, atol=1e-4)
        np.testing.assert_allclose(gw.numpy(), _fd(lambda b, x=x: loss_np(x, b), wv), rtol=2e-3, atol=1e-4)
    assert loss_and_grads.trace_count == 1


def test_traced_while_loop_matches_python():
    @tl.function
    def power_sum(x, n):
        i, acc, p = tl.while_loop(lambda i, acc, p: i < n, lambda i, acc, p: (i + 1, acc + p, p * x),
                                  [tl.constant(0), tl.zeros_like(x), tl.ones_like(x)])
        return acc, i

    x = np.array([0.5, 2.0], np.float32)
    for n in (0, 1, 4, 7):
        acc, i = power_sum(x, tl.constant(n))
        np.testing.assert_allclose(acc.numpy(), sum(x ** k for k in range(n)) if n else np.zeros(2), rtol=1e-6)
        assert int(i) == n
    assert power_sum.trace_count == 1


def test_while_loop_maximum_iterations_and_eager():
    def run(x):
        return tl.while_loop(lambda v: tl.reduce_sum(v) < 100.0, lambda v: v * 2.0, x, maximum_iterations=3)
    x = np.array([1.0, 2.0], np.float32)
    np.testing.assert_allclose(run(tl.constant(x)).numpy(), x * 8)            # eager: stops after 3
    np.testing.assert_allclose(tl.function(run)(x).numpy(), x * 8)            # traced: the same
    np.testing.assert_allclose(tl.function(run)(x * 20).numpy(), x * 40)      # condition stops first


def test_while_loop_errors_are_clear():
    @tl.function
    def grows(x):
        return tl.while_loop(lambda v: tl.reduce_sum(v) < 10.0, lambda v: tl.concat([v, v], 0), [x])

    with pytest.raises(TracingError, match="changes loop variable 0 from float32\\[2\\] to float32\\[4\\]"):
        grows(np.ones(2, np.float32))

    v = tl.Variable(np.zeros(2, np.float32))

    @tl.function
    def assigns(x):
        def body():
            v.assign(x)
            return x
        return tl.cond(tl.reduce_sum(x) > 0, body, lambda: x)

    with pytest.raises(TracingError, match="assigning variable"):
        assigns(np.ones(2, np.float32))

    @tl.function
    def grad_of_loop(x):
        with tl.GradientTape() as tape:
            tape.watch(x)
            loss = tl.reduce_sum(tl.while_loop(lambda v: tl.reduce_sum(v) < 10.0, lambda v: v * 2.0, [x])[0])
        return tape.gradient(loss, x)

    with pytest.raises(NotImplementedError, match="gradient of a tl.while_loop"):
        grad_of_loop(np.ones(2, np.float32))
    x = tl.constant(np.ones(2, np.float32))
    with tl.GradientTape() as tape:   # eager loops are Python: they differentiate
        tape.watch(x)
        loss = tl.reduce_sum(tl.while_loop(lambda v: tl.reduce_sum(v) < 10.0, lambda v: v * 2.0, [x])[0])
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [8.0, 8.0])


class Gate(tl.Module):
    def __init__(self):
        super().__init__()
        self.w = tl.Variable(np.array([1.5, -2.0], np.float32))

    @tl.function(input_signature=[tl.TensorSpec([2], tl.float32), tl.TensorSpec([], tl.int32)])
    def __call__(self, x, n):
        y = tl.cond(tl.reduce_max(x) > 1.0, lambda: x * self.w, lambda: x + self.w)
        return tl.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, tl.nn.relu(v) * 0.5 + y),
                             [tl.constant(0), y])[1]


def _numpy_gate(x, n, w):
    y = x * w if x.max() > 1.0 else x + w
    v = y
    for _ in range(n):
        v = np.maximum(v, 0) * 0.5 + y
    return v


CASES = [(np.array([2.0, 0.5], np.float32), 3), (np.array([0.2, -0.3], np.float32), 0),
         (np.array([0.9, 0.1], np.float32), 5)]


def test_saved_model_with_control_flow_round_trips_in_a_fresh_process(tmp_path):
    import json
    import subprocess
    import sys
    obj = Gate()
    tl.saved_model.save(obj, str(tmp_path / "sm"))
    code = ("import json, sys, numpy as np, tensorlite as tl\n"
            "m = tl.saved_model.load(sys.argv[1])\n"
            "cases = json.loads(sys.argv[2])\n"
            "print(json.dumps([m(np.float32(x), np.int32(n)).numpy().tolist() for x, n in cases]))")
    cases = [(x.tolist(), n) for x, n in CASES]
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "sm"), json.dumps(cases)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for got, (x, n) in zip(json.loads(out.stdout), CASES):
        np.testing.assert_allclose(np.float32(got), _numpy_gate(x, n, obj.w.numpy()), rtol=1e-6)


def test_control_flow_converts_to_if_and_while(tmp_path):
    obj = Gate()
    tl.saved_model.save(obj, str(tmp_path / "sm"))
    data = tl.lite.Converter.from_saved_model(str(tmp_path / "sm")).convert()
    ops = {d["op_name"] for d in litert_interpreter(data, reference=False)._get_ops_details()}
    assert {"IF", "WHILE"} <= ops
    for x, n in CASES:
        want = _numpy_gate(x, n, obj.w.numpy())
        for it in (litert_interpreter(data, reference=False), tl.lite.Interpreter(model_content=data)):
            got = it.get_signature_runner("serving_default")(x=x, n=np.array(n, np.int32))
            np.testing.assert_allclose(list(got.values())[0], want, rtol=1e-6)


def test_gradient_through_a_function_holding_a_while_loop():
    """A traced function with a while node, called under an outer tape: the tape sees one op and its
    gradient reruns the loop (finite differences)."""
    @tl.function
    def f(x, n):
        return tl.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, tl.tanh(v) * 1.5 + x),
                             [tl.constant(0), x])[1]

    def f_np(x, n):
        v = x.astype(np.float64)
        for _ in range(n):
            v = np.tanh(v) * 1.5 + x
        return float(np.sum(v * v))

    x0 = np.array([0.3, -0.8, 1.2], np.float32)
    for n in (0, 1, 3):
        x = tl.constant(x0)
        with tl.GradientTape() as tape:
            tape.watch(x)
            loss = tl.reduce_sum(tl.square(f(x, tl.constant(n))))
        np.testing.assert_allclose(tape.gradient(loss, x).numpy(), _fd(lambda a, n=n: f_np(a, n), x0),
                                   rtol=2e-3, atol=1e-3)
