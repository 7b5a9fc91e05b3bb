"""`tl.data.Dataset`: input pipelines with tf.data's names and semantics, run eagerly.

A Dataset is a recipe: a function that starts a fresh iterator, the element spec (a structure of
TensorSpecs) and the cardinality. Each transformation wraps its input's recipe in a generator
that closes its upstream iterator in `finally`, so stopping early (a `break`, an exception, the
iterator being dropped) shuts down every thread below it. Elements are Tensors, tuples or dicts.

Choices where tf.data traces functions and we do not (yet):
- `map` learns its element_spec by running the pipeline for one element, on first request.
- Pipeline functions run on the CPU device and outside any GradientTape, as tf.data's do.
- Parallel `map` always yields in input order (`deterministic=False` is accepted; input order is
  one of the orders it allows).
"""
from __future__ import annotations

import contextlib
import itertools
import os
import threading

import numpy as np

from .. import random as tl_random
from ..devices import device
from ..dtypes import bool_, int64
from ..spec import TensorSpec
from ..tape import _active as _active_tapes
from ..tensor import Tensor, convert_to_tensor
from . import structure as st
from .sources import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, DatasetSources
from .threads import ParallelMapIterator, PrefetchIterator, close_iterator

# What AUTOTUNE means here: for prefetch, double buffering (one element ready while the consumer
# works on another); for map, one worker per CPU core.
_AUTOTUNE_PREFETCH = 2


def _call(fn, element):
    """tf.data's calling convention: a tuple element is unpacked into positional arguments.
    The call runs on the CPU with every tape of this thread paused: like a traced tf.data
    function, a pipeline function is not part of the model's gradient."""
    with contextlib.ExitStack() as paused:
        for tape in _active_tapes():
            paused.enter_context(tape.stop_recording())
        paused.enter_context(device("cpu"))
        return fn(*element) if isinstance(element, tuple) else fn(element)


def _check_count(value, what: str, minimum: int) -> int:
    if isinstance(value, Tensor):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what}: expected an int >= {minimum}, got {value!r}")
    return int(value)


def _workers(num_parallel_calls) -> int | None:
    if num_parallel_calls is None:
        return None
    if num_parallel_calls == AUTOTUNE:
        return os.cpu_count() or 1
    n = _check_count(num_parallel_calls, "map: `num_parallel_calls` (or tl.data.AUTOTUNE)", 1)
    return None if n == 1 else n


class Dataset(DatasetSources):
    """A sequence of elements, iterated afresh by every `for` loop (one epoch per iteration)."""

    def __init__(self, make_iterator, element_spec, cardinality: int, kind: str):
        self._make_iterator = make_iterator  # () -> iterator of elements
        self._spec = element_spec  # a structure of TensorSpecs, or a function computing it
        self._cardinality = cardinality
        self._kind = kind

    # --- describing ---

    @property
    def element_spec(self):
        """The structure of TensorSpecs every element fits."""
        if callable(self._spec):
            self._spec = self._spec()
        return self._spec

    def cardinality(self) -> Tensor:
        """The number of elements as an int64 scalar, or INFINITE_CARDINALITY / UNKNOWN_CARDINALITY."""
        return convert_to_tensor(np.int64(self._cardinality))

    def __len__(self) -> int:
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __iter__(self):
        return self._make_iterator()

    def as_numpy_iterator(self):
        """Iterates the elements as NumPy arrays (same structure)."""
        it = iter(self)
        try:
            for element in it:
                yield st.to_numpy(element)
        finally:
            close_iterator(it)

    def __repr__(self) -> str:
        spec = st.describe(self._spec) if not callable(self._spec) else "(not yet known)"
        return f"<{self._kind} element_spec={spec}>"

    def _derived(self, gen, spec, card, kind: str) -> Dataset:
        """A dataset whose iterator is `gen(upstream_iterator)`; `gen` need not close upstream."""
        def make():
            up = iter(self)
            try:
                yield from gen(up)
            finally:
                close_iterator(up)
        return Dataset(make, spec, card, kind)

    def _first_element(self, what: str):
        it = iter(self)
        try:
            return next(it)
        except StopIteration:
            raise ValueError(f"{what}: cannot find the element_spec of an empty dataset") from None
        finally:
            close_iterator(it)

    # --- transformations ---

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> Dataset:
        """Applies `map_func` to every element, on `num_parallel_calls` threads (None: inline;
        tl.data.AUTOTUNE: one per core), keeping the input order."""
        if not callable(map_func):
            raise TypeError(f"map: expected a callable, got {type(map_func).__name__}")
        workers = _workers(num_parallel_calls)

        def one(element):
            return st.to_tensors(_call(map_func, element), "map", lists_are_tuples=True)

        def make():
            up = iter(self)
            return ParallelMapIterator(up, one, workers) if workers else _map_inline(up, one)
        out = Dataset(make, None, self._cardinality, "ParallelMapDataset" if workers else "MapDataset")
        out._spec = lambda: st.spec_of(out._first_element("map"))
        return out

    def filter(self, predicate, name=None) -> Dataset:
        """Keeps the elements for which `predicate` returns a scalar bool True."""
        if not callable(predicate):
            raise TypeError(f"filter: expected a callable, got {type(predicate).__name__}")

        def gen(up):
            for element in up:
                keep = st.to_tensors(_call(predicate, element), "filter")
                if not isinstance(keep, Tensor) or keep.dtype != bool_ or keep.ndim != 0:
                    raise TypeError(f"filter: `predicate` must return a scalar bool tensor, got "
                                    f"{st.describe(keep)}")
                if bool(keep):
                    yield element
        return self._derived(gen, lambda: self.element_spec, UNKNOWN_CARDINALITY, "FilterDataset")

    def batch(self, batch_size, drop_remainder: bool = False, name=None) -> Dataset:
        """Stacks `batch_size` consecutive elements; the last batch may be smaller unless
        `drop_remainder`."""
        size = _check_count(batch_size, "batch: `batch_size`", 1)

        def gen(up):
            while True:
                chunk = list(itertools.islice(up, size))
                if not chunk or (drop_remainder and len(chunk) < size):
                    return
                yield st.stack(chunk, "batch")
        lead = size if drop_remainder else None
        c = self._cardinality
        card = c if c < 0 else (c // size if drop_remainder else -(-c // size))
        spec = lambda: st.map_structure(lambda s: TensorSpec((lead, *s.shape), s.dtype),  # noqa: E731
                                        self.element_spec)
        return self._derived(gen, spec, card, "BatchDataset")

    def unbatch(self, name=None) -> Dataset:
        """Splits every element along its leading axis (the inverse of `batch`)."""
        def gen(up):
            for element in up:
                yield from st.unstack(element, "unbatch")

        def spec():
            for s in st.flatten(self.element_spec):
                if len(s.shape) == 0:
                    raise ValueError("unbatch: expected components of rank >= 1, got a scalar")
            return st.map_structure(lambda s: TensorSpec(s.shape[1:], s.dtype), self.element_spec)
        card = UNKNOWN_CARDINALITY
        if self._cardinality == INFINITE_CARDINALITY:
            card = INFINITE_CARDINALITY
        elif self._cardinality >= 0 and not callable(self._spec):
            leads = {s.shape[0] for s in st.flatten(self._spec) if len(s.shape)}
            if len(leads) == 1 and None not in leads:
                card = self._cardinality * leads.pop()
        return self._derived(gen, spec, card, "UnbatchDataset")

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration: bool = True, name=None) -> Dataset:
        """Yields elements in random order, picking each from a buffer of `buffer_size`.

        The order is a function of the seed and the iteration count: with `seed` given, the same
        seed gives the same order; without, the seed is drawn from the global `tl.random`
        generator when `shuffle` is called, so `tl.random.set_seed` makes runs repeatable.
        """
        size = _check_count(buffer_size, "shuffle: `buffer_size`", 1)
        if seed is None:
            seed = int(tl_random.generator().integers(2**63 - 1))
        epochs = itertools.count()
        lock = threading.Lock()

        def gen(up):
            with lock:
                epoch = next(epochs) if reshuffle_each_iteration else 0
            rng = np.random.default_rng([int(seed), epoch])
            buffer = []
            for element in up:
                if len(buffer) < size:
                    buffer.append(element)
                    continue
                i = int(rng.integers(len(buffer)))
                out, buffer[i] = buffer[i], element
                yield out
            while buffer:
                i = int(rng.integers(len(buffer)))
                buffer[i], buffer[-1] = buffer[-1], buffer[i]
                yield buffer.pop()
        return self._derived(gen, lambda: self.element_spec, self._cardinality, "ShuffleDataset")

    def repeat(self, count=None, name=None) -> Dataset:
        """Iterates the dataset `count` times (None or -1: forever); each pass is a new iteration,
        so a shuffle upstream reshuffles."""
        times = None if count is None or count == -1 else _check_count(count, "repeat: `count`", 0)

        def make():
            n = 0
            while times is None or n < times:
                it = iter(self)
                empty = True
                try:
                    for element in it:
                        empty = False
                        yield element
                finally:
                    close_iterator(it)
                if empty:
                    return  # repeating an empty dataset forever is still empty
                n += 1
        c = self._cardinality
        if times == 0 or c == 0:
            card = 0
        elif c < 0:
            card = c
        else:
            card = INFINITE_CARDINALITY if times is None else c * times
        return Dataset(make, lambda: self.element_spec, card, "RepeatDataset")

    def take(self, count, name=None) -> Dataset:
        """The first `count` elements (-1: all)."""
        n = None if count == -1 else _check_count(count, "take: `count`", 0)
        c = self._cardinality
        card = c if n is None else (n if c == INFINITE_CARDINALITY else min(c, n) if c >= 0 else c)
        return self._derived(lambda up: itertools.islice(up, n), lambda: self.element_spec, card,
                             "TakeDataset")

    def skip(self, count, name=None) -> Dataset:
        """All but the first `count` elements (-1: skips everything)."""
        n = None if count == -1 else _check_count(count, "skip: `count`", 0)
        c = self._cardinality
        card = 0 if n is None else (max(c - n, 0) if c >= 0 else c)
        return self._derived(lambda up: itertools.islice(up, n, None) if n is not None else iter(()),
                             lambda: self.element_spec, card, "SkipDataset")

    def cache(self, filename: str = "", name=None) -> Dataset:
        """Keeps the elements in memory after the first complete iteration; later iterations
        read the memory (an iteration stopped early caches nothing)."""
        if filename:
            raise NotImplementedError("cache: file caches are not supported; call cache() to cache "
                                      "in memory")
        store: list = []
        lock = threading.Lock()

        def make():
            with lock:
                cached = store[0] if store else None
            if cached is not None:
                yield from cached
                return
            it = iter(self)
            elements = []
            try:
                for element in it:
                    elements.append(element)
                    yield element
            finally:
                close_iterator(it)
            with lock:
                if not store:
                    store.append(elements)
        return Dataset(make, lambda: self.element_spec, self._cardinality, "CacheDataset")

    def prefetch(self, buffer_size, name=None) -> Dataset:
        """Produces up to `buffer_size` elements ahead on a background thread (0: no thread)."""
        n = _AUTOTUNE_PREFETCH if buffer_size == AUTOTUNE else _check_count(
            buffer_size, "prefetch: `buffer_size` (or tl.data.AUTOTUNE)", 0)
        if n == 0:
            return Dataset(self._make_iterator, lambda: self.element_spec, self._cardinality,
                           "PrefetchDataset")
        return Dataset(lambda: PrefetchIterator(iter(self), n), lambda: self.element_spec,
                       self._cardinality, "PrefetchDataset")

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements followed by `dataset`'s (structures and dtypes must match)."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"concatenate: expected a tl.data.Dataset, got {type(dataset).__name__}")
        spec = st.merge_specs(self.element_spec, dataset.element_spec, "concatenate")

        def make():
            for part in (self, dataset):
                it = iter(part)
                try:
                    yield from it
                finally:
                    close_iterator(it)
        a, b = self._cardinality, dataset._cardinality
        if INFINITE_CARDINALITY in (a, b):
            card = INFINITE_CARDINALITY
        else:
            card = UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in (a, b) else a + b
        return Dataset(make, spec, card, "ConcatenateDataset")

    def enumerate(self, start: int = 0, name=None) -> Dataset:
        """Pairs each element with its int64 index: `(index, element)`."""
        def gen(up):
            for i, element in enumerate(up, start):
                yield convert_to_tensor(np.int64(i)), element
        return self._derived(gen, lambda: (TensorSpec((), int64), self.element_spec), self._cardinality,
                             "EnumerateDataset")

    def apply(self, transformation_func) -> Dataset:
        """`transformation_func(self)`, for chaining reusable transformations."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"apply: `transformation_func` must return a tl.data.Dataset, got "
                            f"{type(out).__name__}")
        return out


def _map_inline(up, fn):
    try:
        for element in up:
            yield fn(element)
    finally:
        close_iterator(up)
