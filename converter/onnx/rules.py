"""One rule per ONNX op type: `rule(im, node, attrs)` reads the node's inputs from the importer
(`im.input(i)` -> Held), emits IR ops (`im.op`) and records the outputs (`im.set`). Layout-free
rules keep their input's layout (see importer.py); layout-bound ones work channels last."""
from __future__ import annotations

import math

import numpy as np
from tensorlite.training.dtypes import as_dtype
from tensorlite.training.ops.resize import bilinear_matrix, nearest_matrix
from tensorlite.training.shape_text import shape_text

from .importer import Held, channels_last, drop_axes, identity

RULES: dict = {}


def rule(*op_types):
    def register(fn):
        for t in op_types:
            RULES[t] = fn
        return fn
    return register


def _axis(im, a: int, rank: int) -> int:
    if not -rank <= a < max(rank, 1):
        raise im.fail(f"axis {a} is out of range for rank {rank}")
    return a % rank if rank else 0


def _ints(im, node, attrs, index: int, attr: str, what: str, default=None):
    """A list of ints from input `index` (newer opsets) or attribute `attr` (older ones)."""
    h = im.input(index) if index is not None else None
    if h is not None:
        return [int(v) for v in im.array(h, what).reshape(-1)]
    if attr in attrs:
        return [int(v) for v in attrs[attr]]
    return default


# ---- elementwise ----
UNARY = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "HardSwish": "hard_swish", "Sqrt": "sqrt"}


@rule(*UNARY)
def _unary(im, node, attrs):
    x = im.input(0)
    im.set(node.output[0], im.op(UNARY[node.op_type], x.value), x.perm, x.batch)


@rule("LeakyRelu")
def _leaky_relu(im, node, attrs):
    x = im.input(0)
    im.set(node.output[0], im.op("leaky_relu", x.value, alpha=float(attrs.get("alpha", 0.01))), x.perm, x.batch)


@rule("Gelu")
def _gelu(im, node, attrs):
    x = im.input(0)
    approx = attrs.get("approximate", "none")
    if approx not in ("none", "tanh"):
        raise im.fail(f"approximate={approx!r} is not 'none' or 'tanh'")
    im.set(node.output[0], im.op("gelu", x.value, approximate=approx == "tanh"), x.perm, x.batch)


@rule("Erf")
def _erf(im, node, attrs):
    raise im.fail("Erf converts only as part of Gelu, x * 0.5 * (1 + erf(x / sqrt(2))); TFLite has no ERF "
                  "builtin", "Export the activation as one Gelu node (opset 20) or the exact Gelu pattern")


def _bound(x: Held, a, low: bool):
    dt = np.dtype(x.value.dtype)
    if a is not None:
        return np.asarray(a, dt).reshape(())
    if dt.kind == "f":
        return np.asarray(-np.inf if low else np.inf, dt)
    info = np.iinfo(dt)
    return np.asarray(info.min if low else info.max, dt)


@rule("Clip")
def _clip(im, node, attrs):
    x = im.input(0)
    lo, hi = im.input(1), im.input(2)
    if "min" in attrs or "max" in attrs:   # opset < 11 form
        lo_v = im.const(_bound(x, attrs.get("min"), True))
        hi_v = im.const(_bound(x, attrs.get("max"), False))
    else:
        lo_v = im.const(_bound(x, None, True)) if lo is None else \
            (im.plain(lo) if im.constant(lo.value) is None else im.const(_bound(x, im.array(lo, "min"), True)))
        hi_v = im.const(_bound(x, None, False)) if hi is None else \
            (im.plain(hi) if im.constant(hi.value) is None else im.const(_bound(x, im.array(hi, "max"), False)))
    lo_a, hi_a = im.constant(lo_v), im.constant(hi_v)
    if lo_a is not None and hi_a is not None and np.all(lo_a <= hi_a):
        y = im.op("clip", x.value, lo_v, hi_v)
    else:   # ONNX (like np.clip) gives max where min > max: max first, then min
        y = im.op("minimum", im.op("maximum", x.value, lo_v), hi_v)
    im.set(node.output[0], y, x.perm, x.batch)


@rule("HardSigmoid")
def _hard_sigmoid(im, node, attrs):
    x = im.input(0)
    dt = x.value.dtype
    y = im.op("add", im.op("mul", x.value, im.const(np.asarray(attrs.get("alpha", 0.2), dt))),
              im.const(np.asarray(attrs.get("beta", 0.5), dt)))
    y = im.op("clip", y, im.const(np.asarray(0, dt)), im.const(np.asarray(1, dt)))
    im.set(node.output[0], y, x.perm, x.batch)


BINARY = {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Pow": "pow"}


@rule(*BINARY)
def _binary(im, node, attrs):
    a, b = im.input(0), im.input(1)
    if node.op_type == "Pow" and a.value.dtype != b.value.dtype:
        if np.dtype(a.value.dtype).kind != "f":
            raise im.fail(f"Pow of {a.value.dtype} base has no TFLite form (POW is float32)",
                          "Cast the base to float")
        b = Held(im.op("cast", b.value, dtype=as_dtype(a.value.dtype)), b.perm, b.batch)
    if a.value.dtype in ("int8", "uint8", "int16"):
        raise im.fail(f"{a.value.dtype} {node.op_type} is a quantized op in TFLite (it needs scales and zero "
                      "points); plain integer arithmetic is int32/int64 only", "Cast the operands to int32")
    (va, vb), perm, batch = im.align([a, b])
    im.set(node.output[0], im.op(BINARY[node.op_type], va, vb), perm, batch)


@rule("Where")
def _where(im, node, attrs):
    vals, perm, batch = im.align([im.input(0), im.input(1), im.input(2)])
    im.set(node.output[0], im.op("where", *vals), perm, batch)


@rule("Identity")
def _identity(im, node, attrs):
    im.set_held(node.output[0], im.input(0))


def onnx_dtype(im, code: int):
    from onnx import helper
    try:
        return as_dtype(np.dtype(helper.tensor_dtype_to_np_dtype(code)))
    except (KeyError, TypeError, ValueError):
        raise im.fail(f"element type {helper.tensor_dtype_to_string(code)} has no tensorlite/TFLite dtype",
                      "Use float32, float16, int8/16/32/64, uint8 or bool") from None


@rule("Cast")
def _cast(im, node, attrs):
    x = im.input(0)
    to = onnx_dtype(im, attrs["to"])
    if to.name == x.value.dtype:
        im.set_held(node.output[0], x)
        return
    im.set(node.output[0], im.op("cast", x.value, dtype=to), x.perm, x.batch)


@rule("Constant")
def _constant(im, node, attrs):
    from onnx import numpy_helper
    if "value" in attrs:
        a = numpy_helper.to_array(attrs["value"])
    elif "value_float" in attrs:
        a = np.asarray(attrs["value_float"], np.float32)
    elif "value_floats" in attrs:
        a = np.asarray(attrs["value_floats"], np.float32)
    elif "value_int" in attrs:
        a = np.asarray(attrs["value_int"], np.int64)
    elif "value_ints" in attrs:
        a = np.asarray(attrs["value_ints"], np.int64)
    else:
        raise im.fail(f"only numeric values are supported, not {sorted(attrs)}", "Use a dense tensor value")
    im.set(node.output[0], im.const(a))


@rule("Shape")
def _shape(im, node, attrs):
    shape = np.asarray(im.input(0).shape, np.int64)
    r = len(shape)
    start = attrs.get("start", 0)
    end = attrs.get("end", r)
    start = min(max(start + r if start < 0 else start, 0), r)
    end = min(max(end + r if end < 0 else end, 0), r)
    im.set(node.output[0], im.const(shape[start:end]))


# ---- shape and data movement ----
@rule("Transpose")
def _transpose(im, node, attrs):
    """Free: the result is the same data read in another layout."""
    x = im.input(0)
    p = tuple(attrs.get("perm", range(x.rank - 1, -1, -1)))
    if sorted(p) != list(range(x.rank)):
        raise im.fail(f"perm {list(p)} is not a permutation of {list(range(x.rank))}")
    cur = x.perm or identity(x.rank)
    new = tuple(p.index(a) for a in cur)
    im.set(node.output[0], x.value, new, x.batch and p[0] == 0)


def _resolve_shape(im, in_shape, spec, allowzero):
    out = [int(d) for d in spec]
    for i, d in enumerate(out):
        if d == 0 and not allowzero:
            if i >= len(in_shape):
                raise im.fail(f"shape {shape_text(spec)} copies dimension {i} (0) but the input has rank "
                              f"{len(in_shape)}")
            out[i] = in_shape[i]
    if out.count(-1) > 1:
        raise im.fail(f"shape {shape_text(spec)} has more than one -1")
    total = math.prod(in_shape)
    if -1 in out:
        known = math.prod(d for d in out if d != -1)
        if known == 0 or total % known:
            raise im.fail(f"cannot reshape {shape_text(in_shape)} to {shape_text(spec)}")
        out[out.index(-1)] = total // known
    if math.prod(out) != total:
        raise im.fail(f"cannot reshape {shape_text(in_shape)} ({total} elements) to {shape_text(spec)}")
    return out


def _batch_kept(x: Held, out_shape) -> bool:
    return x.batch and len(out_shape) > 0 and out_shape[0] == x.shape[0]


@rule("Reshape")
def _reshape(im, node, attrs):
    x = im.input(0)
    out = _resolve_shape(im, x.shape, im.array(im.input(1), "the shape").reshape(-1), attrs.get("allowzero", 0))
    batch = _batch_kept(x, out)
    im.set(node.output[0], im.reshape(im.plain(x), out, 0 if batch else None), None, batch)


@rule("Flatten")
def _flatten(im, node, attrs):
    x = im.input(0)
    a = attrs.get("axis", 1)
    a = a + x.rank if a < 0 else a
    if not 0 <= a <= x.rank:
        raise im.fail(f"axis {attrs.get('axis')} is out of range for rank {x.rank}")
    out = (math.prod(x.shape[:a]), math.prod(x.shape[a:]))
    batch = x.batch and a == 1
    im.set(node.output[0], im.reshape(im.plain(x), out, 0 if batch else None), None, batch)


@rule("Squeeze")
def _squeeze(im, node, attrs):
    x = im.input(0)
    axes = _ints(im, node, attrs, 1, "axes", "the axes")
    shape = x.shape
    axes = [i for i, d in enumerate(shape) if d == 1 and not (i == 0 and x.batch)] if axes is None else \
        sorted({_axis(im, a, x.rank) for a in axes})
    if any(shape[a] != 1 for a in axes):
        raise im.fail(f"cannot squeeze axes {axes} of shape {shape_text(shape)} (not all size 1)")
    if not axes:
        im.set_held(node.output[0], x)
        return
    cur = x.perm or identity(x.rank)
    kept = [a for a in cur if a not in axes]
    batch = x.batch and 0 not in axes
    y = im.reshape(x.value, [shape[a] for a in kept], kept.index(0) if batch else None)
    im.set(node.output[0], y, drop_axes(x.perm, axes), batch)


@rule("Unsqueeze")
def _unsqueeze(im, node, attrs):
    x = im.input(0)
    axes = _ints(im, node, attrs, 1, "axes", "the axes")
    r = x.rank + len(axes)
    axes = sorted({_axis(im, a, r) for a in axes})
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    batch_axis = None
    if x.batch:
        batch_axis = next(i for i in range(r) if i not in axes)
    im.set(node.output[0], im.reshape(im.plain(x), shape, batch_axis), None, batch_axis == 0)


@rule("Concat")
def _concat(im, node, attrs):
    hs = [im.get(n) for n in node.input if n]
    rank = hs[0].rank
    if any(h.rank != rank for h in hs):
        raise im.fail(f"inputs have different ranks {[h.rank for h in hs]}")
    vals, perm, batch = im.align(hs)
    a = _axis(im, attrs["axis"], rank)
    ia = (perm or identity(rank)).index(a)
    vals = [v for v in vals if v.shape[ia] != 0]
    y = vals[0] if len(vals) == 1 else im.op("concat", *vals, axis=ia)
    im.set(node.output[0], y, perm, batch and a != 0)


@rule("Split")
def _split(im, node, attrs):
    x = im.input(0)
    a = _axis(im, attrs.get("axis", 0), x.rank)
    dim = x.shape[a]
    sizes = _ints(im, node, attrs, 1, "split", "the split sizes")
    outs = [o for o in node.output]
    if sizes is None:
        n = attrs.get("num_outputs", len(outs))
        part = -(-dim // n)
        sizes = [part] * (dim // part) + ([dim % part] if dim % part else [])
        if len(sizes) != n:
            raise im.fail(f"cannot split {dim} into {n} parts")
    if sum(sizes) != dim or len(sizes) != len(outs):
        raise im.fail(f"split sizes {sizes} do not cover dimension {dim} in {len(outs)} outputs")
    if 0 in sizes:
        raise im.fail(f"zero-size splits {sizes} have no TFLite form")
    ia = (x.perm or identity(x.rank)).index(a)
    ys = im.op("split", x.value, num_or_size_splits=tuple(sizes), axis=ia) if len(sizes) > 1 else (x.value,)
    for o, y in zip(outs, ys):
        im.set(o, y, x.perm, x.batch and a != 0)


def _slice_bounds(dim, start, end, step):
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        start, end = min(max(start, 0), dim), min(max(end, 0), dim)
        n = max(-(-(end - start) // step), 0)
    else:
        start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
        n = max(-(-(start - end) // -step), 0)
    return start, end, n


@rule("Slice")
def _slice(im, node, attrs):
    x = im.input(0)
    starts = _ints(im, node, attrs, 1, "starts", "starts")
    ends = _ints(im, node, attrs, 2, "ends", "ends")
    axes = _ints(im, node, attrs, 3, "axes", "axes", list(range(len(starts))))
    steps = _ints(im, node, attrs, 4, "steps", "steps", [1] * len(starts))
    shape = x.shape
    spec = {a: (0, shape[a], 1) for a in range(x.rank)}
    for s, e, a, st in zip(starts, ends, axes, steps):
        if st == 0:
            raise im.fail("a step of 0")
        spec[_axis(im, a, x.rank)] = (s, e, st)
    bounds = {a: _slice_bounds(shape[a], *spec[a]) for a in spec}
    if any(n == 0 for _, _, n in bounds.values()):
        raise im.fail(f"the slice of {shape_text(shape)} is empty; TFLite has no empty tensors")
    order = x.perm or identity(x.rank)
    sliced = {_axis(im, a, x.rank) for a in axes}
    batch = x.batch and 0 not in sliced
    if all(spec[a][2] == 1 for a in spec):
        begin = tuple(bounds[a][0] for a in order)
        size = tuple(-1 if (a == 0 and batch) else bounds[a][2] for a in order)
        y = im.op("slice", x.value, begin=begin, size=size)
    else:
        begin, end, strides, end_mask = [], [], [], 0
        for k, a in enumerate(order):
            s, e, _ = bounds[a]
            st = spec[a][2]
            begin.append(s)
            end.append(e if e >= 0 else 0)
            strides.append(st)
            if e < 0 or (a == 0 and batch):
                end_mask |= 1 << k
        y = im.op("strided_slice", x.value, begin=tuple(begin), end=tuple(end), strides=tuple(strides),
                  end_mask=end_mask)
    im.set(node.output[0], y, x.perm, batch)


@rule("Gather")
def _gather(im, node, attrs):
    x, idx = im.input(0), im.input(1)
    a = _axis(im, attrs.get("axis", 0), x.rank)
    ia = im.constant(idx.value)
    if ia is not None:
        ia = im.array(idx, "indices")
        if ia.size and (ia.min() < -x.shape[a] or ia.max() >= x.shape[a]):
            raise im.fail(f"indices {ia.tolist()} are out of range for dimension {x.shape[a]}")
        iv = im.const(np.where(ia < 0, ia + x.shape[a], ia).astype(ia.dtype))
    else:   # negative indices count from the end (TFLite's GATHER rejects them)
        iv = im.plain(idx)
        dim = im.const(np.asarray(x.shape[a], iv.dtype))
        iv = im.op("where", im.op("less", iv, im.const(np.asarray(0, iv.dtype))), im.op("add", iv, dim), iv)
    q = len(idx.shape)
    if x.perm is not None and q <= 1:
        order = x.perm
        y = im.op("gather", x.value, iv, axis=order.index(a))
        perm = x.perm if q == 1 else drop_axes(x.perm, [a])
        im.set(node.output[0], y, perm, x.batch and a != 0)
        return
    y = im.op("gather", im.plain(x), iv, axis=a)
    im.set(node.output[0], y, None, x.batch and a != 0)


@rule("Pad")
def _pad(im, node, attrs):
    x = im.input(0)
    mode = attrs.get("mode", "constant")
    pads = _ints(im, node, attrs, 1, "pads", "the pads")
    axes = _ints(im, node, attrs, 3, None, "the axes", list(range(x.rank)))
    axes = [_axis(im, a, x.rank) for a in axes]
    if len(pads) != 2 * len(axes):
        raise im.fail(f"pads {pads} do not have 2 entries per axis {axes}")
    pairs = {a: (0, 0) for a in range(x.rank)}
    for i, a in enumerate(axes):
        pairs[a] = (pads[i], pads[i + len(axes)])
    if any(v < 0 for p in pairs.values() for v in p):
        raise im.fail(f"negative pads {pads} (cropping) are not supported", "Use Slice to crop")
    order = x.perm or identity(x.rank)
    paddings = tuple(pairs[a] for a in order)
    if mode == "constant":
        h = im.input(2)
        value = 0 if h is None else im.array(h, "the constant value").reshape(-1)[0].item()
        y = im.op("pad", x.value, paddings=paddings, constant_values=value)
    elif mode == "reflect":
        y = im.op("mirror_pad", x.value, paddings=paddings, mode="REFLECT")
    else:
        raise im.fail(f"mode {mode!r} has no TFLite builtin (PAD, MIRROR_PAD)", "Use 'constant' or 'reflect'")
    im.set(node.output[0], y, x.perm, x.batch and pairs[0] == (0, 0))


# ---- reductions and normalization ----
@rule("ReduceMean", "ReduceSum")
def _reduce(im, node, attrs):
    x = im.input(0)
    axes = _ints(im, node, attrs, 1, "axes", "the axes")
    keep = bool(attrs.get("keepdims", 1))
    if not axes:
        if attrs.get("noop_with_empty_axes", 0):
            im.set_held(node.output[0], x)
            return
        axes = list(range(x.rank))
    axes = sorted({_axis(im, a, x.rank) for a in axes})
    if any(x.shape[a] == 0 for a in range(x.rank)):
        raise im.fail("reducing an empty tensor; TFLite has no empty tensors")
    order = x.perm or identity(x.rank)
    y = im.op("reduce_mean" if node.op_type == "ReduceMean" else "reduce_sum", x.value,
              axis=tuple(order.index(a) for a in axes), keepdims=keep)
    im.set(node.output[0], y, x.perm if keep else drop_axes(x.perm, axes), x.batch and 0 not in axes)


@rule("Softmax", "LogSoftmax")
def _softmax(im, node, attrs):
    x = im.input(0)
    a = _axis(im, attrs.get("axis", -1), x.rank)
    order = x.perm or identity(x.rank)
    ia = order.index(a)
    v = x.value
    if ia != x.rank - 1:   # move the axis last; the result stays in that layout
        move = tuple(k for k in range(x.rank) if k != ia) + (ia,)
        v = im.op("transpose", v, perm=move)
        order = tuple(order[k] for k in move)
    y = im.op("softmax" if node.op_type == "Softmax" else "log_softmax", v, axis=-1)
    im.set(node.output[0], y, order, x.batch)


@rule("LayerNormalization")
def _layer_norm(im, node, attrs):
    x = im.input(0)
    a = _axis(im, attrs.get("axis", -1), x.rank)
    eps = attrs.get("epsilon", 1e-5)
    v = im.plain(x)
    dt = x.value.dtype
    axes = tuple(range(a, x.rank))
    mean = im.op("reduce_mean", v, axis=axes, keepdims=True)
    d = im.op("sub", v, mean)
    var = im.op("reduce_mean", im.op("mul", d, d), axis=axes, keepdims=True)
    inv = im.op("rsqrt", im.op("add", var, im.const(np.asarray(eps, dt))))
    y = im.op("mul", d, inv)
    scale, bias = im.input(1), im.input(2)
    y = im.op("mul", y, im.plain(scale))
    if bias is not None:
        y = im.op("add", y, im.plain(bias))
    im.set(node.output[0], y, None, x.batch)
    if len(node.output) > 1:
        im.set(node.output[1], mean, None, x.batch)
    if len(node.output) > 2:
        im.set(node.output[2], inv, None, x.batch)


@rule("BatchNormalization")
def _batch_norm(im, node, attrs):
    x = im.input(0)
    if attrs.get("training_mode", 0) or sum(bool(o) for o in node.output) > 1:
        raise im.fail("training mode (batch statistics, running-mean outputs) is not an inference op",
                      "Export the model in eval mode")
    if x.rank < 2:
        raise im.fail(f"input of rank {x.rank}; expected [N, C, ...]")
    scale, bias, mean, var = (im.array(im.input(i), w) for i, w in
                              enumerate(("the scale", "the bias", "the mean", "the variance"), 1))
    dt = x.value.dtype
    cl = channels_last(x.rank)
    y = im.op("batch_norm", im.layout(x, cl), im.const(mean.astype(dt)), im.const(var.astype(dt)),
              im.const(bias.astype(dt)), im.const(scale.astype(dt)), variance_epsilon=float(attrs.get("epsilon", 1e-5)))
    im.set(node.output[0], y, cl, x.batch)


# ---- convolution and pooling (channels last) ----
def _spatial(im, x: Held, what: str):
    if x.rank != 4:
        raise im.fail(f"{what} of a rank-{x.rank} input; only 1-D and 2-D (NCW, NCHW) {what} converts",
                      "TFLite's window builtins are 2-D")


WINDOW_ATTRS = {"kernel_shape": 1, "strides": 1, "dilations": 1, "output_padding": 0}


def one_d(fn):
    """Lets a 2-D window rule take 1-D data: [N, C, L] runs as [N, C, 1, L] (in NHWC, a reshape of
    the channels-last [N, L, C]), with the window attributes and weights given a unit height."""
    def rule1d(im, node, attrs):
        x = im.input(0)
        if x is None or x.rank != 3:
            return fn(im, node, attrs)
        from onnx import helper
        n, c, length = x.shape
        held = {"x": Held(im.reshape(im.layout(x, (0, 2, 1)), (n, 1, length, c), 0 if x.batch else None),
                          NHWC, x.batch)}
        if len(node.input) > 1 and node.input[1]:
            w = im.array(im.input(1), "the weights")
            held["w"] = Held(im.const(w.reshape(w.shape[0], w.shape[1], 1, w.shape[2])))
        if len(node.input) > 2 and node.input[2]:
            held["b"] = im.input(2)
        names = {k: f"{node.output[0]}/2d/{k}" for k in held}
        for k, h in held.items():
            im.set_held(names[k], h)
        a2 = dict(attrs)
        for k, unit in WINDOW_ATTRS.items():
            if k in a2:
                a2[k] = [unit] + list(a2[k])
        if "pads" in a2:
            a2["pads"] = [0, a2["pads"][0], 0, a2["pads"][1]]
        if "output_shape" in a2:
            a2["output_shape"] = [1] + list(a2["output_shape"])[-1:]
        inputs = [names[k] if k in names else "" for k in ("x", "w", "b")][:len(node.input)]
        out = f"{node.output[0]}/2d/y"
        node2 = helper.make_node(node.op_type, inputs, [out] + list(node.output[1:]), name=node.name or None)
        im.node = node2
        try:
            fn(im, node2, a2)
        finally:
            im.node = node
        y = im.get(out)
        _, _, ol, oc = y.value.shape
        im.set(node.output[0], im.reshape(y.value, (n, ol, oc), 0 if y.batch else None), (0, 2, 1), y.batch)
    return rule1d


def _window_pads(im, attrs, in_hw, k_eff, strides):
    """ONNX's per-axis (begin, end) pads for this window."""
    auto = attrs.get("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = []
        for n, k, s in zip(in_hw, k_eff, strides):
            total = max((-(-n // s) - 1) * s + k - n, 0)
            small = total // 2
            out.append((small, total - small) if auto == "SAME_UPPER" else (total - small, small))
        return out
    if auto == "VALID":
        return [(0, 0), (0, 0)]
    if auto != "NOTSET":
        raise im.fail(f"auto_pad {auto!r} is not an ONNX value")
    p = list(attrs.get("pads", [0, 0, 0, 0]))
    return [(p[0], p[2]), (p[1], p[3])]


def _tf_same(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _padding_mode(in_hw, k_eff, strides, pads):
    """'VALID', 'SAME' (TensorFlow's placement) or None when the pads are neither."""
    if all(p == (0, 0) for p in pads):
        return "VALID"
    if all(tuple(p) == _tf_same(n, k, s) for n, k, s, p in zip(in_hw, k_eff, strides, pads)):
        return "SAME"
    return None


def _hw(x: Held):
    return x.shape[2], x.shape[3]


NHWC = (0, 2, 3, 1)


@rule("Conv")
@one_d
def _conv(im, node, attrs):
    x = im.input(0)
    _spatial(im, x, "convolution")
    w = im.array(im.input(1), "the weights")
    o, cg, kh, kw = w.shape
    strides = tuple(attrs.get("strides", (1, 1)))
    dil = tuple(attrs.get("dilations", (1, 1)))
    group = attrs.get("group", 1)
    k_eff = ((kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1)
    pads = _window_pads(im, attrs, _hw(x), k_eff, strides)
    mode = _padding_mode(_hw(x), k_eff, strides, pads)
    v = im.layout(x, NHWC)
    if mode is None:
        v = im.op("pad", v, paddings=((0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0)), constant_values=0)
        mode = "VALID"
    c = x.shape[1]
    if group == 1:
        y = im.op("conv2d", v, im.const(np.ascontiguousarray(w.transpose(2, 3, 1, 0))), strides=strides,
                  padding=mode, dilations=dil)
    elif group == c and cg == 1:
        m = o // c
        filt = np.ascontiguousarray(w.reshape(c, m, kh, kw).transpose(2, 3, 0, 1))
        y = im.op("depthwise_conv2d", v, im.const(filt), strides=strides, padding=mode, dilations=dil)
    else:   # grouped: one CONV_2D per group on a channel split, concatenated
        og = o // group
        parts = im.op("split", v, num_or_size_splits=group, axis=3)
        y = im.op("concat", *[im.op("conv2d", p, im.const(np.ascontiguousarray(
            w[g * og:(g + 1) * og].transpose(2, 3, 1, 0))), strides=strides, padding=mode, dilations=dil)
            for g, p in enumerate(parts)], axis=3)
    b = im.input(2)
    if b is not None:
        y = im.op("add", y, im.const(im.array(b, "the bias").astype(y.dtype)))
    im.set(node.output[0], y, NHWC, x.batch)


@rule("ConvTranspose")
@one_d
def _conv_transpose(im, node, attrs):
    x = im.input(0)
    _spatial(im, x, "transposed convolution")
    w = im.array(im.input(1), "the weights")
    cin, cout, kh, kw = w.shape
    group = attrs.get("group", 1)
    if tuple(attrs.get("dilations", (1, 1))) != (1, 1):
        raise im.fail("dilated ConvTranspose has no TFLite builtin (TRANSPOSE_CONV)", "Use dilations 1")
    strides = tuple(attrs.get("strides", (1, 1)))
    outpad = tuple(attrs.get("output_padding", (0, 0)))
    in_hw = _hw(x)
    full = [s * (n - 1) + k + op for n, k, s, op in zip(in_hw, (kh, kw), strides, outpad)]
    auto = attrs.get("auto_pad", "NOTSET")
    if "output_shape" in attrs:
        want = list(attrs["output_shape"])[-2:]
        pads = []
        for f, o in zip(full, want):
            total = f - o
            small = total // 2
            pads.append((small, total - small) if auto == "SAME_UPPER" else (total - small, small))
    elif auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for n, s, f in zip(in_hw, strides, full):
            total = f - n * s
            small = total // 2
            pads.append((small, total - small) if auto == "SAME_UPPER" else (total - small, small))
    else:
        p = list(attrs.get("pads", [0, 0, 0, 0]))
        pads = [(p[0], p[2]), (p[1], p[3])]
    out_hw = [f - b - e for f, (b, e) in zip(full, pads)]
    if any(b < 0 for b, _ in pads) or min(out_hw) < 1:
        raise im.fail(f"pads {pads} give no valid output size {out_hw}")
    size = list(full)
    for i, ((b, _), o) in enumerate(zip(pads, out_hw)):
        size[i] = max(size[i], b + o)
        if size[i] - (full[i] - outpad[i]) >= strides[i]:
            raise im.fail(f"output size {out_hw} needs more padding than the stride allows")
    n = x.shape[0]
    v = im.layout(x, NHWC)
    parts = im.op("split", v, num_or_size_splits=group, axis=3) if group > 1 else (v,)
    cig = cin // group
    ys = [im.op("conv2d_backprop_input", p, im.const(np.ascontiguousarray(w[g * cig:(g + 1) * cig].transpose(
        2, 3, 1, 0))), input_shape=(n, size[0], size[1], cout), strides=strides, padding="VALID")
        for g, p in enumerate(parts)]   # grouped: one TRANSPOSE_CONV per group, concatenated
    y = ys[0] if group == 1 else im.op("concat", *ys, axis=3)
    cout *= group
    if tuple(size) != tuple(out_hw):
        y = im.op("slice", y, begin=(0, pads[0][0], pads[1][0], 0),
                  size=(-1 if x.batch else n, out_hw[0], out_hw[1], cout))
    b = im.input(2)
    if b is not None:
        y = im.op("add", y, im.const(im.array(b, "the bias").astype(y.dtype)))
    im.set(node.output[0], y, NHWC, x.batch)


def _window_counts(n, k, s, pad_begin, pad_end, include_pad):
    """Per output position, how many cells of its window ONNX averages over: those inside the input,
    or (count_include_pad) inside the padded input, never the ceil_mode overhang."""
    lo, hi = (-pad_begin, n + pad_end) if include_pad else (0, n)
    out = (n + pad_begin + pad_end - k) // s + 2   # enough positions for ceil_mode
    starts = np.arange(out) * s - pad_begin
    return np.maximum(np.minimum(starts + k, hi) - np.maximum(starts, lo), 1)


@rule("MaxPool", "AveragePool")
@one_d
def _pool(im, node, attrs):
    x = im.input(0)
    what = "max pooling" if node.op_type == "MaxPool" else "average pooling"
    _spatial(im, x, what)
    if len([o for o in node.output if o]) > 1:
        raise im.fail("the Indices output has no TFLite form", "Use only the pooled values")
    if any(d != 1 for d in attrs.get("dilations", (1, 1))):
        raise im.fail("dilated pooling has no TFLite builtin", "Use dilations 1")
    k = tuple(attrs["kernel_shape"])
    strides = tuple(attrs.get("strides", (1, 1)))
    in_hw = _hw(x)
    pads = _window_pads(im, attrs, in_hw, k, strides)
    ceil = attrs.get("ceil_mode", 0)
    extra = []
    for n, kk, s, (b, e) in zip(in_hw, k, strides, pads):
        span = n + b + e - kk
        out = (-(-span // s) if ceil else span // s) + 1
        if ceil and (out - 1) * s >= n + b:
            out -= 1
        extra.append(max((out - 1) * s + kk - (n + b + e), 0))
    full = [(b, e + x_) for (b, e), x_ in zip(pads, extra)]
    mode = _padding_mode(in_hw, k, strides, full)
    if mode == "SAME" and [-(-n // s) for n, s in zip(in_hw, strides)] != \
            [(n + b + e - kk) // s + 1 for n, kk, s, (b, e) in zip(in_hw, k, strides, full)]:
        mode = None
    v = im.layout(x, NHWC)
    if node.op_type == "AveragePool":
        include = attrs.get("count_include_pad", 0)
        if mode == "VALID" or (mode == "SAME" and not include):
            y = im.op("avg_pool2d", v, ksize=k, strides=strides, padding=mode)
        else:   # zero-pad, average over whole windows, rescale by the cells ONNX counts
            v = im.op("pad", v, paddings=((0, 0), tuple(full[0]), tuple(full[1]), (0, 0)), constant_values=0)
            y = im.op("avg_pool2d", v, ksize=k, strides=strides, padding="VALID")
            counts = [_window_counts(n, kk, s, b, e, include) for n, kk, s, (b, e) in
                      zip(in_hw, k, strides, pads)]
            factor = (k[0] * k[1]) / np.outer(counts[0][:y.shape[1]], counts[1][:y.shape[2]])
            if not np.allclose(factor, 1):
                y = im.op("mul", y, im.const(factor.reshape(1, *factor.shape, 1).astype(y.dtype)))
    else:
        if mode is None:
            low = -np.inf if np.dtype(x.value.dtype).kind == "f" else np.iinfo(np.dtype(x.value.dtype)).min
            v = im.op("pad", v, paddings=((0, 0), tuple(full[0]), tuple(full[1]), (0, 0)),
                      constant_values=float(low) if np.dtype(x.value.dtype).kind == "f" else int(low))
            mode = "VALID"
        y = im.op("max_pool2d", v, ksize=k, strides=strides, padding=mode)
    im.set(node.output[0], y, NHWC, x.batch)


@rule("GlobalAveragePool")
def _global_average_pool(im, node, attrs):
    x = im.input(0)
    if x.rank < 3:
        raise im.fail(f"input of rank {x.rank}; expected [N, C, spatial...]")
    cl = channels_last(x.rank)
    y = im.op("reduce_mean", im.layout(x, cl), axis=tuple(range(1, x.rank - 1)), keepdims=True)
    im.set(node.output[0], y, cl, x.batch)


# ---- linear algebra ----
@rule("MatMul")
def _matmul(im, node, attrs):
    a, b = im.input(0), im.input(1)
    va, vb = im.plain(a), im.plain(b)
    sa, sb = a.shape, b.shape
    if len(sa) == 1:
        va = im.reshape(va, (1,) + sa)
    if len(sb) == 1:
        vb = im.reshape(vb, sb + (1,))
    y = im.op("matmul", va, vb)
    batch = a.batch and len(sa) >= 2
    if len(sa) == 1 or len(sb) == 1:
        out = list(y.shape)
        if len(sa) == 1 and len(sb) == 1:
            out = out[:-2]
        elif len(sb) == 1:
            out = out[:-1]
        else:
            out = out[:-2] + out[-1:]
        batch = batch and len(out) > 0
        y = im.reshape(y, out, 0 if batch else None)
    im.set(node.output[0], y, None, batch)


@rule("Gemm")
def _gemm(im, node, attrs):
    a, b, c = im.input(0), im.input(1), im.input(2)
    alpha, beta = attrs.get("alpha", 1.0), attrs.get("beta", 1.0)
    ta, tb = bool(attrs.get("transA", 0)), bool(attrs.get("transB", 0))
    bc = im.constant(b.value)
    if bc is not None:
        wb = im.array(b, "B")
        wb = (wb.T if tb else wb) * np.asarray(alpha, wb.dtype)
        y = im.op("matmul", im.plain(a), im.const(np.ascontiguousarray(wb)), transpose_a=ta)
    else:
        y = im.op("matmul", im.plain(a), im.plain(b), transpose_a=ta, transpose_b=tb)
        if alpha != 1.0:
            y = im.op("mul", y, im.const(np.asarray(alpha, y.dtype)))
    if c is not None:
        if im.constant(c.value) is not None:
            cv = im.const((im.array(c, "C") * np.asarray(beta, y.dtype)).astype(y.dtype))
        else:
            cv = im.plain(c)
            if beta != 1.0:
                cv = im.op("mul", cv, im.const(np.asarray(beta, y.dtype)))
        y = im.op("add", y, cv)
    im.set(node.output[0], y, None, a.batch and not ta)


# ---- Resize ----
def _source_coords(im, mode, out_size, in_size, scale):
    """ONNX's source coordinate of each output index (its length_resized is in_size * scale,
    not rounded)."""
    o = np.arange(out_size, dtype=np.float64)
    length = in_size * scale
    if mode == "half_pixel":
        return (o + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return (o + 0.5) / scale - 0.5 if out_size > 1 else np.zeros(out_size)
    if mode == "align_corners":
        return o * (in_size - 1) / (length - 1) if length > 1 else np.zeros(out_size)
    if mode == "asymmetric":
        return o / scale
    if mode == "half_pixel_symmetric":
        adjust = out_size / length
        center = in_size / 2
        return center * (1 - adjust) + (o + 0.5) / scale - 0.5
    raise im.fail(f"coordinate_transformation_mode {mode!r} has no TFLite form",
                  "Use half_pixel, pytorch_half_pixel, align_corners or asymmetric")


def _onnx_matrix(im, kind, nearest_mode, mode, out_size, in_size, scale):
    x = _source_coords(im, mode, out_size, in_size, scale)
    m = np.zeros((out_size, in_size))
    if kind == "nearest":
        frac = x - np.floor(x)
        if nearest_mode == "round_prefer_floor":
            i = np.where(frac == 0.5, np.floor(x), np.round(x))
        elif nearest_mode == "round_prefer_ceil":
            i = np.where(frac == 0.5, np.ceil(x), np.round(x))
        elif nearest_mode == "floor":
            i = np.floor(x)
        elif nearest_mode == "ceil":
            i = np.ceil(x)
        else:
            raise im.fail(f"nearest_mode {nearest_mode!r} is not an ONNX value")
        i = np.clip(i, 0, in_size - 1).astype(int)
        m[np.arange(out_size), i] = 1
        return m
    x = np.clip(x, 0, in_size - 1)
    lo = np.floor(x).astype(int)
    hi = np.minimum(lo + 1, in_size - 1)
    f = x - lo
    np.add.at(m, (np.arange(out_size), lo), 1 - f)
    np.add.at(m, (np.arange(out_size), hi), f)
    return m


@rule("Resize")
def _resize(im, node, attrs):
    x = im.input(0)
    _spatial(im, x, "resize")
    kind = {"nearest": "nearest", "linear": "bilinear"}.get(attrs.get("mode", "nearest"))
    if kind is None:
        raise im.fail(f"mode {attrs.get('mode')!r} has no TFLite builtin", "Use 'nearest' or 'linear'")
    if attrs.get("antialias", 0):
        raise im.fail("antialias has no TFLite form")
    axes = [_axis(im, a, x.rank) for a in attrs.get("axes", range(x.rank))]
    shape = x.shape
    scales_h, sizes_h = im.input(2), im.input(3)
    scale = {a: 1.0 for a in range(x.rank)}
    out = dict(enumerate(shape))
    if sizes_h is not None:
        sizes = [int(v) for v in im.array(sizes_h, "sizes").reshape(-1)]
        policy = attrs.get("keep_aspect_ratio_policy", "stretch")
        if policy != "stretch":
            pick = min if policy == "not_larger" else max
            r = pick(sz / shape[a] for a, sz in zip(axes, sizes))
            sizes = [int(np.floor(r * shape[a] + 0.5)) for a in axes]
            for a in axes:
                scale[a] = r
        for a, sz in zip(axes, sizes):
            out[a] = sz
            if policy == "stretch":
                scale[a] = sz / shape[a]
    elif scales_h is not None:
        for a, s in zip(axes, im.array(scales_h, "scales").reshape(-1)):
            scale[a] = float(s)
            out[a] = int(np.floor(shape[a] * float(s)))
    else:
        raise im.fail("neither scales nor sizes is given")
    if out[0] != shape[0] or out[1] != shape[1]:
        raise im.fail(f"resizing the batch or channel axis ({shape_text(shape)} -> "
                      f"{shape_text(out[a] for a in range(4))})",
                      "TFLite resizes height and width only")
    mode = attrs.get("coordinate_transformation_mode", "half_pixel")
    nearest_mode = attrs.get("nearest_mode", "round_prefer_floor")
    want = [_onnx_matrix(im, kind, nearest_mode, mode, out[a], shape[a], scale[a]) for a in (2, 3)]
    matrix = nearest_matrix if kind == "nearest" else bilinear_matrix
    for align, half in ((False, True), (False, False), (True, False)):
        got = [matrix(shape[a], out[a], align, half) for a in (2, 3)]
        if all(np.allclose(g, w, atol=1e-6) for g, w in zip(got, want)):
            break
    else:
        raise im.fail(f"{kind} resize {shape_text(shape[2:])} -> {shape_text([out[2], out[3]])} with "
                      f"coordinate_transformation_mode={mode!r}"
                      + (f", nearest_mode={nearest_mode!r}" if kind == "nearest" else "") +
                      " samples differently from every TFLite RESIZE option (align_corners, half_pixel_centers)",
                      "Use half_pixel / align_corners / asymmetric with sizes, or integer scales")
    y = im.op(f"resize_{kind}", im.layout(x, NHWC), size=(out[2], out[3]), align_corners=align,
              half_pixel_centers=half)
    im.set(node.output[0], y, NHWC, x.batch)


# Inputs a rule needs as constants at conversion (shapes, axes, pads, weights of layout-bound ops).
# ONNX lets a model feed them as graph inputs; `import_model(constant_inputs=...)` binds those.
STATIC_INPUTS = {"Reshape": (1,), "Slice": (1, 2, 3, 4), "Pad": (1, 2, 3), "Resize": (1, 2, 3), "Split": (1,),
                 "Squeeze": (1,), "Unsqueeze": (1,), "ReduceMean": (1,), "ReduceSum": (1,), "Conv": (1, 2),
                 "ConvTranspose": (1, 2), "BatchNormalization": (1, 2, 3, 4)}
