"""`tl.einsum`: a composite, not a card. TFLite has no EINSUM builtin (TensorFlow's converter
rewrites Einsum into transposes, reshapes and BATCH_MATMUL), so einsum is written here in those
ops: each operand's repeated letters (diagonals) are taken with an identity mask and a sum, letters
no one else needs are summed away, and operands are joined left to right by one batched matmul
(batch letters, then the left operand's free letters x contracted letters, times contracted x the
right operand's free letters). Gradients, tracing and lowering come from the ops it uses.

Equations follow NumPy/TensorFlow: "ij,jk->ik", implicit outputs ("ij,jk" keeps the letters that
appear once, sorted), "..." for broadcast leading dimensions.
"""
from __future__ import annotations

import math
import string

_SPARE = string.ascii_uppercase + string.ascii_lowercase  # letters for '...' dimensions


def _parse(equation: str, ranks: list[int]) -> tuple[list[str], str]:
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise ValueError(f"einsum: equation {equation!r} names {len(terms)} operands, got {len(ranks)}")
    used = set(eq) - set(".,->")
    if any(c not in string.ascii_letters for c in used):
        raise ValueError(f"einsum: equation {equation!r} may hold only letters, ',', '->' and '...'")
    spare = [c for c in _SPARE if c not in used]
    n_ell = max([r - (len(t) - 3) for t, r in zip(terms, ranks) if "..." in t] or [0])
    ell = "".join(spare[:n_ell])
    out_terms = []
    for t, r in zip(terms, ranks):
        if "..." in t:
            k = r - (len(t) - 3)
            if k < 0:
                raise ValueError(f"einsum: operand {t!r} names more dimensions than its rank {r}")
            t = t.replace("...", ell[n_ell - k:])
        if len(t) != r:
            raise ValueError(f"einsum: operand subscripts {t!r} do not match its rank {r}")
        out_terms.append(t)
    if arrow:
        out = rhs.replace("...", ell)
    else:
        counts = {c: sum(t.count(c) for t in out_terms) for c in set("".join(out_terms)) - set(ell)}
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    if len(set(out)) != len(out) or any(c not in "".join(out_terms) for c in out):
        raise ValueError(f"einsum: output subscripts of {equation!r} must be distinct letters of the inputs")
    return out_terms, out


def _diagonal(x, subs: str):
    """Repeated letters in one operand: keep the diagonal (identity mask, then a sum)."""
    from .creation import eye
    from .reduce import reduce_sum
    while True:
        dup = next((c for c in subs if subs.count(c) > 1), None)
        if dup is None:
            return x, subs
        i = subs.index(dup)
        j = subs.index(dup, i + 1)
        n = x.shape[i]
        shape = [1] * len(subs)
        shape[i] = shape[j] = n
        x = reduce_sum(x * _reshape(eye(n, dtype=x.dtype), shape), axis=j)
        subs = subs[:j] + subs[j + 1:]


def _reshape(x, shape):
    from .reshape import reshape
    return x if tuple(x.shape) == tuple(shape) else reshape(x, list(shape))


def _transpose(x, subs: str, order: str):
    from .transpose import transpose
    perm = [subs.index(c) for c in order]
    return x if perm == sorted(perm) else transpose(x, perm)


def _sum_unneeded(x, subs: str, keep: set):
    from .reduce import reduce_sum
    axes = [i for i, c in enumerate(subs) if c not in keep]
    if not axes:
        return x, subs
    return reduce_sum(x, axis=axes), "".join(c for c in subs if c in keep)


def _broadcast(x, subs: str, sizes: dict):
    from .shape_ops import broadcast_to
    want = [sizes[c] for c in subs]
    return x if list(x.shape) == want else broadcast_to(x, want)


def _join(a, sa: str, b, sb: str, keep: set):
    """The two operands as one: batch letters (shared, kept) + a's free + b's free letters."""
    from .matmul import matmul
    sizes = {}
    for x, s in ((a, sa), (b, sb)):
        for c, d in zip(s, x.shape):
            if sizes.get(c, 1) not in (1, d) and d != 1:
                raise ValueError(f"einsum: dimension {c!r} has sizes {sizes[c]} and {d}")
            sizes[c] = max(sizes.get(c, 1), d)
    batch = "".join(c for c in sa if c in sb and c in keep)
    contracted = "".join(c for c in sa if c in sb and c not in keep)
    free_a = "".join(c for c in sa if c not in sb)
    free_b = "".join(c for c in sb if c not in sa)
    a = _broadcast(a, sa, {c: sizes[c] if c in sb else d for c, d in zip(sa, a.shape)})
    b = _broadcast(b, sb, {c: sizes[c] if c in sa else d for c, d in zip(sb, b.shape)})
    a = _transpose(a, sa, batch + free_a + contracted)
    b = _transpose(b, sb, batch + contracted + free_b)
    pb, pa, pc, pf = (math.prod(sizes[c] for c in s) for s in (batch, free_a, contracted, free_b))
    lead = [pb] if batch else []
    y = matmul(_reshape(a, lead + [pa, pc]), _reshape(b, lead + [pc, pf]))
    subs = batch + free_a + free_b
    return _reshape(y, [sizes[c] for c in subs]), subs


def einsum(equation: str, *inputs, name=None):
    """`tf.einsum(equation, *inputs)`."""
    from ..tensor import convert_to_tensor
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        inputs = tuple(inputs[0])
    if not inputs:
        raise ValueError("einsum: needs at least one operand")
    xs = [convert_to_tensor(x) for x in inputs]
    if len({x.dtype for x in xs}) > 1:
        raise TypeError(f"einsum: operands must share a dtype, got {', '.join(x.dtype.name for x in xs)}")
    terms, out = _parse(equation, [x.ndim for x in xs])
    ops = [_diagonal(x, s) for x, s in zip(xs, terms)]
    for i, (x, s) in enumerate(ops):  # letters only this operand has, and the output lacks
        others = set(out).union(*(set(t) for j, (_, t) in enumerate(ops) if j != i))
        ops[i] = _sum_unneeded(x, s, others)
    y, sy = ops[0]
    for k in range(1, len(ops)):
        b, sb = ops[k]
        keep = set(out).union(*(set(t) for _, t in ops[k + 1:]))
        y, sy = _sum_unneeded(y, sy, keep | set(sb))
        b, sb = _sum_unneeded(b, sb, keep | set(sy))
        y, sy = _join(y, sy, b, sb, keep)
    y, sy = _sum_unneeded(y, sy, set(out))
    return _transpose(y, sy, out)
