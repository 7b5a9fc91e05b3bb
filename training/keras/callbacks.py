"""Callbacks: hooks fit() calls at epoch/batch boundaries (History, EarlyStopping,
ModelCheckpoint, LearningRateScheduler, ReduceLROnPlateau, CSVLogger, TerminateOnNaN,
BackupAndRestore, and the progress bar)."""
from __future__ import annotations

import collections
import csv
import json
import math
import os
import shutil
import sys
import time
import warnings

import numpy as np


class Callback:
    model = None

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...


class History(Callback):
    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class ProgbarLogger(Callback):
    """verbose=1: a bar per epoch, redrawn in place; verbose=2: one line per epoch."""

    def __init__(self, verbose: int = 1, epochs: int = 1, steps: int | None = None, stream=None):
        self.verbose, self.epochs, self.steps = verbose, epochs, steps
        self.stream = stream or sys.stdout

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()
        if self.verbose == 1:
            self.stream.write(f"Epoch {epoch + 1}/{self.epochs}\n")

    @staticmethod
    def _fmt(logs) -> str:
        return " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items())

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose != 1:
            return
        done = batch + 1
        total = self.steps or done
        filled = int(30 * done / total) if total else 30
        self.stream.write(f"\r{done}/{total} [{'=' * filled}{'.' * (30 - filled)}] - {self._fmt(logs)}")
        self.stream.flush()

    def on_epoch_end(self, epoch, logs=None):
        took = time.perf_counter() - self.start
        if self.verbose == 1:
            self.stream.write(f" - {took:.1f}s - {self._fmt(logs)}\n")
        elif self.verbose == 2:
            self.stream.write(f"Epoch {epoch + 1}/{self.epochs} - {took:.1f}s - {self._fmt(logs)}\n")
        self.stream.flush()


def _better(mode: str, monitor: str):
    if mode == "auto":
        mode = "max" if "acc" in monitor else "min"
    return (lambda a, b: a > b) if mode == "max" else (lambda a, b: a < b), mode


class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto", restore_best_weights=False,
                 baseline=None):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.restore_best_weights, self.baseline = restore_best_weights, baseline
        self._better, self.mode = _better(mode, monitor)

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights = 0, 0, None
        self.best = self.baseline if self.baseline is not None else (np.inf if self.mode == "min" else -np.inf)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise KeyError(f"EarlyStopping: monitored metric {self.monitor!r} is not in the logs "
                           f"({', '.join(logs or {})})")
        improved = value > self.best + self.min_delta if self.mode == "max" else value < self.best - self.min_delta
        if improved:
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)


def _is_chief(model) -> bool:
    """Whether this process writes files: always, except a non-chief worker of a tl.distribute strategy."""
    strategy = getattr(model, "_distribute_strategy", None)
    return strategy is None or strategy.is_chief


class ModelCheckpoint(Callback):
    """Saves weights after each epoch to `filepath` (formatted with epoch and the logs)."""

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, save_weights_only=True, mode="auto"):
        if not save_weights_only:
            raise NotImplementedError("ModelCheckpoint(save_weights_only=False): whole-model saving is "
                                      "tl.saved_model's job (graph-mode issue); use save_weights_only=True")
        self.filepath, self.monitor, self.save_best_only = str(filepath), monitor, save_best_only
        self._better, self.mode = _better(mode, monitor)
        self.best = np.inf if self.mode == "min" else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None:
                raise KeyError(f"ModelCheckpoint: monitored metric {self.monitor!r} is not in the logs")
            if not self._better(value, self.best):
                return
            self.best = value
        if _is_chief(self.model):  # under a multi-worker strategy only worker 0 writes
            self.model.save_weights(self.filepath.format(epoch=epoch + 1, **logs))


class LearningRateScheduler(Callback):
    def __init__(self, schedule, verbose=0):
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        try:
            lr = self.schedule(epoch, opt.learning_rate)
        except TypeError:
            lr = self.schedule(epoch)
        opt.learning_rate = float(lr)


def _scalar(v):
    """A log value as a Python number (Keras logs hold floats)."""
    try:
        return float(np.asarray(v))
    except (TypeError, ValueError):
        return v


class ReduceLROnPlateau(Callback):
    """Multiplies the optimizer's learning rate by `factor` (never below `min_lr`) once `monitor`
    has not improved by more than `min_delta` for `patience` epochs, then waits `cooldown` epochs
    before counting again (Keras 3's rules; 'auto' mode maximizes names with "acc", else minimizes).
    Adds the learning rate to the epoch's logs as `learning_rate`."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0, got factor={factor}")
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"ReduceLROnPlateau: mode {mode!r} is unknown, using 'auto'", stacklevel=2)
            mode = "auto"
        self.monitor, self.factor, self.patience, self.verbose = monitor, float(factor), patience, verbose
        self.min_delta, self.cooldown, self.min_lr = abs(min_delta), cooldown, float(min_lr)
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self._reset()

    def _reset(self) -> None:
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _improved(self, current) -> bool:
        if self.best is None:
            return True
        if self.mode == "max":
            return current - self.min_delta > self.best
        return current + self.min_delta < self.best

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        opt = self.model.optimizer
        logs["learning_rate"] = float(opt.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ReduceLROnPlateau: monitored metric {self.monitor!r} is not in the logs "
                          f"({', '.join(logs)})", stacklevel=2)
            return
        current = _scalar(current)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old = float(opt.learning_rate)
                if old > self.min_lr:
                    new = max(old * self.factor, self.min_lr)
                    opt.learning_rate = new
                    if self.verbose:
                        sys.stdout.write(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.\n")
                    self.cooldown_counter, self.wait = self.cooldown, 0


class CSVLogger(Callback):
    """One CSV row per epoch: `epoch` then the logs' keys sorted (with `val_` columns even without
    validation, written NA, as Keras 3 writes them); `append=True` adds to an existing file, writing
    the header only into an empty one."""

    def __init__(self, filename, separator=",", append=False):
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.csv_file = self.writer = self.keys = None

    def on_train_begin(self, logs=None):
        header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as f:
                header = not f.readline()
        self._header = header
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=dialect)
            if self._header:
                self.writer.writeheader()
        row = collections.OrderedDict(epoch=epoch)
        row.update((k, _csv_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


def _csv_value(v):
    if isinstance(v, str):
        return v
    a = np.asarray(v)
    if a.ndim:
        return f'"[{", ".join(map(str, a.ravel().tolist()))}]"'
    return a.item() if a.dtype.kind in "iub" else float(a)


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite: `model.stop_training = True` (fit runs no
    further batch; the epoch ends there, as in Keras), or with raise_error=True a RuntimeError at once."""

    def __init__(self, raise_error: bool = False):
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = _scalar(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                                   "Terminating training immediately.")
            sys.stdout.write(f"Batch {batch}: Invalid loss, terminating training\n")
            self.model.stop_training = True


def _layer_tree(model) -> list:
    out, stack, seen = [], [model], set()
    while stack:
        layer = stack.pop(0)
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        subs = getattr(layer, "layers", None) if layer is model else None
        stack.extend(subs if subs is not None else layer._sublayers())
    return out


class BackupAndRestore(Callback):
    """Resumes a fit that was interrupted (killed, preempted) where its last completed epoch left it.

    After each epoch it writes the whole training state to `backup_dir`: the model's weights and the
    optimizer's state (a tl.train.Checkpoint: step count, learning rate, slots), the state of
    tl.random's generator, the counts random ops have drawn from tl.random's and each seeded layer's
    tl.random.SeedGenerator (Dropout, GaussianNoise, ...) and the epoch, committed by one atomic write
    of `training_metadata.json`. A new fit with the callback restores all of it and sets
    `model._initial_epoch`, from which fit starts (Keras 3's contract), so the resumed run ends bit for
    bit where an uninterrupted one would have; as in Keras, its History holds the epochs it ran. A
    completed fit deletes the backup (delete_checkpoint=True). Only save_freq='epoch' is supported."""

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        if not backup_dir:
            raise ValueError("BackupAndRestore: empty `backup_dir` argument")
        if save_freq != "epoch":
            raise NotImplementedError(f"BackupAndRestore(save_freq={save_freq!r}): only 'epoch' is supported "
                                      "(a mid-epoch resume needs fit to skip batches)")
        self.backup_dir, self.save_freq = os.fspath(backup_dir), save_freq
        self.double_checkpoint, self.delete_checkpoint = double_checkpoint, delete_checkpoint
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")

    # -- state -------------------------------------------------------------------------------------
    def _checkpoint(self):
        from ..train import Checkpoint
        return Checkpoint(model=self.model, optimizer=self.model.optimizer)

    def _generators(self) -> list:
        from .. import random as tl_random
        return [tl_random.generator()]

    def _seed_generators(self) -> list:
        """The counts random ops read as they run: tl.random's, then each seeded layer's."""
        from .. import random as tl_random
        seeds = [layer._seeds for layer in _layer_tree(self.model) if getattr(layer, "_seeds", None) is not None]
        return [tl_random.seed_generator()] + seeds

    def _save(self, epoch: int) -> None:
        strategy = getattr(self.model, "_distribute_strategy", None)
        if not _is_chief(self.model):  # the chief writes; the others wait until it has committed
            strategy._barrier()
            return
        self._write(epoch)
        if strategy is not None:
            strategy._barrier()

    def _write(self, epoch: int) -> None:
        from ..files import atomic_write_bytes
        os.makedirs(self.backup_dir, exist_ok=True)
        name = f"epoch-{epoch}"
        self._checkpoint().write(os.path.join(self.backup_dir, name))
        meta = {"epoch": epoch, "checkpoint": name, "generators": [g.bit_generator.state for g in self._generators()],
                "counts": [int(g.state.numpy()) for g in self._seed_generators()]}
        previous = self._read_metadata()
        atomic_write_bytes(self._metadata_path, json.dumps(meta).encode())  # the commit point
        if previous and previous["checkpoint"] != name and not self.double_checkpoint:
            old = os.path.join(self.backup_dir, previous["checkpoint"] + ".tlckpt")
            if os.path.exists(old):
                os.remove(old)

    def _read_metadata(self):
        if not os.path.exists(self._metadata_path):
            return None
        with open(self._metadata_path) as f:
            return json.load(f)

    def _restore_generators(self, states, counts) -> None:
        gens = self._generators()
        if len(gens) != len(states):
            raise ValueError(f"BackupAndRestore: the backup in {self.backup_dir} holds {len(states)} random "
                             f"generator states, the model has {len(gens)} (a different model?)")
        for g, state in zip(gens, states):
            g.bit_generator.state = state
        seeds = self._seed_generators()
        if len(seeds) != len(counts):
            raise ValueError(f"BackupAndRestore: the backup in {self.backup_dir} holds {len(counts)} random op "
                             f"counts, the model has {len(seeds)} seed generators (a different model?)")
        for g, count in zip(seeds, counts):
            g.reset(count)

    # -- hooks -------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        meta = self._read_metadata()
        if meta is None:
            return
        if not self.model.built or not self.model.weights:
            raise ValueError("BackupAndRestore: build the model (call it on a batch) before fit, so its weights "
                             "exist to restore")
        self._checkpoint().restore(os.path.join(self.backup_dir, meta["checkpoint"])).assert_consumed()
        self._restore_generators(meta["generators"], meta["counts"])
        self.model._initial_epoch = int(meta["epoch"])  # fit starts there

    def on_epoch_end(self, epoch, logs=None):
        self._save(epoch + 1)

    def on_train_end(self, logs=None):
        strategy = getattr(self.model, "_distribute_strategy", None)
        if strategy is not None:  # nobody may still be reading the backup when the chief deletes it
            strategy._barrier()
        if self.delete_checkpoint and _is_chief(self.model) and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)
