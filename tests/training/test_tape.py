"""GradientTape semantics: watch, persistent, nested (second order), stop_gradient, structures of
sources, unconnected sources, custom_gradient, integer errors. Expected values are derived by hand."""
import numpy as np
import pytest

import tensorlite as tl


def test_watch_constant_and_auto_watch_variable():
    x = tl.constant(3.0)
    v = tl.Variable(2.0)
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = x * x * v
    gx, gv = tape.gradient(y, [x, v])
    assert float(gx) == pytest.approx(12.0) and float(gv) == pytest.approx(9.0)


def test_untrainable_variable_is_not_watched():
    v = tl.Variable(2.0, trainable=False)
    with tl.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_watch_accessed_variables_false():
    v = tl.Variable(2.0)
    with tl.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_non_persistent_tape_is_single_use():
    x = tl.constant(1.0)
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_persistent_tape_gives_several_gradients():
    x = tl.constant(2.0)
    with tl.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == pytest.approx(4.0)
    assert float(tape.gradient(z, x)) == pytest.approx(32.0)  # d(x^4) = 4x^3


def test_nested_tapes_second_and_third_order():
    x = tl.constant(1.5, dtype=tl.float64)
    with tl.GradientTape() as t3:
        t3.watch(x)
        with tl.GradientTape() as t2:
            t2.watch(x)
            with tl.GradientTape() as t1:
                t1.watch(x)
                y = x * x * x * x
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert float(d1) == pytest.approx(4 * 1.5 ** 3)
    assert float(d2) == pytest.approx(12 * 1.5 ** 2)
    assert float(d3) == pytest.approx(24 * 1.5)


def test_stop_gradient_blocks_flow():
    x = tl.constant(3.0)
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = x * tl.stop_gradient(x)
    assert float(tape.gradient(y, x)) == pytest.approx(3.0)


def test_sources_as_list_and_dict_and_unconnected():
    a, b, c = tl.constant(1.0), tl.constant(2.0), tl.constant(5.0)
    with tl.GradientTape(persistent=True) as tape:
        tape.watch([a, b, c])
        y = a * b
    ga = tape.gradient(y, {"a": a, "rest": [b, c]})
    assert set(ga) == {"a", "rest"}
    assert float(ga["a"]) == 2.0 and float(ga["rest"][0]) == 1.0 and ga["rest"][1] is None
    gz = tape.gradient(y, [c], unconnected_gradients="zero")
    assert float(gz[0]) == 0.0


def test_broadcast_gradient_is_summed_back():
    x = tl.constant(np.ones((3, 4), np.float32))
    b = tl.Variable(np.zeros(4, np.float32))
    with tl.GradientTape() as tape:
        y = tl.reduce_sum(x + b)
    g = tape.gradient(y, b)
    np.testing.assert_array_equal(g.numpy(), np.full(4, 3.0, np.float32))


def test_output_gradients():
    x = tl.constant([1.0, 2.0])
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=tl.constant([10.0, 100.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, 400.0])


def test_variable_read_before_assign_keeps_its_value():
    v = tl.Variable(2.0)
    with tl.GradientTape() as tape:
        y = v * v  # recorded with v = 2
        v.assign(10.0)
    assert float(tape.gradient(y, v)) == pytest.approx(4.0)


def test_integer_target_or_source_is_a_clear_error():
    i = tl.constant(3)
    with tl.GradientTape() as tape:
        tape.watch(i)
        y = i * i
    with pytest.raises(TypeError, match="int32"):
        tape.gradient(y, i)


def test_custom_gradient():
    @tl.custom_gradient
    def clip_grad_identity(x):
        def grad(dy):
            return tl.minimum(dy, 0.5)
        return tl.identity(x), grad

    x = tl.constant([1.0, 2.0])
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = tl.reduce_sum(clip_grad_identity(x) * 3.0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, 0.5])


def test_custom_gradient_with_variables():
    v = tl.Variable(3.0)

    @tl.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            return dy * 100.0, [dy * 7.0]
        return x * v, grad

    x = tl.constant(2.0)
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gv = tape.gradient(y, [x, v])
    assert float(gx) == 100.0 and float(gv) == 7.0


def test_missing_gradient_rule_names_the_op():
    from tensorlite.training.dispatch import apply
    from tensorlite.training.ops.registry import OPS
    op = OPS["identity"]
    saved, op.grad_rule = op.grad_rule, None
    try:
        x = tl.constant(1.0)
        with tl.GradientTape() as tape:
            tape.watch(x)
            y = apply("identity", x)
        with pytest.raises(LookupError, match="identity"):
            tape.gradient(y, x)
    finally:
        op.grad_rule = saved
