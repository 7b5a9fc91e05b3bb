"""Calibration data in, checked samples out: everything is validated before any work starts, so bad
data is one clear error (which input, which sample, what was expected) instead of a crash halfway.

Accepted forms:
- TensorFlow's `representative_dataset`: a function returning an iterable (or the iterable itself)
  whose items are a list of arrays in input order, a dict keyed by input name, or one array;
- arrays with a leading sample axis (the CLI's `.npy` file for a one-input model, `.npz` keyed by
  input name or `arr_0`, `arr_1`, ... in input order): split into batches of the model's batch size.

A sample that lacks the model's leading batch dimension of 1 gets it; a sample with a batch several
times the model's is split.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
from tensorlite.converter.model import Subgraph


class CalibrationError(ValueError):
    """The calibration data cannot calibrate this model; the message says why."""


def _shape(shape) -> str:
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def _inputs(sg: Subgraph, names: list[str] | None) -> list[tuple[str, tuple, str]]:
    out = []
    for k, index in enumerate(sg.inputs):
        t = sg.tensors[index]
        name = names[k] if names and k < len(names) else t.name
        out.append((name, tuple(int(d) for d in t.shape), t.dtype))
    return out


def _check_array(x, name: str, shape: tuple, dtype: str, where: str) -> list[np.ndarray]:
    """The array as one or more samples of exactly `shape` and `dtype`."""
    a = _check_values(np.asarray(x), name, shape, dtype, where)
    want = np.dtype(dtype)
    if a.shape == shape:
        return [a.astype(want)]
    if shape and shape[0] == 1 and a.shape == shape[1:]:
        return [a.astype(want)[None]]
    batch = shape[0] if shape else 1
    if shape and a.ndim == len(shape) and a.shape[1:] == shape[1:] and a.shape[0] % batch == 0:
        return [a[i:i + batch].astype(want) for i in range(0, a.shape[0], batch)]
    raise CalibrationError(f"{where}: input {name!r} has shape {_shape(a.shape)}; the model takes {_shape(shape)}")


def _check_values(a: np.ndarray, name: str, shape: tuple, dtype: str, where: str) -> np.ndarray:
    """Numbers of the right kind, not empty, finite."""
    if a.dtype == object or a.dtype.kind not in "biuf":
        raise CalibrationError(f"{where}: input {name!r} is {a.dtype} data; expected numbers ({dtype})")
    if a.size == 0:
        raise CalibrationError(f"{where}: input {name!r} is empty (shape {_shape(a.shape)}); expected {_shape(shape)}")
    want = np.dtype(dtype)
    if want.kind == "f" and a.dtype.kind != "f":
        raise CalibrationError(f"{where}: input {name!r} is {a.dtype} data but the model takes {dtype}: scale it as "
                               "the model was trained (e.g. images / 255) and pass floating-point values")
    if want.kind in "iu" and (a.dtype.kind not in "iu" or np.any(a < np.iinfo(want).min)
                              or np.any(a > np.iinfo(want).max)):
        raise CalibrationError(f"{where}: input {name!r} is {a.dtype} data; the model takes {dtype}")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        bad = int(np.size(a) - np.count_nonzero(np.isfinite(a)))
        raise CalibrationError(f"{where}: input {name!r} holds {bad} NaN or infinite value(s)")
    return a


def from_representative_dataset(dataset, sg: Subgraph, names: list[str] | None = None) -> list[list[np.ndarray]]:
    """TensorFlow's representative_dataset (see the module doc) as checked samples."""
    items = dataset() if callable(dataset) else dataset
    try:
        items = iter(items)
    except TypeError:
        raise CalibrationError("representative_dataset must be a function returning an iterable of samples (or "
                               f"an iterable), got {type(dataset).__name__}") from None
    specs = _inputs(sg, names)
    samples: list[list[np.ndarray]] = []
    for n, item in enumerate(items):
        where = f"representative_dataset item {n}"
        if isinstance(item, Mapping):
            missing = [name for name, _, _ in specs if name not in item]
            if missing:
                raise CalibrationError(f"{where}: no value for input(s) {missing}; it has {sorted(item)}")
            arrays = [item[name] for name, _, _ in specs]
        elif isinstance(item, (list, tuple)):
            arrays = list(item)
        else:
            arrays = [item]
        if len(arrays) != len(specs):
            raise CalibrationError(f"{where}: {len(arrays)} array(s) for a model with {len(specs)} input(s) "
                                   f"({', '.join(name for name, _, _ in specs)})")
        per_input = [_check_array(a, name, shape, dtype, where) for a, (name, shape, dtype) in zip(arrays, specs)]
        counts = {len(p) for p in per_input}
        if len(counts) != 1:
            raise CalibrationError(f"{where}: the inputs hold different numbers of samples")
        samples.extend([list(s) for s in zip(*per_input)])
    if not samples:
        raise CalibrationError("representative_dataset yielded no samples")
    return samples


def from_arrays(arrays: Mapping[str, np.ndarray] | list[np.ndarray], sg: Subgraph, names: list[str] | None = None,
                source: str = "calibration data") -> list[list[np.ndarray]]:
    """Arrays with a leading sample axis, by input name or in input order, as checked samples."""
    specs = _inputs(sg, names)
    if isinstance(arrays, Mapping):
        keys = list(arrays)
        if all(name in arrays for name, _, _ in specs):
            ordered = [arrays[name] for name, _, _ in specs]
        elif len(keys) == len(specs) and all(k == f"arr_{i}" for i, k in enumerate(keys)):
            ordered = [arrays[k] for k in keys]
        else:
            raise CalibrationError(f"{source}: arrays {keys} do not name the model's inputs "
                                   f"({', '.join(name for name, _, _ in specs)})")
    else:
        ordered = list(arrays)
    if len(ordered) != len(specs):
        raise CalibrationError(f"{source}: {len(ordered)} array(s) for a model with {len(specs)} input(s)")
    per_input = []
    for a, (name, shape, dtype) in zip(ordered, specs):
        a = _check_values(np.asarray(a), name, shape, dtype, source)
        batch = shape[0] if shape else 1
        if a.ndim == len(shape) + 1 and shape and shape[0] == 1 and a.shape[2:] == shape[1:]:
            a = a.reshape((-1,) + shape[1:])      # [N, 1, ...] for a batch-1 model
        if a.ndim == len(shape) - 1 and batch == 1 and a.shape == shape[1:]:
            a = a[None]                           # a single sample without its batch axis
        if a.ndim != len(shape) or a.shape[1:] != shape[1:]:
            raise CalibrationError(f"{source}: input {name!r} has shape {_shape(a.shape)}; expected "
                                   f"[N, {', '.join(str(d) for d in shape[1:])}] (N samples)")
        if a.shape[0] < batch:
            raise CalibrationError(f"{source}: input {name!r} holds {a.shape[0]} sample(s), fewer than one batch "
                                   f"of the model ({batch})")
        usable = a.shape[0] - a.shape[0] % batch
        per_input.append(_check_array(a[:usable], name, shape, dtype, source))
    counts = {len(p) for p in per_input}
    if len(counts) != 1:
        raise CalibrationError(f"{source}: the inputs hold different numbers of samples")
    return [list(s) for s in zip(*per_input)]


def load_file(path: str, sg: Subgraph, names: list[str] | None = None) -> list[list[np.ndarray]]:
    """A `.npy` (one input) or `.npz` file of calibration arrays as checked samples."""
    if not os.path.isfile(path):
        raise CalibrationError(f"{path}: no such calibration file")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as e:
        raise CalibrationError(f"{path}: not a .npy or .npz file NumPy can read ({e})") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            arrays = {k: loaded[k] for k in loaded.files}
        return from_arrays(arrays, sg, names, path)
    return from_arrays([loaded], sg, names, path)
