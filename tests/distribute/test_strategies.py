"""tl.distribute: N steps under each strategy end with the weights of one process training on the same
global batches (float tolerance); the strategy API (scope, run, reduce, experimental_distribute_dataset,
num_replicas_in_sync); MPI workers under mpirun: equal results, a dead or hung worker stops the job with
a clear error, and a restart resumes from the chief's last checkpoint and ends equal to an uninterrupted run."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import tensorlite as tl
from tests.conftest import skip_or_fail
from tests.distribute import worker

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MPIRUN = ["mpirun", "-np", "2", "--oversubscribe", "--allow-run-as-root"]


def _weights(path):
    f = np.load(path)
    return [f[k] for k in f.files if k.startswith("arr_")], int(f["epochs_run"])


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    """The reference: one process, no strategy, the same global batches."""
    out = str(tmp_path_factory.mktemp("ref") / "w.npz")
    worker.main(["--out", out])
    return _weights(out)[0]


def _assert_same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("eager", [False, True], ids=["graph", "eager"])
def test_mirrored_two_replicas_equal_one_process(one_process, tmp_path, eager):
    out = str(tmp_path / "w.npz")
    worker.main(["--strategy", "mirrored", "--out", out] + (["--eager"] if eager else []))
    _assert_same(_weights(out)[0], one_process)


def test_strategy_api_run_reduce_and_distributed_dataset():
    strategy = tl.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2 and tl.distribute.get_strategy() is not strategy
    with strategy.scope():
        assert tl.distribute.get_strategy() is strategy and tl.distribute.has_strategy()
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    batches = list(strategy.experimental_distribute_dataset(tl.data.Dataset.from_tensor_slices(x).batch(5)))
    assert len(batches) == 1 and isinstance(batches[0], tl.distribute.PerReplica)
    shards = batches[0].values
    np.testing.assert_array_equal(np.concatenate(shards), x)  # 3 + 2 rows
    assert [len(s) for s in shards] == [3, 2]
    sums = strategy.run(lambda a: tl.reduce_sum(a, axis=0), args=(batches[0],))
    np.testing.assert_allclose(strategy.reduce(tl.distribute.ReduceOp.SUM, sums).numpy(), x.sum(0))
    np.testing.assert_allclose(strategy.reduce("MEAN", sums).numpy(), (x[:3].sum(0) + x[3:].sum(0)) / 2)
    np.testing.assert_allclose(strategy.reduce("MEAN", batches[0], axis=0).numpy(), x.mean(0))
    with pytest.raises(ValueError, match="cannot be split over 2 replicas"):
        list(strategy.experimental_distribute_dataset([np.ones((1, 2), np.float32)]))


def test_cluster_from_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"chief": ["a:1"], "worker": ["b:1", "c:1"]},
                                                "task": {"type": "worker", "index": 1}}))
    assert tl.distribute.cluster_from_environment() == (2, 3, "TF_CONFIG")
    bad = {"cluster": {"worker": ["b:1"]}, "task": {"type": "worker", "index": 4}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(bad))
    with pytest.raises(ValueError, match="TF_CONFIG is not a valid cluster description"):
        tl.distribute.cluster_from_environment()
    monkeypatch.delenv("TF_CONFIG")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "1")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "2")
    assert tl.distribute.cluster_from_environment() == (1, 2, "OMPI_COMM_WORLD_RANK")


def _run(cmd, env=None, timeout=240):
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout)


def test_xla_strategy_two_host_devices_equal_one_process(one_process, tmp_path):
    from tensorlite.training.devices import xla
    ok, why = xla.available()
    if not ok:
        skip_or_fail(why)
    out = str(tmp_path / "w.npz")
    r = _run([sys.executable, "-m", "tests.distribute.worker", "--strategy", "xla", "--out", out],
             env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
    assert r.returncode == 0, r.stderr[-3000:]
    _assert_same(_weights(out)[0], one_process)


def _mpi_ready():
    if shutil.which("mpirun") is None:
        skip_or_fail("mpirun is not installed (bootstrap.sh installs openmpi-bin)")
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        skip_or_fail("mpi4py is not installed (pip install -e '.[test]')")


def _mpi(args, timeout=240):
    return _run(MPIRUN + [sys.executable, "-m", "tests.distribute.worker", "--strategy", "mpi"] + args,
                timeout=timeout)


def test_mpi_two_workers_equal_one_process(one_process, tmp_path):
    _mpi_ready()
    r = _mpi(["--out", str(tmp_path / "w")])
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    for rank in (0, 1):
        _assert_same(_weights(str(tmp_path / f"w.{rank}.npz"))[0], one_process)


def test_mpi_dead_worker_stops_job_and_restart_resumes(one_process, tmp_path):
    """Worker 1 is killed at the start of epoch 2: mpirun stops the job with an error naming it; the
    same command again resumes from the chief's epoch-2 backup, runs the last 2 epochs and ends with
    the uninterrupted one-process weights."""
    _mpi_ready()
    backup = str(tmp_path / "backup")
    r = _mpi(["--out", str(tmp_path / "a"), "--backup", backup, "--kill-at-epoch", "2"])
    assert r.returncode != 0
    assert "exited on signal 9" in r.stdout + r.stderr
    assert not os.path.exists(tmp_path / "a.0.npz")
    assert sorted(os.listdir(backup)) == ["epoch-2.tlckpt", "training_metadata.json"]  # the chief's, atomic
    r = _mpi(["--out", str(tmp_path / "b"), "--backup", backup])
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    for rank in (0, 1):
        weights, epochs_run = _weights(str(tmp_path / f"b.{rank}.npz"))
        assert epochs_run == worker.EPOCHS - 2
        _assert_same(weights, one_process)
    assert not os.path.exists(backup)  # a finished fit deletes the backup


def test_mpi_hung_worker_times_out_with_clear_error(tmp_path):
    """Worker 1 stops answering: worker 0's all-reduce gives up after its timeout with WorkerFailedError
    and aborts the job instead of waiting forever."""
    _mpi_ready()
    r = _mpi(["--out", str(tmp_path / "a"), "--hang-at-epoch", "1", "--timeout", "3"], timeout=120)
    assert r.returncode != 0
    err = r.stdout + r.stderr
    assert "WorkerFailedError" in err and "waited 3 s for the gradient all-reduce" in err
    # the job ended (within _run's timeout, the hung worker killed): rank 0's MPI_Abort did it. OpenMPI prints its
    # MPI_ABORT banner through mpirun's show_help, which now and then fails to deliver it ("Data unpack would read
    # past end of buffer in file .../show_help.c"), so either message shows the abort
    assert "MPI_ABORT was invoked on rank 0" in err or "show_help.c" in err, err[-2000:]


def test_xla_strategy_refuses_state_updates_it_would_drop():
    """A BatchNormalization layer assigns its moving statistics in the replica step; the pmapped step
    would drop them, so XLAStrategy says so instead of training a model whose inference is wrong."""
    from tensorlite.training.devices import xla
    ok, why = xla.available()
    if not ok:
        skip_or_fail(why)
    strategy = tl.distribute.XLAStrategy(devices=1)
    layers = tl.keras.layers
    with strategy.scope():
        model = tl.keras.Sequential([layers.Input(shape=(3,)), layers.BatchNormalization(), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="moving_mean"):
        model.fit(np.ones((4, 3), np.float32), np.ones((4, 1), np.float32), batch_size=4, verbose=0)


def test_mirrored_batch_norm_moving_statistics_are_the_replicas_mean():
    """Each replica normalizes its own shard; the moving statistics take the mean of the replicas' updates
    (TensorFlow's MEAN aggregation), checked against NumPy."""
    x = np.random.default_rng(3).standard_normal((8, 3)).astype(np.float32)
    strategy = tl.distribute.MirroredStrategy(num_replicas=2)
    layers = tl.keras.layers
    with strategy.scope():
        model = tl.keras.Sequential([layers.Input(shape=(3,)), layers.BatchNormalization(momentum=0.5),
                                     layers.Dense(1)])
        model.compile(optimizer=tl.keras.optimizers.SGD(0.0), loss="mse")
    model.fit(x, np.zeros((8, 1), np.float32), batch_size=8, shuffle=False, verbose=0)
    bn = model.layers[0]
    want_mean = 0.5 * 0 + 0.5 * (x[:4].mean(0) + x[4:].mean(0)) / 2
    want_var = 0.5 * 1 + 0.5 * (x[:4].var(0) + x[4:].var(0)) / 2
    np.testing.assert_allclose(bn.moving_mean.numpy(), want_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), want_var, rtol=1e-5, atol=1e-6)
