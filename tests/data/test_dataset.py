"""tl.data sources and transformations against plain-Python expectations."""
import numpy as np
import pytest

import tensorlite as tl

Dataset = tl.data.Dataset


def values(ds):
    return [np.asarray(e).tolist() for e in ds.as_numpy_iterator()]


def test_from_tensor_slices_nested_tuples_and_dicts():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([0, 1, 0, 1], np.int64)
    ds = Dataset.from_tensor_slices({"image": x, "meta": (y, [1.5, 2.5, 3.5, 4.5])})
    spec = ds.element_spec
    assert spec["image"] == tl.TensorSpec([3], tl.float32)
    assert spec["meta"][0].dtype == tl.int64 and spec["meta"][1] == tl.TensorSpec([], tl.float32)
    elements = list(ds)
    assert len(elements) == 4 and int(ds.cardinality()) == 4 and len(ds) == 4
    for i, e in enumerate(elements):
        assert isinstance(e["image"], tl.Tensor)
        np.testing.assert_array_equal(e["image"].numpy(), x[i])
        assert int(e["meta"][0]) == y[i] and float(e["meta"][1]) == 1.5 + i


def test_from_tensor_slices_single_array_yields_tensors_and_lists_are_tensors():
    ds = Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]])  # a list is one tensor, not a tuple
    assert ds.element_spec == tl.TensorSpec([2], tl.int32)
    assert values(ds) == [[1, 2], [3, 4], [5, 6]]


def test_from_tensor_slices_errors_name_the_function():
    with pytest.raises(ValueError, match="from_tensor_slices.*expected 3, got 2"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))
    with pytest.raises(ValueError, match="from_tensor_slices.*scalar"):
        Dataset.from_tensor_slices(np.float32(1))


def test_from_tensors_and_range():
    ds = Dataset.from_tensors((np.zeros((2, 2), np.float32), 3))
    assert int(ds.cardinality()) == 1 and ds.element_spec[0].shape == (2, 2)
    assert values(Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(Dataset.range(2, 11, 3)) == list(range(2, 11, 3))
    assert Dataset.range(3).element_spec == tl.TensorSpec([], tl.int64)
    assert len(Dataset.range(10, 0, -2)) == 5


def test_from_generator_checks_signature_and_restarts():
    def gen(n):
        for i in range(n):
            yield np.full((i % 2 + 1,), i, np.float64), i
    sig = (tl.TensorSpec([None], tl.float32), tl.TensorSpec([], tl.int32))
    ds = Dataset.from_generator(gen, args=(3,), output_signature=sig)
    assert int(ds.cardinality()) == tl.data.UNKNOWN_CARDINALITY
    out = list(ds)
    assert [e[0].dtype for e in out] == [tl.float32] * 3 and [int(e[1]) for e in out] == [0, 1, 2]
    assert len(list(ds)) == 3  # the generator is called afresh for each iteration
    bad = Dataset.from_generator(lambda: iter([np.zeros((2, 2))]),
                                 output_signature=tl.TensorSpec([None], tl.float32))
    with pytest.raises(ValueError, match=r"from_generator: expected shape \[None\], got \[2, 2\]"):
        list(bad)
    wrong = Dataset.from_generator(lambda: iter([(1.0,)]), output_signature=(sig[0], sig[1]))
    with pytest.raises(TypeError, match="from_generator: expected a tuple of 2 values, got 1 values"):
        list(wrong)
    with pytest.raises(TypeError, match="from_generator.*output_signature"):
        Dataset.from_generator(lambda: iter([]))


def test_map_unpacks_tuples_and_keeps_dicts():
    ds = Dataset.from_tensor_slices((np.arange(4), np.arange(4) * 10))
    summed = ds.map(lambda a, b: a + b)
    assert values(summed) == [0, 11, 22, 33]
    assert summed.element_spec == tl.TensorSpec([], tl.int64)
    as_dict = ds.map(lambda a, b: {"a": a, "b": [b, b]})  # a returned list becomes a tuple
    first = next(iter(as_dict))
    assert set(first) == {"a", "b"} and isinstance(first["b"], tuple)


def test_filter_and_its_predicate_check():
    ds = Dataset.range(10).filter(lambda x: tl.logical_or(x < 2, x > 7))
    assert values(ds) == [0, 1, 8, 9]
    assert int(ds.cardinality()) == tl.data.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="filter.*scalar bool"):
        list(Dataset.range(3).filter(lambda x: x))


@pytest.mark.parametrize("drop", [False, True])
def test_batch_and_unbatch(drop):
    n, b = 10, 4
    ds = Dataset.from_tensor_slices((np.arange(n * 2).reshape(n, 2), np.arange(n)))
    ds = ds.batch(b, drop_remainder=drop)
    expected_sizes = [4, 4] if drop else [4, 4, 2]
    got = list(ds)
    assert [len(e[0]) for e in got] == expected_sizes
    assert int(ds.cardinality()) == len(expected_sizes)
    assert ds.element_spec[0].shape == ((b if drop else None), 2)
    np.testing.assert_array_equal(got[1][1].numpy(), [4, 5, 6, 7])
    flat = ds.unbatch()
    assert values(flat.map(lambda x, y: y)) == list(range(sum(expected_sizes)))
    if drop:
        assert int(flat.cardinality()) == 8


def test_batch_errors():
    with pytest.raises(ValueError, match="batch.*batch_size.*got 0"):
        Dataset.range(3).batch(0)
    ragged = Dataset.from_generator(lambda: iter([np.zeros(2), np.zeros(3)]),
                                    output_signature=tl.TensorSpec([None], tl.float32))
    with pytest.raises(ValueError, match=r"batch: .*expected \[2\], got \[3\]"):
        list(ragged.batch(2))


def test_repeat_take_skip_and_cardinality():
    ds = Dataset.range(3)
    assert values(ds.repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert int(ds.repeat().cardinality()) == tl.data.INFINITE_CARDINALITY
    assert values(ds.repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert int(ds.repeat().take(7).cardinality()) == 7
    assert values(ds.skip(1)) == [1, 2] and values(ds.skip(-1)) == [] and values(ds.take(-1)) == [0, 1, 2]
    assert int(ds.skip(5).cardinality()) == 0 and int(ds.repeat(0).cardinality()) == 0
    assert values(Dataset.range(0).repeat()) == []  # an empty dataset repeated forever is empty
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())


def test_zip_concatenate_enumerate():
    a, b = Dataset.range(4), Dataset.range(10, 13)
    zipped = Dataset.zip(a, b)
    assert [tuple(int(t) for t in e) for e in zipped] == [(0, 10), (1, 11), (2, 12)]
    assert int(zipped.cardinality()) == 3
    nested = Dataset.zip({"x": a, "y": (b, a)})
    first = next(iter(nested))
    assert int(first["x"]) == 0 and int(first["y"][0]) == 10
    assert values(a.concatenate(b)) == [0, 1, 2, 3, 10, 11, 12]
    assert int(a.concatenate(b).cardinality()) == 7
    with pytest.raises(TypeError, match="concatenate"):
        a.concatenate(Dataset.from_tensor_slices(np.zeros(3, np.float32)))
    pairs = [(int(i), int(x)) for i, x in b.enumerate(start=5)]
    assert pairs == [(5, 10), (6, 11), (7, 12)]


def test_concatenate_merges_shapes():
    a = Dataset.from_tensor_slices(np.zeros((2, 3), np.float32))
    b = Dataset.from_tensor_slices(np.zeros((2, 4), np.float32))
    assert a.concatenate(b).element_spec == tl.TensorSpec([None], tl.float32)


def test_cache_reads_memory_after_a_full_pass():
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)
    ds = Dataset.from_generator(gen, output_signature=tl.TensorSpec([], tl.int32)).cache()
    it = iter(ds)
    next(it)
    del it  # an interrupted pass caches nothing
    assert values(ds) == [0, 1, 2] and values(ds) == [0, 1, 2]
    assert len(calls) == 2
    with pytest.raises(NotImplementedError, match="cache"):
        ds.cache("/tmp/some-file")


def test_shuffle_is_a_permutation_seeded_and_reshuffled():
    ds = Dataset.range(50).shuffle(10, seed=7)
    first, second = values(ds), values(ds)
    assert sorted(first) == list(range(50)) and sorted(second) == list(range(50))
    assert first != list(range(50)) and first != second  # reshuffled each iteration
    assert values(Dataset.range(50).shuffle(10, seed=7)) == first  # same seed, same order
    fixed = Dataset.range(50).shuffle(10, seed=7, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    # a buffer of 10 can move an element at most 9 places earlier
    assert all(pos >= v - 9 for pos, v in enumerate(first))


def test_shuffle_default_seed_follows_tl_random():
    tl.random.set_seed(3)
    a = values(Dataset.range(30).shuffle(30))
    tl.random.set_seed(3)
    b = values(Dataset.range(30).shuffle(30))
    tl.random.set_seed(4)
    c = values(Dataset.range(30).shuffle(30))
    assert a == b and a != c


def test_as_numpy_iterator_and_repr():
    ds = Dataset.from_tensor_slices({"a": np.arange(2, dtype=np.int32)})
    out = list(ds.as_numpy_iterator())
    assert out == [{"a": 0}, {"a": 1}] and isinstance(out[0]["a"], np.int32)
    assert "TensorSliceDataset" in repr(ds)
    assert tl.data.experimental.cardinality(ds).numpy() == 2


def test_apply_and_argument_checks():
    assert values(Dataset.range(4).apply(lambda d: d.skip(2))) == [2, 3]
    with pytest.raises(TypeError, match="apply"):
        Dataset.range(4).apply(lambda d: 3)
    with pytest.raises(TypeError, match="map: expected a callable"):
        Dataset.range(4).map(3)
    with pytest.raises(ValueError, match="map.*num_parallel_calls.*got 0"):
        Dataset.range(4).map(lambda x: x, num_parallel_calls=0)
    with pytest.raises(ValueError, match="shuffle.*buffer_size"):
        Dataset.range(4).shuffle(0)
