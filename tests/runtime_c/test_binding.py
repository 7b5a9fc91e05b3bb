"""tensorlite.runtime.Interpreter against LiteRT's own Python Interpreter (the API it copies):
the same detail dicts, signature lists and signature runners, intermediate tensors with
experimental_preserve_all_tensors, and errors that name the node and op at fault."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter, OpResolverType

from tests.litert import litert_interpreter

from .cbuild import CORPUS

MODELS = sorted(str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite")])


def _litert(path, **kw):
    try:
        return litert_interpreter(model_path=path, **kw)
    except (ValueError, RuntimeError):
        return None  # a model LiteRT itself refuses (e.g. person_detect's quantized_dimension)


def _same_details(ours, theirs):
    assert [sorted(d) for d in ours] == [sorted(d) for d in theirs]
    for a, b in zip(ours, theirs):
        for key in ("name", "index", "dtype", "quantization"):
            assert a[key] == b[key], (key, a[key], b[key])
        for key in ("shape", "shape_signature"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
            assert a[key].dtype == b[key].dtype
        qa, qb = a["quantization_parameters"], b["quantization_parameters"]
        np.testing.assert_array_equal(qa["scales"], qb["scales"])
        np.testing.assert_array_equal(qa["zero_points"], qb["zero_points"])
        assert qa["quantized_dimension"] == qb["quantized_dimension"]


@pytest.mark.parametrize("model", MODELS)
def test_details_and_signatures_match_litert(model):
    path = str(CORPUS / model)
    ref = _litert(path)
    if ref is None:
        return
    ours = Interpreter(model_path=path)
    _same_details(ours.get_input_details(), ref.get_input_details())
    _same_details(ours.get_output_details(), ref.get_output_details())
    assert ours.get_signature_list() == ref.get_signature_list()


def test_signature_runner_matches_set_invoke_get():
    path = str(CORPUS / "simple_add_model.tflite")
    it = Interpreter(model_path=path)
    it.allocate_tensors()
    runner = it.get_signature_runner("serving_default")
    rng = np.random.default_rng(0)
    feeds = {name: rng.uniform(-1, 1, d["shape"]).astype(d["dtype"]) for name, d in runner.get_input_details().items()}
    out = runner(**feeds)
    ref = _litert(path).get_signature_runner("serving_default")(**feeds)
    assert sorted(out) == sorted(ref)
    for k in out:
        np.testing.assert_allclose(out[k], ref[k], rtol=1e-6)
    with pytest.raises(ValueError, match="missing"):
        runner(**{k: v for k, v in list(feeds.items())[:1]})


@pytest.mark.parametrize("model", ["hello_world_float.tflite", "hello_world_int8.tflite", "magic_wand.tflite"])
def test_preserve_all_tensors_keeps_intermediates(model):
    path = str(CORPUS / model)
    ours = Interpreter(model_path=path, experimental_preserve_all_tensors=True)
    ref = _litert(path, experimental_preserve_all_tensors=True)
    rng = np.random.default_rng(1)
    for it in (ours, ref):
        it.allocate_tensors()
    for d in ours.get_input_details():
        x = (rng.uniform(-1, 1, d["shape"]) if d["dtype"] == np.float32 else
             rng.integers(-128, 128, d["shape"])).astype(d["dtype"])
        ours.set_tensor(d["index"], x)
        ref.set_tensor(d["index"], x)
    ours.invoke()
    ref.invoke()
    checked = 0
    for op in ours._get_ops_details():
        for t in op["outputs"]:
            a, b = ours.get_tensor(int(t)), ref.get_tensor(int(t))
            if np.issubdtype(b.dtype, np.floating):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
            else:
                assert np.max(np.abs(a.astype(np.int64) - b)) <= 1
            checked += 1
    assert checked == len(ours._get_ops_details()) >= 3


def test_errors_name_node_and_op():
    # a model whose one builtin has no kernel in this runtime (SEGMENT_SUM)
    from .tflite_graph import Model
    m = Model()
    g = m.subgraph()
    x, ids = g.input("x", [4, 2], "float32"), g.const("ids", np.int32([0, 0, 1, 1]))
    y = g.tensor("y", [2, 2], "float32")
    g.op("SEGMENT_SUM", [x, ids], [y])
    g.output(y)
    content = m.build()
    missing = Interpreter(model_content=content).unsupported_ops()
    assert missing == ["SEGMENT_SUM"]
    it = Interpreter(model_content=content)
    with pytest.raises(ValueError) as e:
        it.allocate_tensors()
    assert e.value.op_name in missing and isinstance(e.value.node_index, int) and e.value.status == 5
    assert f"node {e.value.node_index} ({e.value.op_name})" in str(e.value)
    with pytest.raises(ValueError, match="not a valid TFLite FlatBuffer|truncated"):
        Interpreter(model_content=b"\x08\x00\x00\x00TFL3" + b"\x00" * 16)
    with pytest.raises(RuntimeError, match="allocate_tensors"):
        Interpreter(model_path=str(CORPUS / "hello_world_float.tflite")).invoke()


def test_reference_resolver_tensor_view_reset_and_resize():
    path = str(CORPUS / "hello_world_float.tflite")
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF, num_threads=2)
    it.allocate_tensors()
    d = it.get_input_details()[0]
    it.resize_tensor_input(d["index"], list(d["shape"]))  # same shape: still allocated, as in LiteRT
    it.tensor(d["index"])()[...] = 0.5  # a live view, as in LiteRT
    it.invoke()
    out = it.get_tensor(it.get_output_details()[0]["index"])
    it.set_tensor(d["index"], np.full(d["shape"], 0.5, np.float32))
    it.reset_all_variables()
    it.invoke()
    np.testing.assert_array_equal(out, it.get_tensor(it.get_output_details()[0]["index"]))
    assert 0 < it.arena_bytes_used() <= it._arena_size
    with pytest.raises(ValueError, match="type"):
        it.set_tensor(d["index"], np.zeros(d["shape"], np.int8))
    it.resize_tensor_input(d["index"], [4, 1])  # a batch of 4, re-planned by allocate_tensors (tests: test_resize.py)
    it.allocate_tensors()
    it.set_tensor(d["index"], np.array([[0.5], [1.0], [2.0], [0.5]], np.float32))
    it.invoke()
    batch = it.get_tensor(it.get_output_details()[0]["index"])
    assert batch.shape == (4, 1) and batch[0] == batch[3] == out[0]
