"""Each graph optimizer pass on a graph built for it: the node list before and after, and the
outputs (run by the executor) unchanged. Plus the pass manager: options (tl.config.optimizer),
the before/after dump, and optimized tl.functions still equal eager."""
import numpy as np
import pytest
from tensorlite.training.graph import passes
from tensorlite.training.graph.executor import Executor
from tensorlite.training.graph.passes import arithmetic, constant_folding, cse, dce

import tensorlite as tl

X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)


def traced_graph(fn, *args):
    """The graph of fn without optimization, and its outputs on args."""
    saved = tl.config.optimizer.get_experimental_options()
    tl.config.optimizer.set_experimental_options({k: False for k in saved})
    try:
        f = tl.function(fn)
        cf = f.get_concrete_function(*[tl.constant(a) for a in args])
    finally:
        tl.config.optimizer.set_experimental_options(saved)
    return cf.graph, Executor(cf.graph).run(list(args), {})[0]


def check(graph, before_outs, args):
    graph.verify()
    after = Executor(graph).run(list(args), {})[0]
    for a, b in zip(before_outs, after):
        np.testing.assert_array_equal(a, b)


def ops(graph):
    return [n.op for n in graph.nodes]


def test_dead_code_elimination():
    def f(x):
        unused = tl.exp(x) * 3.0  # noqa: F841  (dead)
        return tl.nn.relu(x)
    g, outs = traced_graph(f, X)
    assert ops(g) == ["exp", "mul", "relu"]
    assert dce.run(g) == 2
    assert ops(g) == ["relu"] and not g.constants
    check(g, outs, [X])


def test_common_subexpression_elimination():
    g, outs = traced_graph(lambda x: tl.tanh(x * 2.0) + tl.tanh(x * 2.0), X)
    assert ops(g) == ["mul", "tanh", "mul", "tanh", "add"]
    assert cse.run(g) >= 3  # the constant 2.0, then mul, then tanh
    dce.run(g)
    assert ops(g) == ["mul", "tanh", "add"]
    assert g.nodes[2].inputs[0] is g.nodes[2].inputs[1]
    check(g, outs, [X])


def test_constant_folding():
    def f(x):
        w = tl.constant(np.arange(4, dtype=np.float32))
        scale = tl.exp(w) / tl.reduce_sum(tl.exp(w))  # constant subgraph
        return x * scale
    g, outs = traced_graph(f, X)
    assert ops(g) == ["exp", "exp", "reduce_sum", "div", "mul"]
    assert constant_folding.run(g) == 4
    dce.run(g)
    assert ops(g) == ["mul"] and len(g.constants) == 1
    check(g, outs, [X])


def test_arithmetic_simplification():
    def f(x):
        y = (x * 1.0 + 0.0) - 0.0
        z = tl.transpose(tl.transpose(y, [1, 0]), [1, 0])
        return z / 1.0, x + tl.zeros([2, 3, 4])  # broadcasting add: must stay
    g, outs = traced_graph(f, X)
    assert ops(g).count("transpose") == 2
    assert arithmetic.run(g) == 5  # *1, +0, -0, the transpose pair, /1; the broadcasting add stays
    dce.run(g)
    assert ops(g) == ["add"]
    assert g.outputs[0] is g.inputs[0]
    check(g, outs, [X])


def test_pass_manager_options_and_dump():
    tl.config.optimizer.set_experimental_options({"dead_code_elimination": False})
    try:
        assert tl.config.optimizer.get_experimental_options()["dead_code_elimination"] is False
        g, outs = traced_graph(lambda x: tl.nn.relu(x * 1.0 + tl.exp(tl.constant(0.0))) + 0.0 * tl.exp(x), X)
        passes.optimize(g, dump=True)
        assert [name for name, _, _ in g.history][:1] == ["constant_folding"]
        assert "exp" in g.history[0][1]  # the before listing
        assert "exp" in ops(g)  # dead code stays: DCE is off
    finally:
        tl.config.optimizer.set_experimental_options({"dead_code_elimination": True})
    passes.optimize(g)
    assert "exp" in ops(g)  # 0 * exp(x) is not simplified (NaN/inf semantics): exp stays live
    check(g, outs, [X])
    with pytest.raises(ValueError, match="unknown optimizer options"):
        tl.config.optimizer.set_experimental_options({"layout": True})
    assert tl.config.list_physical_devices("cpu") == ["cpu"]


def test_optimized_function_equals_eager():
    def f(x):
        w = tl.constant(np.full((4, 5), 0.5, np.float32))
        h = tl.matmul(x, w * 2.0) * 1.0
        return tl.nn.softmax(h + tl.reduce_mean(tl.exp(w))) + tl.nn.softmax(h + tl.reduce_mean(tl.exp(w)))
    traced = tl.function(f)
    traced(tl.constant(X))
    np.testing.assert_allclose(traced(tl.constant(X)).numpy(), f(tl.constant(X)).numpy(), rtol=1e-6)
    g = traced.get_concrete_function(tl.constant(X)).graph
    assert ops(g) == ["matmul", "add", "softmax", "add"]


@pytest.mark.parametrize("kind", ["conv", "conv_bias", "dense", "depthwise"])
def test_batch_norm_folding_in_a_frozen_inference_graph(kind):
    rng = np.random.default_rng(3)
    layers = tl.keras.layers
    first = {"conv": layers.Conv2D(6, 3, padding="same", use_bias=False),
             "conv_bias": layers.Conv2D(6, 3, padding="same"), "dense": layers.Dense(6, use_bias=False),
             "depthwise": layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")}[kind]
    shape = (8, 8, 3) if kind != "dense" else (5,)
    model = tl.keras.Sequential([layers.Input(shape=shape), first, layers.BatchNormalization(), layers.ReLU()])
    bn = model.layers[1]
    for v in (bn.moving_mean, bn.moving_variance, bn.gamma, bn.beta):  # non-trivial statistics
        v.assign(rng.uniform(0.5, 1.5, v.shape).astype(np.float32))
    if kind in ("conv_bias", "depthwise"):
        first.bias.assign(rng.standard_normal(6).astype(np.float32))
    x = rng.standard_normal((2, *shape)).astype(np.float32)
    want = model(tl.constant(x), training=False).numpy()
    cf = tl.function(lambda t: model(t, training=False)).get_concrete_function(tl.constant(x))
    g = cf.graph
    assert "batch_norm" in ops(g)
    passes.freeze(g, {vid: var.numpy() for vid, var in cf._variables.items()})
    passes.optimize(g)
    # the folded bias add takes the relu as its fused activation (the remapping pass)
    assert "batch_norm" not in ops(g) and ops(g)[-1] == "add" and g.nodes[-1].attrs["activation"] == "relu"
    assert ops(g)[0] == {"dense": "matmul", "depthwise": "depthwise_conv2d"}.get(kind, "conv2d") and not g.captures
    got = Executor(g).run([x], {})[0][0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_activation_fusion():
    """relu/relu6 read only by nothing else fold into conv2d, depthwise_conv2d, matmul and add; a
    relu whose input is also read elsewhere stays."""
    from tensorlite.training.graph.passes import activation_fusion
    rng = np.random.default_rng(1)
    img = rng.standard_normal((1, 5, 5, 2)).astype(np.float32)
    w = tl.constant(rng.standard_normal((3, 3, 2, 4)).astype(np.float32))
    dw = tl.constant(rng.standard_normal((3, 3, 4, 1)).astype(np.float32))
    m = tl.constant(rng.standard_normal((4, 3)).astype(np.float32))

    def f(x):
        h = tl.nn.relu(tl.nn.conv2d(x, w, 1, "SAME"))
        h = tl.nn.relu6(tl.nn.depthwise_conv2d(h, dw, [1, 1, 1, 1], "VALID"))
        y = tl.reshape(h, [-1, 4])
        kept = y @ m + 1.0
        return tl.nn.relu(tl.nn.relu(y @ m) + 0.5), tl.nn.relu(kept), kept   # `kept` is read twice: no fusion

    g, before = traced_graph(f, img)
    assert ops(g).count("relu") + ops(g).count("relu6") == 5
    assert activation_fusion.run(g) == 4
    assert ops(g).count("relu") == 1 and "relu6" not in ops(g)
    fused = {n.op: n.attrs["activation"] for n in g.nodes if n.attrs.get("activation")}
    assert fused == {"conv2d": "relu", "depthwise_conv2d": "relu6", "matmul": "relu", "add": "relu"}
    check(g, before, [img])


def test_fused_graph_gradients_equal_unfused():
    """A fused function differentiated by an outer tape (it replays the fused ops): the gradient
    masks dy by the activation as the separate relu did."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    w = tl.Variable(rng.standard_normal((3, 5)).astype(np.float32))
    b = tl.Variable(rng.standard_normal((5,)).astype(np.float32))

    def model(x):
        return tl.nn.relu6(tl.nn.relu(x @ w) * 4.0 + b)

    fused = tl.function(model)
    cf = fused.get_concrete_function(tl.TensorSpec([4, 3], tl.float32))
    assert {n.attrs.get("activation") for n in cf.graph.nodes} >= {"relu", "relu6"}
    grads = []
    for fn in (fused, model):
        with tl.GradientTape() as tape:
            loss = tl.reduce_sum(tl.square(fn(tl.constant(x))))
        grads.append([g.numpy() for g in tape.gradient(loss, [w, b])])
    for g1, g2 in zip(*grads):
        np.testing.assert_allclose(g1, g2, rtol=1e-6)
