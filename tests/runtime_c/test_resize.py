"""Resizable inputs (issue 12 item 4): resize_tensor_input + allocate_tensors propagate shapes through the graph and
re-plan the arena; TensorFlow-made models with a dynamic batch run at batch 4 equal to LiteRT's reference kernels at
batch 4 (floats rtol 1e-5, integers bit for bit), shape computations (SHAPE -> STRIDED_SLICE -> PACK feeding RESHAPE,
FILL, TILE, BROADCAST_TO) included; signature runners resize as LiteRT's do; the C core re-plans in its own arena
and comes back to the same bytes; errors name what is wrong."""
import numpy as np
import pytest
from tensorlite.runtime._tl_c import ffi, lib

import tensorlite as tl
from tests.litert import litert_interpreter, run
from tests.paths import TF_CONVERTED
from tests.runtime_c.tflite_graph import Model

from .cbuild import make

# TensorFlow-converted models whose inputs have a -1 batch (scripts/make_tf_models.py, and
# scripts/make_tf_dynamic_batch_models.py for those in dynamic_batch/)
DYNAMIC_BATCH = {name: TF_CONVERTED / f"{name}.tflite" for name in (
    "ds_cnn_dynamic", "ds_cnn_float", "flatten_float", "mlp_dynamic", "mobilenet_v2_035_96_dynamic",
    "mobilenet_v2_035_96_float16", "mobilenet_v3_small_96_dynamic")}
DYNAMIC_BATCH |= {name: TF_CONVERTED / "dynamic_batch" / f"{name}.tflite"
                  for name in ("cnn_batch_int8", "runtime_shapes_float")}
RNG = np.random.default_rng(12)


def _values(detail, shape):
    if detail["dtype"] == np.int8:
        return RNG.integers(-128, 128, shape).astype(np.int8)
    return RNG.standard_normal(shape).astype(np.float32)


def _resized_run(interpreter, batch, feeds=None, strict=True):
    details = interpreter.get_input_details()
    for d in details:
        interpreter.resize_tensor_input(d["index"], [batch, *d["shape_signature"][1:]], strict=strict)
    feeds = feeds or [_values(d, [batch, *d["shape_signature"][1:]]) for d in details]
    return feeds, run(interpreter, feeds)


@pytest.mark.parametrize("name", DYNAMIC_BATCH)
def test_tf_model_at_batch_4_equals_litert(name):
    data = DYNAMIC_BATCH[name].read_bytes()
    ours = tl.lite.Interpreter(model_content=data)
    assert all(d["shape_signature"][0] == -1 and d["shape"][0] == 1 for d in ours.get_input_details())
    feeds, got = _resized_run(ours, 4)
    _, want = _resized_run(litert_interpreter(data), 4, feeds)
    assert [d["shape"][0] for d in ours.get_input_details() + ours.get_output_details()] == [4] * (1 + len(want))
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype and g.shape[0] == 4
        if np.issubdtype(w.dtype, np.integer):
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    # and back to batch 1, equal to a fresh interpreter at the model's shapes
    _, back = _resized_run(ours, 1, [f[:1] for f in feeds])
    for g, w in zip(back, run(tl.lite.Interpreter(model_content=data), [f[:1] for f in feeds])):
        np.testing.assert_array_equal(g, w)


def test_signature_runner_resizes_as_litert_does():
    data = DYNAMIC_BATCH["cnn_batch_int8"].read_bytes()
    ours, theirs = tl.lite.Interpreter(model_content=data), litert_interpreter(data)
    (name,) = ours.get_signature_list()["serving_default"]["inputs"]
    for batch in (3, 5, 1):
        x = RNG.integers(-128, 128, (batch, 12, 12, 3)).astype(np.int8)
        got, want = ours.get_signature_runner()(**{name: x}), theirs.get_signature_runner()(**{name: x})
        assert got.keys() == want.keys()
        for key in want:
            assert got[key].shape == (batch, 5)
            np.testing.assert_array_equal(got[key], want[key])
    runner = ours.get_signature_runner()
    runner.resize_input(name, [2, 12, 12, 3])
    runner.allocate_tensors()
    assert list(runner.get_input_details()[name]["shape"]) == [2, 12, 12, 3]
    assert list(next(iter(runner.get_output_details().values()))["shape"]) == [2, 5]


def test_resize_errors_say_what_is_wrong():
    it = tl.lite.Interpreter(model_path=str(TF_CONVERTED / "ds_cnn_float.tflite"))
    index = it.get_input_details()[0]["index"]
    with pytest.raises(ValueError, match="strict.*has rank 4, the new shape has rank 3"):
        it.resize_tensor_input(index, [4, 49, 10], strict=True)
    with pytest.raises(ValueError, match="dimension 1 of tensor .* fixed at 49 .* only -1 dimensions may change"):
        it.resize_tensor_input(index, [4, 50, 10, 1], strict=True)
    with pytest.raises(ValueError, match="tensor 3 is neither an input nor a variable tensor of subgraph 0"):
        it.resize_tensor_input(3, [4, 49, 10, 1])
    with pytest.raises(ValueError, match="dimension 0 is 0; dimensions must be at least 1"):
        it.resize_tensor_input(index, [0, 49, 10, 1])
    with pytest.raises(ValueError, match="1-D list of integers"):
        it.resize_tensor_input(index, [4.5, 49, 10, 1])
    # not strict: any shape, and the operators say what they cannot take
    it.resize_tensor_input(index, [4, 49, 10])
    with pytest.raises(ValueError, match=r"node 0 \(CONV_2D\).*4-D"):
        it.allocate_tensors()
    it.resize_tensor_input(index, [2, 60, 12, 1])  # a different frame count: a larger output of the same rank
    (x,) = [RNG.standard_normal((2, 60, 12, 1)).astype(np.float32)]
    np.testing.assert_allclose(run(it, [x])[0], run(_resized(litert_interpreter(
        (TF_CONVERTED / "ds_cnn_float.tflite").read_bytes()), [2, 60, 12, 1]), [x])[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match="allocate_tensors"):  # a resize needs a new allocation
        it.resize_tensor_input(index, [3, 60, 12, 1])
        it.invoke()


def _resized(interpreter, shape):
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], shape)
    return interpreter


def test_shape_from_input_values_is_refused_by_name():
    """A RESHAPE whose shape is an input's data is sized at invoke by LiteRT; this runtime plans before invoke, so a
    resize that reaches it is refused, naming the tensor (without a resize the model's shapes hold, as before)."""
    m = Model()
    g = m.subgraph()
    x, s = g.input("x", [1, 6], "float32"), g.input("new_shape", [2], "int32")
    y = g.tensor("y", [2, 3], "float32")
    g.op("RESHAPE", [x, s], [y])
    g.output(y)
    it = tl.lite.Interpreter(model_content=m.build())
    it.resize_tensor_input(0, [2, 6])
    with pytest.raises(ValueError, match=r"node 0 \(RESHAPE\).*values of tensor 'new_shape'.*known only at invoke"):
        it.allocate_tensors()


def test_fixed_arena_says_how_many_bytes_the_new_shapes_need():
    data = (TF_CONVERTED / "mobilenet_v2_035_96_dynamic.tflite").read_bytes()
    auto = tl.lite.Interpreter(model_content=data)
    auto.allocate_tensors()
    small = tl.lite.Interpreter(model_content=data, arena_size=auto.arena_bytes_used() + 64)
    small.allocate_tensors()
    small.resize_tensor_input(0, [4, 96, 96, 3])
    with pytest.raises(ValueError, match=r"need an arena of at least (\d+) bytes") as exc:
        small.allocate_tensors()
    need = int(str(exc.value).split("at least ")[1].split()[0])
    # the figure is enough at any address: it allows for the padding that allocations aligned by address beyond
    # 16 bytes (float packed weights, 64) and the arena's own 16-byte alignment may take there
    exact = tl.lite.Interpreter(model_content=data, arena_size=need)
    exact.resize_tensor_input(0, [4, 96, 96, 3])
    exact.allocate_tensors()
    assert need - 2048 < exact.arena_bytes_used() <= need
    with pytest.raises(ValueError, match="need an arena of at least"):  # and the figure is not far above the need
        short = tl.lite.Interpreter(model_content=data, arena_size=exact.arena_bytes_used() - 64)
        short.resize_tensor_input(0, [4, 96, 96, 3])
        short.allocate_tensors()


def test_c_core_replans_in_its_own_arena():
    """Through the C API: one arena, allocate at batch 1, resize to 4 and back twice; the outputs equal LiteRT's and
    the arena in use is the same at each visit of a batch (each allocation starts from the state before the first)."""
    data = (TF_CONVERTED / "flatten_float.tflite").read_bytes()
    model_c = ffi.from_buffer("uint8_t[]", data)
    model = ffi.new("tl_model *")
    assert lib.tl_model_init(model, model_c, len(data)) == 0
    arena = ffi.new("uint8_t[]", 1 << 20)
    status = ffi.new("tl_status *")
    it = lib.tl_interpreter_init(model, ffi.NULL, arena, len(arena), status)
    assert status[0] == 0 and lib.tl_interpreter_allocate_tensors(it) == 0
    at_one = lib.tl_interpreter_arena_bytes_used(it)
    index = lib.tl_interpreter_get_input_tensor_index(it, 0)
    x = RNG.standard_normal((4, 6, 6, 2)).astype(np.float32)
    (want,) = run(_resized(litert_interpreter(data), [4, 6, 6, 2]), [x])
    used = {}
    for batch in (4, 1, 4, 1):
        dims = ffi.new("int32_t[4]", [batch, 6, 6, 2])
        assert lib.tl_interpreter_resize_input(it, 0, index, dims, 4, 1) == 0
        assert lib.tl_interpreter_invoke(it) != 0  # unallocated until allocate_tensors
        assert lib.tl_interpreter_allocate_tensors(it) == 0, ffi.string(lib.tl_interpreter_error_message(it))
        t = lib.tl_interpreter_get_tensor(it, index)
        ffi.memmove(t.data, x[:batch].tobytes(), t.bytes)
        assert lib.tl_interpreter_invoke(it) == 0
        out = lib.tl_interpreter_get_tensor(it, lib.tl_interpreter_get_output_tensor_index(it, 0))
        got = np.frombuffer(ffi.buffer(out.data, out.bytes), np.float32).reshape(batch, 3)
        np.testing.assert_allclose(got, want[:batch], rtol=1e-5, atol=1e-6)
        now = lib.tl_interpreter_arena_bytes_used(it)
        assert used.setdefault(batch, now) == now
    # after a resize the SHAPE -> STRIDED_SLICE -> PACK values are computed at allocation and kept in the tail, and
    # the resized input keeps its dims in the arena from then on (TL_MAX_DIMS int32, 24 B), where before they were
    # read from the model: a few dozen bytes, the same at each visit of a batch (how many depends on where the
    # arena lies: persistent allocations aligned beyond 8 bytes, by address, pad differently)
    assert at_one < used[1] <= at_one + 128 and used[4] > used[1]


def test_resized_models_under_sanitizers(tmp_path):
    """tl_run's shape= allocates at the model's shapes, resizes input 0 and re-allocates in the same arena: clean
    under ASan + UBSan for every dynamic-batch model, and a bad shape is an error status."""
    import subprocess
    out = make(tmp_path, mode="sanitize", target=f"{tmp_path}/gcc-sanitize/tl_run")
    for path in DYNAMIC_BATCH.values():
        shape = ",".join(map(str, [3, *tl.lite.Interpreter(model_path=str(path)).get_input_details()[0]["shape"][1:]]))
        for arg in (f"shape={shape}", "shape=2,3"):
            r = subprocess.run([str(out / "tl_run"), str(path), "8192", "0", arg], capture_output=True, text=True,
                               timeout=300)
            assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]
            if arg == "shape=2,3":
                assert r.returncode == 1 and r.stdout.splitlines()[-1].startswith("error "), r.stdout
            else:
                assert r.returncode == 0, r.stdout[-2000:]


def _batch_model(op, inputs, out_shape, out_dtype="float32", consts=(), **options):
    """One `op` whose graph inputs [(shape, dtype)] have a -1 batch; `consts` {position: array} fill the rest."""
    m = Model()
    g = m.subgraph()
    consts, ins = dict(consts), []
    for k, spec in enumerate(inputs):
        if k in consts:
            ins.append(g.const(f"c{k}", consts[k]))
        else:
            ins.append(g.input(f"x{k}", *spec))
            g.g.tensors[ins[-1]].shapeSignature = [-1, *spec[0][1:]]
    out = g.tensor("y", out_shape, out_dtype)
    g.op(op, ins, [out], **options)
    g.output(out)
    return m.build()


SHAPE_RULES = {  # builtin: (model, batch to resize to)
    "L2_NORMALIZATION": (_batch_model("L2_NORMALIZATION", [([1, 4, 6], "float32")], [1, 4, 6]), 3),
    "REVERSE_V2": (_batch_model("REVERSE_V2", [([1, 3, 4], "float32"), None], [1, 3, 4],
                                consts={1: np.array([1], np.int32)}), 3),
    "CUMSUM": (_batch_model("CUMSUM", [([1, 5], "float32"), None], [1, 5], consts={1: np.array(1, np.int32)}), 3),
    "REDUCE_ALL": (_batch_model("REDUCE_ALL", [([1, 3, 4], "bool"), None], [1, 3], "bool",
                                consts={1: np.array([2], np.int32)}), 3),
    "DEPTH_TO_SPACE": (_batch_model("DEPTH_TO_SPACE", [([1, 2, 3, 8], "float32")], [1, 4, 6, 2], block_size=2), 3),
    "SPACE_TO_DEPTH": (_batch_model("SPACE_TO_DEPTH", [([1, 4, 6, 2], "float32")], [1, 2, 3, 8], block_size=2), 3),
    "GATHER_ND": (_batch_model("GATHER_ND", [([1, 4, 3], "float32"), None], [2, 3],
                               consts={1: np.array([[0, 1], [0, 3]], np.int32)}), 3),
    "SPACE_TO_BATCH_ND": (_batch_model("SPACE_TO_BATCH_ND", [([1, 4, 4, 2], "float32"), None, None], [4, 2, 3, 2],
                                       consts={1: np.array([2, 2], np.int32),
                                               2: np.array([[0, 0], [1, 1]], np.int32)}), 3),
    "BATCH_TO_SPACE_ND": (_batch_model("BATCH_TO_SPACE_ND", [([4, 2, 2, 1], "float32"), None, None], [1, 4, 3, 1],
                                       consts={1: np.array([2, 2], np.int32),
                                               2: np.array([[0, 0], [0, 1]], np.int32)}), 8),
    "SELECT": (_batch_model("SELECT", [([1, 3], "bool"), ([1, 3], "float32"), ([1, 3], "float32")], [1, 3]), 3),
    "RANK": (_batch_model("RANK", [([1, 3, 4], "float32")], [], "int32"), 3),
}


@pytest.mark.parametrize("op", sorted(SHAPE_RULES))
def test_shape_rule_matches_litert_after_a_resize(op):
    """Each builtin's shape rule, through a one-op model resized from its model batch: shapes and values equal LiteRT's
    reference kernels resized the same way."""
    data, batch = SHAPE_RULES[op]
    results = []
    for it in (tl.lite.Interpreter(model_content=data), litert_interpreter(data)):
        feeds = []
        for d in it.get_input_details():
            shape = [batch, *d["shape"][1:]]
            it.resize_tensor_input(d["index"], shape, strict=True)
            rng = np.random.default_rng(5)
            feeds.append(rng.integers(0, 2, shape).astype(bool) if d["dtype"] == np.bool_
                         else rng.standard_normal(shape).astype(np.float32))
        results.append(run(it, feeds))
    (got,), (want,) = results
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
