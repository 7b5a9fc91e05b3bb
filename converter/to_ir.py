"""`.tflite` -> Graph IR (DESIGN contract 2): the inverse of lowering, for float32 models.

    graph = read_graph(open("model.tflite", "rb").read())
    Executor(graph).run([x], {})

One small rule per TFLite builtin (`RULES`, builtin name -> function) turns an operator back into
op-table nodes: fused activations become a relu / relu6 / clip node after the op, biases an add,
filter layouts go back to the IR's (conv2d HWIO, depthwise [KH, KW, C, M], matmul [in, out]), and
constant shape / axis / padding operands become attributes. Shapes are static: a tensor's `shape`
(a -1 in its shape_signature is read as the static size stored beside it).

The graph computes what a freshly created interpreter computes on its first invoke: a variable
tensor (an LSTM's state, say) reads as a constant of its initial contents (zeros when it has no
data), and state updates are not kept. IF and WHILE become `cond` / `while` nodes whose attributes
hold the branch, condition and body subgraphs, converted recursively.

Not supported, with NotImplementedError naming the operator: quantized tensors (int8 / uint8 /
int16 / int32 with a scale: quantized and hybrid models need the quantizer's IR support, not built
yet), custom operators, and builtins without a rule here. A structural problem (an operator whose
tensors disagree with what its IR op infers) is a ValueError naming the operator.
"""
from __future__ import annotations

import itertools

import numpy as np
from tensorlite.training.dtypes import as_dtype
from tensorlite.training.graph.ir import Graph, Node, Value
from tensorlite.training.ops.registry import OPS
from tensorlite.training.shape_text import shape_text
from tensorlite.training.spec import TensorSpec

from .model import Model, Operator, Tensor
from .reader import read

_PADDING = {0: "SAME", 1: "VALID"}
_ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
_INDEX_TYPES = {2: "int32", 4: "int64"}       # TensorType values of ARG_MAX / SHAPE output_type
_QUANTIZED_DTYPES = {"int8", "uint8", "int16", "uint16", "int32", "int64", "int4", "uint4"}


def read_graph(data: bytes, subgraph: int = 0, source: str = "<bytes>") -> Graph:
    """The Graph IR of subgraph `subgraph` of the `.tflite` bytes `data`."""
    return to_graph(read(data, source), subgraph)


def to_graph(model: Model, subgraph: int = 0) -> Graph:
    """The Graph IR computing subgraph `subgraph` of `model` (a `converter.model.Model`); verified."""
    if not 0 <= subgraph < len(model.subgraphs):
        raise ValueError(f"subgraph {subgraph} is out of range (the model has {len(model.subgraphs)})")
    graph = _Builder(model, subgraph, itertools.count(), ()).build()
    graph.verify()
    return graph


class _Builder:
    """Converts one subgraph; `ids` numbers Values across nested graphs (so they stay unique)."""

    def __init__(self, model: Model, index: int, ids, stack: tuple):
        self.model, self.index, self.ids, self.stack = model, index, ids, stack + (index,)
        self.sg = model.subgraphs[index]
        self.graph = Graph(self._name())
        self.values: dict[int, Value] = {}      # tensor index -> Value
        self.op: Operator | None = None
        self.op_index = -1

    def _name(self) -> str:
        for s in self.model.signatures:
            if s.subgraph == self.index and s.key:
                return s.key
        return self.sg.name or f"subgraph{self.index}"

    def build(self) -> Graph:
        g = self.graph
        for t in self.sg.inputs:
            v = self._new(self.sg.tensors[t].dtype, self.sg.tensors[t].shape, self.sg.tensors[t].name)
            g.inputs.append(v)
            self.values[t] = v
        for i, op in enumerate(self.sg.operators):
            self.op, self.op_index = op, i
            self._check_supported()
            RULES[op.opcode](self, op)
        self.op, self.op_index = None, -1
        g.outputs = [self.value(t) for t in self.sg.outputs]
        return g

    # ---- errors ----
    def where(self) -> str:
        if self.op is None:
            return f"subgraph {self.index}"
        return f"subgraph {self.index} operator {self.op_index} ({self.op.opcode})"

    def unsupported(self, what: str) -> NotImplementedError:
        return NotImplementedError(f"{self.where()}: {what}")

    def invalid(self, what: str) -> ValueError:
        return ValueError(f"{self.where()}: {what}")

    def _check_supported(self) -> None:
        op = self.op
        if op.custom:
            raise self.unsupported("custom operators have no Graph IR form (only builtins are read)")
        for t in op.inputs + op.outputs + op.intermediates:
            if t >= 0 and _is_quantized(self.sg.tensors[t]):
                q = self.sg.tensors[t].quantization
                raise self.unsupported(
                    f"tensor {self.sg.tensors[t].name!r} is quantized ({self.sg.tensors[t].dtype}, scale "
                    f"{np.asarray(q.scale).ravel()[:4].tolist()}); quantized and hybrid models need the "
                    "quantizer's IR support, which is not built yet")
        if op.opcode not in RULES:
            raise self.unsupported(f"no Graph IR rule for this builtin (rules exist for {len(RULES)} builtins: "
                                   f"{', '.join(sorted(RULES))})")

    # ---- values ----
    def _new(self, dtype: str, shape, name: str = "") -> Value:
        if dtype not in ("bool",) and not hasattr(np, dtype):
            raise self.unsupported(f"tensor {name!r} has type {dtype}, which the Graph IR cannot hold")
        return Value(next(self.ids), dtype, tuple(int(d) for d in shape), name)

    def tensor(self, i: int) -> Tensor:
        """Input `i` of the current operator (a Tensor); -1 or missing: ValueError."""
        ins = self.op.inputs
        if i >= len(ins) or ins[i] < 0:
            raise self.invalid(f"input {i} is missing")
        return self.sg.tensors[ins[i]]

    def has_input(self, i: int) -> bool:
        return i < len(self.op.inputs) and self.op.inputs[i] >= 0

    def value(self, t: int) -> Value:
        """The Value of tensor index `t`: a constant (or a variable's initial contents) on first use."""
        if t not in self.values:
            tensor = self.sg.tensors[t]
            if tensor.data is None and not tensor.is_variable:
                raise ValueError(f"{self.where()}: tensor {t} ({tensor.name!r}) is read before any operator writes it")
            data = tensor.data if tensor.data is not None else np.zeros(tensor.shape, _np_dtype(tensor.dtype))
            self.values[t] = self.const(np.asarray(data).reshape(tensor.shape), tensor.name)
        return self.values[t]

    def input(self, i: int) -> Value:
        self.tensor(i)
        return self.value(self.op.inputs[i])

    def inputs(self) -> list[Value]:
        return [self.input(i) for i in range(len(self.op.inputs))]

    def constant(self, i: int, what: str) -> np.ndarray:
        """The array of constant input `i` (shape, axis, ... operands); computed ones: NotImplementedError."""
        t = self.tensor(i)
        if t.data is None:
            raise self.unsupported(f"input {i} ({what}, tensor {t.name!r}) must be a constant: the Graph IR "
                                   "holds it as an attribute")
        return np.asarray(t.data)

    def const(self, array, name: str = "") -> Value:
        a = np.asarray(array)
        v = self._new("bool" if a.dtype == np.bool_ else a.dtype.name, a.shape, name)
        self.graph.constants[v.id] = a
        return v

    def out(self, j: int = 0) -> Tensor:
        return self.sg.tensors[self.op.outputs[j]]

    # ---- nodes ----
    def node(self, op: str, inputs: list[Value], n_out: int | None = None, **attrs) -> Value | list[Value]:
        """Appends an `op` node; its outputs' specs come from the op's inference (one Value, or a list
        when `n_out` is given)."""
        try:
            specs = OPS[op].infer(*[TensorSpec(v.shape, as_dtype(v.dtype)) for v in inputs],
                                  **{**OPS[op].attrs, **attrs})
        except (ValueError, TypeError) as e:
            raise self.invalid(f"its IR form `{op}` does not accept these operands: {e}") from None
        specs = list(specs) if isinstance(specs, (tuple, list)) else [specs]
        outs = [self._new(s.dtype.name, s.shape) for s in specs]
        self.graph.nodes.append(Node(op, list(inputs), outs, attrs))
        if n_out is None:
            return outs[0]
        return outs

    def bind(self, v: Value, j: int = 0) -> None:
        """`v` is output `j` of the current operator: its dtype and shape must be the tensor's."""
        t = self.out(j)
        if v.dtype != t.dtype or tuple(v.shape) != tuple(t.shape):
            raise self.invalid(f"output {j} ({t.name!r}) is {t.dtype}{shape_text(t.shape)} but its IR form gives "
                               f"{v.dtype}{shape_text(v.shape)}")
        if not v.name:
            v.name = t.name
        self.values[self.op.outputs[j]] = v

    def activation(self, v: Value, code=None) -> Value:
        """The op's fused activation as a node after it."""
        code = self.op.options.get("fused_activation_function", 0) if code is None else code
        if code == 0:
            return v
        if code == 1:
            return self.node("relu", [v])
        if code == 3:
            return self.node("relu6", [v])
        if code == 2:
            lo, hi = self.const(np.asarray(-1, v.dtype)), self.const(np.asarray(1, v.dtype))
            return self.node("clip", [v, lo, hi])
        raise self.unsupported(f"fused activation {_ACTIVATIONS.get(code, code)} (LiteRT kernels do not apply "
                               "it alike; only RELU, RELU6 and RELU_N1_TO_1 are read)")

    def bias(self, v: Value, i: int) -> Value:
        """`v` plus the bias input `i` when there is one (a zero constant bias adds nothing)."""
        if not self.has_input(i):
            return v
        t = self.tensor(i)
        if t.data is not None and not np.any(t.data):
            return v
        return self.node("add", [v, self.input(i)])

    def subgraph(self, index) -> Graph:
        if not isinstance(index, int) or not 0 <= index < len(self.model.subgraphs):
            raise self.invalid(f"subgraph index {index} is out of range ({len(self.model.subgraphs)} subgraphs)")
        if index in self.stack:
            raise self.invalid(f"subgraph {index} is already being converted (a recursive call through "
                               f"subgraphs {list(self.stack)})")
        return _Builder(self.model, index, self.ids, self.stack).build()


def _np_dtype(dtype: str):
    return np.bool_ if dtype == "bool" else np.dtype(dtype)


def _is_quantized(t: Tensor) -> bool:
    q = t.quantization
    return q is not None and t.dtype in _QUANTIZED_DTYPES and np.asarray(q.scale).size > 0


def _ints(a) -> tuple:
    return tuple(int(v) for v in np.asarray(a).reshape(-1))


# ---- rules: builtin name -> fn(builder, operator) ------------------------------------------------
RULES: dict = {}


def rule(*builtins):
    def register(fn):
        for b in builtins:
            RULES[b] = fn
        return fn
    return register


def _one_to_one(op_name: str):
    def fn(b: _Builder, op: Operator):
        b.bind(b.activation(b.node(op_name, b.inputs())))
    return fn


for _builtin, _op in {"ADD": "add", "SUB": "sub", "MUL": "mul", "DIV": "div", "POW": "pow", "MAXIMUM": "maximum",
                      "MINIMUM": "minimum", "SQUARED_DIFFERENCE": "squared_difference", "EQUAL": "equal",
                      "NOT_EQUAL": "not_equal", "LESS": "less", "LESS_EQUAL": "less_equal", "GREATER": "greater",
                      "GREATER_EQUAL": "greater_equal", "LOGICAL_AND": "logical_and", "LOGICAL_OR": "logical_or",
                      "RELU": "relu", "RELU6": "relu6", "LOGISTIC": "sigmoid", "TANH": "tanh",
                      "HARD_SWISH": "hard_swish", "EXP": "exp", "LOG": "log", "SQRT": "sqrt", "RSQRT": "rsqrt",
                      "ABS": "abs", "NEG": "neg", "SIGN": "sign", "SQUARE": "square", "ZEROS_LIKE": "zeros_like",
                      "SELECT_V2": "where", "FLOOR_MOD": "floor_mod", "FLOOR": "floor", "SIN": "sin",
                      "COS": "cos"}.items():
    RULES[_builtin] = _one_to_one(_op)


@rule("RELU_N1_TO_1")
def _relu_n1_to_1(b, op):
    b.bind(b.activation(b.input(0), 2))


@rule("LEAKY_RELU")
def _leaky_relu(b, op):
    b.bind(b.node("leaky_relu", [b.input(0)], alpha=float(op.options.get("alpha", 0.2))))


@rule("FAKE_QUANT")
def _fake_quant(b, op):
    o = op.options
    b.bind(b.node("fake_quant", [b.input(0), b.const(np.float32(o.get("min", 0.0))),
                                 b.const(np.float32(o.get("max", 0.0)))],
                  num_bits=int(o.get("num_bits", 8)), narrow_range=bool(o.get("narrow_range", False))))


@rule("GELU")
def _gelu(b, op):
    b.bind(b.node("gelu", [b.input(0)], approximate=bool(op.options.get("approximate", False))))


@rule("SELECT")
def _select(b, op):
    cond, x, y = b.inputs()
    if tuple(cond.shape) != tuple(x.shape) and len(cond.shape) == 1 and len(x.shape) > 1:
        # SELECT (v1) picks whole rows with a rank-1 condition: align it with the first dimension
        cond = b.node("reshape", [cond], shape=(cond.shape[0],) + (1,) * (len(x.shape) - 1))
    b.bind(b.node("where", [cond, x, y]))


@rule("SOFTMAX", "LOG_SOFTMAX")
def _softmax(b, op):
    x = b.input(0)
    beta = float(op.options.get("beta", 1.0)) if op.opcode == "SOFTMAX" else 1.0
    if beta != 1.0:
        x = b.node("mul", [x, b.const(np.asarray(beta, x.dtype))])
    b.bind(b.node("softmax" if op.opcode == "SOFTMAX" else "log_softmax", [x], axis=-1))


@rule("FULLY_CONNECTED")
def _fully_connected(b, op):
    """out = x @ W.T + bias, W [out, in]; keep_num_dims=False flattens x to [N, in] first."""
    x, w = b.input(0), b.input(1)
    if op.options.get("weights_format", 0) != 0:
        raise b.unsupported("shuffled weights (weights_format != DEFAULT)")
    units, depth = b.tensor(1).shape
    if not op.options.get("keep_num_dims", False) and len(x.shape) != 2:
        x = b.node("reshape", [x], shape=(int(np.prod(x.shape)) // depth, depth))
    wa = b.tensor(1).data
    if wa is not None:
        y = b.node("matmul", [x, b.const(np.ascontiguousarray(wa.T), b.tensor(1).name)])
    else:
        y = b.node("matmul", [x, w], transpose_b=True)
    b.bind(b.activation(b.bias(y, 2)))


@rule("BATCH_MATMUL")
def _batch_matmul(b, op):
    b.bind(b.node("matmul", b.inputs()[:2], transpose_a=bool(op.options.get("adj_x", False)),
                  transpose_b=bool(op.options.get("adj_y", False))))


def _conv_attrs(b, op) -> dict:
    if op.options.get("padding", 0) not in _PADDING:
        raise b.invalid(f"unknown padding {op.options.get('padding')}")
    return dict(strides=(int(op.options.get("stride_h", 1)), int(op.options.get("stride_w", 1))),
                padding=_PADDING[op.options.get("padding", 0)],
                dilations=(int(op.options.get("dilation_h_factor", 1)), int(op.options.get("dilation_w_factor", 1))))


@rule("CONV_2D")
def _conv_2d(b, op):
    """Filter OHWI -> HWIO; input channels / filter input channels groups."""
    x, f = b.input(0), b.tensor(1)
    groups = x.shape[3] // f.shape[3] if f.shape[3] else 1
    if f.data is not None:
        w = b.const(np.ascontiguousarray(f.data.transpose(1, 2, 3, 0)), f.name)
    else:
        w = b.node("transpose", [b.input(1)], perm=(1, 2, 3, 0))
    y = b.node("conv2d", [x, w], groups=int(groups), **_conv_attrs(b, op))
    b.bind(b.activation(b.bias(y, 2)))


@rule("DEPTHWISE_CONV_2D")
def _depthwise_conv_2d(b, op):
    """Filter [1, KH, KW, C*M] (channel c*M+m) -> [KH, KW, C, M]."""
    x = b.input(0)
    fa = b.constant(1, "the depthwise filter")
    _, kh, kw, cm = fa.shape
    c = x.shape[3]
    if c == 0 or cm % c:
        raise b.invalid(f"filter {shape_text(fa.shape)} does not fit an input of {c} channels")
    w = b.const(np.ascontiguousarray(fa.reshape(kh, kw, c, cm // c)), b.tensor(1).name)
    y = b.node("depthwise_conv2d", [x, w], **_conv_attrs(b, op))
    b.bind(b.activation(b.bias(y, 2)))


@rule("TRANSPOSE_CONV")
def _transpose_conv(b, op):
    """TRANSPOSE_CONV(output_shape, weights [O, H, W, I], input[, bias]) -> conv2d_backprop_input with
    the filter [H, W, O, I] of the conv2d it is the gradient of."""
    # output_shape computed in the model (a dynamic batch: SHAPE of the input, sliced and joined): the
    # Graph IR read from a file is static, so the output tensor's shape says it
    shape = _ints(b.constant(0, "the output shape")) if b.tensor(0).data is not None else \
        tuple(int(d) for d in b.out(0).shape)
    wa = b.constant(1, "the filter")
    w = b.const(np.ascontiguousarray(wa.transpose(1, 2, 0, 3)), b.tensor(1).name)
    attrs = _conv_attrs(b, op)
    attrs["dilations"] = (1, 1)
    y = b.node("conv2d_backprop_input", [b.input(2), w], input_shape=shape, groups=1, **attrs)
    b.bind(b.activation(b.bias(y, 3)))


@rule("MAX_POOL_2D", "AVERAGE_POOL_2D")
def _pool(b, op):
    attrs = _conv_attrs(b, op)
    del attrs["dilations"]
    attrs["ksize"] = (int(op.options.get("filter_height", 1)), int(op.options.get("filter_width", 1)))
    y = b.node("max_pool2d" if op.opcode == "MAX_POOL_2D" else "avg_pool2d", [b.input(0)], **attrs)
    b.bind(b.activation(y))


@rule("CONCATENATION")
def _concatenation(b, op):
    b.bind(b.activation(b.node("concat", b.inputs(), axis=int(op.options.get("axis", 0)))))


@rule("RESHAPE")
def _reshape(b, op):
    b.bind(b.node("reshape", [b.input(0)], shape=tuple(int(d) for d in b.out().shape)))


@rule("TRANSPOSE")
def _transpose(b, op):
    b.bind(b.node("transpose", [b.input(0)], perm=_ints(b.constant(1, "the permutation"))))


@rule("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN")
def _reduce(b, op):
    name = {"MEAN": "reduce_mean", "SUM": "reduce_sum", "REDUCE_MAX": "reduce_max", "REDUCE_MIN": "reduce_min"}
    b.bind(b.node(name[op.opcode], [b.input(0)], axis=_ints(b.constant(1, "the axes")),
                  keepdims=bool(op.options.get("keep_dims", False))))


@rule("ARG_MAX", "ARG_MIN")
def _arg(b, op):
    (axis,) = _ints(b.constant(1, "the axis"))
    b.bind(b.node("argmax" if op.opcode == "ARG_MAX" else "argmin", [b.input(0)], axis=axis,
                  output_type=as_dtype(b.out().dtype)))


@rule("PAD", "PADV2")
def _pad(b, op):
    pairs = tuple(tuple(int(v) for v in p) for p in b.constant(1, "the paddings").reshape(-1, 2))
    value = 0
    if op.opcode == "PADV2" and b.has_input(2):
        value = b.constant(2, "the pad value").reshape(-1)[0].item()
    b.bind(b.node("pad", [b.input(0)], paddings=pairs, constant_values=value))


@rule("MIRROR_PAD")
def _mirror_pad(b, op):
    pairs = tuple(tuple(int(v) for v in p) for p in b.constant(1, "the paddings").reshape(-1, 2))
    mode = {0: "REFLECT", 1: "SYMMETRIC"}.get(op.options.get("mode", 0))
    if mode is None:
        raise b.invalid(f"unknown mirror pad mode {op.options.get('mode')}")
    b.bind(b.node("mirror_pad", [b.input(0)], paddings=pairs, mode=mode))


@rule("SPLIT")
def _split(b, op):
    (axis,) = _ints(b.constant(0, "the axis"))
    outs = b.node("split", [b.input(1)], n_out=len(op.outputs), num_or_size_splits=len(op.outputs), axis=axis)
    for j, v in enumerate(outs):
        b.bind(v, j)


@rule("SPLIT_V")
def _split_v(b, op):
    (axis,) = _ints(b.constant(2, "the axis"))
    x = b.input(0)
    a = axis % len(x.shape)
    sizes = tuple(int(b.out(j).shape[a]) for j in range(len(op.outputs)))
    outs = b.node("split", [x], n_out=len(op.outputs), num_or_size_splits=sizes, axis=axis)
    for j, v in enumerate(outs):
        b.bind(v, j)


@rule("PACK")
def _pack(b, op):
    b.bind(b.node("stack", b.inputs(), axis=int(op.options.get("axis", 0))))


@rule("UNPACK")
def _unpack(b, op):
    outs = b.node("unstack", [b.input(0)], n_out=len(op.outputs), num=len(op.outputs),
                  axis=int(op.options.get("axis", 0)))
    for j, v in enumerate(outs):
        b.bind(v, j)


@rule("STRIDED_SLICE")
def _strided_slice(b, op):
    if op.options.get("offset", False):
        raise b.unsupported("offset=True (end as an offset from begin)")
    masks = {m: int(op.options.get(m, 0)) for m in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                                                    "shrink_axis_mask")}
    b.bind(b.node("strided_slice", [b.input(0)], begin=_ints(b.constant(1, "begin")), end=_ints(b.constant(2, "end")),
                  strides=_ints(b.constant(3, "strides")), **masks))


@rule("SLICE")
def _slice(b, op):
    b.bind(b.node("slice", [b.input(0)], begin=_ints(b.constant(1, "begin")), size=_ints(b.constant(2, "size"))))


@rule("TILE")
def _tile(b, op):
    b.bind(b.node("tile", [b.input(0)], multiples=_ints(b.constant(1, "the multiples"))))


@rule("BROADCAST_TO")
def _broadcast_to(b, op):
    b.bind(b.node("broadcast_to", [b.input(0)], shape=tuple(int(d) for d in b.out().shape)))


@rule("EXPAND_DIMS")
def _expand_dims(b, op):
    (axis,) = _ints(b.constant(1, "the axis"))
    b.bind(b.node("expand_dims", [b.input(0)], axis=axis))


@rule("SQUEEZE")
def _squeeze(b, op):
    dims = op.options.get("squeeze_dims") or []
    b.bind(b.node("squeeze", [b.input(0)], axis=tuple(int(d) for d in dims) if dims else None))


@rule("GATHER")
def _gather(b, op):
    b.bind(b.node("gather", b.inputs()[:2], axis=int(op.options.get("axis", 0)),
                  batch_dims=int(op.options.get("batch_dims", 0))))


@rule("CAST")
def _cast(b, op):
    b.bind(b.node("cast", [b.input(0)], dtype=as_dtype(b.out().dtype)))


@rule("SHAPE")
def _shape(b, op):
    b.bind(b.node("shape", [b.input(0)], out_type=as_dtype(b.out().dtype)))


@rule("FILL")
def _fill(b, op):
    """FILL(shape, value): the shape is static, so a constant value gives a constant."""
    shape = tuple(int(d) for d in b.out().shape)
    value = b.tensor(1)
    if value.data is not None:
        b.bind(b.const(np.full(shape, np.asarray(value.data).reshape(()), _np_dtype(b.out().dtype)), b.out().name))
    else:
        b.bind(b.node("broadcast_to", [b.input(1)], shape=shape))


@rule("ONE_HOT")
def _one_hot(b, op):
    depth = int(b.constant(1, "depth").reshape(-1)[0])
    on, off = (b.constant(i, what).reshape(-1)[0].item() for i, what in ((2, "on_value"), (3, "off_value")))
    b.bind(b.node("one_hot", [b.input(0)], depth=depth, on_value=on, off_value=off,
                  axis=int(op.options.get("axis", -1)), dtype=as_dtype(b.out().dtype)))


@rule("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR")
def _resize(b, op):
    size = _ints(b.constant(1, "the size"))
    b.bind(b.node("resize_bilinear" if op.opcode == "RESIZE_BILINEAR" else "resize_nearest", [b.input(0)],
                  size=size, align_corners=bool(op.options.get("align_corners", False)),
                  half_pixel_centers=bool(op.options.get("half_pixel_centers", False))))


@rule("TOPK_V2")
def _top_k(b, op):
    """TFLite's TOPK_V2 always sorts its output, largest first."""
    (k,) = _ints(b.constant(1, "k").reshape(1))
    values, indices = b.node("top_k", [b.input(0)], n_out=2, k=k, sorted=True)
    b.bind(values, 0)
    b.bind(indices, 1)


@rule("UNSORTED_SEGMENT_SUM")
def _unsorted_segment_sum(b, op):
    n = int(b.constant(2, "num_segments").reshape(-1)[0])
    b.bind(b.node("unsorted_segment_sum", b.inputs()[:2], num_segments=n))


@rule("DEQUANTIZE")
def _dequantize(b, op):
    """A float16 constant widened to float32 (float16 weight storage) folds into a float32 constant."""
    t = b.tensor(0)
    if t.dtype != "float16" or t.data is None:
        raise b.unsupported(f"dequantizing a {'computed ' if t.data is None else ''}{t.dtype} tensor; quantized and "
                            "hybrid models need the quantizer's IR support, which is not built yet")
    b.bind(b.const(t.data.astype(np.float32), b.out().name))


@rule("IF")
def _if(b, op):
    pred, *args = b.inputs()
    if pred.shape != ():
        if int(np.prod(pred.shape)) != 1:
            raise b.invalid(f"the condition must hold one element, got shape {shape_text(pred.shape)}")
        pred = b.node("reshape", [pred], shape=())
    then_g = b.subgraph(op.options.get("then_subgraph_index"))
    else_g = b.subgraph(op.options.get("else_subgraph_index"))
    outs = b.node("cond", [pred, *args], n_out=len(op.outputs), then_graph=then_g, else_graph=else_g)
    for j, v in enumerate(outs):
        b.bind(v, j)


@rule("WHILE")
def _while(b, op):
    """WHILE carries every input through the loop: all of them are loop variables."""
    args = b.inputs()
    cond_g = b.subgraph(op.options.get("cond_subgraph_index"))
    body_g = b.subgraph(op.options.get("body_subgraph_index"))
    outs = b.node("while", args, n_out=len(op.outputs), cond_graph=cond_g, body_graph=body_g,
                  num_loop_vars=len(args))
    for j, v in enumerate(outs):
        b.bind(v, j)


@rule("UNIDIRECTIONAL_SEQUENCE_LSTM")
def _lstm(b, op):
    """Unrolled over the (static) time steps, TFLite's float LSTM cell per step:
    i = sigmoid(Wi x + Ri h + Pi*c + bi) (CIFG, no input weights: i = 1 - f), f = sigmoid(Wf x + Rf h + Pf*c + bf),
    g = act(Wc x + Rc h + bc), c' = clip(f*c + i*g, cell_clip), o = sigmoid(Wo x + Ro h + Po*c' + bo),
    h' = o*act(c'), projected h' = clip(Wp h' + bp, proj_clip) when there are projection weights.
    The state starts from the state tensors' initial contents (a fresh interpreter)."""
    if any(b.has_input(i) for i in range(20, 24)):
        raise b.unsupported("layer-normalized LSTM (layer norm coefficients, inputs 20-23)")
    x = b.input(0)
    time_major = bool(op.options.get("time_major", False))
    act_code = op.options.get("fused_activation_function", 4)
    cell_clip, proj_clip = float(op.options.get("cell_clip", 0.0)), float(op.options.get("proj_clip", 0.0))
    cifg = not b.has_input(1)
    gates = ([] if cifg else [0]) + [1, 2, 3]          # input, forget, cell, output

    def weights(base):
        return np.concatenate([b.constant(base + g, "a gate weight").T for g in gates], axis=1)

    wx, wh = weights(1), weights(5)                      # [in, G*units], [out, G*units]
    units = wx.shape[1] // len(gates)
    bias = np.concatenate([b.constant(12 + g, "a gate bias") if b.has_input(12 + g) else np.zeros(units, np.float32)
                           for g in gates])
    peep = {g: b.input(i) for g, i in ((0, 9), (1, 10), (3, 11)) if b.has_input(i)}  # cell-to-gate weights
    h, c = b.input(18), b.input(19)
    dt = x.dtype

    def act(v, code=act_code):
        if code == 4:
            return b.node("tanh", [v])
        if code == 0:
            return v
        return b.activation(v, code)

    def clip(v, limit):
        if limit <= 0:
            return v
        return b.node("clip", [v, b.const(np.asarray(-limit, dt)), b.const(np.asarray(limit, dt))])

    # the input part of every gate, for all steps at once: [T, B, G*units] or [B, T, G*units]
    xw = b.node("add", [b.node("matmul", [x, b.const(wx.astype(dt))]), b.const(bias.astype(dt))])
    steps = xw.shape[0 if time_major else 1]
    per_step = b.node("unstack", [xw], n_out=steps, num=steps, axis=0 if time_major else 1)
    wh_v = b.const(wh.astype(dt))
    outputs = []
    for z_x in per_step:
        z = b.node("add", [z_x, b.node("matmul", [h, wh_v])])
        parts = dict(zip(gates, b.node("split", [z], n_out=len(gates), num_or_size_splits=len(gates), axis=-1)))
        for g in (0, 1):
            if g in peep:
                parts[g] = b.node("add", [parts[g], b.node("mul", [c, peep[g]])])
        f = b.node("sigmoid", [parts[1]])
        i = b.node("sub", [b.const(np.asarray(1, dt)), f]) if cifg else b.node("sigmoid", [parts[0]])
        g_ = act(parts[2])
        c = clip(b.node("add", [b.node("mul", [f, c]), b.node("mul", [i, g_])]), cell_clip)
        zo = b.node("add", [parts[3], b.node("mul", [c, peep[3]])]) if 3 in peep else parts[3]
        h = b.node("mul", [b.node("sigmoid", [zo]), act(c)])
        if b.has_input(16):
            h = b.node("matmul", [h, b.const(np.ascontiguousarray(b.constant(16, "the projection weights").T))])
            if b.has_input(17):
                h = b.node("add", [h, b.input(17)])
            h = clip(h, proj_clip)
        outputs.append(h)
    b.bind(b.node("stack", outputs, axis=0 if time_major else 1))
