"""ONNX ModelProto -> Graph IR.

The importer walks the ONNX nodes in order and calls one rule per op type (`rules.RULES`). Each
ONNX tensor is held as a `Held` entry: the IR Value, plus the permutation its data is stored in.
`perm[k] = a` means IR axis k is ONNX axis a; None means the ONNX order. Layout-bound ops (Conv,
pools, BatchNormalization, Resize, ...) want channels last (NCHW -> NHWC is perm (0, 2, 3, 1)) and
leave their result that way; layout-free ops (elementwise, Concat, Split, Slice, Pad, reductions,
Softmax, Transpose) remap their axes and keep whatever layout they are given, so a CNN runs in
NHWC from its first convolution to its last and the model's NCHW inputs and outputs each cost one
transpose at the boundary. Ops that depend on the memory order (Reshape, Flatten, MatMul, ...)
read the ONNX order (`plain`): that is one transpose, or a reshape when only size-1 axes move.

A node whose inputs are all constants is computed at import (with the op table's CPU kernels), so
shape arithmetic (Shape -> Gather -> Concat -> Reshape) folds to constants. A dynamic first
dimension becomes the batch: the graph is built for batch 1, the input's shape reports None, and
reshapes that keep the batch write -1 there so the .tflite resizes.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from tensorlite.training.dtypes import as_dtype
from tensorlite.training.graph.ir import Graph, Node, Value
from tensorlite.training.ops.registry import OPS
from tensorlite.training.shape_text import shape_text
from tensorlite.training.spec import TensorSpec

from ..lower import ConversionError

MIN_OPSET = 13


class ONNXImportError(ConversionError):
    """An ONNX model or node the importer cannot express; the message names the node and what to do."""


@dataclass
class Held:
    """An ONNX tensor in the IR: `value` stored in `perm` order (None: ONNX order); `batch` says
    ONNX axis 0 is the model's dynamic batch."""
    value: Value
    perm: tuple | None = None
    batch: bool = False

    @property
    def rank(self) -> int:
        return len(self.value.shape)

    @property
    def shape(self) -> tuple:
        """The ONNX shape."""
        if self.perm is None:
            return tuple(self.value.shape)
        return tuple(self.value.shape[self.perm.index(a)] for a in range(self.rank))


def identity(rank: int) -> tuple:
    return tuple(range(rank))


def channels_last(rank: int) -> tuple:
    """(0, 2, ..., rank-1, 1): NCHW -> NHWC for rank 4."""
    return (0,) + tuple(range(2, rank)) + (1,)


def norm_perm(perm) -> tuple | None:
    return None if perm is None or tuple(perm) == identity(len(perm)) else tuple(perm)


def drop_axes(perm: tuple | None, axes) -> tuple | None:
    """The layout after ONNX axes `axes` are removed from a tensor held in `perm`."""
    if perm is None:
        return None
    kept = [a for a in perm if a not in set(axes)]
    order = sorted(kept)
    return norm_perm(tuple(order.index(a) for a in kept))


def node_label(node) -> str:
    name = node.name or (f"-> {node.output[0]}" if len(node.output) else "")
    return f"node {name!r} ({node.op_type})"


class Importer:
    def __init__(self, model, input_shapes=None, constant_inputs=None):
        self.model = model
        self.graph = Graph(model.graph.name or "onnx")
        self.held: dict[str, Held] = {}
        self._ids = itertools.count(1)
        self._views: dict = {}
        self.node = None
        self.opset = _default_opset(model)
        self.input_shapes_override = dict(input_shapes or {})
        self.constant_inputs = dict(constant_inputs or {})

    # ---- errors ----
    def fail(self, why: str, hint: str = "") -> ONNXImportError:
        where = node_label(self.node) if self.node is not None else f"graph {self.graph.name!r}"
        return ONNXImportError(f"ONNX {where}: {why}" + (f". {hint}" if hint else ""))

    # ---- values ----
    def const(self, array, dtype=None) -> Value:
        a = np.asarray(array, dtype=dtype)
        if a.dtype == np.float64 and dtype is None and not isinstance(array, np.ndarray):
            a = a.astype(np.float32)
        v = Value(next(self._ids), "bool" if a.dtype == np.bool_ else a.dtype.name, tuple(a.shape))
        self.graph.constants[v.id] = a
        return v

    def constant(self, v: Value):
        return self.graph.constants.get(v.id)

    def op(self, name: str, *inputs: Value, **attrs):
        """Appends an IR node (or computes it now when every input is a constant); returns its
        output Value, or a tuple of them."""
        opdef = OPS[name]
        full = {**opdef.attrs, **attrs}
        try:
            specs = opdef.infer(*[TensorSpec(v.shape, as_dtype(v.dtype)) for v in inputs], **full)
        except (ValueError, TypeError) as e:
            raise self.fail(f"cannot express it with the IR op {name!r}: {e}",
                            "Check the node's input shapes and attributes against the ONNX spec") from None
        multi = isinstance(specs, (tuple, list))
        specs = tuple(specs) if multi else (specs,)
        outs = [Value(next(self._ids), s.dtype.name, tuple(s.shape)) for s in specs]
        kernel = opdef.kernels.get("cpu")
        if inputs and kernel is not None and all(v.id in self.graph.constants for v in inputs):
            result = kernel(np, *[self.graph.constants[v.id] for v in inputs], **full)
            results = tuple(result) if multi else (result,)
            for v, r in zip(outs, results):
                self.graph.constants[v.id] = np.asarray(r).astype(np.bool_ if v.dtype == "bool" else v.dtype)
        else:
            self.graph.nodes.append(Node(name, list(inputs), outs, attrs))
        return tuple(outs) if multi else outs[0]

    # ---- ONNX tensors ----
    def has(self, name: str) -> bool:
        return bool(name) and name in self.held

    def get(self, name: str) -> Held:
        if name not in self.held:
            raise self.fail(f"input {name!r} is not produced by any earlier node, initializer or graph input",
                            "The model is malformed (nodes must be topologically sorted); run onnx.checker")
        return self.held[name]

    def input(self, i: int) -> Held | None:
        """The node's i-th input, None when it is absent (optional and empty)."""
        names = self.node.input
        return self.get(names[i]) if i < len(names) and names[i] else None

    def set(self, name: str, value: Value, perm=None, batch: bool = False) -> None:
        if name:
            self.held[name] = Held(value, norm_perm(perm), batch)

    def set_held(self, name: str, h: Held) -> None:
        if name:
            self.held[name] = h

    def array(self, h: Held | None, what: str, required: bool = True):
        """The ONNX-order array of a constant input; a computed one fails (the op needs it now)."""
        if h is None:
            if required:
                raise self.fail(f"{what} is missing")
            return None
        a = self.constant(h.value)
        if a is None:
            raise self.fail(f"{what} must be a constant (an initializer, a Constant node or shape arithmetic "
                            "that folds)", "Make it an initializer, or fix the input shapes so it folds")
        return a if h.perm is None else np.transpose(a, np.argsort(h.perm))

    def layout(self, h: Held, perm) -> Value:
        """h's value stored in `perm` order (one transpose, or a reshape when only size-1 axes move)."""
        cur = h.perm or identity(h.rank)
        perm = tuple(perm) if perm is not None else identity(h.rank)
        if cur == perm:
            return h.value
        key = (h.value.id, perm)
        if key not in self._views:
            shape = h.shape
            moving = [a for a in cur if shape[a] != 1 or (a == 0 and h.batch)]
            target = [a for a in perm if shape[a] != 1 or (a == 0 and h.batch)]
            out_shape = tuple(shape[a] for a in perm)
            if moving == target:
                self._views[key] = self.reshape(h.value, out_shape, perm.index(0) if h.batch else None)
            else:
                self._views[key] = self.op("transpose", h.value, perm=tuple(cur.index(a) for a in perm))
        return self._views[key]

    def plain(self, h: Held) -> Value:
        return self.layout(h, None)

    def reshape(self, v: Value, shape, batch_axis=None) -> Value:
        """reshape to a static shape; with `batch_axis` that dimension is written -1 (dynamic batch)."""
        shape = tuple(int(d) for d in shape)
        if tuple(v.shape) == shape:
            return v
        spec = tuple(-1 if i == batch_axis else d for i, d in enumerate(shape))
        if batch_axis is not None and (shape[batch_axis] != 1 or 0 in shape):
            spec = shape
        return self.op("reshape", v, shape=spec)

    def align(self, hs: list[Held]) -> tuple[list[Value], tuple | None, bool]:
        """Elementwise operands in one common layout (the first permuted full-rank operand's);
        returns (values, perm of the result, batch)."""
        rank = max(h.rank for h in hs)
        perm = None
        for h in hs:
            if h.rank == rank and h.perm is not None and self.constant(h.value) is None:
                perm = h.perm
                break
        out = []
        for h in hs:
            if h.rank == rank and h.perm == perm:
                out.append(h.value)
                continue
            a = self.constant(h.value)
            if a is not None:
                a = self.array(h, "operand")
                if perm is not None:
                    a = np.transpose(a.reshape((1,) * (rank - a.ndim) + a.shape), perm)
                out.append(self.const(a))
                continue
            if h.rank < rank:
                v = self.reshape(self.plain(h), (1,) * (rank - h.rank) + h.shape)
                h = Held(v, None, False)
            out.append(self.layout(h, perm))
        batch = any(h.batch and h.rank == rank for h in hs)
        return out, perm, batch

    # ---- the model ----
    def run(self):
        from .rules import RULES
        g = self.model.graph
        from onnx import numpy_helper
        inits = {t.name for t in g.initializer}
        for t in g.initializer:
            try:
                self.set(t.name, self.const(numpy_helper.to_array(t)))
            except Exception as e:  # noqa: BLE001  (onnx raises several types for bad tensors)
                raise ONNXImportError(f"ONNX initializer {t.name!r}: cannot read it ({e})") from None
        shapes = []
        for vi in g.input:
            if vi.name in inits:
                continue
            if vi.name in self.constant_inputs:
                self.set(vi.name, self.const(np.asarray(self.constant_inputs[vi.name])))
                continue
            shape, dtype = self._input_spec(vi)
            batch = len(shape) > 0 and shape[0] is None
            v = Value(next(self._ids), dtype, tuple(1 if d is None else d for d in shape), vi.name)
            self.graph.inputs.append(v)
            self.set(vi.name, v, None, batch)
            shapes.append(tuple(shape))
        nodes = _live_nodes(g, fuse_gelu(g))
        for node in nodes:
            self.node = node
            if node.domain not in ("", "ai.onnx"):
                raise self.fail(f"domain {node.domain!r} is not supported (only the default ONNX domain)",
                                "Export without custom or contrib ops")
            rule = RULES.get(node.op_type)
            if rule is None:
                raise self.fail("this op type is not supported by the tensorlite ONNX importer",
                                f"Supported: {', '.join(sorted(RULES))}; rewrite the model without it")
            rule(self, node, _attrs(node))
        self.node = None
        names = []
        for vi in g.output:
            if vi.name not in self.held:
                raise ONNXImportError(f"ONNX graph output {vi.name!r} is produced by no node")
            self.graph.outputs.append(self.plain(self.held[vi.name]))
            names.append(vi.name)
        try:
            self.graph.verify()
        except ValueError as e:
            raise ONNXImportError(f"ONNX model {self.graph.name!r}: the imported graph is inconsistent ({e})") \
                from None
        return self.graph, shapes, names

    def _input_spec(self, vi):
        from onnx import helper
        t = vi.type.tensor_type
        if not vi.type.HasField("tensor_type") or not t.elem_type:
            raise ONNXImportError(f"ONNX graph input {vi.name!r}: not a typed tensor (sequences, maps and "
                                  "optionals are not supported)")
        try:
            np_type = helper.tensor_dtype_to_np_dtype(t.elem_type)
            dtype = as_dtype(np.dtype(np_type)).name
        except (KeyError, TypeError, ValueError):
            raise ONNXImportError(f"ONNX graph input {vi.name!r}: element type "
                                  f"{helper.tensor_dtype_to_string(t.elem_type)} has no tensorlite dtype") from None
        if vi.name in self.input_shapes_override:
            return tuple(self.input_shapes_override[vi.name]), dtype
        if not t.HasField("shape"):
            raise ONNXImportError(f"ONNX graph input {vi.name!r} has no shape; pass input_shapes={{name: shape}}")
        shape = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        if any(d is None for d in shape[1:]):
            raise ONNXImportError(f"ONNX graph input {vi.name!r} has dynamic dimensions {shape_text(shape)} "
                                  "beyond the batch; pass input_shapes={name: shape} with fixed sizes")
        return tuple(shape), dtype


def _default_opset(model) -> int:
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return int(o.version)
    return 0


def _attrs(node) -> dict:
    from onnx import helper
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _live_nodes(g, nodes) -> list:
    """Nodes in order that some graph output depends on (dead branches never convert)."""
    live = {o.name for o in g.output}
    kept = []
    for n in reversed(nodes):
        if any(o in live for o in n.output):
            kept.append(n)
            live.update(i for i in n.input if i)
    return kept[::-1]


# ---- Gelu from Erf: x * 0.5 * (1 + erf(x / sqrt(2))) in any order of the products ----
def fuse_gelu(g) -> list:
    from onnx import helper, numpy_helper
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    producer = {o: n for n in g.node for o in n.output}
    users: dict = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)

    def scalar(name, value):
        a = consts.get(name)
        return a is not None and a.size == 1 and abs(float(a.reshape(())) - value) < 1e-4

    def other(n, name):
        """The operand of binary node n that is not `name`."""
        return n.input[1] if n.input[0] == name else n.input[0]

    def only_user(name, op_type):
        us = users.get(name, [])
        return us[0] if len(us) == 1 and us[0].op_type == op_type and name in us[0].input else None

    replaced = {}
    for e in g.node:
        if e.op_type != "Erf":
            continue
        p = producer.get(e.input[0])
        if p is None:
            continue
        if p.op_type == "Div" and scalar(p.input[1], np.sqrt(2.0)):
            x = p.input[0]
        elif p.op_type == "Mul" and (scalar(p.input[1], 1 / np.sqrt(2.0)) or scalar(p.input[0], 1 / np.sqrt(2.0))):
            x = p.input[0] if scalar(p.input[1], 1 / np.sqrt(2.0)) else p.input[1]
        else:
            continue
        add = only_user(e.output[0], "Add")
        if add is None or not scalar(other(add, e.output[0]), 1.0):
            continue
        m1 = only_user(add.output[0], "Mul")
        if m1 is None:
            continue
        f1 = other(m1, add.output[0])
        pf = producer.get(f1)
        final = None
        if pf is not None and pf.op_type == "Mul" and {pf.input[0], pf.input[1]} & {x} and \
                scalar(other(pf, x), 0.5):
            final = m1                                    # (x * 0.5) * (1 + erf)
        else:
            m2 = only_user(m1.output[0], "Mul")
            if m2 is not None:
                f2 = other(m2, m1.output[0])
                if (f1 == x and scalar(f2, 0.5)) or (scalar(f1, 0.5) and f2 == x):
                    final = m2                            # ((1 + erf) * x) * 0.5, ((1 + erf) * 0.5) * x
        if final is not None:
            replaced[id(final)] = helper.make_node("Gelu", [x], [final.output[0]], name=final.name or e.name)
    return [replaced.get(id(n), n) for n in g.node]


def load(model):
    """A ModelProto from a path, bytes or ModelProto; malformed input is a ValueError."""
    import onnx
    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        try:
            model = onnx.load_model_from_string(model) if isinstance(model, bytes) else onnx.load(model)
        except FileNotFoundError:
            raise
        except Exception as e:  # noqa: BLE001  (protobuf's DecodeError and friends)
            raise ONNXImportError(f"not a readable ONNX model ({type(e).__name__}: {e})") from None
    if not isinstance(model, onnx.ModelProto):
        raise TypeError(f"import_model: expected a path or an onnx.ModelProto, got {type(model).__name__}")
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as e:
        raise ONNXImportError(f"malformed ONNX model: {' '.join(str(e).split())[:600]}") from None
    opset = _default_opset(model)
    if opset < MIN_OPSET:
        raise ONNXImportError(f"ONNX model uses opset {opset}; the importer reads opset {MIN_OPSET} and newer. "
                              f"Upgrade it with onnx.version_converter.convert_version(model, {MIN_OPSET})")
    return model


def import_model(model, input_shapes: dict | None = None, constant_inputs: dict | None = None):
    """ONNX model (path, bytes or ModelProto) -> (Graph, input_shapes, output_names).

    input_shapes: per graph input, the ONNX shape with None for a dynamic dimension (only the first,
    the batch, may be dynamic); pass `input_shapes={name: shape}` to fix others. constant_inputs:
    {input name: array} binds graph inputs to constants (e.g. a shape fed as an input)."""
    return Importer(load(model), input_shapes, constant_inputs).run()
