"""Object-based checkpoints with TensorFlow's API: `Checkpoint(model=m, optimizer=opt, step=v)`
saves and restores the variables of the objects it tracks; `CheckpointManager` numbers, keeps
(`max_to_keep`) and finds (`latest_checkpoint`) them in a folder.

What is saved, keyed by the path of attribute names from the checkpoint, as TensorFlow keys its
object graph: a tl.Variable by its attribute; a Keras layer or model by the position of each weight
in `weights` (`model/weights/3`), a tl.Module likewise over `variables`; an optimizer's step count,
learning rate (unless a schedule) and slots, each slot under the key of the variable it belongs to
(`optimizer/slots/model/weights/3/m`); a nested Checkpoint under its attribute. Restoring assigns
every value whose key and shape match (making optimizer slots and step counters that do not exist
yet, as TensorFlow's deferred restoration does); the returned status says what did not match.

Files: `<prefix>.tlckpt`, one NumPy .npz archive written atomically (training/files.py), and, as
in TensorFlow, a text file `checkpoint` in the folder naming the latest and kept checkpoints, which
`latest_checkpoint(folder)` reads. The format is tensorlite's own; TensorFlow checkpoints (.index +
.data shards) are not read.
"""
from __future__ import annotations

import io
import os
import re
import time

import numpy as np

from ..files import atomic_write_bytes
from ..tensor import Variable

SUFFIX = ".tlckpt"
STATE_FILE = "checkpoint"


def _is_optimizer(obj) -> bool:
    from ..keras.optimizers import Optimizer
    return isinstance(obj, Optimizer)


def _variables_of(obj) -> list[Variable] | None:
    """The variables of a layer/model (`weights`) or tl.Module (`variables`), in a stable order."""
    from ..keras.engine.layer import Layer
    from ..module import Module
    if isinstance(obj, Layer):
        return list(obj.weights)
    if isinstance(obj, Module):
        return list(obj.variables)
    return None


def _trackable(obj) -> bool:
    return isinstance(obj, (Checkpoint, Variable)) or _is_optimizer(obj) or _variables_of(obj) is not None


class _Graph:
    """The variables a checkpoint reaches, keyed by path; optimizers are gathered last, since their
    slots are keyed by the paths of the variables they belong to."""

    def __init__(self, root):
        self.variables: dict[str, Variable] = {}
        self.optimizers: list[tuple[str, object]] = []
        self._walk(root, "")

    def _walk(self, ckpt, prefix):
        for name, obj in ckpt._tracked.items():
            key = f"{prefix}{name}"
            if isinstance(obj, Checkpoint):
                self._walk(obj, f"{key}/")
            elif isinstance(obj, Variable):
                self.variables[key] = obj
            elif _is_optimizer(obj):
                self.optimizers.append((key, obj))
            else:
                for i, v in enumerate(_variables_of(obj)):
                    self.variables[f"{key}/weights/{i}"] = v

    def key_of(self) -> dict[int, str]:
        return {v._id: k for k, v in self.variables.items()}


def _optimizer_values(key: str, opt, var_keys: dict[int, str]) -> dict[str, np.ndarray]:
    from ..keras.optimizers.schedules import LearningRateSchedule
    out = {f"{key}/iterations": np.asarray(opt.iterations, np.int64)}
    if not isinstance(opt._lr, LearningRateSchedule):
        out[f"{key}/learning_rate"] = np.asarray(float(opt._lr), np.float64)
    for (var_id, slot), v in opt._slots.items():
        if var_id in var_keys:  # slots of variables this checkpoint does not track are left out
            out[f"{key}/slots/{var_keys[var_id]}/{slot}"] = v.numpy()
    return out


class CheckpointLoadStatus:
    """What a restore matched: `assert_consumed()` fails when a saved value found no object or a
    tracked variable found no saved value; `expect_partial()` accepts either."""

    def __init__(self, path: str, unused: list[str], missing: list[str]):
        self.path, self.unused_keys, self.missing_keys = path, unused, missing

    def assert_consumed(self) -> CheckpointLoadStatus:
        if self.unused_keys or self.missing_keys:
            raise AssertionError(f"checkpoint {self.path}: saved values no object took: {self.unused_keys or 'none'}; "
                                 f"tracked variables without a saved value: {self.missing_keys or 'none'}")
        return self

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        if self.missing_keys:
            raise AssertionError(f"checkpoint {self.path}: tracked variables without a saved value: "
                                 f"{self.missing_keys}")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        return self


class Checkpoint:
    """`tf.train.Checkpoint(**objects)`: keyword arguments name the tracked objects (Keras models and
    layers, optimizers, tl.Variables, tl.Modules, other Checkpoints); attributes set later are
    tracked too."""

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_tracked", {})
        object.__setattr__(self, "save_counter", Variable(np.int64(0), trainable=False, name="save_counter"))
        if root is not None:
            kwargs = {"root": root, **kwargs}
        for name, obj in kwargs.items():
            if not _trackable(obj):
                raise TypeError(f"Checkpoint: {name}= must be a Keras model or layer, an optimizer, a tl.Variable, "
                                f"a tl.Module or a Checkpoint, got {type(obj).__name__}")
            setattr(self, name, obj)

    def __setattr__(self, name, value):
        if not name.startswith("_") and name != "save_counter":
            if _trackable(value):
                self._tracked[name] = value
            else:
                self._tracked.pop(name, None)  # a plain attribute, as in TensorFlow: not saved
        object.__setattr__(self, name, value)

    # -- values ------------------------------------------------------------------------------------
    def _values(self) -> dict[str, np.ndarray]:
        graph = _Graph(self)
        values = {k: v.numpy() for k, v in graph.variables.items()}
        var_keys = graph.key_of()
        for key, opt in graph.optimizers:
            values.update(_optimizer_values(key, opt, var_keys))
        values["save_counter"] = self.save_counter.numpy()
        return values

    def write(self, file_prefix) -> str:
        """Writes `<file_prefix>.tlckpt` (no numbering, no state file); returns the prefix."""
        prefix = os.fspath(file_prefix)
        folder = os.path.dirname(prefix)
        if folder:
            os.makedirs(folder, exist_ok=True)
        buf = io.BytesIO()
        np.savez(buf, **self._values())
        atomic_write_bytes(prefix + SUFFIX, buf.getvalue())
        return prefix

    def save(self, file_prefix) -> str:
        """Writes `<file_prefix>-<n>` (n: the save counter, advanced first) and records it as the
        latest checkpoint of its folder; returns that path."""
        self.save_counter.assign(np.int64(self.save_counter.numpy() + 1))
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")
        state = _read_state(os.path.dirname(path) or ".")
        kept = [p for p in state[1] if p != path] + [path]
        _write_state(os.path.dirname(path) or ".", path, kept)
        return path

    def read(self, save_path) -> CheckpointLoadStatus:
        return self.restore(save_path)

    def restore(self, save_path) -> CheckpointLoadStatus:
        """Assigns the saved values to the tracked objects; `save_path` is what save/write returned
        (or latest_checkpoint gives). None restores nothing, as in TensorFlow."""
        if save_path is None:
            return CheckpointLoadStatus("None", [], [])
        path = os.fspath(save_path)
        file = path if path.endswith(SUFFIX) else path + SUFFIX
        if not os.path.exists(file):
            raise FileNotFoundError(f"checkpoint {path}: no such checkpoint ({file} does not exist)")
        with np.load(file) as data:
            saved = {k: data[k] for k in data.files}
        graph = _Graph(self)
        used, missing = set(), []
        for key, var in graph.variables.items():
            if key not in saved:
                missing.append(key)
                continue
            _assign(var, saved[key], key, path)
            used.add(key)
        var_by_key = graph.variables
        for key, opt in graph.optimizers:
            used |= _restore_optimizer(key, opt, saved, var_by_key, path, missing)
        if "save_counter" in saved:
            self.save_counter.assign(np.int64(saved["save_counter"]))
            used.add("save_counter")
        return CheckpointLoadStatus(path, sorted(set(saved) - used), missing)


def _assign(var: Variable, value: np.ndarray, key: str, path: str) -> None:
    if tuple(value.shape) != tuple(var.shape):
        raise ValueError(f"checkpoint {path}: {key} ({var.name}) has shape {list(var.shape)}, the saved value "
                         f"{list(value.shape)}")
    var.assign(value.astype(var.dtype.as_numpy_dtype))


def _restore_optimizer(key, opt, saved, var_by_key, path, missing) -> set:
    import tensorlite as tl
    used = set()
    if f"{key}/iterations" in saved:
        if opt._iterations is None:
            opt._iterations = tl.Variable(np.int64(0), trainable=False, name=f"{opt.name}/iterations")
        opt._iterations.assign(np.int64(saved[f"{key}/iterations"]))
        used.add(f"{key}/iterations")
    else:
        missing.append(f"{key}/iterations")
    if f"{key}/learning_rate" in saved:
        opt.learning_rate = float(saved[f"{key}/learning_rate"])
        used.add(f"{key}/learning_rate")
    slot_prefix = f"{key}/slots/"
    for k, value in saved.items():
        if not k.startswith(slot_prefix):
            continue
        var_key, _, slot = k[len(slot_prefix):].rpartition("/")
        if var_key in var_by_key:
            _assign(opt.slot(var_by_key[var_key], slot), value, k, path)  # made first when missing
            used.add(k)
    return used


# -- the folder's state file (TensorFlow's text format) -------------------------------------------
def _read_state(folder: str) -> tuple[str | None, list[str]]:
    file = os.path.join(folder, STATE_FILE)
    if not os.path.exists(file):
        return None, []
    latest, kept = None, []
    with open(file) as f:
        for line in f:
            m = re.match(r'\s*(model_checkpoint_path|all_model_checkpoint_paths):\s*"(.*)"\s*$', line)
            if not m:
                continue
            p = m.group(2) if os.path.isabs(m.group(2)) else os.path.join(folder, m.group(2))
            if m.group(1) == "model_checkpoint_path":
                latest = p
            else:
                kept.append(p)
    return latest, kept


def _write_state(folder: str, latest: str, kept: list[str]) -> None:
    """Paths relative to the folder, as TensorFlow writes them for checkpoints inside it."""
    def rel(p):
        return os.path.relpath(p, folder)
    lines = [f'model_checkpoint_path: "{rel(latest)}"'] + [f'all_model_checkpoint_paths: "{rel(p)}"' for p in kept]
    atomic_write_bytes(os.path.join(folder, STATE_FILE), ("\n".join(lines) + "\n").encode())


def latest_checkpoint(checkpoint_dir) -> str | None:
    """`tf.train.latest_checkpoint`: the newest checkpoint recorded in the folder whose file exists,
    or None."""
    latest, _ = _read_state(os.fspath(checkpoint_dir))
    return latest if latest is not None and os.path.exists(latest + SUFFIX) else None


class CheckpointManager:
    """`tf.train.CheckpointManager(checkpoint, directory, max_to_keep, checkpoint_name="ckpt")`:
    `save()` writes `<directory>/<checkpoint_name>-<n>` and deletes the oldest beyond `max_to_keep`
    (None keeps all); `checkpoints` lists those kept, oldest first; `latest_checkpoint` the newest.
    A manager over a folder that already holds checkpoints picks up their list."""

    def __init__(self, checkpoint: Checkpoint, directory, max_to_keep=5, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None, init_fn=None):
        if max_to_keep is not None and max_to_keep < 1:
            raise ValueError(f"CheckpointManager: max_to_keep must be None or >= 1, got {max_to_keep}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("CheckpointManager: checkpoint_interval needs step_counter")
        self._checkpoint, self.directory = checkpoint, os.fspath(directory)
        self.max_to_keep, self.checkpoint_name = max_to_keep, checkpoint_name
        self._keep_hours = keep_checkpoint_every_n_hours
        self._step_counter, self._interval, self._init_fn = step_counter, checkpoint_interval, init_fn
        self._last_step = None
        os.makedirs(self.directory, exist_ok=True)
        latest, kept = _read_state(self.directory)
        self._kept = [p for p in kept if os.path.exists(p + SUFFIX)]
        if latest is not None and latest not in self._kept and os.path.exists(latest + SUFFIX):
            self._kept.append(latest)
        self._saved_at = {p: os.path.getmtime(p + SUFFIX) for p in self._kept}
        self._last_preserved = time.time()

    @property
    def checkpoints(self) -> list[str]:
        return list(self._kept)

    @property
    def latest_checkpoint(self) -> str | None:
        return self._kept[-1] if self._kept else None

    @property
    def checkpoint(self) -> Checkpoint:
        return self._checkpoint

    def save(self, checkpoint_number=None, check_interval=True) -> str | None:
        """Saves a new checkpoint and returns its path (None when `checkpoint_interval` says not yet)."""
        if self._interval is not None and check_interval:
            step = int(np.asarray(self._step_counter.numpy()))
            if self._last_step is not None and step < self._last_step + self._interval:
                return None
            self._last_step = step
        if checkpoint_number is None:
            self._checkpoint.save_counter.assign(np.int64(self._checkpoint.save_counter.numpy() + 1))
            number = int(self._checkpoint.save_counter.numpy())
        else:
            number = int(np.asarray(checkpoint_number.numpy() if hasattr(checkpoint_number, "numpy")
                                    else checkpoint_number))
        path = self._checkpoint.write(os.path.join(self.directory, f"{self.checkpoint_name}-{number}"))
        self._kept = [p for p in self._kept if p != path] + [path]
        self._saved_at[path] = time.time()
        self._sweep()
        _write_state(self.directory, path, self._kept)
        return path

    def _sweep(self) -> None:
        """Deletes the oldest checkpoints beyond max_to_keep (keeping one per keep_checkpoint_every_n_hours)."""
        if self.max_to_keep is None:
            return
        while len(self._kept) > self.max_to_keep:
            old = self._kept.pop(0)
            saved_at = self._saved_at.pop(old, 0.0)
            if self._keep_hours is not None and saved_at - self._last_preserved >= self._keep_hours * 3600:
                self._last_preserved = saved_at
                continue  # left on disk, no longer managed (TensorFlow's rule)
            if os.path.exists(old + SUFFIX):
                os.remove(old + SUFFIX)

    def restore_or_initialize(self):
        """Restores the latest checkpoint if there is one (returning its path), else runs `init_fn`."""
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None
