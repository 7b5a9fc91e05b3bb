"""Card: `strided_slice` (TFLite STRIDED_SLICE) with TensorFlow's mask semantics, its gradient op
`strided_slice_grad`, and Python indexing (`x[1, ::-1, None, ...]`) translated to one strided_slice.

How the spec is read (TensorFlow's algorithm). `begin`, `end` and `strides` hold one entry per index
item; bit i of a mask refers to item i. The items are "sparse": an ellipsis item (`ellipsis_mask`,
at most one) stands for as many whole dimensions as the other items leave over, and a new-axis item
(`new_axis_mask`) inserts a size-1 dimension without consuming an input dimension; when both bits
are set the ellipsis wins, and new-axis wins over shrink. Without an ellipsis one is implied at the
end. Expanding the items gives one (begin, end, stride) per input dimension. Then per dimension:
a masked begin (`begin_mask`) or end (`end_mask`) means "from the first / to the last element in
the stride's direction"; otherwise negative values count from the end and the result is clamped
into range. A shrink item (`shrink_axis_mask`) takes the single element at `begin` (which must be
in range, with a positive stride) and drops the dimension. The output has
ceil((end - begin) / stride) elements per dimension, or none when the interval runs backwards.
"""
from __future__ import annotations

import operator

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from .infer import same_as
from .registry import GRADIENT_OP, define_op
from .shape_ops import static_ints

newaxis = None  # `x[tl.newaxis]`, as `tf.newaxis`

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
ATTRS = {"begin": (), "end": (), "strides": (), **{m: 0 for m in MASKS}}


def _dim(op: str, i: int, dim, b: int, e: int, s: int, b_masked: bool, e_masked: bool, shrink: bool):
    """(start, size) of input dimension i; size None when the dimension is unknown."""
    if s == 0:
        raise ValueError(f"{op}: strides must be non-zero, got 0 for dimension {i}")
    if shrink:
        if s < 0:
            raise ValueError(f"{op}: a shrunk dimension (shrink_axis_mask) takes one index and needs a "
                             f"positive stride, got stride {s} for dimension {i}")
        if dim is None:
            return (b if b >= 0 else None), 1
        start = b + dim if b < 0 else b
        if not 0 <= start < dim:
            raise ValueError(f"{op}: index {b} is out of bounds for dimension {i} of size {dim}")
        return start, 1
    if dim is None:
        return None, None
    lo, hi = (0, dim) if s > 0 else (-1, dim - 1)

    def canonical(x: int, masked: bool, is_begin: bool) -> int:
        if masked:  # the first (begin) or last (end) position in the stride's direction
            return lo if (is_begin == (s > 0)) else hi
        x = x + dim if x < 0 else x
        return min(max(x, lo), hi)

    start, stop = canonical(b, b_masked, True), canonical(e, e_masked, False)
    length = stop - start
    if length == 0 or (length < 0) != (s < 0):
        return start, 0
    return start, -(-abs(length) // abs(s))


def plan(op: str, shape, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
         shrink_axis_mask, raw: list | None = None):
    """Expands a spec against `shape`: ([(start, stride, size, shrink)] per input dimension, output shape).
    `raw`, when given, receives each input dimension's spec item as written, (begin, end, stride,
    begin masked, end masked, shrink), for dimensions whose size is unknown (start and size None)."""
    n = len(begin)
    if len(end) != n or len(strides) != n:
        raise ValueError(f"{op}: `begin`, `end` and `strides` must have the same length, got "
                         f"{list(begin)}, {list(end)} and {list(strides)}")
    if ellipsis_mask & (ellipsis_mask - 1):
        raise ValueError(f"{op}: at most one ellipsis is allowed, got ellipsis_mask={ellipsis_mask:#b}")
    items, seen_ellipsis = [], False
    for i in range(n):
        bit = 1 << i
        if ellipsis_mask & bit:
            items.append(None)  # None: the ellipsis
            seen_ellipsis = True
        elif new_axis_mask & bit:
            items.append("new")
        else:
            items.append((begin[i], end[i], strides[i], bool(begin_mask & bit), bool(end_mask & bit),
                          bool(shrink_axis_mask & bit)))
    if not seen_ellipsis:
        items.append(None)
    rank = len(shape)
    consumed = sum(isinstance(it, tuple) for it in items)
    if consumed > rank:
        raise ValueError(f"{op}: the index has {consumed} dimensions but the input has rank {rank} "
                         f"(shape {list(shape)})")
    dims, out, d = [], [], 0
    for it in items:
        if it is None:
            for _ in range(rank - consumed):
                dims.append((0, 1, shape[d], False))
                out.append(shape[d])
                if raw is not None:
                    raw.append((0, 0, 1, True, True, False))
                d += 1
        elif it == "new":
            out.append(1)
        else:
            b, e, s, bm, em, shrink = it
            start, size = _dim(op, d, shape[d], b, e, s, bm, em, shrink)
            dims.append((start, s, size, shrink))
            if raw is not None:
                raw.append(it)
            if not shrink:
                out.append(size)
            d += 1
    return dims, tuple(out)


def _index(dims) -> tuple:
    """NumPy basic index selecting the planned elements (with shrunk dimensions kept as size 1)."""
    idx = []
    for start, step, size, _ in dims:
        stop = start + size * step
        idx.append(slice(0, 0, 1) if size == 0 else slice(start, stop if stop >= 0 else None, step))
    return tuple(idx)


def _infer(x: TensorSpec, **spec) -> TensorSpec:
    return same_as(x, shape=plan("strided_slice", x.shape, **spec)[1])


def _grad_infer(dy: TensorSpec, shape, **spec) -> TensorSpec:
    want = plan("strided_slice_grad", tuple(shape), **spec)[1]
    if len(want) != dy.rank or any(a is not None and b is not None and a != b
                                   for a, b in zip(want, dy.shape, strict=True)):
        raise ValueError(f"strided_slice_grad: `dy` must have the sliced shape {list(want)}, "
                         f"got {list(dy.shape)}")
    return same_as(dy, shape=tuple(shape))


strided_slice_op = define_op("strided_slice", infer=_infer, attrs=ATTRS, tflite="STRIDED_SLICE")
# The adjoint: dy scattered into zeros of the input's shape.
strided_slice_grad_op = define_op("strided_slice_grad", infer=_grad_infer, attrs={"shape": (), **ATTRS},
                                  no_tflite=GRADIENT_OP, vjp_of=("strided_slice", "shape"))


@strided_slice_op.kernel("cpu", "cuda")
def _strided_slice(xp, x, **spec):
    dims, out = plan("strided_slice", x.shape, **spec)
    return x[_index(dims)].reshape(out)


@strided_slice_op.grad
def _strided_slice_grad(dy, inputs, out, **spec):
    return (apply(strided_slice_grad_op, dy, shape=tuple(inputs[0].shape), **spec),)


@strided_slice_grad_op.kernel("cpu", "cuda")
def _strided_slice_grad_kernel(xp, dy, shape, **spec):
    dims, _ = plan("strided_slice_grad", tuple(shape), **spec)
    dx = xp.zeros(tuple(shape), dtype=dy.dtype)
    dx[_index(dims)] = dy.reshape(tuple(size for _, _, size, _ in dims))
    return dx


@strided_slice_grad_op.grad
def _strided_slice_grad_grad(ddx, inputs, out, shape, **spec):
    return (apply(strided_slice_op, ddx, **spec),)


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """`tf.strided_slice`. `var` (TF1's sliced assignment) is not supported."""
    if var is not None:
        raise NotImplementedError("strided_slice: `var` (sliced assignment to a variable) is not supported")
    begin, end = static_ints(begin, "begin"), static_ints(end, "end")
    strides = (1,) * len(begin) if strides is None else static_ints(strides, "strides")
    return apply(strided_slice_op, input_, begin=begin, end=end, strides=strides, begin_mask=int(begin_mask),
                 end_mask=int(end_mask), ellipsis_mask=int(ellipsis_mask), new_axis_mask=int(new_axis_mask),
                 shrink_axis_mask=int(shrink_axis_mask))


def _scalar_index(k, what: str) -> int:
    if isinstance(k, (bool, np.bool_)) or getattr(k, "ndim", 0) != 0:
        raise TypeError(f"strided_slice: only integers, slices (`:`), ellipsis (`...`), tl.newaxis (`None`) "
                        f"and scalar integer tensors are valid indices, got {what} {k!r}")
    try:
        return operator.index(k)
    except TypeError:
        raise TypeError(f"strided_slice: only integers, slices (`:`), ellipsis (`...`), tl.newaxis (`None`) "
                        f"and scalar integer tensors are valid indices, got {what} {k!r}") from None


def getitem(x, key):
    """`x[key]` for basic Python indexing: ints, slices (with steps), `...` and None, as one strided_slice."""
    key = key if isinstance(key, tuple) else (key,)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(MASKS, 0)
    for i, k in enumerate(key):
        bit = 1 << i
        if k is Ellipsis or k is None:
            b, e, s = 0, 0, 1
            masks["ellipsis_mask" if k is Ellipsis else "new_axis_mask"] |= bit
        elif isinstance(k, slice):
            s = 1 if k.step is None else _scalar_index(k.step, "slice step")
            if s == 0:
                raise ValueError(f"strided_slice: slice step cannot be zero, got {k!r}")
            b = 0 if k.start is None else _scalar_index(k.start, "slice start")
            e = 0 if k.stop is None else _scalar_index(k.stop, "slice stop")
            masks["begin_mask"] |= bit if k.start is None else 0
            masks["end_mask"] |= bit if k.stop is None else 0
        else:
            b = _scalar_index(k, "index")
            e, s = b + 1, 1
            masks["shrink_axis_mask"] |= bit
        begin.append(b)
        end.append(e)
        strides.append(s)
    return apply(strided_slice_op, x, begin=tuple(begin), end=tuple(end), strides=tuple(strides), **masks)


@strided_slice_op.lower
def _lower_strided_slice(ctx, node, **spec):
    """The spec expanded against the static shape (plan): one begin/end/stride per input dimension,
    no ellipsis or new-axis bits (which many runtimes lack), shrink bits kept; new axes come back
    with a RESHAPE."""
    x, out = node.inputs[0], node.outputs[0]
    raw: list = []
    dims, _ = plan("strided_slice", x.shape, **spec, raw=raw)
    begin, end, strides, begin_mask, end_mask, shrink = [], [], [], 0, 0, 0
    for d, (start, step, size, shrunk) in enumerate(dims):
        if x.shape[d] is None:  # a symbolic dimension: the spec item as written (TFLite's semantics are TF's)
            b, e, st, bm, em, sh = raw[d]
            begin.append(b), end.append(e), strides.append(st)
            begin_mask |= (1 << d) if bm else 0
            end_mask |= (1 << d) if em else 0
            shrink |= (1 << d) if sh else 0
        elif shrunk:
            begin.append(start), end.append(start + 1), strides.append(1)
            shrink |= 1 << d
        elif size == 0:
            raise ctx.fail("the slice is empty (a zero-size dimension)",
                           "LiteRT computes empty STRIDED_SLICE shapes differently; drop the empty slice")
        else:
            stop = start + size * step
            begin.append(start), strides.append(step)
            end.append(stop if stop >= 0 else 0)
            end_mask |= (1 << d) if stop < 0 else 0   # a backward slice through element 0
    sliced = tuple(size for _, _, size, shrunk in dims if not shrunk)
    target = ctx.tensor(out) if sliced == tuple(out.shape) else ctx.temp(out.dtype, sliced)
    ctx.emit("STRIDED_SLICE", [ctx.tensor(x), ctx.const(begin), ctx.const(end), ctx.const(strides)], [target],
             begin_mask=begin_mask, end_mask=end_mask, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=shrink)
    if sliced != tuple(out.shape):  # new axes
        if list(out.shape).count(None) > 1:
            raise ctx.fail(f"new axes on a slice of shape {list(x.shape)} with several symbolic dimensions",
                           "slice and add the axes with tl.expand_dims, or trace with fixed sizes")
        shape = [-1 if v is None else int(v) for v in out.shape]
        ctx.emit("RESHAPE", [target, ctx.const(shape)], [ctx.tensor(out)], new_shape=shape)
