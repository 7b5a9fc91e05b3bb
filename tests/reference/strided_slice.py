"""References for training/ops/strided_slice.py: the spec is turned into a Python index item by
item (TensorFlow's precedence: ellipsis, then new axis, then shrink) and NumPy does the rest."""
import numpy as np

from . import BadCase, Case, rng

x = rng(26).standard_normal((4, 5, 6)).astype(np.float32)
MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def np_index(begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
             shrink_axis_mask=0):
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=True)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return tuple(key)


def strided_slice_ref(v, **spec):
    return v[np_index(**spec)]


def strided_slice_grad_ref(dy, shape, **spec):
    dx = np.zeros(shape, dy.dtype)
    dx[np_index(**spec)] = dy
    return dx


def spec(begin, end, strides, **masks):
    return {"begin": begin, "end": end, "strides": strides, **{m: masks.get(m, 0) for m in MASKS}}


SPECS = {
    "basic": spec((1, 0, 2), (3, 5, 6), (1, 2, 1)),
    "masks_negative_stride": spec((2, 4, 1), (3, 0, 5), (1, -1, 2), begin_mask=0b101, end_mask=0b010),
    "clamped": spec((-10, 7, -3), (10, -10, 100), (1, -2, 1)),
    "ellipsis_newaxis_shrink": spec((0, 0, 1, 1), (0, 0, 2, 4), (1, 1, 1, 1), ellipsis_mask=0b1,
                                    new_axis_mask=0b10, shrink_axis_mask=0b100),
    "shrink_negative": spec((-1,), (0,), (1,), shrink_axis_mask=0b1),
    "shrink_stride3": spec((0, 2), (0, 3), (1, 3), begin_mask=0b1, end_mask=0b1, shrink_axis_mask=0b10),
    "empty": spec((3,), (1,), (1,)),
    "precedence": spec((0, 0), (0, 0), (1, 1), ellipsis_mask=0b1, new_axis_mask=0b11,
                       shrink_axis_mask=0b10),
    "newaxis_first": spec((0, 0, 1), (0, 0, -1), (1, 1, 2), new_axis_mask=0b1, begin_mask=0b10,
                          end_mask=0b10),
    "reverse_all": spec((0, 0, 0), (0, 0, 0), (-1, -2, -3), begin_mask=0b111, end_mask=0b111),
}

CASES = [Case("strided_slice", [x], strided_slice_ref, attrs=s, name=n) for n, s in SPECS.items()]
CASES.append(Case("strided_slice", [(x * 9).astype(np.int32)], strided_slice_ref, attrs=SPECS["basic"],
                  name="int32"))
CASES += [Case("strided_slice_grad", [strided_slice_ref(x, **SPECS[n])], strided_slice_grad_ref,
               attrs={"shape": x.shape, **SPECS[n]}, name=n) for n in ("basic", "masks_negative_stride",
                                                                       "ellipsis_newaxis_shrink")]

BAD = [
    BadCase("strided_slice", [x], ValueError, ("non-zero", "dimension 1"),
            attrs=spec((0, 0), (1, 1), (1, 0))),
    BadCase("strided_slice", [x], ValueError, ("index 4", "out of bounds", "size 4"),
            attrs=spec((4,), (5,), (1,), shrink_axis_mask=1)),
    BadCase("strided_slice", [x], ValueError, ("at most one ellipsis", "0b101"),
            attrs=spec((0, 0, 0), (0, 0, 0), (1, 1, 1), ellipsis_mask=0b101)),
    BadCase("strided_slice", [x], ValueError, ("4 dimensions", "rank 3"),
            attrs=spec((0,) * 4, (1,) * 4, (1,) * 4)),
    BadCase("strided_slice_grad", [x], ValueError, ("sliced shape [2, 3, 4]", "[4, 5, 6]"),
            attrs={"shape": x.shape, **SPECS["basic"]}),
]
