"""The embedded digits dataset: counts, value ranges, class balance of the split, determinism."""
import gzip

import numpy as np
import pytest
from tensorlite.training.keras.datasets import digits


def test_counts_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8) and y_test.shape == (360,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert x_train.max() == 16 and x_train.min() == 0
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_split_is_a_stratified_partition_of_the_file():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    with gzip.open(digits._FILE, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    assert table.shape == (1797, 65)
    # every image lands in exactly one set (compared as rows, since a few images repeat)
    both = np.concatenate([np.concatenate([x_train.reshape(-1, 64), y_train[:, None]], 1),
                           np.concatenate([x_test.reshape(-1, 64), y_test[:, None]], 1)])
    np.testing.assert_array_equal(np.sort(both.view([("", both.dtype)] * 65), axis=0),
                                  np.sort(table.astype(np.uint8).view([("", np.uint8)] * 65), axis=0))
    # stratified: each class puts its share (within one image) into the test set
    per_class = np.bincount(table[:, 64].astype(int))
    test_counts = np.bincount(y_test, minlength=10)
    assert np.all(np.abs(test_counts - per_class * 360 / 1797) < 1)
    # and the sets are shuffled, not sorted by class
    assert np.any(np.diff(y_train.astype(int)) < 0)


def test_deterministic_and_seed_dependent():
    a = digits.load_data()
    b = digits.load_data()
    for part_a, part_b in zip(a, b, strict=True):
        for u, v in zip(part_a, part_b, strict=True):
            assert np.array_equal(u, v)
    c = digits.load_data(seed=1)
    assert not np.array_equal(a[1][1], c[1][1])
    (x_train, _), (x_test, _) = digits.load_data(test_split=0.5)
    assert len(x_test) == 899 and len(x_train) == 898


def test_bad_split_and_corrupt_file_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="test_split"):
        digits.load_data(test_split=1.5)
    broken = tmp_path / "digits.csv.gz"
    broken.write_bytes(gzip.compress(b"1,2,3\n"))
    with pytest.raises(ValueError, match="digits.csv.gz is not the digits table"):
        digits._read(str(broken))
    broken.write_bytes(b"not gzip")
    with pytest.raises(OSError, match="digits: cannot read .*digits.csv.gz"):
        digits._read(str(broken))
