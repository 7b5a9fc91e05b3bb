"""`tl.distribute`: synchronous data parallelism with TensorFlow's API.

    strategy = tl.distribute.MirroredStrategy(num_replicas=2)
    with strategy.scope():
        model = build(); model.compile(...)
    model.fit(x, y, batch_size=64)          # each global batch split over the replicas

Every strategy does the same step: the global batch is cut into one shard per replica, each replica
computes the gradient of its loss scaled by its share of the batch (n_r / n, so the sum is the
gradient of the global batch's mean loss), the gradients are summed over replicas (the all-reduce),
and every copy of the model applies the same sum, so the weights stay identical everywhere and equal
those of one process training on the global batch (up to float rounding).

- MirroredStrategy: replicas in this process, on the CPU (replicas run one after another: the
  NumPy kernels already use every core through BLAS).
- MultiWorkerMirroredStrategy: one worker per process, started by `mpirun` (the cluster from the MPI
  environment) or described by a TF_CONFIG-style JSON; gradients are summed by one MPI Allreduce per
  step (mpi4py), the weights broadcast from rank 0 when fit starts, and only the chief (rank 0)
  writes checkpoints (BackupAndRestore, ModelCheckpoint). A worker that dies makes the others fail
  with WorkerFailedError once the collective has waited `timeout` seconds; a restarted job resumes
  from the chief's last BackupAndRestore checkpoint.
- XLAStrategy: one replica per device JAX sees (GPUs, TPU cores, or host devices made with
  XLA_FLAGS=--xla_force_host_platform_device_count=N); the replica gradient graph runs under
  jax.pmap and the all-reduce is a psum across the devices.

BatchNormalization under a strategy normalizes each replica's shard with the shard's statistics
(as TensorFlow's non-synchronized batch norm does), so a model with it matches one-process training
only with one replica; its moving statistics end each step as the mean of the replicas' updates.
"""
from __future__ import annotations

import atexit
import contextlib
import enum
import json
import os
import time

import numpy as np

_current: list = []  # the strategies whose scope() is open, innermost last


class ReduceOp(enum.Enum):
    SUM = "SUM"
    MEAN = "MEAN"


class WorkerFailedError(RuntimeError):
    """A collective did not complete in time: a worker died or hangs."""


class PerReplica:
    """One value per replica (what `run` returns and distributed datasets yield)."""

    def __init__(self, values):
        self.values = tuple(values)

    def __repr__(self) -> str:
        return f"PerReplica({list(self.values)!r})"


def get_strategy():
    """The strategy of the innermost open scope, else the default (one replica, this process)."""
    return _current[-1] if _current else _DEFAULT


def has_strategy() -> bool:
    return bool(_current)


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    """[start, stop) of `parts` near-equal shards of n rows (the first n % parts one row longer)."""
    if n < parts:
        raise ValueError(f"tl.distribute: a batch of {n} cannot be split over {parts} replicas; use a global "
                         f"batch of at least {parts}")
    base, extra = divmod(n, parts)
    bounds, start = [], 0
    for i in range(parts):
        stop = start + base + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def _rows(x, start: int, stop: int):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return type(x)(_rows(v, start, stop) for v in x)
    if isinstance(x, dict):
        return {k: _rows(v, start, stop) for k, v in x.items()}
    return np.asarray(x)[start:stop]


def _num_rows(x) -> int:
    while isinstance(x, (list, tuple, dict)):
        x = next(iter(x.values())) if isinstance(x, dict) else x[0]
    return len(x)


class Strategy:
    """The default strategy: one replica in this process (also the base of the others)."""

    num_workers = 1
    worker_index = 0

    def __init__(self, num_replicas: int = 1):
        if num_replicas < 1:
            raise ValueError(f"{type(self).__name__}: num_replicas must be >= 1, got {num_replicas}")
        self._local = int(num_replicas)

    # -- TensorFlow's API --------------------------------------------------------------------------
    @property
    def num_replicas_in_sync(self) -> int:
        return self._local * self.num_workers

    @property
    def is_chief(self) -> bool:
        return self.worker_index == 0

    @contextlib.contextmanager
    def scope(self):
        """Models compiled inside train under this strategy."""
        _current.append(self)
        try:
            yield self
        finally:
            _current.pop()

    def experimental_distribute_dataset(self, dataset):
        """Yields each global batch of `dataset` (batches of arrays/tensors, or (x, y[, w]) tuples) as a
        PerReplica of this process's shards."""
        return _DistributedDataset(self, dataset)

    def run(self, fn, args=(), kwargs=None):
        """fn(*args) once per local replica; PerReplica arguments give each replica its own value."""
        kwargs = kwargs or {}
        outs = []
        for r in range(self._local):
            def pick(a, r=r):
                return a.values[r] if isinstance(a, PerReplica) else a
            outs.append(fn(*[pick(a) for a in args], **{k: pick(v) for k, v in kwargs.items()}))
        return outs[0] if self._local == 1 and self.num_workers == 1 else PerReplica(outs)

    def reduce(self, reduce_op, value, axis=None):
        """SUM or MEAN of a PerReplica over every replica of every worker (axis: also over that axis of
        each value first, as TensorFlow's)."""
        op = ReduceOp(reduce_op) if not isinstance(reduce_op, ReduceOp) else reduce_op
        values = value.values if isinstance(value, PerReplica) else (value,)
        arrays = [np.asarray(v) for v in values]
        count = sum(a.shape[axis] if axis is not None else 1 for a in arrays)
        local = sum(a.sum(axis=axis) if axis is not None else a for a in arrays).astype(arrays[0].dtype)
        total, count = self._all_sum([np.asarray(local)], count)
        from .tensor import convert_to_tensor
        return convert_to_tensor(total[0] if op is ReduceOp.SUM else (total[0] / count).astype(total[0].dtype))

    # -- what training uses ----------------------------------------------------------------------------
    def _worker_rows(self, n: int) -> tuple[int, int]:
        """This worker's rows of a global batch of n."""
        return _split(n, self.num_workers)[self.worker_index]

    def _replica_bounds(self, n: int) -> list[tuple[int, int]]:
        """[start, stop) of each local replica's shard within a global batch of n (this worker's part)."""
        w0, w1 = self._worker_rows(n)
        return [(w0 + a, w0 + b) for a, b in _split(w1 - w0, self._local)]

    def _all_sum(self, arrays: list[np.ndarray], count: float = 0.0):
        """Sums arrays (and a count) over workers; one process: as they are."""
        return arrays, count

    def _broadcast(self, arrays: list[np.ndarray]) -> list[np.ndarray]:
        return arrays

    def _barrier(self) -> None:
        pass

    def _replica_gradients(self, trainer, x, y, sw):
        """(summed gradients as arrays, the global batch's loss, [(start, stop, y_pred)]) for one step."""
        n = _num_rows(x)
        grads_sum, loss_sum, preds = None, 0.0, []
        # state a replica's step assigns (BatchNormalization's moving statistics): each replica starts
        # from the same values, and the variable ends as the mean of the replicas' results over every
        # worker (TensorFlow's MEAN aggregation of mirrored variables), so all copies stay identical
        state = list(trainer.non_trainable_weights)
        before = [v.numpy() for v in state]
        state_sum = [np.zeros_like(b) for b in before]
        for start, stop in self._replica_bounds(n):
            share = np.asarray((stop - start) / n, np.float32)
            grads, loss, y_pred = trainer._grad_function(_rows(x, start, stop), _rows(y, start, stop),
                                                          _rows(sw, start, stop), share)
            arrays = [np.asarray(g) for g in grads]
            grads_sum = arrays if grads_sum is None else [a + b for a, b in zip(grads_sum, arrays)]
            loss_sum += float(np.asarray(loss))
            preds.append((start, stop, y_pred))
            for var, b, acc in zip(state, before, state_sum):
                acc += var.numpy()
                var.assign(b)
        total, loss_total = self._all_sum(grads_sum + state_sum, loss_sum)
        for var, value in zip(state, total[len(grads_sum):]):
            var.assign((value / self.num_replicas_in_sync).astype(value.dtype))
        return total[:len(grads_sum)], loss_total, preds


_DEFAULT = Strategy()


class MirroredStrategy(Strategy):
    """Synchronous replicas in this process. TensorFlow takes `devices`; here each entry (or
    `num_replicas`) is one CPU replica (devices=["/cpu:0", "/cpu:1"] gives two)."""

    def __init__(self, devices=None, cross_device_ops=None, num_replicas: int | None = None):
        if num_replicas is None:
            num_replicas = len(devices) if devices else 1
        super().__init__(num_replicas)
        self.extended = self


class _DistributedDataset:
    def __init__(self, strategy: Strategy, dataset):
        self.strategy, self.dataset = strategy, dataset

    def __iter__(self):
        for batch in self.dataset:
            arrays = _to_arrays(batch)
            n = _num_rows(arrays)
            yield PerReplica([_rows(arrays, a, b) for a, b in self.strategy._replica_bounds(n)])


def _to_arrays(batch):
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_arrays(b) for b in batch)
    if isinstance(batch, dict):
        return {k: _to_arrays(v) for k, v in batch.items()}
    return np.asarray(batch)


# -- several processes: MPI ------------------------------------------------------------------------
def cluster_from_environment() -> tuple[int, int, str]:
    """(rank, size, source): from TF_CONFIG ({"cluster": {"worker": [...]}, "task": {"type": "worker",
    "index": i}}, chief included as worker 0 when given) or else the MPI launcher's variables
    (Open MPI's OMPI_COMM_WORLD_RANK/SIZE, PMI_RANK/PMI_SIZE)."""
    tf_config = os.environ.get("TF_CONFIG")
    if tf_config:
        try:
            cfg = json.loads(tf_config)
            cluster, task = cfg["cluster"], cfg["task"]
            workers = list(cluster.get("chief", [])) + list(cluster.get("worker", []))
            index = int(task["index"]) + (len(cluster.get("chief", [])) if task["type"] == "worker" else 0)
            if task["type"] not in ("worker", "chief") or not 0 <= index < len(workers):
                raise ValueError(f"task {task} is not in the cluster")
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as e:
            raise ValueError(f"TF_CONFIG is not a valid cluster description ({e}): {tf_config!r}") from None
        return index, len(workers), "TF_CONFIG"
    for rank_var, size_var in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE")):
        if rank_var in os.environ and size_var in os.environ:
            return int(os.environ[rank_var]), int(os.environ[size_var]), rank_var
    return 0, 1, "none"


class MultiWorkerMirroredStrategy(Strategy):
    """One worker per MPI process (`mpirun -np N python train.py`), `num_replicas` replicas in each.
    Collectives wait at most `timeout` seconds (WorkerFailedError after that)."""

    def __init__(self, communication_options=None, cluster_resolver=None, num_replicas: int = 1,
                 timeout: float = 60.0):
        super().__init__(num_replicas)
        rank, size, source = cluster_from_environment()
        try:
            from mpi4py import MPI
        except ImportError:
            raise ImportError("MultiWorkerMirroredStrategy needs mpi4py and an MPI library "
                              "(pip install mpi4py; apt-get install openmpi-bin libopenmpi-dev)") from None
        self._mpi, self._comm = MPI, MPI.COMM_WORLD
        if source == "TF_CONFIG" and (self._comm.Get_size(), self._comm.Get_rank()) != (size, rank):
            raise ValueError(f"TF_CONFIG describes worker {rank} of {size}, but MPI started this process as rank "
                             f"{self._comm.Get_rank()} of {self._comm.Get_size()}: start one MPI process per worker")
        self.worker_index, self.num_workers = self._comm.Get_rank(), self._comm.Get_size()
        self.timeout = float(timeout)
        self.extended = self
        self.bytes_reduced = 0  # all-reduce payload so far (benchmarks read it)

    def _wait(self, request, what: str):
        """Polls a non-blocking collective; after `timeout` s the job is declared broken."""
        deadline = time.monotonic() + self.timeout
        delay = 1e-5
        while not request.Test():
            if time.monotonic() > deadline:
                # the collective stays pending, so MPI_Finalize at exit would wait for it forever:
                # abort the job instead (after the traceback is printed), which stops every worker
                atexit.register(self._comm.Abort, 1)
                raise WorkerFailedError(
                    f"MultiWorkerMirroredStrategy: worker {self.worker_index} of {self.num_workers} waited "
                    f"{self.timeout:g} s for {what}: another worker died or hangs. Stop the job and start it "
                    f"again; with BackupAndRestore it resumes from the chief's last checkpoint")
            time.sleep(delay)
            delay = min(delay * 2, 1e-3)

    def _all_sum(self, arrays, count=0.0):
        if self.num_workers == 1:
            return arrays, count
        dtype = np.result_type(*[a.dtype for a in arrays]) if arrays else np.float32
        flat = np.concatenate([np.asarray(a, dtype).ravel() for a in arrays] + [np.asarray([count], dtype)])
        out = np.empty_like(flat)
        self._wait(self._comm.Iallreduce(flat, out, op=self._mpi.SUM), "the gradient all-reduce")
        self.bytes_reduced += flat.nbytes
        pieces, offset = [], 0
        for a in arrays:
            pieces.append(out[offset:offset + a.size].reshape(a.shape).astype(a.dtype, copy=False))
            offset += a.size
        return pieces, float(out[-1])

    def _broadcast(self, arrays):
        if self.num_workers == 1 or not arrays:
            return arrays
        flat = np.concatenate([np.asarray(a, np.float64).ravel() for a in arrays])
        self._wait(self._comm.Ibcast(flat, root=0), "the weights broadcast from worker 0")
        out, offset = [], 0
        for a in arrays:
            out.append(flat[offset:offset + a.size].reshape(a.shape).astype(a.dtype))
            offset += a.size
        return out

    def _barrier(self) -> None:
        if self.num_workers > 1:
            self._wait(self._comm.Ibarrier(), "the other workers at a barrier")


# -- the devices JAX sees ----------------------------------------------------------------------------
class XLAStrategy(Strategy):
    """One replica per JAX device (`devices`: how many of jax.devices() to use, default all). The replica
    gradient graph is compiled once with jax.pmap; gradients are summed with lax.psum."""

    def __init__(self, devices: int | None = None):
        from .devices import xla as xla_device
        ok, why = xla_device.available()
        if not ok:
            raise ImportError(f"XLAStrategy: {why}")
        jax = xla_device._load()
        found = jax.devices()
        count = len(found) if devices is None else int(devices)
        if not 1 <= count <= len(found):
            raise ValueError(f"XLAStrategy: {count} replicas asked, JAX sees {len(found)} device(s) ({found}); on the "
                             f"CPU set XLA_FLAGS=--xla_force_host_platform_device_count={count} before importing jax")
        super().__init__(count)
        self.devices = found[:count]
        self.extended = self
        self._compiled: dict = {}

    def _replica_gradients(self, trainer, x, y, sw):
        from .function import Function
        from .random import Count
        n = _num_rows(x)
        bounds = self._replica_bounds(n)
        if len({b - a for a, b in bounds}) != 1:  # pmap wants equal shards: a ragged batch runs replica by replica
            return super()._replica_gradients(trainer, x, y, sw)
        fn: Function = trainer._grad_function
        share = np.asarray(1.0 / len(bounds), np.float32)
        cf = fn.get_concrete_function(*_rows((x, y, sw), *bounds[0]), share)
        key = id(cf)
        state = [name for (name, _), var in zip(cf.graph.assigns, cf._assigned) if not isinstance(var, Count)]
        if state:
            names = ", ".join(sorted({name.split(":")[0] for name in state}))
            raise NotImplementedError(f"XLAStrategy: the replica step updates state ({names}: e.g. "
                                      "BatchNormalization's moving statistics), which the pmapped step does not "
                                      "write back yet; use MirroredStrategy or a model without such layers")
        if key not in self._compiled:
            self._compiled[key] = _pmapped(cf, self.devices)
        leaves = [np.stack(parts) for parts in zip(*[_flatten_args(_rows((x, y, sw), a, b)) for a, b in bounds])]
        grads, loss, preds = self._compiled[key](leaves, share)
        return grads, loss, [(a, b, p) for (a, b), p in zip(bounds, preds)]


def _flatten_args(args) -> list:
    """The array leaves of (x, y, sw) in the order tl.function flattens its arguments (None dropped)."""
    from .tape import _flatten
    leaves, _ = _flatten(list(args))
    return [np.asarray(v) for v in leaves if v is not None]


def _pmapped(cf, devices):
    """A function of (stacked input leaves, share) running the concrete gradient function's graph on
    every device under jax.pmap; returns (psum'd gradients, summed loss, per-replica predictions)."""
    from .devices import get_device
    from .devices import xla as xla_device
    from .graph.xla import XlaExecutor
    from .random import Count
    jax = xla_device._load()
    graph = cf.graph
    executor = XlaExecutor(graph)
    run = executor._run_python
    variables = list(cf._variables.items())
    n_outs = len(graph.outputs)
    counts = {vid for vid, var in variables if isinstance(var, Count)}  # random ops' counts (the only assigns)

    def replica(inputs, captures, constants):
        # replica r draws from its own stream: r in the count's high word (the hash mixes both words)
        offset = jax.lax.axis_index("replicas").astype("int64") << 32
        captures = {vid: a + offset if vid in counts else a for vid, a in captures.items()}
        outs, advanced = run(inputs, captures, constants)
        # outputs: gradients..., scaled loss, y_pred (the order _grad_core returns them)
        grads = [jax.lax.psum(g, "replicas") for g in outs[:n_outs - 2]]
        return grads, jax.lax.psum(outs[n_outs - 2], "replicas"), outs[n_outs - 1], [a - offset for a in advanced]

    pm = jax.pmap(replica, axis_name="replicas", in_axes=(0, None, None), devices=devices)

    def call(leaves, share):
        inputs = leaves + [np.broadcast_to(share, (len(devices),))]
        captures = {vid: get_device(var.device).get(var._value) for vid, var in variables}
        grads, loss, preds, advanced = pm(inputs, captures, executor._constants)
        for var, a in zip(cf._assigned, advanced):  # every replica advanced its count alike: keep replica 0's
            var._value, var.device = np.asarray(a[0]), "cpu"
        return ([np.asarray(g[0]) for g in grads], float(np.asarray(loss[0])),
                [np.asarray(p) for p in np.asarray(preds)])
    return call
