"""tl.einsum (a composite of transposes, reshapes and matmul), tl.sort / tl.argsort (top_k) and
tl.print against NumPy and TensorFlow's documented behaviour; their gradients by finite
differences; einsum and sort converted to TFLite and run in LiteRT."""
import io

import numpy as np
import pytest

import tensorlite as tl

r = np.random.default_rng(3)

EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij,ij->ij", [(2, 3), (2, 3)]), ("i,j->ij", [(2,), (3,)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]), ("abc,cde->abde", [(2, 3, 4), (4, 5, 6)]),
    ("aecd,abcd->acbe", [(2, 5, 3, 4), (2, 6, 3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("bi,bi->b", [(3, 4), (3, 4)]), ("ijk->kji", [(2, 3, 4)]), ("ij,kj", [(2, 3), (4, 3)]),
    ("bij,jk->bik", [(1, 2, 3), (3, 2)]), ("ij,j->i", [(4, 3), (3,)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
]


@pytest.mark.parametrize("equation,shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
def test_einsum_equals_numpy(equation, shapes):
    xs = [r.standard_normal(s).astype(np.float32) for s in shapes]
    got = tl.einsum(equation, *[tl.constant(x) for x in xs]).numpy()
    want = np.einsum(equation, *[x.astype(np.float64) for x in xs])
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def finite_difference(f, x, eps=1e-3):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


def test_einsum_gradients():
    a, b = r.standard_normal((2, 3, 4)), r.standard_normal((4, 5))
    ta, tb = tl.constant(a), tl.constant(b)
    with tl.GradientTape() as tape:
        tape.watch([ta, tb])
        loss = tl.reduce_sum(tl.square(tl.einsum("abc,cd->adb", ta, tb)))
    ga, gb = tape.gradient(loss, [ta, tb])
    np.testing.assert_allclose(ga.numpy(), finite_difference(
        lambda v: np.sum(np.einsum("abc,cd->adb", v, b) ** 2), a), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb.numpy(), finite_difference(
        lambda v: np.sum(np.einsum("abc,cd->adb", a, v) ** 2), b), rtol=1e-5, atol=1e-6)


def test_einsum_errors():
    x = tl.ones([2, 3])
    with pytest.raises(ValueError, match="rank"):
        tl.einsum("ijk->i", x)
    with pytest.raises(ValueError, match="sizes"):
        tl.einsum("ij,ij->i", x, tl.ones([2, 4]))
    with pytest.raises(ValueError, match="operands"):
        tl.einsum("ij,jk->ik", x)


def test_sort_and_argsort_equal_numpy_stable():
    x = r.integers(-3, 4, (4, 9)).astype(np.float32)  # many ties
    for axis in (0, 1, -1):
        np.testing.assert_array_equal(tl.sort(x, axis=axis).numpy(), np.sort(x, axis=axis))
        np.testing.assert_array_equal(tl.argsort(x, axis=axis).numpy(), np.argsort(x, axis=axis, kind="stable"))
        desc = tl.argsort(x, axis=axis, direction="DESCENDING").numpy()
        np.testing.assert_array_equal(np.take_along_axis(x, desc, axis), -np.sort(-x, axis=axis))
        assert all(len(set(row)) == x.shape[axis] for row in np.moveaxis(desc, axis, -1).reshape(-1, x.shape[axis]))
    ints = r.integers(-100, 100, (3, 5)).astype(np.int32)
    np.testing.assert_array_equal(tl.sort(ints, direction="DESCENDING").numpy(), -np.sort(-ints))
    assert tl.argsort(ints).dtype == tl.int32
    values, indices = tl.math.top_k(tl.constant([1.0, 5.0, 3.0, 5.0]), k=2)
    np.testing.assert_array_equal(values.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 3])
    with pytest.raises(ValueError, match="direction"):
        tl.sort(x, direction="UP")


def test_sort_gradient():
    x = r.standard_normal((3, 5))
    t = tl.constant(x)
    w = r.standard_normal((3, 5))
    with tl.GradientTape() as tape:
        tape.watch(t)
        loss = tl.reduce_sum(tl.sort(t, axis=0) * w)
    g = tape.gradient(loss, t).numpy()
    np.testing.assert_allclose(g, finite_difference(lambda v: np.sum(np.sort(v, axis=0) * w), x), rtol=1e-6,
                               atol=1e-8)


def test_einsum_and_sort_convert_and_run_in_litert():
    from tests.litert import litert_interpreter, run

    @tl.function
    def f(a, b):
        return tl.sort(tl.einsum("abc,cd->abd", a, b), axis=1)

    a = r.standard_normal((2, 3, 4)).astype(np.float32)
    b = r.standard_normal((4, 5)).astype(np.float32)
    cf = f.get_concrete_function(tl.TensorSpec([2, 3, 4], tl.float32), tl.TensorSpec([4, 5], tl.float32))
    data = tl.lite.Converter.from_concrete_functions([cf]).convert()
    out = run(litert_interpreter(data), [a, b])
    np.testing.assert_allclose(out[0], np.sort(np.einsum("abc,cd->abd", a, b), axis=1), rtol=1e-5, atol=1e-5)


def test_print_formats_as_tensorflow():
    out = io.StringIO()
    t = tl.range(10)
    tl.print("tensors:", t, {2: t * 2}, output_stream=out)  # TensorFlow's documented example
    assert out.getvalue() == "tensors: [0 1 2 ... 7 8 9] {2: [0 2 4 ... 14 16 18]}\n"
    out = io.StringIO()
    tl.print(tl.constant([[0.5, 1.0], [2.0, 1 / 3]]), tl.constant(True), sep="|", end="!", output_stream=out)
    assert out.getvalue() == "[[0.5 1]\n [2 0.333333]]|1!"
    out = io.StringIO()
    tl.print(tl.constant(np.arange(8).reshape(8, 1)), summarize=1, output_stream=out)
    assert out.getvalue() == "[[0]\n ...\n [7]]\n"


def test_print_writes_to_stderr_and_files(tmp_path, capsys):
    tl.print("loss", tl.constant(0.25))
    assert capsys.readouterr().err == "loss 0.25\n"
    path = tmp_path / "log.txt"
    tl.print("a", output_stream=f"file://{path}")
    tl.print("b", output_stream=f"file://{path}")
    assert path.read_text() == "a\nb\n"


def test_print_inside_a_traced_function_refuses():
    @tl.function
    def f(x):
        tl.print(x)
        return x

    with pytest.raises(NotImplementedError, match="tl.print inside tl.function"):
        f(tl.constant(1.0))


def test_list_physical_devices_as_tensorflow():
    devices = tl.config.list_physical_devices()
    assert devices[0].name == "/physical_device:CPU:0" and devices[0].device_type == "CPU"
    assert tl.config.list_physical_devices("CPU") == devices[:1]
    assert all(d.device_type == "GPU" for d in tl.config.list_physical_devices("GPU"))
    assert tl.config.list_physical_devices("cpu") == ["cpu"]  # tensorlite's device names still compare equal
    with tl.device(devices[0].device):
        assert tl.constant(1.0).numpy() == 1.0
