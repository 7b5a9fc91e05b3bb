"""Card: 2-D convolution, NHWC, with strides, dilations, SAME/VALID padding and groups, plus its
two gradient ops. All three are bilinear, so each one's gradient is written with the others:

    y  = conv2d(x, w)                 dx = conv2d_backprop_input(dy, w),  dw = conv2d_backprop_filter(x, dy)
    dx = conv2d_backprop_input(d, w)  grad wrt d = conv2d(g, w),          wrt w = conv2d_backprop_filter(g, d)
    dw = conv2d_backprop_filter(x, d) grad wrt x = conv2d_backprop_input(d, g), wrt d = conv2d(x, g)

which closes the set under differentiation (second order works). Kernels use im2col: a strided
window view of the padded input copied once into rows and multiplied with the filter by BLAS; the
input gradient is a stride-1 convolution of the spread, padded dy with the turned filter.
"""
from __future__ import annotations

import numpy as np

from .. import blas
from ..dispatch import apply
from ..spec import TensorSpec
from . import fusion
from . import lower_util as lu
from .infer import FLOATS, check_dtype, check_rank, same_dtype
from .registry import GRADIENT_OP, define_op

ATTRS = {"strides": (1, 1), "padding": "VALID", "dilations": (1, 1), "groups": 1}


def out_size(size: int, k: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    """(output size, padding before) for one spatial axis; SAME puts the odd pixel at the end (TF).
    An unknown (symbolic) size gives (None, None)."""
    eff = (k - 1) * dilation + 1
    if size is None:
        if padding not in ("SAME", "VALID"):
            raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
        return None, None
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        return out, total // 2
    if padding == "VALID":
        return max((size - eff) // stride + 1, 0), 0
    raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")


def conv_geometry(op: str, x_shape, k_hw, strides, dilations, padding):
    """Output (OH, OW) and pads ((top, bottom), (left, right)) of a conv/pool window."""
    (oh, pt), (ow, pl) = (out_size(x_shape[1], k_hw[0], strides[0], dilations[0], padding),
                          out_size(x_shape[2], k_hw[1], strides[1], dilations[1], padding))
    if oh is None or ow is None:  # a symbolic spatial size: the geometry is known when the graph runs
        return (oh, ow), None
    if oh <= 0 or ow <= 0:
        raise ValueError(f"{op}: window {list(k_hw)} (dilations {list(dilations)}) does not fit input "
                         f"{list(x_shape)} with padding {padding}")
    pb = max((oh - 1) * strides[0] + (k_hw[0] - 1) * dilations[0] + 1 - x_shape[1] - pt, 0)
    pr = max((ow - 1) * strides[1] + (k_hw[1] - 1) * dilations[1] + 1 - x_shape[2] - pl, 0)
    return (oh, ow), ((pt, pb), (pl, pr))


def patches(xp, x, k_hw, strides, dilations, pads, pad_value=0.0):
    """[N, OH, OW, C, KH, KW] windows of the padded NHWC input (a view, no copy before padding)."""
    x = xp.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=pad_value)
    eff = ((k_hw[0] - 1) * dilations[0] + 1, (k_hw[1] - 1) * dilations[1] + 1)
    if hasattr(xp, "lib") and hasattr(xp.lib, "stride_tricks"):  # NumPy / CuPy: a strided view
        w = xp.lib.stride_tricks.sliding_window_view(x, eff, axis=(1, 2))
        return w[:, ::strides[0], ::strides[1], :, ::dilations[0], ::dilations[1]]
    # jax.numpy (XLA): one strided slice per tap, stacked; XLA fuses them
    oh = (x.shape[1] - eff[0]) // strides[0] + 1
    ow = (x.shape[2] - eff[1]) // strides[1] + 1
    taps = [[x[:, i * dilations[0]:i * dilations[0] + (oh - 1) * strides[0] + 1:strides[0],
               j * dilations[1]:j * dilations[1] + (ow - 1) * strides[1] + 1:strides[1], :]
             for j in range(k_hw[1])] for i in range(k_hw[0])]
    return xp.stack([xp.stack(row, axis=-1) for row in taps], axis=-2)


def _check(op, x, w, groups, w_arg="filters"):
    check_dtype(op, x, FLOATS, "input")
    same_dtype(op, x, w)
    check_rank(op, x, 4, "input")
    check_rank(op, w, 4, w_arg)
    if groups < 1 or x.shape[3] % groups or w.shape[3] % groups:
        raise ValueError(f"{op}: groups={groups} must divide input channels {x.shape[3]} and output "
                         f"channels {w.shape[3]}")
    if x.shape[3] != w.shape[2] * groups:
        raise ValueError(f"{op}: input has {x.shape[3]} channels but filters {list(w.shape)} expect "
                         f"{w.shape[2] * groups} (filters[2] * groups={groups})")


def _conv_infer(x: TensorSpec, w: TensorSpec, strides, padding, dilations, groups, activation=None) -> TensorSpec:
    _check("conv2d", x, w, groups)
    fusion.check("conv2d", activation)
    (oh, ow), _ = conv_geometry("conv2d", x.shape, w.shape[:2], strides, dilations, padding)
    return TensorSpec((x.shape[0], oh, ow, w.shape[3]), x.dtype)


def _input_infer(dy: TensorSpec, w: TensorSpec, input_shape, strides, padding, dilations, groups):
    if None in tuple(input_shape)[1:]:
        raise ValueError(f"conv2d_backprop_input: only the batch of input_shape may be unknown (None: dy's "
                         f"batch, known when the graph runs), got {list(input_shape)}")
    x = TensorSpec(input_shape, dy.dtype)
    _check("conv2d_backprop_input", x, w, groups)
    (oh, ow), _ = conv_geometry("conv2d_backprop_input", input_shape, w.shape[:2], strides, dilations, padding)
    want = (input_shape[0], oh, ow, w.shape[3])
    if dy.rank != 4 or any(a is not None and b is not None and a != b for a, b in zip(dy.shape, want)):
        raise ValueError(f"conv2d_backprop_input: out_backprop must have shape "
                         f"{[input_shape[0], oh, ow, w.shape[3]]}, got {list(dy.shape)}")
    return x


def _filter_infer(x: TensorSpec, dy: TensorSpec, filter_shape, strides, padding, dilations, groups):
    w = TensorSpec(filter_shape, x.dtype)
    _check("conv2d_backprop_filter", x, w, groups)
    return w


conv2d_op = define_op("conv2d", infer=_conv_infer, attrs={**ATTRS, "activation": None}, tflite="CONV_2D")
# input_shape's batch may be None (a symbolic batch, in a graph traced with one): it is dy's batch
conv2d_backprop_input_op = define_op("conv2d_backprop_input", infer=_input_infer,
                                     attrs={**ATTRS, "input_shape": ()}, tflite="TRANSPOSE_CONV",
                                     vjp_of=("conv2d", "input_shape"), symbolic_attrs=("input_shape",))
conv2d_backprop_filter_op = define_op("conv2d_backprop_filter", infer=_filter_infer,
                                      attrs={**ATTRS, "filter_shape": ()}, tflite=None,
                                      no_tflite=GRADIENT_OP)


def _grouped(w, groups):
    kh, kw, cg, o = w.shape
    return w.reshape(kh, kw, cg, groups, o // groups)


@conv2d_op.kernel("cpu", "cuda")
def _fused_conv2d(xp, x, w, activation=None, **attrs):
    return fusion.apply_activation(xp, _conv2d(xp, x, w, **attrs), activation)


def _conv2d(xp, x, w, strides, padding, dilations, groups):
    _, pads = conv_geometry("conv2d", x.shape, w.shape[:2], strides, dilations, padding)
    return _conv_gemm(xp, x, w, strides, dilations, pads, groups)


# im2col rows shared by the kernels of one graph run: a train step's conv2d and conv2d_backprop_filter
# read the same input array with the same window, so the filter gradient reuses the forward's rows.
# The graph executor opens the memo for a run (values there are never written in place) and drops an
# input's rows when it drops the input; eager calls, whose arrays a caller could change between calls,
# never use it. Rows are kept only while the memo holds under MEMO_BYTES.
MEMO_BYTES = 64 << 20


class _Memo(dict):  # id(input) -> {window key: (input, rows, geometry)}
    nbytes = 0

    def drop(self, a) -> None:
        for _, cols, _ in self.pop(id(a), {}).values():
            self.nbytes -= cols.nbytes


_memo: _Memo | None = None


def _columns(xp, x, k_hw, strides, dilations, pads):
    """im2col: [N*OH*OW, KH*KW*C] rows of the padded input's windows, taps in the filter's HWI order,
    so the HWIO filter reshaped to [KH*KW*C, O] multiplies them. With NumPy/CuPy the windows are one
    strided view of the padded input, copied once by the reshape."""
    memo = _memo
    if memo is None:
        return _columns_of(xp, x, k_hw, strides, dilations, pads)
    key = (tuple(k_hw), tuple(strides), tuple(dilations), tuple(map(tuple, pads)))
    entries = memo.get(id(x))
    hit = entries.get(key) if entries else None
    if hit is not None and hit[0] is x:
        return hit[1], hit[2]
    cols, geometry = _columns_of(xp, x, k_hw, strides, dilations, pads)
    if memo.nbytes + cols.nbytes <= MEMO_BYTES:
        memo.setdefault(id(x), {})[key] = (x, cols, geometry)  # holding x keeps its id unique
        memo.nbytes += cols.nbytes
    return cols, geometry


def _columns_of(xp, x, k_hw, strides, dilations, pads):
    if not _strided(xp):
        p = patches(xp, x, k_hw, strides, dilations, pads)            # n h w C k l
        n, oh, ow = p.shape[:3]
        return p.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, -1), (n, oh, ow)
    n, h, w, c = x.shape
    (pt, pb), (pl, pr) = pads
    if pt or pb or pl or pr:
        xp_ = xp.zeros((n, h + pt + pb, w + pl + pr, c), x.dtype)
        xp_[:, pt:pt + h, pl:pl + w] = x
        x = xp_
    else:
        x = xp.ascontiguousarray(x)
    (kh, kw), (sh, sw), (dh, dw) = k_hw, strides, dilations
    oh = (x.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (x.shape[2] - (kw - 1) * dw - 1) // sw + 1
    s0, s1, s2, s3 = x.strides
    view = xp.lib.stride_tricks.as_strided(x, (n, oh, ow, kh, kw, c), (s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3))
    return view.reshape(n * oh * ow, kh * kw * c), (n, oh, ow)


def _strided(xp) -> bool:
    return hasattr(xp, "lib") and hasattr(xp.lib, "stride_tricks")


def _conv_gemm(xp, x, w, strides, dilations, pads, groups):
    """conv2d through im2col and one (per group: batched) BLAS matrix product."""
    kh, kw, cg, o = w.shape
    cols, (n, oh, ow) = _columns(xp, x, (kh, kw), strides, dilations, pads)
    if groups == 1:
        y = blas.matmul(xp, cols, w.reshape(kh * kw * cg, o))
        return y.reshape(n, oh, ow, o)
    cols = cols.reshape(-1, kh * kw, groups, cg).transpose(2, 0, 1, 3).reshape(groups, -1, kh * kw * cg)
    wg = _grouped(w, groups).transpose(3, 0, 1, 2, 4).reshape(groups, kh * kw * cg, o // groups)
    y = blas.matmul(xp, cols, wg)                                      # g M o/g
    return y.transpose(1, 0, 2).reshape(n, oh, ow, o)


@conv2d_op.grad
def _conv2d_grad(dy, inputs, out, activation=None, **attrs):
    x, w = inputs
    dy = fusion.mask_gradient(dy, out, activation)
    return (apply(conv2d_backprop_input_op, dy, w, input_shape=tuple(x.shape), **attrs),
            apply(conv2d_backprop_filter_op, x, dy, filter_shape=tuple(w.shape), **attrs))


@conv2d_backprop_input_op.kernel("cpu", "cuda")
def _conv2d_backprop_input(xp, dy, w, input_shape, strides, padding, dilations, groups):
    """The transposed convolution as a stride-1 convolution (one im2col GEMM, no per-tap loop): dy
    with (stride - 1) zeros between its rows and columns, padded by (k - 1) * dilation, convolved
    with the filter turned 180 degrees, its in/out channels swapped per group, padded (or cropped) so
    the result is exactly the input's size."""
    input_shape = (dy.shape[0],) + tuple(input_shape[1:])  # the batch is dy's (None in a symbolic graph)
    n, h, wd, c = input_shape
    kh, kw, cg, o = w.shape
    (oh, ow), pads = conv_geometry("conv2d_backprop_input", input_shape, (kh, kw), strides, dilations, padding)
    if tuple(strides) != (1, 1):
        spread = xp.zeros((n, (oh - 1) * strides[0] + 1, (ow - 1) * strides[1] + 1, o), dy.dtype)
        spread[:, ::strides[0], ::strides[1]] = dy
        dy = spread
    # rows (columns) of dy to pad before and after so the stride-1 output is exactly the input's
    # h (w) rows: (k - 1) * dilation - pad_before before; a negative amount crops dy instead
    before = ((kh - 1) * dilations[0] - pads[0][0], (kw - 1) * dilations[1] - pads[1][0])
    after = (h + pads[0][0] - dy.shape[1], wd + pads[1][0] - dy.shape[2])
    dy = dy[:, max(-before[0], 0):dy.shape[1] + min(after[0], 0), max(-before[1], 0):dy.shape[2] + min(after[1], 0)]
    full = ((max(before[0], 0), max(after[0], 0)), (max(before[1], 0), max(after[1], 0)))
    g = groups
    wt = _grouped(w, g)[::-1, ::-1].transpose(0, 1, 4, 3, 2).reshape(kh, kw, o // g, g * cg)
    return _conv_gemm(xp, dy, xp.ascontiguousarray(wt), (1, 1), dilations, full, g)


@conv2d_backprop_input_op.grad
def _conv2d_backprop_input_grad(g, inputs, out, input_shape, **attrs):
    dy, w = inputs
    return (apply(conv2d_op, g, w, **attrs),
            apply(conv2d_backprop_filter_op, g, dy, filter_shape=tuple(w.shape), **attrs))


@conv2d_backprop_filter_op.kernel("cpu", "cuda")
def _conv2d_backprop_filter(xp, x, dy, filter_shape, strides, padding, dilations, groups):
    """dw = im2col(x)^T @ dy: one BLAS matrix product (per group: batched)."""
    kh, kw, cg, o = filter_shape
    _, pads = conv_geometry("conv2d_backprop_filter", x.shape, (kh, kw), strides, dilations, padding)
    cols, _ = _columns(xp, x, (kh, kw), strides, dilations, pads)    # M, k*l*C
    dy = dy.reshape(-1, o)
    if groups == 1:
        return blas.matmul(xp, cols.T, dy).reshape(kh, kw, cg, o)
    cols = cols.reshape(-1, kh * kw, groups, cg).transpose(2, 1, 3, 0).reshape(groups, kh * kw * cg, -1)
    dyg = dy.reshape(-1, groups, o // groups).transpose(1, 0, 2)     # g M o/g
    dw = blas.matmul(xp, cols, dyg).reshape(groups, kh, kw, cg, o // groups)
    return dw.transpose(1, 2, 3, 0, 4).reshape(kh, kw, cg, o)


@conv2d_backprop_filter_op.grad
def _conv2d_backprop_filter_grad(g, inputs, out, filter_shape, **attrs):
    x, dy = inputs
    return (apply(conv2d_backprop_input_op, dy, g, input_shape=tuple(x.shape), **attrs),
            apply(conv2d_op, x, g, **attrs))


# XLA: jax.lax's convolution (one HLO op that XLA plans itself, compiles faster than im2col's
# gathers); the two gradients are its vjps (linear in the input, resp. the filter).
def _lax_conv(xp, x, w, strides, padding, dilations, groups):
    import jax
    _, pads = conv_geometry("conv2d", x.shape, w.shape[:2], strides, dilations, padding)
    return jax.lax.conv_general_dilated(x, w, tuple(strides), [tuple(p) for p in pads], rhs_dilation=tuple(dilations),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"), feature_group_count=groups)


@conv2d_op.kernel("xla")
def _xla_conv2d(xp, x, w, activation=None, **attrs):
    return fusion.apply_activation(xp, _lax_conv(xp, x, w, **attrs), activation)


@conv2d_backprop_input_op.kernel("xla")
def _xla_conv2d_backprop_input(xp, dy, w, input_shape, **attrs):
    import jax
    shape = (dy.shape[0],) + tuple(input_shape[1:])
    _, pullback = jax.vjp(lambda x: _lax_conv(xp, x, w, **attrs), xp.zeros(shape, dy.dtype))
    return pullback(dy)[0]


@conv2d_backprop_filter_op.kernel("xla")
def _xla_conv2d_backprop_filter(xp, x, dy, filter_shape, **attrs):
    import jax
    _, pullback = jax.vjp(lambda w: _lax_conv(xp, x, w, **attrs), xp.zeros(tuple(filter_shape), dy.dtype))
    return pullback(dy)[0]


def hw(value, name: str, op: str) -> tuple[int, int]:
    """TF accepts an int, [h, w] or NHWC [1, h, w, 1] for strides, dilations and ksize."""
    if value is None:
        return (1, 1)
    if isinstance(value, int):
        return (value, value)
    v = tuple(int(a) for a in value)
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) == 2:
        return v
    if len(v) == 4 and v[0] == 1 and v[3] == 1:
        return (v[1], v[2])
    raise ValueError(f"{op}: `{name}` must be an int, [h, w] or [1, h, w, 1], got {list(v)}")


def nhwc_only(op: str, data_format: str) -> None:
    if data_format not in ("NHWC", None):
        raise NotImplementedError(f"{op} with data_format={data_format!r}: only NHWC is supported")


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    nhwc_only("conv2d", data_format)
    x = input
    groups = x.shape[-1] // filters.shape[2] if filters.shape[2] else 1
    return apply(conv2d_op, x, filters, strides=hw(strides, "strides", "conv2d"), padding=padding.upper(),
                 dilations=hw(dilations, "dilations", "conv2d"), groups=int(groups))


@conv2d_op.lower
def _lower_conv2d(ctx, node, strides, padding, dilations, groups, activation):
    """CONV_2D wants filters OHWI (ours are HWIO) and a bias; the converter fuses a following bias
    add and activation into it."""
    x, w = node.inputs
    options = dict(padding=lu.padding(ctx, padding), stride_h=strides[0], stride_w=strides[1],
                   dilation_h_factor=dilations[0], dilation_w_factor=dilations[1],
                   fused_activation_function=fusion.TFLITE_CODE[activation])
    if groups != 1:
        _lower_grouped_conv2d(ctx, node, groups, options)
        return
    wa = ctx.constant(w)
    if wa is not None:
        filt = ctx.const(wa.transpose(3, 0, 1, 2).copy())
    else:
        filt = ctx.temp(w.dtype, (w.shape[3], w.shape[0], w.shape[1], w.shape[2]))
        ctx.emit("TRANSPOSE", [ctx.tensor(w), ctx.const([3, 0, 1, 2])], [filt])
    bias = ctx.const(np.zeros(w.shape[3], w.dtype))
    ctx.emit("CONV_2D", [ctx.tensor(x), filt, bias], ctx.outputs(), **options)


def _lower_grouped_conv2d(ctx, node, groups, options):
    """SPLIT the input channels into `groups`, one CONV_2D per group, CONCATENATION of the outputs
    (every TFLite runtime has these three; grouped CONV_2D is not universal)."""
    x, w = node.inputs
    wa = lu.constant_or_fail(ctx, w, "the grouped convolution's filter")
    out = node.outputs[0]
    cin, cout = x.shape[3] // groups, w.shape[3] // groups
    parts_in = [ctx.temp(x.dtype, x.shape[:3] + (cin,)) for _ in range(groups)]
    ctx.emit("SPLIT", [ctx.const(np.asarray(3, np.int32)), ctx.tensor(x)], parts_in, num_splits=groups)
    parts_out = []
    for g, part in enumerate(parts_in):
        filt = wa[..., g * cout:(g + 1) * cout].transpose(3, 0, 1, 2).copy()
        parts_out.append(ctx.temp(out.dtype, out.shape[:3] + (cout,)))
        ctx.emit("CONV_2D", [part, ctx.const(filt), ctx.const(np.zeros(cout, wa.dtype))], [parts_out[-1]], **options)
    ctx.emit("CONCATENATION", parts_out, ctx.outputs(), axis=3, fused_activation_function=0)


@conv2d_backprop_input_op.lower
def _lower_conv2d_transpose(ctx, node, strides, padding, dilations, groups, input_shape):
    """TRANSPOSE_CONV(output_shape, weights [O, H, W, I], input): our filter is [H, W, O, I] as for
    the conv2d it is the gradient of."""
    dy, w = node.inputs
    if groups != 1 or tuple(dilations) != (1, 1):
        raise ctx.fail("TRANSPOSE_CONV supports neither groups nor dilations", "Use groups=1, dilation 1")
    wa = lu.constant_or_fail(ctx, w, "the filter")
    if input_shape[0] is None:  # a symbolic batch: output_shape is dy's batch and the static rest
        batch = ctx.temp("int32", (1,))
        ctx.emit("STRIDED_SLICE", [ctx.shape_of(dy), ctx.const([0]), ctx.const([1]), ctx.const([1])], [batch],
                 begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
        output_shape = ctx.temp("int32", (4,))
        ctx.emit("CONCATENATION", [batch, ctx.const([int(d) for d in input_shape[1:]])], [output_shape], axis=0,
                 fused_activation_function=0)
    else:
        output_shape = ctx.const(list(input_shape))
    ctx.emit("TRANSPOSE_CONV", [output_shape, ctx.const(wa.transpose(2, 0, 1, 3).copy()),
                                ctx.tensor(dy)], ctx.outputs(), padding=lu.padding(ctx, padding),
             stride_h=strides[0], stride_w=strides[1], fused_activation_function=0)
