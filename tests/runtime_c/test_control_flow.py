"""WHILE and IF in the C runtime (several subgraphs) against the real LiteRT interpreter (BUILTIN_REF).

Models: a counting WHILE loop, the loop tf.while_loop converts to (int32 counter, ADD, LESS against
a trip count given as input, GATHER of the step's row), an IF choosing between two branches, nested control flow (an IF
inside a WHILE body), and a recurrent cell run by a WHILE over the time steps of a sequence the
way TensorFlow's converter lowers a Keras RNN/LSTM without the fused op: an int32 step counter
compared with LESS, the step's input taken with GATHER, the cell's gates cut with SPLIT and
SPLIT_V (its counter advances by GATHER from a successor table; tf_style_loop uses int32 ADD).
The recurrent cell is also checked against NumPy. Then the planner on these models (no two
tensors of any subgraph that are live together share a byte, lifetimes computed here from the
model), and malformed control flow refused at allocation with a message (missing subgraph,
recursion, nesting too deep, mismatched shapes or types, a cond that is not one bool).

This file is also the generator of the models, for inspection:
    python -m tests.runtime_c.test_control_flow OUTDIR"""
import sys

import numpy as np
import pytest
from tensorlite.runtime import Interpreter
from tensorlite.runtime._tl_c import ffi, lib

from tests.litert import litert_interpreter, litert_schema, run

from .tflite_graph import Model, edit_model


def _f32(a):
    return np.asarray(a, np.float32)


def counting_loop(limit=10.0, step=1.0) -> bytes:
    """x, i -> WHILE (i < limit): i += step, x = x + x * 0.5 (as x + FC(x)); outputs the final i, x."""
    m = Model()
    main, cond, body = m.subgraph(), m.subgraph(), m.subgraph()
    i = main.input("i", [1], "float32")
    x = main.input("x", [1, 3], "float32")
    i_out, x_out = main.tensor("i_out", [1], "float32"), main.tensor("x_out", [1, 3], "float32")
    main.op("WHILE", [i, x], [i_out, x_out], cond_subgraph_index=1, body_subgraph_index=2)
    main.output(i_out, x_out)

    ci, _ = cond.input("i", [1], "float32"), cond.input("x", [1, 3], "float32")
    flag = cond.tensor("flag", [1], "bool")
    cond.op("LESS", [ci, cond.const("limit", _f32([limit]))], [flag])
    cond.output(flag)

    bi, bx = body.input("i", [1], "float32"), body.input("x", [1, 3], "float32")
    bi2, half, bx2 = body.tensor("i2", [1], "float32"), body.tensor("half", [1, 3], "float32"), \
        body.tensor("x2", [1, 3], "float32")
    body.op("ADD", [bi, body.const("step", _f32([step]))], [bi2])
    body.op("FULLY_CONNECTED", [bx, body.const("w", _f32(np.eye(3) * 0.5)), -1], [half])
    body.op("ADD", [bx, half], [bx2])
    body.output(bi2, bx2)
    return m.build()


def if_model() -> bytes:
    """flag, x -> IF flag: x + 1 else FC(x) - 2 (branches of different depth)."""
    m = Model()
    main, then_, else_ = m.subgraph(), m.subgraph(), m.subgraph()
    flag, x = main.input("flag", [1], "bool"), main.input("x", [2, 4], "float32")
    y = main.tensor("y", [2, 4], "float32")
    main.op("IF", [flag, x], [y], then_subgraph_index=1, else_subgraph_index=2)
    main.output(y)
    tx, ty = then_.input("x", [2, 4], "float32"), then_.tensor("y", [2, 4], "float32")
    then_.op("ADD", [tx, then_.const("one", _f32([1.0]))], [ty])
    then_.output(ty)
    rng = np.random.default_rng(3)
    ex, eh, ey = else_.input("x", [2, 4], "float32"), else_.tensor("h", [2, 4], "float32"), \
        else_.tensor("y", [2, 4], "float32")
    else_.op("FULLY_CONNECTED", [ex, else_.const("w", _f32(rng.uniform(-1, 1, (4, 4)))), -1], [eh])
    else_.op("SUB", [eh, else_.const("two", _f32([2.0]))], [ey])
    else_.output(ey)
    return m.build()


def nested_model() -> bytes:
    """A WHILE whose body holds an IF (sign test with GREATER): count up to 5, x += 1 when x > 0
    else x -= 1. Three levels of subgraphs."""
    m = Model()
    main, cond, body, up, down = (m.subgraph() for _ in range(5))
    i, x = main.input("i", [1], "float32"), main.input("x", [4], "float32")
    io, xo = main.tensor("i_out", [1], "float32"), main.tensor("x_out", [4], "float32")
    main.op("WHILE", [i, x], [io, xo], cond_subgraph_index=1, body_subgraph_index=2)
    main.output(io, xo)
    ci, _ = cond.input("i", [1], "float32"), cond.input("x", [4], "float32")
    flag = cond.tensor("flag", [1], "bool")
    cond.op("LESS", [ci, cond.const("five", _f32([5.0]))], [flag])
    cond.output(flag)
    bi, bx = body.input("i", [1], "float32"), body.input("x", [4], "float32")
    bi2, pos, first, bx2 = body.tensor("i2", [1], "float32"), body.tensor("pos", [1], "bool"), \
        body.tensor("first", [1], "float32"), body.tensor("x2", [4], "float32")
    body.op("ADD", [bi, body.const("one", _f32([1.0]))], [bi2])
    body.op("GATHER", [bx, body.const("zero", np.array([0], np.int32))], [first])
    body.op("GREATER", [first, body.const("z", _f32([0.0]))], [pos])
    body.op("IF", [pos, bx], [bx2], then_subgraph_index=3, else_subgraph_index=4)
    body.output(bi2, bx2)
    for g, op in ((up, "ADD"), (down, "SUB")):
        gx, gy = g.input("x", [4], "float32"), g.tensor("y", [4], "float32")
        g.op(op, [gx, g.const("one", _f32([1.0]))], [gy])
        g.output(gy)
    return m.build()


def tf_style_loop() -> bytes:
    """The loop shape tf.while_loop converts to: an int32 counter i advanced by ADD, compared with
    LESS against a trip count n given as input (n <= 6 rows), acc += seq[i] (GATHER) each step."""
    m = Model()
    main, cond, body = m.subgraph(), m.subgraph(), m.subgraph()
    n, seq = main.input("n", [], "int32"), main.input("seq", [6, 3], "float32")
    i0, acc0 = main.const("i0", np.array(0, np.int32)), main.const("acc0", np.zeros(3, np.float32))
    outs = [main.tensor("i_out", [], "int32"), main.tensor("n_out", [], "int32"),
            main.tensor("seq_out", [6, 3], "float32"), main.tensor("acc_out", [3], "float32")]
    main.op("WHILE", [i0, n, seq, acc0], outs, cond_subgraph_index=1, body_subgraph_index=2)
    main.output(outs[0], outs[3])
    ci, cn = cond.input("i", [], "int32"), cond.input("n", [], "int32")
    cond.input("seq", [6, 3], "float32")
    cond.input("acc", [3], "float32")
    more = cond.tensor("more", [], "bool")
    cond.op("LESS", [ci, cn], [more])
    cond.output(more)
    bi, bn = body.input("i", [], "int32"), body.input("n", [], "int32")
    bseq, bacc = body.input("seq", [6, 3], "float32"), body.input("acc", [3], "float32")
    row, acc2 = body.tensor("row", [3], "float32"), body.tensor("acc2", [3], "float32")
    i2 = body.tensor("i2", [], "int32")
    body.op("GATHER", [bseq, bi], [row])
    body.op("ADD", [bacc, row], [acc2])
    body.op("ADD", [bi, body.const("one", np.array(1, np.int32))], [i2])
    body.output(i2, bn, bseq, acc2)
    return m.build()


def two_signatures() -> bytes:
    """Two entry points: "add_one" (subgraph 0: y = x + 1) and "choose" (subgraph 1: an IF over
    subgraphs 2 and 3, y = x * W or x - 3), as multi-signature models hold them."""
    m = Model()
    main, choose, then_, else_ = (m.subgraph() for _ in range(4))
    x, y = main.input("x", [4], "float32"), main.tensor("y", [4], "float32")
    main.op("ADD", [x, main.const("one", _f32([1.0]))], [y])
    main.output(y)
    flag, cx, cy = choose.input("flag", [1], "bool"), choose.input("x", [1, 4], "float32"), \
        choose.tensor("y", [1, 4], "float32")
    choose.op("IF", [flag, cx], [cy], then_subgraph_index=2, else_subgraph_index=3)
    choose.output(cy)
    tx, ty = then_.input("x", [1, 4], "float32"), then_.tensor("y", [1, 4], "float32")
    w = _f32(np.random.default_rng(8).uniform(-1, 1, (4, 4)))
    then_.op("FULLY_CONNECTED", [tx, then_.const("w", w), -1], [ty])
    then_.output(ty)
    ex, ey = else_.input("x", [1, 4], "float32"), else_.tensor("y", [1, 4], "float32")
    else_.op("SUB", [ex, else_.const("three", _f32([3.0]))], [ey])
    else_.output(ey)
    m.signature("add_one", main, {"x": x}, {"y": y})
    m.signature("choose", choose, {"flag": flag, "x": cx}, {"y": cy})
    return m.build()


RNN_STEPS, RNN_BATCH, RNN_IN, RNN_UNITS = 5, 2, 3, 4


def rnn_weights(seed=0):
    rng = np.random.default_rng(seed)
    w = _f32(rng.uniform(-0.5, 0.5, (4 * RNN_UNITS, RNN_IN + RNN_UNITS)))
    b = _f32(rng.uniform(-0.1, 0.1, 4 * RNN_UNITS))
    return w, b


def rnn_model(seed=0) -> bytes:
    """seq [T, B, I], h0, c0 [B, U] -> WHILE over t: x_t = GATHER(seq, t); z = FC([x_t, h]) [B, 4U];
    SPLIT z into (z1, z2) and SPLIT_V z2 into (i, f, g) with sizes [U, U, -1 = U]...
    gates made with ReLU (the runtime's activations): c' = c + relu(z_a) - relu(z_f);
    h' = relu(c' + z_g) - relu(z_o). Outputs the final h and c (and the counter)."""
    w, b = rnn_weights(seed)
    U, B, T, In = RNN_UNITS, RNN_BATCH, RNN_STEPS, RNN_IN
    m = Model()
    main, cond, body = m.subgraph(), m.subgraph(), m.subgraph()
    seq = main.input("seq", [T, B, In], "float32")
    h0, c0 = main.input("h0", [B, U], "float32"), main.input("c0", [B, U], "float32")
    t0 = main.const("t0", np.array([0], np.int32))
    outs = [main.tensor(n, s, d) for n, s, d in
            (("t_out", [1], "int32"), ("h_out", [B, U], "float32"), ("c_out", [B, U], "float32"),
             ("seq_out", [T, B, In], "float32"))]
    main.op("WHILE", [t0, h0, c0, seq], outs, cond_subgraph_index=1, body_subgraph_index=2)
    main.output(outs[1], outs[2])

    ct = cond.input("t", [1], "int32")
    for n, s in (("h", [B, U]), ("c", [B, U]), ("seq", [T, B, In])):
        cond.input(n, s, "float32")
    more = cond.tensor("more", [1], "bool")
    cond.op("LESS", [ct, cond.const("steps", np.array([T], np.int32))], [more])
    cond.output(more)

    bt = body.input("t", [1], "int32")
    bh, bc, bseq = body.input("h", [B, U], "float32"), body.input("c", [B, U], "float32"), \
        body.input("seq", [T, B, In], "float32")
    t_next = body.tensor("t_next", [1], "int32")
    body.op("GATHER", [body.const("successor", np.arange(1, T + 1, dtype=np.int32)), bt], [t_next])
    x3 = body.tensor("x_t3", [1, B, In], "float32")
    body.op("GATHER", [bseq, bt], [x3], axis=0)
    xt = body.tensor("x_t", [B, In], "float32")
    body.op("RESHAPE", [x3, body.const("shape", np.array([B, In], np.int32))], [xt])
    xh = body.tensor("xh", [B, In + U], "float32")
    body.op("CONCATENATION", [xt, bh], [xh], axis=1)
    z = body.tensor("z", [B, 4 * U], "float32")
    body.op("FULLY_CONNECTED", [xh, body.const("w", w), body.const("b", b)], [z])
    za, zrest = body.tensor("z_a", [B, U], "float32"), body.tensor("z_rest", [B, 3 * U], "float32")
    body.op("SPLIT_V", [z, body.const("sizes", np.array([U, -1], np.int32)), body.const("ax1", np.array(1, np.int32))],
            [za, zrest], num_splits=2)
    zf, zg, zo = (body.tensor(n, [B, U], "float32") for n in ("z_f", "z_g", "z_o"))
    body.op("SPLIT", [body.const("axis", np.array(1, np.int32)), zrest], [zf, zg, zo], num_splits=3)
    ra, rf = body.tensor("relu_a", [B, U], "float32"), body.tensor("relu_f", [B, U], "float32")
    body.op("RELU", [za], [ra])
    body.op("RELU", [zf], [rf])
    c_plus, c_next = body.tensor("c_plus", [B, U], "float32"), body.tensor("c_next", [B, U], "float32")
    body.op("ADD", [bc, ra], [c_plus])
    body.op("SUB", [c_plus, rf], [c_next])
    cg, rcg, ro, h_next = (body.tensor(n, [B, U], "float32") for n in ("c_g", "relu_cg", "relu_o", "h_next"))
    body.op("ADD", [c_next, zg], [cg])
    body.op("RELU", [cg], [rcg])
    body.op("RELU", [zo], [ro])
    body.op("SUB", [rcg, ro], [h_next])
    body.output(t_next, h_next, c_next, bseq)
    return m.build()


def rnn_numpy(seq, h, c, seed=0):
    w, b = rnn_weights(seed)
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    U = RNN_UNITS
    for t in range(seq.shape[0]):
        z = np.concatenate([seq[t], h], 1) @ w.T + b
        za, zf, zg, zo = z[:, :U], z[:, U:2 * U], z[:, 2 * U:3 * U], z[:, 3 * U:]
        c = c + relu(za) - relu(zf)
        h = relu(c + zg) - relu(zo)
    return h, c


MODELS = {"counting_loop": counting_loop, "if": if_model, "nested": nested_model, "rnn": rnn_model,
          "tf_style_loop": tf_style_loop, "two_signatures": two_signatures}


def _run(content, feeds, preserve=False):
    """Our outputs, LiteRT's outputs, and our interpreter (to read its subgraph tensors)."""
    ours = Interpreter(model_content=content, experimental_preserve_all_tensors=preserve)
    return run(ours, feeds), run(litert_interpreter(content), feeds), ours


def _close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("start,limit,step", [(0.0, 10.0, 1.0), (3.0, 3.5, 0.25), (7.0, 2.0, 1.0)])
def test_counting_while_loop_matches_litert(start, limit, step):
    x = _f32([[1.0, -2.0, 0.5]])
    got, want, _ = _run(counting_loop(limit, step), [_f32([start]), x])
    _close(got, want)
    n = max(0, int(np.ceil((limit - start) / step)))
    assert got[0][0] == pytest.approx(start + n * step)  # the loop ran n times (0 when the cond starts false)
    np.testing.assert_allclose(got[1], x * 1.5 ** n, rtol=1e-5)


@pytest.mark.parametrize("flag", [True, False])
def test_if_chooses_branch_like_litert(flag):
    x = _f32(np.random.default_rng(1).uniform(-1, 1, (2, 4)))
    got, want, _ = _run(if_model(), [np.array([flag]), x])
    _close(got, want)
    if flag:
        np.testing.assert_allclose(got[0], x + 1, rtol=1e-6)


@pytest.mark.parametrize("first", [2.0, -2.0])
def test_if_inside_while_matches_litert(first):
    x = _f32([first, 0.5, -0.5, 3.0])
    got, want, _ = _run(nested_model(), [_f32([0.0]), x])
    _close(got, want)
    np.testing.assert_allclose(got[1], x + (5 if first > 0 else -5))


@pytest.mark.parametrize("seed", [0, 1])
def test_while_rnn_over_time_steps_matches_litert_and_numpy(seed):
    rng = np.random.default_rng(seed)
    seq = _f32(rng.uniform(-1, 1, (RNN_STEPS, RNN_BATCH, RNN_IN)))
    h0, c0 = _f32(rng.uniform(-1, 1, (RNN_BATCH, RNN_UNITS))), _f32(rng.uniform(-1, 1, (RNN_BATCH, RNN_UNITS)))
    got, want, _ = _run(rnn_model(), [seq, h0, c0])
    _close(got, want)
    h, c = rnn_numpy(seq.astype(np.float64), h0.astype(np.float64), c0.astype(np.float64))
    np.testing.assert_allclose(got[0], h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[1], c, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n", [0, 1, 4, 6])
def test_tf_style_int32_counter_loop_matches_litert(n):
    seq = _f32(np.random.default_rng(n).uniform(-1, 1, (6, 3)))
    got, want, _ = _run(tf_style_loop(), [np.array(n, np.int32), seq])
    assert got[0].dtype == np.int32 and got[0] == n
    _close(got, want)
    np.testing.assert_allclose(got[1], seq[:n].sum(0), rtol=1e-5, atol=1e-6)


def test_signatures_of_several_subgraphs_match_litert():
    content = two_signatures()
    ours, ref = Interpreter(model_content=content), litert_interpreter(content)
    assert ours.get_signature_list() == ref.get_signature_list()
    x = _f32([1.0, -2.0, 0.5, 4.0])
    for flag in (True, False, True):
        args = {"flag": np.array([flag]), "x": x[None]}
        got, want = ours.get_signature_runner("choose")(**args), ref.get_signature_runner("choose")(**args)
        np.testing.assert_allclose(got["y"], want["y"], rtol=1e-5)
        got, want = ours.get_signature_runner("add_one")(x=x), ref.get_signature_runner("add_one")(x=x)
        np.testing.assert_allclose(got["y"], x + 1)
        np.testing.assert_allclose(want["y"], x + 1)
    # subgraph 0's input and output survive running the other entry point
    ours.set_tensor(ours.get_input_details()[0]["index"], x * 2)
    ours.invoke()
    ours.get_signature_runner("choose")(flag=np.array([False]), x=x[None])
    np.testing.assert_allclose(ours.get_tensor(ours.get_output_details()[0]["index"]), x * 2 + 1)
    ours.invoke()
    np.testing.assert_allclose(ours.get_tensor(ours.get_output_details()[0]["index"]), x * 2 + 1)
    with pytest.raises(RuntimeError, match="not an entry subgraph"):
        ours._invoke(2)


def test_repeated_invokes_and_subgraph_tensors_readable():
    content = counting_loop(4.0, 1.0)
    it = Interpreter(model_content=content, experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    for start in (0.0, 2.0, 0.0):
        it.set_tensor(it.get_input_details()[0]["index"], _f32([start]))
        it.set_tensor(it.get_input_details()[1]["index"], _f32([[1, 1, 1]]))
        it.invoke()
        assert it.get_tensor(it.get_output_details()[0]["index"])[0] == 4.0
    # the last body run computed i2 = 4 (subgraph 2, tensor 2), kept by preserve_all_tensors
    assert it.get_tensor(2, subgraph_index=2)[0] == 4.0
    with pytest.raises(ValueError, match="subgraph index 9 is out of range"):
        it.get_tensor(0, subgraph_index=9)


# ---- the planner across subgraphs -------------------------------------------------------------------

def _timeline_lifetimes(content):
    """{(subgraph, tensor): [first, last]} from the model itself: each entry subgraph (0, then the
    signatures') walked in order, a control flow node spanning the walks of the subgraphs it calls
    (planner.c's rules)."""
    s, _ = litert_schema()
    model = s.ModelT.InitFromObj(s.Model.GetRootAsModel(content, 0))
    codes = [c.builtinCode for c in model.operatorCodes]
    life, clock = {}, [0]

    def use(sg, t, at):
        if t < 0 or model.subgraphs[sg].tensors[t].buffer and \
                model.buffers[model.subgraphs[sg].tensors[t].buffer].data is not None:
            return
        lo, hi = life.get((sg, t), [at, at])
        life[(sg, t)] = [min(lo, at), max(hi, at)]

    def walk(sg):
        g = model.subgraphs[sg]
        for t in g.inputs:
            use(sg, int(t), clock[0])
        for op in g.operators:
            first = clock[0]
            clock[0] += 1
            called = []
            if codes[op.opcodeIndex] == s.BuiltinOperator.WHILE:
                called = [op.builtinOptions.condSubgraphIndex, op.builtinOptions.bodySubgraphIndex]
            elif codes[op.opcodeIndex] == s.BuiltinOperator.IF:
                called = [op.builtinOptions.thenSubgraphIndex, op.builtinOptions.elseSubgraphIndex]
            for c in called:
                walk(c)
            last = first
            if called:
                last = clock[0]
                clock[0] += 1
            for t in [*op.inputs, *op.outputs]:
                use(sg, int(t), first)
                use(sg, int(t), last)
        for t in g.outputs:
            use(sg, int(t), clock[0])
        clock[0] += 1
    entries = sorted({0, *[sig.subgraphIndex for sig in (model.signatureDefs or [])]})
    for e in entries:
        walk(e)
    end = clock[0] - 1
    if len(entries) > 1:  # each entry's inputs and outputs live throughout
        for e in entries:
            for t in [*model.subgraphs[e].inputs, *model.subgraphs[e].outputs]:
                if (e, int(t)) in life:
                    life[(e, int(t))] = [0, end]
    return life, end


def _shared_views(content, placed):
    """Pairs {(sg, in), (sg, out)} of RESHAPE / SQUEEZE / EXPAND_DIMS nodes placed at the same
    bytes (plan.c's in-place views), closed over chains; such a pair must not involve an input or
    output of its subgraph."""
    s, _ = litert_schema()
    model = s.ModelT.InitFromObj(s.Model.GetRootAsModel(content, 0))
    codes = [c.builtinCode for c in model.operatorCodes]
    kinds = (s.BuiltinOperator.RESHAPE, s.BuiltinOperator.SQUEEZE, s.BuiltinOperator.EXPAND_DIMS)
    groups = {}
    for k, g in enumerate(model.subgraphs):
        io = {int(t) for t in [*g.inputs, *g.outputs]}
        for op in g.operators:
            if codes[op.opcodeIndex] not in kinds:
                continue
            a, b = (k, int(op.inputs[0])), (k, int(op.outputs[0]))
            if a in placed and b in placed and placed[a] == placed[b]:
                assert a[1] not in io and b[1] not in io, f"subgraph {k}: a view shared a subgraph input or output"
                group = groups.get(a, {a}) | groups.get(b, {b})
                for t in group:
                    groups[t] = group
    return {frozenset((x, y)) for group in groups.values() for x in group for y in group if x != y}


@pytest.mark.parametrize("preserve", [False, True], ids=["shared", "preserve_all"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_live_tensors_of_all_subgraphs_never_overlap(name, preserve):
    content = MODELS[name]()
    it = Interpreter(model_content=content, experimental_preserve_all_tensors=preserve)
    it.allocate_tensors()
    life, end = _timeline_lifetimes(content)
    arena = int(ffi.cast("uintptr_t", it._arena))
    placed = {}
    for sg in range(lib.tl_interpreter_get_subgraph_count(it._it)):
        for i in range(lib.tl_interpreter_get_subgraph_tensor_count(it._it, sg)):
            t = lib.tl_interpreter_get_subgraph_tensor(it._it, sg, i)
            if t.data != ffi.NULL and not t.is_constant and t.bytes:
                addr = int(ffi.cast("uintptr_t", t.data))
                assert arena <= addr and addr + t.bytes <= arena + it._arena_size
                placed[(sg, i)] = (addr, int(t.bytes))
    assert set(placed) == set(life), "every non-constant tensor on the walk has memory, and only those"
    if preserve:
        life = {k: [0, end] for k in life}
    views = _shared_views(content, placed)  # plan.c's in-place views: same bytes on purpose
    assert not (preserve and views), "preserve_all_tensors must give every tensor its own bytes"
    items = sorted(placed.items())
    shared = 0
    for n, (a, (addr_a, size_a)) in enumerate(items):
        for b, (addr_b, size_b) in items[n + 1:]:
            la, lb = life[a], life[b]
            apart = addr_a + size_a <= addr_b or addr_b + size_b <= addr_a
            if frozenset((a, b)) in views:
                continue
            if la[0] <= lb[1] and lb[0] <= la[1]:
                assert apart, f"{name}: tensors {a} {la} and {b} {lb} are live together and overlap"
            shared += not apart
    if not preserve and name in ("rnn", "if"):
        assert shared > 0, "subgraphs that never run together should reuse memory"


def _with_offline_plan(content, offsets):
    """The model with TFLM's "OfflineMemoryAllocation" metadata: int32 [version 1, subgraph count,
    offset count, one offset per tensor of every subgraph, subgraph 0 first; -1 = plan online]."""
    def fn(model):
        s, _ = litert_schema()
        words = np.array([1, len(model.subgraphs), len(offsets), *offsets], np.int32)
        buf = s.BufferT()
        buf.data = np.frombuffer(words.tobytes(), np.uint8)
        model.buffers.append(buf)
        meta = s.MetadataT()
        meta.name, meta.buffer = "OfflineMemoryAllocation", len(model.buffers) - 1
        model.metadata = [meta]
    return edit_model(content, fn)


def _offsets(it):
    """Each tensor's offset in the arena, subgraph after subgraph (-1: constant or unplanned)."""
    base = (int(ffi.cast("uintptr_t", it._arena)) + 15) & ~15
    out = []
    for sg in range(lib.tl_interpreter_get_subgraph_count(it._it)):
        for i in range(lib.tl_interpreter_get_subgraph_tensor_count(it._it, sg)):
            t = lib.tl_interpreter_get_subgraph_tensor(it._it, sg, i)
            placed = t.data != ffi.NULL and not t.is_constant
            out.append(int(ffi.cast("uintptr_t", t.data)) - base if placed else -1)
    return out


def test_offline_plan_covering_every_subgraph_is_honoured():
    content = rnn_model()
    first = Interpreter(model_content=content)
    first.allocate_tensors()
    offsets = _offsets(first)
    assert sum(o >= 0 for o in offsets[lib.tl_interpreter_get_subgraph_tensor_count(first._it, 0):]) > 10
    # the same placement, shifted up by 64 bytes, given as the model's offline plan
    planned = [o + 64 if o >= 0 else -1 for o in offsets]
    rng = np.random.default_rng(9)
    feeds = [_f32(rng.uniform(-1, 1, s)) for s in ((RNN_STEPS, RNN_BATCH, RNN_IN), (RNN_BATCH, RNN_UNITS),
                                                   (RNN_BATCH, RNN_UNITS))]
    got, want, it = _run(_with_offline_plan(content, planned), feeds)
    _close(got, want)
    assert _offsets(it) == planned
    # a plan for subgraph 0 only, or one overlapping tensors live together, is refused
    n0 = lib.tl_interpreter_get_subgraph_tensor_count(first._it, 0)
    with pytest.raises(ValueError, match="every tensor of every subgraph"):
        Interpreter(model_content=_with_offline_plan(content, planned[:n0])).allocate_tensors()
    body = 1 + lib.tl_interpreter_get_subgraph_tensor_count(first._it, 1) + n0  # a body tensor live with its input 0
    clash = list(planned)
    clash[body] = planned[n0 + lib.tl_interpreter_get_subgraph_tensor_count(first._it, 1)]
    with pytest.raises(ValueError, match="offline memory plan overlaps"):
        Interpreter(model_content=_with_offline_plan(content, clash)).allocate_tensors()


# ---- malformed control flow: refused at allocation, never a crash -----------------------------------

def _set_while(cond, body):
    def fn(model):
        model.subgraphs[0].operators[0].builtinOptions.condSubgraphIndex = cond
        model.subgraphs[0].operators[0].builtinOptions.bodySubgraphIndex = body
    return fn


def _deep_chain(depth):
    """Subgraph k runs subgraph k+1 with IF (both branches), `depth` subgraphs in all."""
    m = Model()
    gs = [m.subgraph() for _ in range(depth)]
    for k, g in enumerate(gs):
        flag, x = g.input("flag", [1], "bool"), g.input("x", [1], "float32")
        y = g.tensor("y", [1], "float32")
        if k + 1 < depth:
            g.op("IF", [flag, flag, x], [y], then_subgraph_index=k + 1, else_subgraph_index=k + 1)
        else:
            g.op("ADD", [x, g.const("one", _f32([1.0]))], [y])
        g.output(y)
    return m.build()


def _constant_body_input(model):
    s, _ = litert_schema()
    buf = s.BufferT()
    buf.data = np.frombuffer(_f32([0.0]).tobytes(), np.uint8)
    model.buffers.append(buf)
    model.subgraphs[2].tensors[0].buffer = len(model.buffers) - 1  # the body's input "i"


BAD = {
    "missing subgraph": (lambda: edit_model(counting_loop(), _set_while(1, 7)), "subgraph index out of range"),
    "negative subgraph": (lambda: edit_model(counting_loop(), _set_while(-1, 2)), "subgraph index out of range"),
    "body is subgraph 0": (lambda: edit_model(counting_loop(), _set_while(1, 0)), "recursion"),
    "cond runs itself": (lambda: edit_model(nested_model(), lambda m: setattr(
        m.subgraphs[2].operators[3].builtinOptions, "thenSubgraphIndex", 2)), "recursion"),
    "cond returns float": (lambda: edit_model(counting_loop(), _set_while(2, 2)), "cond subgraph"),
    "loop value shape differs": (lambda: edit_model(counting_loop(), lambda m: setattr(
        m.subgraphs[0].tensors[3], "shape", [3, 1])), "a loop output has another shape"),
    "branch type differs": (lambda: edit_model(if_model(), lambda m: setattr(
        m.subgraphs[0].tensors[2], "type", 2)), "a branch subgraph output has another type"),
    "if without condition": (lambda: edit_model(if_model(), lambda m: setattr(
        m.subgraphs[0].tensors[0], "type", 0)), "condition"),
    "nesting too deep": (lambda: _deep_chain(18), "nest more than 16 deep"),
    "constant subgraph input": (lambda: edit_model(counting_loop(), _constant_body_input),
                                "input is a constant tensor"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_control_flow_is_refused(case):
    make, message = BAD[case]
    it = Interpreter(model_content=make())
    with pytest.raises(ValueError, match=message) as exc:
        it.allocate_tensors()
    assert exc.value.op_name in ("WHILE", "IF")


def test_deep_but_allowed_nesting_runs():
    content = _deep_chain(16)
    it = Interpreter(model_content=content)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], np.array([True]))
    it.set_tensor(it.get_input_details()[1]["index"], _f32([1.0]))
    it.invoke()
    assert it.get_tensor(it.get_output_details()[0]["index"])[0] == 2.0


def test_endless_loop_stopped_by_the_watchdog():
    content = counting_loop(10.0, 0.0)  # the counter never moves
    it = Interpreter(model_content=content)
    it.allocate_tensors()
    assert lib.tl_interpreter_set_max_while_iterations(it._it, 50) == 0
    it.set_tensor(it.get_input_details()[0]["index"], _f32([0.0]))
    it.set_tensor(it.get_input_details()[1]["index"], _f32([[1, 1, 1]]))
    with pytest.raises(RuntimeError, match="loop ran past the limit") as exc:
        it.invoke()
    assert exc.value.op_name == "WHILE" and exc.value.node_index == 0


def test_unsupported_op_in_a_called_subgraph_is_named():
    def to_stablehlo_sort(m):  # the body's FULLY_CONNECTED becomes STABLEHLO_SORT (code 199): LiteRT's reference
        code = m.operatorCodes[m.subgraphs[2].operators[1].opcodeIndex]  # resolver has no kernel for it, nor do we
        code.builtinCode, code.deprecatedBuiltinCode = 199, 127  # codes over 126 live in builtinCode only
    content = edit_model(counting_loop(), to_stablehlo_sort)
    it = Interpreter(model_content=content)
    assert "STABLEHLO_SORT" in it.unsupported_ops()
    with pytest.raises(ValueError, match="subgraph 2 node 1 \\(STABLEHLO_SORT\\)") as exc:
        it.allocate_tensors()
    assert exc.value.subgraph_index == 2 and exc.value.node_index == 1


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for name, make in MODELS.items():
        with open(f"{out}/{name}.tflite", "wb") as f:
            f.write(make())
