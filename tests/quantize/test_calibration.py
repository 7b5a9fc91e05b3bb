"""Calibration data forms and checks (dataset.py), the four range methods (calibrate.py) and the
parameter arithmetic (params.py), against NumPy computed here."""
import numpy as np
import pytest
from tensorlite.converter.model import Subgraph, Tensor
from tensorlite.quantize.calibrate import TensorStats
from tensorlite.quantize.dataset import CalibrationError, from_arrays, from_representative_dataset
from tensorlite.quantize.params import activation_params, bias_values, quantize_values, weight_scales


def _graph(*shapes, dtype="float32"):
    sg = Subgraph("g")
    sg.inputs = [sg.add_tensor(Tensor(f"in{k}", dtype, s)) for k, s in enumerate(shapes)]
    return sg


def test_representative_dataset_forms():
    sg = _graph((1, 3), (1, 2))
    a, b = np.ones((1, 3), np.float32), np.zeros((1, 2), np.float64)
    for items in ([[a, b]], [(a, b)], [{"in0": a, "in1": b}], [[a[0], b[0]]]):
        samples = from_representative_dataset(lambda items=items: iter(items), sg)
        assert len(samples) == 1 and samples[0][0].shape == (1, 3) and samples[0][1].dtype == np.float32
    one = _graph((1, 4))
    assert len(from_representative_dataset([np.zeros((5, 4), np.float32)], one)) == 5   # a batch of 5, split


@pytest.mark.parametrize("items,message", [
    ([], "yielded no samples"),
    ([[np.ones((1, 3), np.float32)]], "1 array(s) for a model with 2 input(s)"),
    ([{"in0": np.ones((1, 3), np.float32)}], "no value for input(s) ['in1']"),
    ([[np.ones((1, 4), np.float32), np.ones((1, 2), np.float32)]], "'in0' has shape [1, 4]; the model takes [1, 3]"),
    ([[np.ones((1, 3), np.int32), np.ones((1, 2), np.float32)]], "int32 data but the model takes float32"),
    ([[np.ones((1, 3), np.float32), np.array([[np.inf, 0]], np.float32)]], "item 0: input 'in1' holds 1 NaN"),
])
def test_bad_representative_data_names_the_item_and_input(items, message):
    with pytest.raises(CalibrationError) as e:
        from_representative_dataset(lambda: iter(items), _graph((1, 3), (1, 2)))
    assert message in str(e.value)


def test_arrays_split_into_the_models_batches():
    sg = _graph((2, 5))
    samples = from_arrays([np.arange(35, dtype=np.float32).reshape(7, 5)], sg)
    assert len(samples) == 3 and all(s[0].shape == (2, 5) for s in samples)   # the 7th row is left over
    with pytest.raises(CalibrationError, match="holds 1 sample.s., fewer than one batch of the model .2."):
        from_arrays([np.zeros((1, 5), np.float32)], sg)
    integer = _graph((1, 2), dtype="int8")
    with pytest.raises(CalibrationError, match="int16 data; the model takes int8"):
        from_arrays([np.array([[300, 0]], np.int16)], integer)


def test_ranges_by_method():
    rng = np.random.default_rng(0)
    stats = TensorStats(histogram=True)
    batches = [rng.normal(0, 1, 10_000) for _ in range(20)]
    batches[3][0] = 40.0                                    # one outlier
    for b in batches:
        stats.add(b)
    lo, hi = stats.range("minmax", "int8")
    assert (lo, hi) == (min(b.min() for b in batches), 40.0)
    _, hi_avg = stats.range("moving_average", "int8")
    assert hi_avg < 10                                      # the outlier's sample weighs 1%
    lo_p, hi_p = stats.range("percentile", "int8", 99.9)
    values = np.concatenate(batches)
    assert abs(hi_p - np.percentile(values, 99.95)) < 0.1 and abs(lo_p - np.percentile(values, 0.05)) < 0.1
    lo_m, hi_m = stats.range("mse", "int8")
    assert 2.0 < hi_m < 40.0 and lo_m > lo                  # clipped: a finer grid for nearly every value


def test_histogram_growth_keeps_every_count():
    stats = TensorStats(histogram=True)
    stats.add(np.array([0.1, -0.1, 0.05]))
    stats.add(np.array([3.0, -7.5]))
    assert stats.hist.sum() == 5 and stats.radius >= 7.5


def test_activation_parameters():
    assert activation_params(0.0, 6.0, "int8") == pytest.approx((6 / 255, -128))
    scale, zp = activation_params(-1.0, 3.0, "int8")
    assert scale == pytest.approx(4 / 255) and zp == -128 + round(1 / scale)
    assert activation_params(0.5, 2.0, "int8")[1] == -128            # widened to hold 0
    assert activation_params(-3.0, 1.0, "int16") == (3.0 / 32767, 0)
    assert activation_params(0.0, 0.0, "int8") == (1.0, -128)
    with pytest.raises(ValueError):
        activation_params(np.nan, 1.0, "int8")


def test_quantized_values_round_half_away_and_saturate():
    q = quantize_values(np.array([0.5, -0.5, 1.5, 1000.0, -1000.0]), 1.0, 0, "int8")
    np.testing.assert_array_equal(q, [1, -1, 2, 127, -128])
    w = quantize_values(np.array([-1000.0]), 1.0, 0, "int8", narrow=True)
    assert w[0] == -127


def test_weight_scales_per_channel_and_bias():
    w = np.array([[1.0, -2.54], [0.0, 0.0], [0.127, 0.0]])
    np.testing.assert_allclose(weight_scales(w, 0), [2.54 / 127, 1.0, 0.001])
    np.testing.assert_allclose(weight_scales(w, None), [2.54 / 127])
    np.testing.assert_array_equal(bias_values(np.array([1.0, -1.0]), 0.5, np.array([0.01, 0.1]), "int32"),
                                  [200, -20])
    with pytest.raises(OverflowError):
        bias_values(np.array([1e9]), 1e-3, np.array([1e-3]), "int32")
