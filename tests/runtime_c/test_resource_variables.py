"""Resource variables in the C runtime: VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE and CALL_ONCE.

tests/data/tf_stateful holds models TensorFlow's converter made from tf.Variables updated in tf.functions
(scripts/make_tf_stateful_models.py): each runs over several invokes against LiteRT's reference kernels, the
variables carried from invoke to invoke (and not reset by reset_all_variables, as in LiteRT), and across two
signatures sharing one variable, whose initializer runs once whichever signature runs first, and through IF and
WHILE subgraphs that receive the variable's handle as an input. Hand-written models cover the refusals: a variable
used with two shapes, a handle that no VAR_HANDLE or caller gives, a read of a variable never assigned."""
import os

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.runtime_c.tflite_graph import Model, refused

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "tf_stateful")


def _model(name):
    with open(os.path.join(DATA, name + ".tflite"), "rb") as f:
        return f.read()


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    else:
        np.testing.assert_array_equal(a, b)


def test_the_models_hold_resource_variables():
    for name in ("accumulator", "streaming_two_signatures", "cond_while"):
        it = tl.lite.Interpreter(model_content=_model(name))
        assert it.unsupported_ops() == []
    data = _model("accumulator")
    from tests.litert import litert_schema
    schema, _ = litert_schema()
    m = schema.Model.GetRootAsModel(data, 0)
    codes = {max(m.OperatorCodes(i).BuiltinCode(), m.OperatorCodes(i).DeprecatedBuiltinCode())
             for i in range(m.OperatorCodesLength())}
    ops = schema.BuiltinOperator
    assert {ops.CALL_ONCE, ops.VAR_HANDLE, ops.READ_VARIABLE, ops.ASSIGN_VARIABLE} <= codes


def test_accumulator_matches_litert_over_invokes():
    data = _model("accumulator")
    ours, ref = tl.lite.Interpreter(model_content=data), litert_interpreter(data)
    rng = np.random.default_rng(0)
    for it in (ours, ref):
        it.allocate_tensors()
    for k in range(6):
        if k == 4:  # resource variables are not variable tensors: both keep them
            ours.reset_all_variables()
            ref.reset_all_variables()
        x = rng.standard_normal((1, 3)).astype(np.float32)
        outs = []
        for it in (ours, ref):
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
            outs.append({d["name"]: it.get_tensor(d["index"]) for d in it.get_output_details()})
        assert outs[0].keys() == outs[1].keys()
        for key in outs[1]:
            _same(outs[0][key], outs[1][key])
        counts = [v for v in outs[0].values() if np.asarray(v).dtype == np.int32]
        assert counts and int(counts[0]) == k + 1


def test_handles_passed_into_if_and_while_subgraphs():
    data = _model("cond_while")
    ours, ref = tl.lite.Interpreter(model_content=data), litert_interpreter(data)
    for it in (ours, ref):
        it.allocate_tensors()
    for k in range(5):
        x = np.array([1.0, -2.0], np.float32) * (k + 1)
        outs = []
        for it in (ours, ref):
            for d in it.get_input_details():
                it.set_tensor(d["index"], x if d["dtype"] == np.float32 else np.array(k % 2 == 0))
            it.invoke()
            outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
        _same(outs[0], outs[1])


@pytest.mark.parametrize("peek_first", [False, True])
def test_two_signatures_share_the_variable(peek_first):
    data = _model("streaming_two_signatures")
    runners = [(it.get_signature_runner("step"), it.get_signature_runner("peek"))
               for it in (tl.lite.Interpreter(model_content=data), litert_interpreter(data))]
    rng = np.random.default_rng(1)
    scale = np.array([2.0], np.float32)
    if peek_first:  # the initializer runs from the peek signature; step must not run it again
        _same(runners[0][1](scale=scale)["mean"], runners[1][1](scale=scale)["mean"])
    for k in range(6):
        frame = rng.standard_normal((1, 8)).astype(np.float32)
        _same(runners[0][0](frame=frame)["features"], runners[1][0](frame=frame)["features"])
        if k % 2:
            _same(runners[0][1](scale=scale)["mean"], runners[1][1](scale=scale)["mean"])


def _variable_model(read_shape=(3,), assign_shape=(3,), init=True):
    """main: CALL_ONCE(init) ; h = VAR_HANDLE('v') ; y = READ(h) + x ; ASSIGN(h, y) ; out y.
    init: VAR_HANDLE('v') ; ASSIGN(h, [1, 2, 3])."""
    m = Model()
    g = m.subgraph()
    s = m.subgraph()
    x = g.input("x", list(read_shape), "float32")
    h = g.tensor("h", [], "float32")
    g.g.tensors[h].type = 13  # RESOURCE
    r = g.tensor("r", list(read_shape), "float32")
    y = g.tensor("y", list(assign_shape), "float32")
    if init:
        g.op("CALL_ONCE", [], [], init_subgraph_index=1)
    g.op("VAR_HANDLE", [], [h], shared_name="v")
    g.op("READ_VARIABLE", [h], [r])
    g.op("ADD", [r, x], [y])
    g.op("ASSIGN_VARIABLE", [h, y], [])
    g.output(y)
    sh = s.tensor("h", [], "float32")
    s.g.tensors[sh].type = 13
    s.op("VAR_HANDLE", [], [sh], shared_name="v")
    s.op("ASSIGN_VARIABLE", [sh, s.const("init", np.array([1, 2, 3], np.float32))], [])
    return m.build()


def test_hand_written_variable_model():
    data = _variable_model()
    x = np.array([0.5, -1.0, 2.0], np.float32)
    for it in (tl.lite.Interpreter(model_content=data), litert_interpreter(data)):
        it.allocate_tensors()
        got = []
        for _ in range(3):
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
            got.append(it.get_tensor(it.get_output_details()[0]["index"]).copy())
        np.testing.assert_array_equal(got, [[1.5, 1.0, 5.0], [2.0, 0.0, 7.0], [2.5, -1.0, 9.0]])


def test_variable_used_with_two_shapes_is_refused():
    with pytest.raises(ValueError, match=r"ASSIGN_VARIABLE\): .*another type or shape"):
        tl.lite.Interpreter(model_content=_variable_model(read_shape=(3,), assign_shape=(1, 3))).allocate_tensors()


def test_read_of_a_variable_never_assigned_fails_the_invoke():
    data = _variable_model(init=False)
    it = tl.lite.Interpreter(model_content=data)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], np.zeros(3, np.float32))
    with pytest.raises((RuntimeError, ValueError), match="never assigned"):
        it.invoke()


def test_handle_not_from_a_var_handle_is_refused():
    m = Model()
    g = m.subgraph()
    h = g.input("h", [], "float32")
    g.g.tensors[h].type = 13
    r = g.tensor("r", [3], "float32")
    g.op("READ_VARIABLE", [h], [r])
    g.output(r)
    refused(m.build(), "READ_VARIABLE", "must come from a VAR_HANDLE earlier in the same subgraph, or be passed in")


def test_variables_survive_a_resize():
    """resize_tensor_input + allocate_tensors keep the resource variables' values and CALL_ONCE's flag, as LiteRT
    does (kept state, runtimes/c/src/state.c): running column sums over batches of 1, 4, 4, 2, 1 rows."""
    data = _model("batch_sum")
    ours, ref = tl.lite.Interpreter(model_content=data), litert_interpreter(data)
    rng = np.random.default_rng(5)
    for it in (ours, ref):
        it.allocate_tensors()
    for batch in (1, 4, 4, 2, 1):
        x = rng.standard_normal((batch, 3)).astype(np.float32)
        outs = []
        for it in (ours, ref):
            d = it.get_input_details()[0]
            if list(d["shape"]) != [batch, 3]:
                it.resize_tensor_input(d["index"], [batch, 3], strict=True)
                it.allocate_tensors()
            it.set_tensor(d["index"], x)
            it.invoke()
            outs.append({o["name"]: it.get_tensor(o["index"]) for o in it.get_output_details()})
        for key in outs[1]:
            _same(outs[0][key], outs[1][key])
    assert sorted(int(v) for v in outs[0].values() if np.asarray(v).dtype == np.int32) == [12]
