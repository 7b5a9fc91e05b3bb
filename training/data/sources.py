"""The sources of `tl.data.Dataset` (from_tensor_slices, from_tensors, from_generator, range,
zip), kept apart from the transformations. They are classmethods of a base class that
`Dataset` inherits, so `tl.data.Dataset.from_tensor_slices(...)` reads as in TensorFlow."""
from __future__ import annotations

import numpy as np

from ..dtypes import as_dtype, int64
from ..spec import TensorSpec
from ..tensor import convert_to_tensor
from . import structure as st
from .threads import close_iterator

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class DatasetSources:
    """Constructors shared by every Dataset; `cls(make_iterator, spec, cardinality, kind)`."""

    @classmethod
    def from_tensor_slices(cls, tensors, name=None):
        """One element per index of the leading axis of every component of `tensors`."""
        element = st.to_tensors(tensors, "from_tensor_slices")
        leaves = st.flatten(element)
        for t in leaves:
            if t.ndim == 0:
                raise ValueError("from_tensor_slices: expected components of rank >= 1, got a scalar")
            if len(t) != len(leaves[0]):
                raise ValueError(f"from_tensor_slices: components must have the same leading size: "
                                 f"expected {len(leaves[0])}, got {len(t)}")
        arrays = [t.numpy() for t in leaves]
        n = len(leaves[0])
        spec = st.pack_like(element, [TensorSpec(t.shape[1:], t.dtype) for t in leaves])

        def make():
            for i in range(n):
                yield st.pack_like(element, [convert_to_tensor(a[i], dtype=t.dtype)
                                             for a, t in zip(arrays, leaves, strict=True)])
        return cls(make, spec, n, "TensorSliceDataset")

    @classmethod
    def from_tensors(cls, tensors, name=None):
        """A dataset of exactly one element, `tensors`."""
        element = st.to_tensors(tensors, "from_tensors")
        return cls(lambda: iter([element]), st.spec_of(element), 1, "TensorDataset")

    @classmethod
    def from_generator(cls, generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Elements from `generator(*args)`, called anew for every iteration; each value it yields
        is converted to `output_signature`'s dtypes and must fit its shapes."""
        if not callable(generator):
            raise TypeError(f"from_generator: expected a callable returning an iterator, got "
                            f"{type(generator).__name__}")
        if output_signature is None:
            if output_types is None or output_shapes is None:
                raise TypeError("from_generator: expected `output_signature` (a structure of "
                                "tl.TensorSpec), or both `output_types` and `output_shapes`, got neither")
            types, shapes = st.flatten(output_types), _flatten_shapes(output_shapes)
            if len(types) != len(shapes):
                raise ValueError(f"from_generator: expected {len(types)} output_shapes to match "
                                 f"output_types, got {len(shapes)}")
            output_signature = st.pack_like(
                output_types, [TensorSpec(s, t) for t, s in zip(types, shapes, strict=True)])
        for s in st.flatten(output_signature):
            if not isinstance(s, TensorSpec):
                raise TypeError(f"from_generator: `output_signature` leaves must be tl.TensorSpec, "
                                f"got {type(s).__name__}")
        call_args = tuple(args or ())

        def make():
            for value in generator(*call_args):
                yield st.conform(value, output_signature, "from_generator")
        return cls(make, output_signature, UNKNOWN_CARDINALITY, "GeneratorDataset")

    @classmethod
    def range(cls, *args, dtype=int64, name=None):
        """`range(stop)`, `range(start, stop)` or `range(start, stop, step)` as scalar tensors."""
        r = range(*(int(a) for a in args))
        dt = as_dtype(dtype)
        return cls(lambda: (convert_to_tensor(np.asarray(i), dtype=dt) for i in r),
                       TensorSpec((), dt), len(r), "RangeDataset")

    @classmethod
    def zip(cls, *args, datasets=None, name=None):
        """Elements combined from several datasets, as a tuple (or the given nested structure);
        stops with the shortest."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        elif args:
            raise TypeError("zip: pass datasets either positionally or as `datasets`, not both")
        members = st.flatten(datasets)
        for d in members:
            if not isinstance(d, cls):
                raise TypeError(f"zip: expected tl.data.Dataset objects, got {type(d).__name__}")

        def make():
            its = [iter(d) for d in members]
            try:
                while True:
                    parts = []
                    for it in its:
                        try:
                            parts.append(next(it))
                        except StopIteration:
                            return
                    yield st.pack_like(datasets, parts)
            finally:
                for it in its:
                    close_iterator(it)
        cards = [d._cardinality for d in members]
        if UNKNOWN_CARDINALITY in cards:
            card = UNKNOWN_CARDINALITY
        else:
            finite = [c for c in cards if c >= 0]
            card = min(finite) if finite else INFINITE_CARDINALITY
        return cls(make, lambda: st.pack_like(datasets, [d.element_spec for d in members]), card,
                       "ZipDataset")



def _flatten_shapes(shapes) -> list:
    """Shapes in `output_shapes` are lists/tuples of ints, so only dicts and tuples *of shapes*
    are structure here."""
    if isinstance(shapes, dict):
        return [s for k in sorted(shapes) for s in _flatten_shapes(shapes[k])]
    if isinstance(shapes, tuple) and shapes and all(isinstance(s, (tuple, list, dict)) for s in shapes):
        return [s for v in shapes for s in _flatten_shapes(v)]
    return [tuple(shapes)]
