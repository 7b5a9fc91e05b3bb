"""Card: control flow as graph ops. `tl.cond(pred, true_fn, false_fn)` and
`tl.while_loop(cond, body, loop_vars)` run as plain Python when eager (or when nothing they depend
on is traced); inside tl.function they become one `cond` / `while` node holding the branches (or
condition and body) as Graph attributes, traced from the Python functions (TensorFlow's cond_v2 /
while_v2). Tensors of the enclosing trace a branch uses become extra inputs of the node, after
the predicate (cond) or the loop variables (while), and every branch graph takes all of them.

Gradients: `cond`'s is a cond of the branches' gradients. A `while` node is differentiated by
running the loop again under a tape when its inputs are concrete (a traced function called under
a tape); a gradient taken while tracing raises (it would need every iteration's values). Eager
loops are ordinary Python and differentiate as usual.
TFLite: `cond` lowers to IF and `while` to WHILE, each branch or body a subgraph.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..dtypes import as_dtype, bool_
from ..spec import TensorSpec
from .registry import define_op


def _specs(values) -> tuple:
    return tuple(TensorSpec(v.shape, as_dtype(v.dtype)) for v in values)


def _same_specs(op: str, what: str, got, want) -> None:
    for i, (g, w) in enumerate(zip(got, want)):
        if g.dtype != w.dtype or tuple(g.shape) != tuple(w.shape):
            raise ValueError(f"{op}: {what} {i} is {g.dtype.name}{list(g.shape)} but must be "
                             f"{w.dtype.name}{list(w.shape)}")
    if len(got) != len(want):
        raise ValueError(f"{op}: {what}s number {len(got)}, expected {len(want)}")


def _cond_infer(pred: TensorSpec, *inputs: TensorSpec, then_graph, else_graph) -> tuple:
    if pred.dtype != bool_ or pred.rank != 0:
        raise TypeError(f"cond: the predicate must be a bool scalar, got {pred.dtype.name}{list(pred.shape)}")
    for g in (then_graph, else_graph):
        _same_specs("cond", f"input of branch {g.name!r}", list(inputs), _specs(g.inputs))
    _same_specs("cond", "output of the false branch", _specs(else_graph.outputs), _specs(then_graph.outputs))
    return _specs(then_graph.outputs)


def _while_infer(*inputs: TensorSpec, cond_graph, body_graph, num_loop_vars) -> tuple:
    for g in (cond_graph, body_graph):
        _same_specs("while", f"input of {g.name!r}", list(inputs), _specs(g.inputs))
    (c,) = _specs(cond_graph.outputs) if len(cond_graph.outputs) == 1 else (None,)
    if c is None or c.dtype != bool_ or c.rank != 0:
        raise TypeError("while: the condition must return one bool scalar")
    _same_specs("while", "loop variable returned by the body", _specs(body_graph.outputs),
                list(inputs[:num_loop_vars]))
    return tuple(inputs[:num_loop_vars])


RUNS_GRAPHS = "its kernel runs the branch graphs with the NumPy executor"
cond_op = define_op("cond", infer=_cond_infer, attrs={"then_graph": None, "else_graph": None}, tflite="IF",
                    no_xla=RUNS_GRAPHS)
while_op = define_op("while", infer=_while_infer, attrs={"cond_graph": None, "body_graph": None, "num_loop_vars": 0},
                     tflite="WHILE", no_xla=RUNS_GRAPHS)

_executors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _run(graph, arrays: list) -> list:
    from ..graph.executor import Executor
    ex = _executors.get(graph)
    if ex is None:
        ex = _executors[graph] = Executor(graph)
    return ex.run(list(arrays), {})[0]


@cond_op.kernel("cpu")
def _cond(xp, pred, *inputs, then_graph, else_graph):
    return tuple(_run(then_graph if bool(np.asarray(pred)) else else_graph, inputs))


@while_op.kernel("cpu")
def _while(xp, *inputs, cond_graph, body_graph, num_loop_vars):
    values, captures = list(inputs[:num_loop_vars]), list(inputs[num_loop_vars:])
    while bool(np.asarray(_run(cond_graph, values + captures)[0])):
        values = _run(body_graph, values + captures)
    return tuple(values)


@cond_op.grad
def _cond_grad(dy, inputs, out, then_graph, else_graph):
    """cond(pred, d then / d inputs, d else / d inputs): each branch replayed under a tape."""
    from ..tape import GradientTape
    from .creation import zeros_like
    pred, *xs = inputs
    floats = [i for i, x in enumerate(xs) if x.dtype.is_floating]
    dys = list(dy) if isinstance(dy, (tuple, list)) else [dy]

    def branch_grad(graph):
        def fn():
            with GradientTape() as tape:
                for i in floats:
                    tape.watch(xs[i])
                outs = replay(graph, xs)
            pairs = [(o, d) for o, d in zip(outs, dys) if o.dtype.is_floating]
            grads = tape.gradient([o for o, _ in pairs], [xs[i] for i in floats],
                                  output_gradients=[d for _, d in pairs])
            return [zeros_like(xs[i]) if g is None else g for i, g in zip(floats, grads)]
        return fn

    if not floats:
        return (None,) * len(inputs)
    grads = cond(pred, branch_grad(then_graph), branch_grad(else_graph))
    result = [None] * len(xs)
    for i, g in zip(floats, grads):
        result[i] = g
    return (None, *result)


@while_op.grad
def _while_grad(dy, inputs, out, cond_graph, body_graph, num_loop_vars):
    """Eagerly (a traced function called under a tape): the loop runs again as eager ops under a
    tape, which then differentiates it. While tracing, the trip count is not known, and TensorFlow's
    answer (stacks of every iteration's values) is not built: that raises."""
    from ..graph.trace import active
    from ..tape import GradientTape
    recorder = active()
    if recorder is not None and any(recorder.is_traced(x) for x in inputs):
        raise NotImplementedError("while: the gradient of a tl.while_loop inside tl.function is not implemented "
                                  "(it needs every iteration's values); take the gradient outside the function, "
                                  "or unroll the loop with a Python for")
    xs = list(inputs)
    first = {}
    for i, x in enumerate(xs):   # a tensor both loop variable and capture gets its gradient once
        first.setdefault(x._id, i)
    floats = [i for i, x in enumerate(xs) if x.dtype.is_floating and first[x._id] == i]
    dys = list(dy) if isinstance(dy, (tuple, list)) else [dy]
    with GradientTape() as tape:
        for i in floats:
            tape.watch(xs[i])
        values, captures = xs[:num_loop_vars], xs[num_loop_vars:]
        while bool(np.asarray(replay(cond_graph, values + captures)[0]._value)):
            values = replay(body_graph, values + captures)
    pairs = [(o, d) for o, d in zip(values, dys) if o.dtype.is_floating and d is not None]
    grads = tape.gradient([o for o, _ in pairs], [xs[i] for i in floats], output_gradients=[d for _, d in pairs])
    result = [None] * len(xs)
    for i, g in zip(floats, grads):
        result[i] = g
    return tuple(result)


def replay(graph, inputs: list) -> list:
    """Runs a graph's nodes as eager ops on tensors (tapes and an enclosing trace see them)."""
    from ..dispatch import apply
    from ..tensor import convert_to_tensor
    from .registry import OPS
    env = {vid: convert_to_tensor(a) for vid, a in graph.constants.items()}
    env.update({v.id: t for v, t in zip(graph.inputs, inputs)})
    for n in graph.nodes:
        outs = apply(OPS[n.op], *[env[v.id] for v in n.inputs], **n.attrs)
        for v, o in zip(n.outputs, outs if isinstance(outs, tuple) else (outs,)):
            env[v.id] = o
    return [env[v.id] for v in graph.outputs]


# ---- the Python API -----------------------------------------------------------------------------
def _trace(parent, fn, name: str, args=()):
    """Runs fn(*args) under a BranchRecorder; args become the graph's first inputs.
    Returns (graph, output tensors, rebuild, captured {parent tensor id: (tensor, Value)})."""
    from ..graph.trace import BranchRecorder, TracingError
    from ..tape import _flatten
    from ..tensor import Tensor, convert_to_tensor
    rec = BranchRecorder(parent, name)
    shapes = [tuple(a.shape) for a in args]  # as the parent trace has them (symbolic dimensions kept)
    with rec:
        fresh = [Tensor(a._value, a.dtype, a.device) for a in args]
        for i, (t, shape) in enumerate(zip(fresh, shapes)):
            rec.input(t, f"{name}_arg{i}", shape)
        result = fn(*fresh)
        leaves, rebuild = _flatten(result)
        leaves = [convert_to_tensor(x) for x in leaves]
    for x in leaves:
        if not isinstance(x, Tensor):
            raise TracingError(f"{name}: returns {type(x).__name__}, not tensors")
    return rec.finish(leaves), leaves, rebuild, rec.captured


def _unify(graphs_and_captures, leading: int):
    """Gives every graph the same inputs: its first `leading` inputs, then one per tensor any of
    them captured (a graph that does not use one gets an unused input). Returns the captured
    outer tensors in that order."""
    from ..graph.trace import new_value
    union: dict[int, object] = {}
    for _, captured in graphs_and_captures:
        for tid, (t, _) in captured.items():
            union.setdefault(tid, t)
    for graph, captured in graphs_and_captures:
        own = graph.inputs[:leading]
        graph.inputs = own + [captured[tid][1] if tid in captured else new_value(t.dtype.name, tuple(t.shape))
                              for tid, t in union.items()]
    return list(union.values())


def _record(parent, op, inputs, outputs, attrs) -> None:
    from ..tape import record_operation
    record_operation(op, inputs, outputs, attrs)
    parent.record(op, inputs, outputs, attrs)


def cond(pred, true_fn, false_fn, name: str | None = None):
    """true_fn() if pred else false_fn(); both return the same structure of tensors."""
    from ..graph.trace import active
    from ..tensor import Tensor, convert_to_tensor
    parent = active()
    p = pred if isinstance(pred, Tensor) else None
    if parent is None or p is None or not parent.is_traced(p):
        take = bool(np.asarray(p._value)) if p is not None else bool(pred)
        return true_fn() if take else false_fn()
    p = convert_to_tensor(p)
    then_g, then_out, rebuild, then_caps = _trace(parent, true_fn, f"{name or 'cond'}_true")
    else_g, else_out, _, else_caps = _trace(parent, false_fn, f"{name or 'cond'}_false")
    _same_specs("tl.cond", "output of false_fn", [t.spec for t in else_out], [t.spec for t in then_out])
    captured = _unify([(then_g, then_caps), (else_g, else_caps)], 0)
    chosen = then_out if bool(np.asarray(p._value)) else else_out
    outs = tuple(Tensor(t._value, t.dtype, t.device) for t in chosen)
    _record(parent, cond_op, [p, *captured], outs, {"then_graph": then_g, "else_graph": else_g})
    return rebuild(list(outs))


def while_loop(cond_fn, body_fn, loop_vars, maximum_iterations=None, name: str | None = None):
    """Repeats loop_vars = body_fn(*loop_vars) while cond_fn(*loop_vars); returns the final loop_vars
    (same structure). Each loop variable keeps its dtype and shape."""
    from ..graph.trace import TracingError, active
    from ..tape import _flatten
    from ..tensor import Tensor, convert_to_tensor
    single = not isinstance(loop_vars, (list, tuple))
    items = [loop_vars] if single else list(loop_vars)
    if maximum_iterations is not None:
        limit = int(maximum_iterations)
        inner_cond, inner_body = cond_fn, body_fn

        def cond_fn(i, *v):
            from .binary import less, logical_and
            return logical_and(less(i, limit), inner_cond(*v))

        def body_fn(i, *v):
            out = inner_body(*v)
            return (i + 1, *(out if isinstance(out, (list, tuple)) else (out,)))
        items = [convert_to_tensor(np.int32(0))] + items
    parent = active()
    if parent is None:
        while bool(np.asarray(convert_to_tensor(cond_fn(*items))._value)):
            out = body_fn(*items)
            items = list(out) if isinstance(out, (list, tuple)) else [out]
        result = items[1:] if maximum_iterations is not None else items
        return result[0] if single else type(loop_vars)(result)
    flat = [convert_to_tensor(v) for v in items]
    n = len(flat)
    cond_g, cond_out, _, cond_caps = _trace(parent, cond_fn, f"{name or 'while'}_cond", flat)
    body_g, body_out, _, body_caps = _trace(parent, body_fn, f"{name or 'while'}_body", flat)
    if len(cond_out) != 1:
        raise TracingError("tl.while_loop: cond must return one bool scalar")
    for i, (a, b) in enumerate(zip(flat, body_g.outputs)):  # the graphs' shapes: symbolic dimensions kept
        if a.dtype.name != b.dtype or tuple(a.shape) != tuple(b.shape):
            raise TracingError(f"tl.while_loop: the body changes loop variable {i} from {a.dtype.name}"
                               f"{list(a.shape)} to {b.dtype}{list(b.shape)}; loop variables keep their "
                               "dtype and shape")
    if len(body_out) != n:
        raise TracingError(f"tl.while_loop: the body returns {len(body_out)} values for {n} loop variables")
    captured = _unify([(cond_g, cond_caps), (body_g, body_caps)], n)
    attrs = {"cond_graph": cond_g, "body_graph": body_g, "num_loop_vars": n}
    arrays = _while(np, *[t._value for t in flat + captured], **attrs)
    outs = tuple(Tensor(np.asarray(a).astype(t.dtype.as_numpy_dtype), t.dtype, t.device)
                 for a, t in zip(arrays, flat))
    _record(parent, while_op, flat + captured, outs, attrs)
    result = list(outs[1:]) if maximum_iterations is not None else list(outs)
    _, rebuild = _flatten(loop_vars)
    return result[0] if single else rebuild(result)


# ---- TFLite lowering ----------------------------------------------------------------------------
@cond_op.lower
def _lower_cond(ctx, node, then_graph, else_graph):
    then_index = ctx.subgraph(then_graph)
    else_index = ctx.subgraph(else_graph)
    ctx.emit("IF", ctx.inputs(), ctx.outputs(), then_subgraph_index=then_index, else_subgraph_index=else_index)


@while_op.lower
def _lower_while(ctx, node, cond_graph, body_graph, num_loop_vars):
    """WHILE carries every input through the loop: the captured tensors become loop variables the
    body returns unchanged, and the node gets outputs for them (unused afterwards)."""
    import copy
    body = copy.copy(body_graph)
    body.outputs = list(body_graph.outputs) + list(body_graph.inputs[num_loop_vars:])
    outs = ctx.outputs() + [ctx.temp(v.dtype, v.shape) for v in node.inputs[num_loop_vars:]]
    ctx.emit("WHILE", ctx.inputs(), outs, cond_subgraph_index=ctx.subgraph(cond_graph),
             body_subgraph_index=ctx.subgraph(body))
