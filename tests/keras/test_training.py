"""fit / evaluate / predict, callbacks, Datasets, and the weights file."""
import os

import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import callbacks, layers


def linear_data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    return x, y


def linear_model(lr=0.1):
    tl.random.set_seed(0)
    m = tl.keras.Sequential([layers.Dense(1, input_shape=(3,))])
    m.compile(tl.keras.optimizers.SGD(lr), "mse", metrics=["mae"])
    return m


def test_fit_learns_and_history_has_val_metrics():
    x, y = linear_data()
    m = linear_model()
    hist = m.fit(x, y, epochs=30, batch_size=16, validation_split=0.25, verbose=0)
    assert set(hist.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert hist.history["val_loss"][-1] < 1e-3
    k, b = m.get_weights()
    np.testing.assert_allclose(k.ravel(), [1.0, -2.0, 0.5], atol=0.02)
    np.testing.assert_allclose(b, [0.3], atol=0.02)
    loss, mae = m.evaluate(x, y, verbose=0)
    assert loss < 1e-3 and mae < 0.05
    assert m.predict(x[:5], verbose=0).shape == (5, 1)


def test_fit_consumes_a_dataset():
    x, y = linear_data()
    m = linear_model()
    ds = tl.data.Dataset.from_tensor_slices((x, y)).shuffle(128, seed=1).batch(16)
    hist = m.fit(ds, epochs=20, verbose=0)
    assert hist.history["loss"][-1] < 0.01
    assert m.evaluate(ds, verbose=0)[0] < 0.01


def test_seeded_fit_is_bit_reproducible():
    x, y = linear_data()
    runs = []
    for _ in range(2):
        m = linear_model()
        m.fit(x, y, epochs=3, batch_size=8, verbose=0)
        runs.append(m.get_weights())
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_progress_bar_output(capsys):
    x, y = linear_data(32)
    linear_model().fit(x, y, epochs=2, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "2/2 [" in out and "loss:" in out


def test_early_stopping_restores_best_weights():
    x, y = linear_data()
    m = linear_model(lr=1.5)  # diverges: validation loss grows after the first epoch
    stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    hist = m.fit(x, y, epochs=50, batch_size=128, verbose=0, callbacks=[stop])
    assert len(hist.history["loss"]) < 50 and stop.stopped_epoch > 0
    best = int(np.argmin(hist.history["loss"]))
    assert best < len(hist.history["loss"]) - 1


def test_model_checkpoint_and_lr_scheduler(tmp_path):
    x, y = linear_data()
    m = linear_model()
    path = str(tmp_path / "w-{epoch:02d}.weights")
    seen = []
    sched = callbacks.LearningRateScheduler(lambda epoch: seen.append(epoch) or 0.1 * 0.5 ** epoch)
    m.fit(x, y, epochs=3, verbose=0, callbacks=[callbacks.ModelCheckpoint(path, monitor="loss"), sched])
    assert sorted(os.listdir(tmp_path)) == ["w-01.weights", "w-02.weights", "w-03.weights"]
    assert seen == [0, 1, 2] and m.optimizer.learning_rate == pytest.approx(0.025)
    fresh = linear_model()
    fresh.load_weights(str(tmp_path / "w-03.weights"))
    for a, b in zip(fresh.get_weights(), m.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_round_trip_exactly(tmp_path):
    tl.random.set_seed(3)
    m = tl.keras.Sequential([tl.keras.Input((4, 4, 1)), layers.Conv2D(2, 3), layers.BatchNormalization(),
                             layers.Flatten(), layers.Dense(3)])
    path = str(tmp_path / "m.weights")
    m.save_weights(path)
    saved = m.get_weights()
    tl.random.set_seed(4)
    m2 = tl.keras.Sequential([tl.keras.Input((4, 4, 1)), layers.Conv2D(2, 3), layers.BatchNormalization(),
                              layers.Flatten(), layers.Dense(3)])
    m2.load_weights(path)
    for a, b in zip(saved, m2.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("damage", ["truncate", "flip", "magic", "empty"])
def test_damaged_weights_file_names_the_file(tmp_path, damage):
    m = linear_model()
    path = str(tmp_path / "lin.weights")
    m.save_weights(path)
    blob = bytearray(open(path, "rb").read())
    if damage == "truncate":
        blob = blob[:-3]
    elif damage == "flip":
        blob[-2] ^= 0x40
    elif damage == "magic":
        blob[0] ^= 1
    else:
        blob = bytearray()
    open(path, "wb").write(bytes(blob))
    before = m.get_weights()
    with pytest.raises(ValueError, match="lin.weights"):
        m.load_weights(path)
    for a, b in zip(before, m.get_weights()):  # nothing was half-loaded
        np.testing.assert_array_equal(a, b)


def test_weights_of_another_model_are_refused(tmp_path):
    path = str(tmp_path / "lin.weights")
    linear_model().save_weights(path)
    other = tl.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="expects"):
        other.load_weights(path)


def test_fit_before_compile_is_a_clear_error():
    m = tl.keras.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        m.fit(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)
