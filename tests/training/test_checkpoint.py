"""tl.train.Checkpoint / CheckpointManager / latest_checkpoint: a model and its Adam state saved,
restored into freshly built objects in the same and in a new process, training continued exactly
as if never interrupted; numbering, max_to_keep, the folder's state file, partial restores."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tensorlite as tl

r = np.random.default_rng(8)
X, Y = r.standard_normal((32, 4)).astype(np.float32), r.standard_normal((32, 2)).astype(np.float32)


def make(seed=0):
    tl.random.set_seed(seed)
    model = tl.keras.Sequential([tl.keras.Input((4,)), tl.keras.layers.Dense(8, activation="relu"),
                                 tl.keras.layers.Dense(2)])
    opt = tl.keras.optimizers.Adam(0.01)
    return model, opt


def train(model, opt, steps):
    for i in range(steps):
        xb, yb = X[i % 4 * 8:(i % 4 + 1) * 8], Y[i % 4 * 8:(i % 4 + 1) * 8]
        with tl.GradientTape() as tape:
            loss = tl.reduce_mean(tl.square(model(xb) - yb))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


def test_restore_continues_training_exactly(tmp_path):
    model, opt = make()
    step = tl.Variable(np.int64(0), trainable=False)
    train(model, opt, 3)
    step.assign(np.int64(3))
    path = tl.train.Checkpoint(model=model, optimizer=opt, step=step).save(tmp_path / "ckpt")
    assert path == str(tmp_path / "ckpt-1") and os.path.exists(path + ".tlckpt")
    assert tl.train.latest_checkpoint(tmp_path) == path
    train(model, opt, 4)
    expected = model.get_weights()

    other, other_opt = make(seed=5)  # different initial weights, no optimizer state yet
    other(X[:1])
    other_step = tl.Variable(np.int64(0), trainable=False)
    status = tl.train.Checkpoint(model=other, optimizer=other_opt, step=other_step).restore(path)
    status.assert_consumed()
    assert int(other_step.numpy()) == 3 and other_opt.iterations == 3
    train(other, other_opt, 4)
    for a, b in zip(other.get_weights(), expected):
        np.testing.assert_array_equal(a, b)


def test_restore_in_a_new_process(tmp_path):
    model, opt = make()
    train(model, opt, 2)
    path = tl.train.Checkpoint(model=model, optimizer=opt).save(tmp_path / "run" / "ckpt")
    np.save(tmp_path / "weights.npy", np.concatenate([w.ravel() for w in model.get_weights()]))
    script = textwrap.dedent(f"""
        import numpy as np, tensorlite as tl
        tl.random.set_seed(9)
        model = tl.keras.Sequential([tl.keras.Input((4,)), tl.keras.layers.Dense(8, activation="relu"),
                                     tl.keras.layers.Dense(2)])
        opt = tl.keras.optimizers.Adam(0.01)
        ckpt = tl.train.Checkpoint(model=model, optimizer=opt)
        ckpt.restore(tl.train.latest_checkpoint({str(tmp_path / "run")!r})).assert_consumed()
        got = np.concatenate([w.ravel() for w in model.get_weights()])
        assert np.array_equal(got, np.load({str(tmp_path / "weights.npy")!r})), "weights differ"
        assert opt.iterations == 2 and int(ckpt.save_counter.numpy()) == 1
        print("ok", {path!r})
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_manager_numbers_keeps_and_finds(tmp_path):
    model, opt = make()
    model(X[:1])
    ckpt = tl.train.Checkpoint(model=model)
    manager = tl.train.CheckpointManager(ckpt, tmp_path, max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.restore_or_initialize() is None
    paths = [manager.save() for _ in range(4)]
    assert paths == [str(tmp_path / f"ckpt-{i}") for i in range(1, 5)]
    assert manager.checkpoints == paths[2:]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.tlckpt", "ckpt-4.tlckpt"]
    state = (tmp_path / "checkpoint").read_text()
    assert state == 'model_checkpoint_path: "ckpt-4"\nall_model_checkpoint_paths: "ckpt-3"\n' \
                    'all_model_checkpoint_paths: "ckpt-4"\n'
    assert tl.train.latest_checkpoint(tmp_path) == paths[-1]
    again = tl.train.CheckpointManager(tl.train.Checkpoint(model=model), tmp_path, max_to_keep=2)
    assert again.checkpoints == paths[2:]  # picked up from the folder
    assert again.save(checkpoint_number=100) == str(tmp_path / "ckpt-100")
    assert again.checkpoints == [paths[3], str(tmp_path / "ckpt-100")]
    unlimited = tl.train.CheckpointManager(tl.train.Checkpoint(model=model), tmp_path / "all", max_to_keep=None)
    for _ in range(6):
        unlimited.save()
    assert len(unlimited.checkpoints) == 6


def test_partial_and_mismatched_restores(tmp_path):
    model, opt = make()
    model(X[:1])
    v = tl.Variable(np.float32(2.0))
    path = tl.train.Checkpoint(model=model, extra=v).write(tmp_path / "w")
    assert path == str(tmp_path / "w") and tl.train.latest_checkpoint(tmp_path) is None  # write(): no state file
    fresh, _ = make(seed=3)
    fresh(X[:1])
    status = tl.train.Checkpoint(model=fresh).restore(path)
    assert status.unused_keys == ["extra"]
    with pytest.raises(AssertionError, match="extra"):
        status.assert_consumed()
    status.expect_partial()
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    wide = tl.keras.Sequential([tl.keras.Input((4,)), tl.keras.layers.Dense(9), tl.keras.layers.Dense(2)])
    wide(X[:1])
    with pytest.raises(ValueError, match=r"shape \[4, 9\]"):
        tl.train.Checkpoint(model=wide).restore(path)
    with pytest.raises(FileNotFoundError, match="no such checkpoint"):
        tl.train.Checkpoint(model=model).restore(tmp_path / "missing")
    with pytest.raises(TypeError, match="got int"):
        tl.train.Checkpoint(step=3)
