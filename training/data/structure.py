"""Nested element structures for `tl.data`: tuples and dicts of Tensors (or of TensorSpecs).

An element is a Tensor, a tuple of elements or a dict of elements. Dicts flatten in sorted key
order, as tf.data does, so two elements with the same keys always line up component for
component. Lists are not structures: in `from_tensor_slices` a list is one tensor (TensorFlow's
rule), and a list returned by a `map` function becomes a tuple.
"""
from __future__ import annotations

import numpy as np

from ..spec import TensorSpec
from ..tensor import Tensor, Variable, convert_to_tensor


def is_nested(x) -> bool:
    return isinstance(x, (tuple, dict))


def flatten(x) -> list:
    """The leaves of `x` in a fixed order (dict keys sorted)."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in flatten(x[k])]
    if isinstance(x, tuple):
        return [leaf for v in x for leaf in flatten(v)]
    return [x]


def pack_like(structure, leaves: list):
    """Inverse of `flatten`: puts `leaves` back into the shape of `structure`."""
    it = iter(leaves)

    def build(s):
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        if isinstance(s, tuple):
            return tuple(build(v) for v in s)
        return next(it)
    return build(structure)


def map_structure(fn, structure):
    return pack_like(structure, [fn(leaf) for leaf in flatten(structure)])


def describe(structure) -> str:
    """A short text of a structure of specs or tensors, for error messages."""
    if isinstance(structure, dict):
        return "{" + ", ".join(f"{k!r}: {describe(structure[k])}" for k in sorted(structure)) + "}"
    if isinstance(structure, tuple):
        return "(" + ", ".join(describe(v) for v in structure) + ")"
    shape = list(structure.shape) if structure.shape is not None else "?"
    return f"{structure.dtype.name}{shape}"


def same_structure(a, b) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b)
                and all(same_structure(a[k], b[k]) for k in a))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(same_structure(x, y) for x, y in zip(a, b, strict=True)))
    return True


def to_tensors(value, what: str, lists_are_tuples: bool = False):
    """Normalizes a user value into an element: leaves become Tensors; Variables are read."""
    if isinstance(value, dict):
        return {k: to_tensors(value[k], what, lists_are_tuples) for k in value}
    if isinstance(value, tuple) or (lists_are_tuples and isinstance(value, list)):
        return tuple(to_tensors(v, what, lists_are_tuples) for v in value)
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Variable):
        return value.read_value()
    try:
        return convert_to_tensor(value)
    except TypeError as e:
        raise TypeError(f"{what}: cannot convert a {type(value).__name__} to a tensor: {e}") from None


def spec_of(element):
    return map_structure(lambda t: TensorSpec(t.shape, t.dtype), element)


def merge_specs(a, b, what: str):
    """The most specific spec both `a` and `b` satisfy (dims that differ become None)."""
    if not same_structure(a, b):
        raise TypeError(f"{what}: element structures differ: expected {describe(a)}, got {describe(b)}")
    out = []
    for x, y in zip(flatten(a), flatten(b), strict=True):
        if x.dtype != y.dtype or len(x.shape) != len(y.shape):
            raise TypeError(f"{what}: incompatible element specs: expected {describe(a)}, got {describe(b)}")
        dims = [d if d == e else None for d, e in zip(x.shape, y.shape, strict=True)]
        out.append(TensorSpec(dims, x.dtype))
    return pack_like(a, out)


def check_spec(element, spec, what: str):
    """Raises TypeError/ValueError when `element` does not fit `spec` (None dims match anything)."""
    if not same_structure(element, spec):
        raise TypeError(f"{what}: expected an element of structure {describe(spec)}, "
                        f"got {describe(element)}")
    for t, s in zip(flatten(element), flatten(spec), strict=True):
        if t.dtype != s.dtype:
            raise TypeError(f"{what}: expected dtype {s.dtype.name}, got {t.dtype.name}")
        if not TensorSpec(t.shape, t.dtype).is_compatible_with(s):
            raise ValueError(f"{what}: expected shape {list(s.shape)}, got {list(t.shape)}")


def stack(elements: list, what: str = "batch"):
    """Stacks equally shaped elements along a new leading axis (one Tensor per component)."""
    flat = [flatten(e) for e in elements]
    out = []
    for k, first in enumerate(flat[0]):
        arrays = [f[k].numpy() for f in flat]
        for a in arrays:
            if a.shape != arrays[0].shape:
                raise ValueError(f"{what}: cannot batch component {k} of different shapes: expected "
                                 f"{list(arrays[0].shape)}, got {list(a.shape)}")
        out.append(convert_to_tensor(np.stack(arrays), dtype=first.dtype))
    return pack_like(elements[0], out)


def unstack(element, what: str = "unbatch") -> list:
    """Splits every component of `element` along its leading axis."""
    arrays = [t.numpy() for t in flatten(element)]
    for a in arrays:
        if a.ndim == 0:
            raise ValueError(f"{what}: expected components of rank >= 1, got a scalar")
        if len(a) != len(arrays[0]):
            raise ValueError(f"{what}: components have different leading sizes: expected "
                             f"{len(arrays[0])}, got {len(a)}")
    leaves = flatten(element)
    return [pack_like(element, [convert_to_tensor(a[i], dtype=t.dtype)
                                for a, t in zip(arrays, leaves, strict=True)])
            for i in range(len(arrays[0]))]


def to_numpy(element):
    """NumPy arrays (0-d components as NumPy scalars, like tf.data's as_numpy_iterator)."""
    def one(t):
        a = t.numpy()
        return a[()] if a.ndim == 0 else a
    return map_structure(one, element)


def conform(value, spec, what: str):
    """Converts a user value (e.g. a generator's yield) to an element matching `spec` exactly:
    leaves are converted to the declared dtype; a wrong structure or shape raises."""
    if isinstance(spec, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(spec):
            got = sorted(value) if isinstance(value, dict) else type(value).__name__
            raise TypeError(f"{what}: expected a dict with keys {sorted(spec)}, got {got}")
        return {k: conform(value[k], spec[k], what) for k in spec}
    if isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            got = f"{len(value)} values" if isinstance(value, (tuple, list)) else type(value).__name__
            raise TypeError(f"{what}: expected a tuple of {len(spec)} values, got {got}")
        return tuple(conform(v, s, what) for v, s in zip(value, spec, strict=True))
    if isinstance(value, Variable):
        value = value.read_value()
    try:
        t = convert_to_tensor(value, dtype=spec.dtype)
    except TypeError as e:
        raise TypeError(f"{what}: expected dtype {spec.dtype.name}: {e}") from None
    if not TensorSpec(t.shape, t.dtype).is_compatible_with(spec):
        raise ValueError(f"{what}: expected shape {list(spec.shape)}, got {list(t.shape)}")
    return t
