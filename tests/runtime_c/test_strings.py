"""STRING tensors in the C runtime (runtimes/c/src/string_tensor.c), SKIP_GRAM and HASHTABLE_LOOKUP's string values
beyond the coverage cases (op_cases_text.py): sentences and values longer than an input's default capacity
(set_tensor grows it and keeps the other inputs), several invokes with output shapes that follow the text, what
get_tensor returns (LiteRT's object arrays of bytes), malformed string buffers refused when the model is read and
when an input holds one at invoke, and the models the kernels' prepare refuses. LiteRT's reference kernels are the
oracle."""
from __future__ import annotations

import struct

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.runtime_c.tflite_graph import Model, edit_model, refused, run_both, string_buffer


def _skip_gram(n=2, skip=1, include_all=False, const=None, with_add=False):
    m = Model()
    g = m.subgraph()
    if const is not None:
        x = g.const("sentence", np.array([const], dtype=object))
    else:
        x = g.input("sentence", [1], "string")
    y = g.tensor("ngrams", [1], "string")
    g.op("SKIP_GRAM", [x], [y], ngram_size=n, max_skip_size=skip, include_all_ngrams=include_all)
    outs = [y]
    if with_add:  # an unrelated float input, to see it survive the string input's growth
        a, s = g.input("a", [3], "float32"), g.tensor("sum", [3], "float32")
        g.op("ADD", [a, a], [s])
        outs.append(s)
    g.output(*outs)
    return m.build()


def _same(ours, ref):
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.dtype == b.dtype
        assert a.tolist() == b.tolist()


def test_long_sentence_grows_the_input_and_keeps_other_inputs():
    words = [f"w{i % 37}" for i in range(900)]  # 3,9xx bytes: past the default 1,024-byte reserve
    sentence = " ".join(words).encode()
    model = _skip_gram(n=3, skip=2, include_all=True, with_add=True)
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    details = {d["name"]: d["index"] for d in it.get_input_details()}
    a = np.array([1.5, -2, 3], np.float32)
    it.set_tensor(details["a"], a)
    it.set_tensor(details["sentence"], np.array([sentence], dtype=object))
    it.invoke()
    ours = [it.get_tensor(d["index"]) for d in it.get_output_details()]
    ref = litert_interpreter(model)
    ref.allocate_tensors()
    ref.set_tensor(details["a"], a)
    ref.set_tensor(details["sentence"], np.array([sentence], dtype=object))
    ref.invoke()
    _same(ours, [ref.get_tensor(d["index"]) for d in ref.get_output_details()])
    assert ours[0].size > 10000 and it._tensor(details["sentence"]).bytes >= len(sentence) + 12
    np.testing.assert_array_equal(ours[1], a + a)


def test_invokes_follow_the_text_and_inputs_read_back():
    model = _skip_gram(n=2, skip=0)
    it, ref = tl.lite.Interpreter(model_content=model), litert_interpreter(model)
    for interp in (it, ref):
        interp.allocate_tensors()
    x, y = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
    assert it.get_input_details()[0]["dtype"] is np.bytes_ is ref.get_input_details()[0]["dtype"]
    for value in (np.array(["a b c d"]), np.array([b"one"]), np.array([b"x  y"], dtype=object),
                  np.array(["\u00fcber alles gut"])):
        for interp in (it, ref):
            interp.set_tensor(x, value)
            interp.invoke()
        _same([it.get_tensor(y), it.get_tensor(x)], [ref.get_tensor(y), ref.get_tensor(x)])


def test_string_type_checked_on_set():
    it = tl.lite.Interpreter(model_content=_skip_gram())
    it.allocate_tensors()
    with pytest.raises(ValueError, match="Got value of type INT32"):
        it.set_tensor(it.get_input_details()[0]["index"], np.array([1], np.int32))


def test_malformed_input_buffer_fails_the_invoke():
    it = tl.lite.Interpreter(model_content=_skip_gram())
    it.allocate_tensors()
    from tensorlite.runtime._tl_c import ffi
    t = it._tensor(it.get_input_details()[0]["index"])
    ffi.memmove(t.data, struct.pack("<iii", 1, 12, 1 << 20), 12)  # the string would end past the capacity
    with pytest.raises(RuntimeError, match=r"node 0 \(SKIP_GRAM\): .*offsets out of range"):
        it.invoke()


def _spoil_constant(content: bytes, data: bytes) -> bytes:
    def spoil(model):
        model.buffers[model.subgraphs[0].tensors[0].buffer].data = np.frombuffer(data, np.uint8)
    return edit_model(content, spoil)


@pytest.mark.parametrize("data,match", [
    (struct.pack("<iii", -1, 8, 8), "negative count"),
    (struct.pack("<iii", 2, 16, 16), "count differs from its tensor's element count"),
    (struct.pack("<iii", 1, 12, 40) + b"abc", "offsets out of range or decreasing"),
    (struct.pack("<iii", 1, 8, 12) + b"abc", "first offset is not the end of its offsets"),
    (struct.pack("<ii", 1, 12), "shorter than its offsets"),
    (b"\x01\x00", "shorter than its count"),
], ids=["negative count", "count", "offset past the end", "first offset", "short header", "no count"])
def test_malformed_constant_refused_at_load(data, match):
    content = _spoil_constant(_skip_gram(const=b"a b c"), data)
    with pytest.raises(ValueError, match=match):
        tl.lite.Interpreter(model_content=content).allocate_tensors()


def test_constant_sentence():
    _same(*run_both(_skip_gram(n=2, skip=2, include_all=True, const="the cat sat on the mat"), []))
    assert string_buffer([b"ab", b""]) == struct.pack("<iiii", 2, 16, 18, 18) + b"ab"


@pytest.mark.parametrize("kwargs,match", [
    ({"n": 0}, "ngram_size must be 1 to 64"),
    ({"n": 20, "skip": 9}, "the output's bound .* 2\\^31 bytes"),
], ids=["ngram_size 0", "bound too large"])
def test_skip_gram_refused(kwargs, match):
    refused(_skip_gram(**kwargs), "SKIP_GRAM", match)


def test_skip_gram_needs_strings():
    from tests.runtime_c.tflite_graph import one_op
    refused(one_op("SKIP_GRAM", [([1], "int32")], [([1], "string")], ngram_size=2), "SKIP_GRAM",
            "input and output must be STRING")


def _hashtable(values, const=True, lookups=3, out_shape=None):
    m = Model()
    g = m.subgraph()
    vals = np.array(values, dtype=object)
    lookup, keys = g.input("lookup", [lookups], "int32"), g.const("keys", np.arange(vals.shape[0], dtype=np.int32))
    v = g.const("values", vals) if const else g.input("values", list(vals.shape), "string")
    o = g.tensor("out", out_shape or [lookups], "string")
    hits = g.tensor("hits", [lookups], "uint8")
    g.op("HASHTABLE_LOOKUP", [lookup, keys, v], [o, hits])
    g.output(o, hits)
    return m.build()


def test_hashtable_string_values_grow_and_repeat():
    """Values set at run time longer than the default capacity; the longest value hit by every lookup."""
    values = np.array([b"x" * 3000, b"", "\u00e9t\u00e9 " * 50], dtype=object)
    model = _hashtable(values, const=False, lookups=4)
    for lookups in ([0, 0, 0, 0], [2, 1, 5, -1]):
        _same(*run_both(model, [np.array(lookups, np.int32), values]))


def test_hashtable_malformed_string_values_fail_the_invoke():
    it = tl.lite.Interpreter(model_content=_hashtable([b"a", b"b"], const=False))
    it.allocate_tensors()
    from tensorlite.runtime._tl_c import ffi
    t = it._tensor(it.get_input_details()[1]["index"])
    ffi.memmove(t.data, struct.pack("<i", -5), 4)
    it.set_tensor(it.get_input_details()[0]["index"], np.array([0, 1, 2], np.int32))
    with pytest.raises(RuntimeError, match=r"node 0 \(HASHTABLE_LOOKUP\): .*negative count"):
        it.invoke()


def test_hashtable_string_values_must_be_a_vector():
    """LiteRT refuses 2-D string values too (NumDimensions(value) != 1)."""
    refused(_hashtable([[b"a", b"b"], [b"c", b"d"]], lookups=2, out_shape=[2, 2]), "HASHTABLE_LOOKUP",
            "string values must be a vector")


def test_string_capacity_arguments_checked():
    """tl_interpreter_set_string_capacity takes a STRING input and at least its header's bytes."""
    from tensorlite.runtime._tl_c import ffi, lib
    it = tl.lite.Interpreter(model_content=_skip_gram(with_add=True))
    it.allocate_tensors()
    names = {d["name"]: d["index"] for d in it.get_input_details()}
    assert lib.tl_interpreter_set_string_capacity(it._it, 0, names["sentence"], 11) != 0
    assert "cannot hold the header of 1 strings" in ffi.string(lib.tl_interpreter_error_message(it._it)).decode()
    assert lib.tl_interpreter_set_string_capacity(it._it, 0, names["a"], 4096) != 0
    assert "is not a STRING input" in ffi.string(lib.tl_interpreter_error_message(it._it)).decode()
    assert lib.tl_interpreter_set_string_capacity(it._it, 0, names["sentence"], 12) == 0
