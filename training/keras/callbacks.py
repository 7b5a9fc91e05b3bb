"""Callbacks: hooks fit() calls at epoch/batch boundaries (History, EarlyStopping,
ModelCheckpoint, LearningRateScheduler, and the progress bar)."""
from __future__ import annotations

import sys
import time

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
