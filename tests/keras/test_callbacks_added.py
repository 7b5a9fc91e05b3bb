"""ReduceLROnPlateau (against Keras 3's learning rates, tests/data/keras3/callbacks.json), CSVLogger
(Keras 3's file layout), TerminateOnNaN (stopping fit mid-epoch), and BackupAndRestore: a fit killed with
SIGKILL in the middle of an epoch and run again with the same callback resumes at the epoch after the last
one completed (fit reads model._initial_epoch) and ends with weights bit-identical to an uninterrupted fit,
eagerly (with dropout and noise drawing from the generators) and traced."""
import csv
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import callbacks as cbs
from tests.paths import DATA, REPO

KERAS_LR = json.loads((DATA / "keras3" / "callbacks.json").read_text())
r = np.random.default_rng(11)
X, Y = r.standard_normal((40, 4)).astype(np.float32), r.standard_normal((40, 1)).astype(np.float32)


def small_model(lr=0.2):
    tl.random.set_seed(0)
    model = tl.keras.Sequential([tl.keras.Input((4,)), tl.keras.layers.Dense(3, activation="relu"),
                                 tl.keras.layers.Dense(1)])
    model.compile(optimizer=tl.keras.optimizers.SGD(lr), loss="mse")
    return model


@pytest.mark.parametrize("name", sorted(KERAS_LR))
def test_reduce_lr_on_plateau_equals_keras3(name):
    run = KERAS_LR[name]
    model = small_model()
    cb = cbs.ReduceLROnPlateau(monitor="val_loss", **run["kwargs"])
    cb.set_model(model)
    cb.on_train_begin()
    got = []
    for epoch, value in enumerate(run["values"]):
        logs = {"val_loss": value}
        cb.on_epoch_end(epoch, logs)
        assert logs["learning_rate"] == pytest.approx(got[-1] if got else 0.2)
        got.append(model.optimizer.learning_rate)
    np.testing.assert_allclose(got, run["learning_rates"], rtol=1e-6)  # Keras keeps float32 rates
    with pytest.raises(ValueError, match="factor"):
        cbs.ReduceLROnPlateau(factor=1.0)


def test_reduce_lr_on_plateau_in_fit():
    model = small_model(lr=0.0)  # nothing learns: the loss plateaus from the start
    model.optimizer.learning_rate = 1e-30
    hist = model.fit(X, Y, epochs=4, batch_size=40, verbose=0,
                     callbacks=[cbs.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5)])
    assert model.optimizer.learning_rate == pytest.approx(1e-30 * 0.5 ** 3)
    assert len(hist.history["loss"]) == 4


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_csv_logger_writes_keras_layout(tmp_path):
    path = tmp_path / "log.csv"
    model = small_model()
    model.compile(optimizer=tl.keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    hist = model.fit(X[:32], Y[:32], epochs=3, batch_size=8, verbose=0, validation_data=(X[32:], Y[32:]),
                     callbacks=[cbs.CSVLogger(path)])
    rows = read_csv(path)
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(row[0]) for row in rows[1:]] == [0, 1, 2]
    for i, key in enumerate(rows[0][1:], 1):
        assert [float(row[i]) for row in rows[1:]] == [float(v) for v in hist.history[key]]
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[cbs.CSVLogger(path, append=True)])
    rows = read_csv(path)
    assert len(rows) == 6 and rows[0][0] == "epoch" and rows[4][0] == "0"
    assert rows[4][3:] == ["NA", "NA"]  # no validation in that fit: val columns read NA, as Keras writes
    semicolons = tmp_path / "semi.csv"
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[cbs.ReduceLROnPlateau(monitor="loss"),  # adds learning_rate
                                                  cbs.CSVLogger(semicolons, separator=";")])
    assert read_csv(semicolons)[0] == ["epoch;learning_rate;loss;mae;val_learning_rate;val_loss;val_mae"]


def test_terminate_on_nan():
    bad = X.copy()
    bad[5] = np.inf
    model = small_model()

    class Batches(cbs.Callback):
        def __init__(self):
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(batch)

    counter = Batches()
    hist = model.fit(bad, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                     callbacks=[cbs.TerminateOnNaN(), counter])
    # as in Keras: no batch after the one whose loss is NaN (the first of 5), and the epoch ends there
    assert len(hist.history["loss"]) == 1 and model.stop_training
    assert model.optimizer.iterations == 1 and counter.seen == [0]
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        small_model().fit(bad, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                          callbacks=[cbs.TerminateOnNaN(raise_error=True)])


SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import numpy as np
    import tensorlite as tl

    mode, backup, out, kill_epoch, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    eager = mode == "eager"
    tl.random.set_seed(seed)  # a resumed run starts from another seed: only the backup can make it match
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((48, 6)).astype(np.float32), rng.integers(0, 3, 48)
    layers = [tl.keras.Input((6,)), tl.keras.layers.Dense(16, activation="relu")]
    if eager:  # random layers draw from tl.random's generator and their own at every call
        layers += [tl.keras.layers.Dropout(0.3), tl.keras.layers.GaussianNoise(0.1, seed=4)]
    layers += [tl.keras.layers.BatchNormalization(), tl.keras.layers.Dense(3, activation="softmax")]
    model = tl.keras.Sequential(layers)
    model.compile(optimizer=tl.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=eager)

    class Kill(tl.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == kill_epoch and batch == 2:
                os.kill(os.getpid(), signal.SIGKILL)

    callbacks = [tl.keras.callbacks.BackupAndRestore(backup)] if backup != "-" else []
    hist = model.fit(x, y, epochs=5, batch_size=8, validation_split=0.25, verbose=0,
                     callbacks=callbacks + [Kill()])
    np.savez(out, *model.get_weights())
    with open(out + ".json", "w") as f:
        json.dump({k: [float(v) for v in vs] for k, vs in hist.history.items()}, f)
""")


def run_script(tmp_path, *args):
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=env, cwd=tmp_path)


@pytest.mark.parametrize("mode", ["eager", "traced"])
def test_backup_and_restore_after_sigkill_is_bit_identical(tmp_path, mode):
    reference = run_script(tmp_path, mode, "-", tmp_path / "reference.npz", -1, 1)
    assert reference.returncode == 0, reference.stderr
    backup = tmp_path / "backup"
    killed = run_script(tmp_path, mode, backup, tmp_path / "never.npz", 2, 1)
    assert killed.returncode == -9, killed.stderr  # SIGKILL in the middle of the third epoch
    meta = json.loads((backup / "training_metadata.json").read_text())
    assert meta["epoch"] == 2 and sorted(os.listdir(backup)) == ["epoch-2.tlckpt", "training_metadata.json"]
    resumed = run_script(tmp_path, mode, backup, tmp_path / "resumed.npz", -1, 7)
    assert resumed.returncode == 0, resumed.stderr
    assert not backup.exists()  # a completed fit deletes its backup
    ref, got = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    assert len(ref.files) == len(got.files) == 8  # Dense, BatchNormalization, Dense
    for k in ref.files:
        np.testing.assert_array_equal(got[k], ref[k])
    fresh = run_script(tmp_path, mode, "-", tmp_path / "fresh.npz", -1, 7)  # the other seed without the backup
    assert fresh.returncode == 0, fresh.stderr
    assert not np.array_equal(np.load(tmp_path / "fresh.npz")["arr_0"], ref["arr_0"])
    ref_hist = json.loads((tmp_path / "reference.npz.json").read_text())
    got_hist = json.loads((tmp_path / "resumed.npz.json").read_text())
    # fit resumed at epoch 2 (model._initial_epoch, Keras 3's contract): its History holds the epochs it ran,
    # with the uninterrupted run's numbers
    assert got_hist == {k: v[2:] for k, v in ref_hist.items()}


def test_backup_and_restore_refuses_batch_frequency(tmp_path):
    with pytest.raises(NotImplementedError, match="save_freq"):
        cbs.BackupAndRestore(tmp_path, save_freq=10)
    with pytest.raises(ValueError, match="backup_dir"):
        cbs.BackupAndRestore("")
