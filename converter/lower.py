"""Graph IR -> TFLite operators. Each op's lowering rule lives in its card (`training/ops/<op>.py`,
`@<op>_op.lower`); this module walks the graph and gives the rules a `LoweringContext` to emit
builtins with. An op whose card names a builtin and has no attributes lowers one-to-one without a
rule. Anything else without a rule is an error naming the op, the node and what to do.

A value with a symbolic dimension (None, from a None of the traced input_signature) becomes a
tensor whose `shape_signature` has -1 there and whose `shape` is the graph's at size 1
(`training/graph/specialize.py`), as TensorFlow's converter writes a dynamic batch.
"""
from __future__ import annotations

import numpy as np
from tensorlite.training.graph.ir import Graph, Node, Value
from tensorlite.training.graph.specialize import concrete_shapes
from tensorlite.training.ops.registry import OPS

from .model import Operator, Subgraph, Tensor

# Ops that only matter for training: an inference graph passes their input through.
PASS_THROUGH = {"identity", "stop_gradient", "dropout"}


class ConversionError(ValueError):
    """An op or graph the converter cannot express in TFLite; the message names the node."""


class LoweringContext:
    """What a lowering rule sees: tensor indices for IR values, constants, temporaries, emit()."""

    def __init__(self, graph: Graph, subgraph: Subgraph, subgraphs: list[Subgraph]):
        self.graph, self.sg, self.subgraphs = graph, subgraph, subgraphs
        self._static = concrete_shapes(graph)  # value id -> shape at size 1 of each symbolic dimension
        self._tensor_of: dict[int, int] = {}
        self._alias: dict[int, Value] = {}
        self.node: Node | None = None
        self.node_index = -1

    # ---- values ----
    def constant(self, v: Value) -> np.ndarray | None:
        """The array of a constant IR value, None for a computed one."""
        return self.graph.constants.get(self._resolve(v).id)

    def tensor(self, v: Value) -> int:
        """The tensor index holding IR value `v` (created on first use)."""
        v = self._resolve(v)
        if v.id not in self._tensor_of:
            data = self.graph.constants.get(v.id)
            name = v.name or (f"const_{v.id}" if data is not None else f"t{v.id}")
            if data is not None:
                data = np.asarray(data)
                self._tensor_of[v.id] = self.sg.add_tensor(Tensor(name, _dtype_name(data), tuple(data.shape), data))
            else:
                self._tensor_of[v.id] = self.sg.add_tensor(_activation(name, v.dtype, v.shape,
                                                                       self._static.get(v.id)))
        return self._tensor_of[v.id]

    def const(self, array, name: str = "", dtype=None) -> int:
        """A new constant tensor (int lists default to int32, TFLite's index type)."""
        a = np.asarray(array, dtype=dtype if dtype is not None else (np.int32 if _is_int_list(array) else None))
        return self.sg.add_tensor(Tensor(name or f"{self._prefix()}/const{len(self.sg.tensors)}", _dtype_name(a),
                                         tuple(a.shape), np.array(a, order="C")))

    def temp(self, dtype: str, shape, name: str = "") -> int:
        """A new activation tensor; None in `shape` is a symbolic dimension (1 in the static shape)."""
        return self.sg.add_tensor(_activation(name or f"{self._prefix()}/tmp{len(self.sg.tensors)}", dtype, shape))

    def shape_of(self, v: Value) -> int:
        """A tensor holding v's shape: a constant where it is static, else a SHAPE operator (int32)."""
        if None not in v.shape:
            return self.const([int(d) for d in v.shape])
        out = self.temp("int32", (len(v.shape),))
        self.emit("SHAPE", [self.tensor(v)], [out], out_type=2)
        return out

    def alias(self, out: Value, to: Value) -> None:
        """`out` is the same tensor as `to` (pass-through ops)."""
        self._alias[out.id] = self._resolve(to)

    def _resolve(self, v: Value) -> Value:
        while v.id in self._alias:
            v = self._alias[v.id]
        return v

    # ---- operators ----
    def emit(self, builtin: str, inputs: list[int], outputs: list[int], version: int = 1, **options) -> None:
        """Appends one operator; `version` is its operator-code version (most kernels register 1)."""
        self.sg.operators.append(Operator(builtin, list(inputs), list(outputs), dict(options), version=version))

    def inputs(self) -> list[int]:
        return [self.tensor(v) for v in self.node.inputs]

    def outputs(self) -> list[int]:
        return [self.tensor(v) for v in self.node.outputs]

    def subgraph(self, graph: Graph) -> int:
        """Lowers `graph` (a branch or loop body) into a new subgraph of the model; its index."""
        _, ctx = lower_graph(graph, graph.name, self.subgraphs)
        return self.subgraphs.index(ctx.sg)

    def fail(self, why: str, hint: str = "") -> ConversionError:
        n = self.node
        return ConversionError(f"node {self.node_index} ({n.op} -> {', '.join(map(repr, n.outputs))}) in graph "
                               f"{self.graph.name!r}: {why}" + (f". {hint}" if hint else ""))

    def _prefix(self) -> str:
        if self.node is None:
            return "graph"
        named = [v.name for v in self.node.outputs if v.name]
        return named[0] if named else f"{self.node.op}{self.node_index}"


def lower_graph(graph: Graph, name: str = "main", subgraphs: list[Subgraph] | None = None
                ) -> tuple[Subgraph, LoweringContext]:
    """One TFLite subgraph computing `graph` (frozen: no captured variables, no assignments),
    appended to `subgraphs` before the subgraphs its control flow needs."""
    if graph.captures:
        raise ConversionError(f"graph {graph.name!r} still reads variables {sorted(graph.captures.values())}: "
                              "freeze it first (the converter's entry points do)")
    sg = Subgraph(name)
    subgraphs = [] if subgraphs is None else subgraphs
    subgraphs.append(sg)
    ctx = LoweringContext(graph, sg, subgraphs)
    sg.inputs = [ctx.tensor(v) for v in graph.inputs]
    for i, node in enumerate(graph.nodes):
        ctx.node, ctx.node_index = node, i
        if node.op in PASS_THROUGH:
            ctx.alias(node.outputs[0], node.inputs[0])
            continue
        op = OPS[node.op]
        attrs = {**op.attrs, **node.attrs}
        if op.lowering is not None:
            op.lowering(ctx, node, **attrs)
        elif op.tflite and not op.attrs:
            ctx.emit(op.tflite, ctx.inputs(), ctx.outputs())
        else:
            raise ctx.fail("this op has no TFLite lowering",
                           f"Add one with @{node.op}_op.lower in its card (training/ops/), or change the model "
                           "to avoid it" if op.tflite is None else
                           f"Its card names {op.tflite} but has no @{node.op}_op.lower rule for its attributes")
    outputs = []
    for v in graph.outputs:
        t = ctx.tensor(v)
        if t in sg.inputs or t in outputs or sg.tensors[t].data is not None:
            # TFLite outputs must be computed tensors of their own: copy through a RESHAPE
            src, t = t, ctx.temp(v.dtype, v.shape, f"output{len(outputs)}")
            if list(v.shape).count(None) > 1:
                ctx.emit("RESHAPE", [src, ctx.shape_of(v)], [t])
            else:
                shape = [-1 if d is None else int(d) for d in v.shape]
                ctx.emit("RESHAPE", [src, ctx.const(shape, "output_shape")], [t], new_shape=shape)
        outputs.append(t)
    sg.outputs = outputs
    return sg, ctx


def _activation(name: str, dtype: str, shape, static=None) -> Tensor:
    """A computed tensor of the IR shape `shape`: -1 in its shape_signature where that is symbolic (None),
    and there `static`'s size (the graph's at size 1), else 1, in its shape."""
    shape = tuple(shape)
    if None not in shape:
        return Tensor(name, dtype, tuple(int(d) for d in shape))
    static = static if static is not None and len(static) == len(shape) else (None,) * len(shape)
    return Tensor(name, dtype, tuple(int(s) if d is None and s is not None else 1 if d is None else int(d)
                                     for d, s in zip(shape, static)),
                  shape_signature=tuple(-1 if d is None else int(d) for d in shape))


def _dtype_name(a: np.ndarray) -> str:
    return "bool" if a.dtype == np.bool_ else a.dtype.name


def _is_int_list(x) -> bool:
    return isinstance(x, (list, tuple)) and all(isinstance(v, (int, np.integer)) for v in x)
