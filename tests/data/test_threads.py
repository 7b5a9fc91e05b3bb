"""tl.data's threads: parallel map keeps order, prefetch re-raises producer errors, and stopping
early (break, exception, dropped iterator) leaves no thread behind."""
import gc
import random
import threading
import time

import numpy as np
import pytest

import tensorlite as tl

Dataset = tl.data.Dataset


def data_threads():
    return [t for t in threading.enumerate() if t.name.startswith("tl.data")]


def assert_no_data_threads():
    gc.collect()
    deadline = time.monotonic() + 5
    while data_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert data_threads() == []


@pytest.mark.parametrize("calls", [4, tl.data.AUTOTUNE])
def test_parallel_map_preserves_order(calls):
    rng = random.Random(0)
    delays = [rng.uniform(0, 0.01) for _ in range(40)]
    seen = set()

    def slow_square(x):
        seen.add(threading.get_ident())
        time.sleep(delays[int(x)])  # later elements often finish first
        return x * x
    ds = Dataset.range(40).map(slow_square, num_parallel_calls=calls)
    assert [int(v) for v in ds] == [i * i for i in range(40)]
    if calls == 4:
        assert len(seen) > 1  # it really ran on several threads
    assert_no_data_threads()


def test_parallel_map_error_arrives_in_order():
    def f(x):
        if int(x) == 5:
            raise KeyError("element five")
        return x
    it = iter(Dataset.range(10).map(f, num_parallel_calls=3))
    assert [int(next(it)) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(KeyError, match="element five"):
        next(it)
    assert_no_data_threads()


def test_parallel_map_stops_early_without_leaks():
    ds = Dataset.range(10**6).map(lambda x: x + 1, num_parallel_calls=4)
    got = []
    for v in ds:
        got.append(int(v))
        if len(got) == 4:
            break
    assert got == [1, 2, 3, 4]
    del v
    assert_no_data_threads()


def test_prefetch_yields_everything_and_runs_ahead_boundedly():
    produced = []

    def gen():
        for i in range(20):
            produced.append(i)
            yield i
    ds = Dataset.from_generator(gen, output_signature=tl.TensorSpec([], tl.int32)).prefetch(3)
    it = iter(ds)
    assert int(next(it)) == 0
    time.sleep(0.2)
    # one consumed, 3 queued, and at most one more waiting on the full queue
    assert 4 <= len(produced) <= 5
    assert [int(v) for v in it] == list(range(1, 20))
    assert_no_data_threads()


def test_prefetch_reraises_producer_errors():
    def gen():
        yield 1
        yield 2
        raise RuntimeError("sensor unplugged")
    ds = Dataset.from_generator(gen, output_signature=tl.TensorSpec([], tl.int32)).prefetch(2)
    got = []
    with pytest.raises(RuntimeError, match="sensor unplugged"):
        for v in ds:
            got.append(int(v))
    assert got == [1, 2]
    assert_no_data_threads()


def test_prefetch_stop_closes_the_upstream_generator():
    closed = threading.Event()

    def gen():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()
    ds = Dataset.from_generator(gen, output_signature=tl.TensorSpec([], tl.int32)).prefetch(4)
    for v in ds:
        if int(v) == 2:
            break
    del v
    assert_no_data_threads()
    assert closed.is_set()


def test_nested_pipeline_with_everything_stops_cleanly():
    x = np.arange(200, dtype=np.float32).reshape(100, 2)
    ds = (Dataset.from_tensor_slices(x).repeat().shuffle(16, seed=1)
          .map(lambda v: v * 2.0, num_parallel_calls=2).batch(8).prefetch(tl.data.AUTOTUNE))
    batches = list(ds.take(5))
    assert [b.shape for b in batches] == [(8, 2)] * 5
    assert all(np.all(b.numpy() % 2 == 0) for b in batches)
    # prefetch around take: the producer is stopped mid-stream when the consumer finishes
    it = iter(ds.prefetch(2))
    next(it)
    it.close()
    assert_no_data_threads()


def test_map_functions_run_outside_the_callers_tape():
    v = tl.Variable(2.0)
    ds = Dataset.from_tensor_slices(np.ones(3, np.float32)).map(lambda x: x * v)
    for calls in (None, 2):
        with tl.GradientTape() as tape:
            elements = list(ds.map(lambda x: x, num_parallel_calls=calls))
            loss = elements[0] + elements[1] * v
        assert float(loss) == 6.0
        assert float(tape.gradient(loss, v)) == 2.0  # only the read outside the pipeline counts
