"""Trainer: compile / fit / evaluate / predict, mixed into Model.

The train step (`train_step(data) -> logs`) runs `_train_core` traced whole by default: forward,
loss, gradients, the optimizer step and the metrics' updates in one graph. Array inputs are batched
here (shuffled with the seeded tl.random generator); tl.data Datasets are consumed as they come
(already batched).

As Keras 3's: the loss is the compiled loss plus every layer loss (`model.losses`: `add_loss`
terms, activity penalties and the weight regularizers' penalties), in training and evaluation, and
the logged loss is that total; fit starts at `model._initial_epoch` when a callback set it in
`on_train_begin` (BackupAndRestore does), and stops between two batches once `stop_training` is set.
"""
from __future__ import annotations

import numpy as np

import tensorlite as tl

from .. import random as tl_random
from . import callbacks as callbacks_mod
from . import losses as losses_mod
from . import metrics as metrics_mod
from . import optimizers as optimizers_mod
from . import saving


def _to_numpy(x):
    if isinstance(x, (list, tuple)):
        return [_to_numpy(v) for v in x]
    if isinstance(x, dict):
        return {k: _to_numpy(v) for k, v in x.items()}
    return None if x is None else np.asarray(x)


def _num_samples(x) -> int:
    first = x[0] if isinstance(x, list) else next(iter(x.values())) if isinstance(x, dict) else x
    return len(first)


def _take(x, idx):
    if x is None:
        return None
    if isinstance(x, list):
        return [v[idx] for v in x]
    if isinstance(x, dict):
        return {k: v[idx] for k, v in x.items()}
    return x[idx]


def _unpack(data):
    if isinstance(data, (list, tuple)):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        return data[0], data[1], data[2]
    return data, None, None


class _ArrayBatches:
    """Re-iterable batches over arrays, reshuffled each epoch when asked."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle):
        self.x, self.y, self.sw = x, y, sample_weight
        self.n = _num_samples(x)
        self.batch_size, self.shuffle = batch_size, shuffle

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)

    def __iter__(self):
        order = tl_random.generator().permutation(self.n) if self.shuffle else np.arange(self.n)
        for start in range(0, self.n, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield _take(self.x, idx), _take(self.y, idx), _take(self.sw, idx)


def _batches(x, y, sample_weight, batch_size, shuffle):
    from ..data import Dataset
    if isinstance(x, Dataset):
        if y is not None:
            raise ValueError("fit/evaluate: pass labels inside the Dataset, not as `y`")
        return x
    return _ArrayBatches(_to_numpy(x), _to_numpy(y), _to_numpy(sample_weight), batch_size or 32, shuffle)


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled_metrics: list = []
        self.stop_training = False
        self.history = None
        self._initial_epoch = None  # set by a callback's on_train_begin: the epoch fit resumes at

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, run_eagerly=None):
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                              "run_eagerly": run_eagerly}
        self.optimizer = optimizers_mod.get(optimizer)
        self.loss = [losses_mod.get(item) for item in loss] if isinstance(loss, (list, tuple)) \
            else losses_mod.get(loss)
        self.loss_weights = loss_weights
        self.run_eagerly = run_eagerly
        self._train_function = tl.function(self._train_core, name="train_step")
        from .. import distribute
        # compiled inside strategy.scope(): fit runs the strategy's replicated step
        self._distribute_strategy = distribute.get_strategy() if distribute.has_strategy() else None
        self._grad_function = tl.function(self._grad_core, name="replica_gradients")
        self._apply_function = tl.function(self._apply_core, name="apply_gradients")
        first_loss = self.loss[0] if isinstance(self.loss, list) else self.loss
        self.compiled_metrics = [metrics_mod.get(m, first_loss) for m in (metrics or [])]
        self._loss_tracker = metrics_mod.Mean("loss")

    def _require_compiled(self, what: str) -> None:
        if self.optimizer is None:
            raise RuntimeError(f"{what}: call model.compile(optimizer, loss) first")

    def compute_loss(self, y, y_pred, sample_weight=None):
        """The compiled loss plus each layer loss of the last call (`self.losses`), as Keras 3 sums them."""
        preds = y_pred if isinstance(y_pred, (list, tuple)) else [y_pred]
        ys = y if isinstance(y, (list, tuple)) and len(preds) > 1 else [y]
        losses = self.loss if isinstance(self.loss, list) else [self.loss] * len(preds)
        weights = self.loss_weights or [1.0] * len(preds)
        total = None
        for fn, yt, yp, w in zip(losses, ys, preds, weights):
            term = fn(yt, yp, sample_weight) * float(w)
            total = term if total is None else total + term
        for extra in self.losses:
            extra = tl.reduce_sum(tl.cast(extra, total.dtype) if extra.dtype != total.dtype else extra)
            total = total + extra
        return total

    def _logs(self) -> dict:
        logs = {"loss": float(self._loss_tracker.result())}
        logs.update({m.name: float(m.result()) for m in self.compiled_metrics})
        return logs

    def _update_metrics(self, y, y_pred, sample_weight, loss) -> None:
        first_y = y[0] if isinstance(y, (list, tuple)) else y
        n = len(first_y) if isinstance(first_y, tl.Tensor) else _num_samples(_to_numpy(
            y if not isinstance(y, tuple) else list(y)))
        self._loss_tracker.update_state(loss, sample_weight=float(n))  # the batch's mean loss, n samples' worth
        first = y_pred[0] if isinstance(y_pred, (list, tuple)) else y_pred
        yt = y[0] if isinstance(y, (list, tuple)) and isinstance(y_pred, (list, tuple)) else y
        for m in self.compiled_metrics:
            m.update_state(yt, first, sample_weight)

    def _train_core(self, x, y, sw):
        """Forward, loss (layer losses included), gradients, the optimizer step and the metrics'
        updates: what graph mode traces."""
        with tl.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y, y_pred, sw)
        variables = self.trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self._update_metrics(y, y_pred, sw, loss)
        # the logs' values, computed inside the step: one call returns them, no eager ops after it
        return [self._loss_tracker.result()] + [m.result() for m in self.compiled_metrics]

    def _grad_core(self, x, y, sw, share):
        """One replica's part of a distributed step: the gradients of its loss times its share of the
        global batch (zeros for variables the loss does not reach), that scaled loss, its predictions."""
        with tl.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y, y_pred, sw) * tl.cast(share, tl.float32)
        variables = self.trainable_variables
        grads = tape.gradient(loss, variables)
        grads = [tl.zeros_like(v) if g is None else g for g, v in zip(grads, variables)]
        return grads, loss, y_pred

    def _apply_core(self, grads):
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return tl.constant(0)  # a traced function returns a tensor; the update is its assignments

    def _distributed_train_step(self, data) -> dict:
        """Replica gradients summed over replicas and workers (the strategy's all-reduce), one update."""
        from .. import distribute
        strategy = self._distribute_strategy
        x, y, sw = (_to_numpy(v) if not isinstance(v, tuple) else _to_numpy(list(v)) for v in _unpack(data))
        eager = self._runs_eagerly()
        grad_fn = self._grad_core if eager else self._grad_function
        saved, self._grad_function = self._grad_function, grad_fn
        try:
            grads, loss, preds = strategy._replica_gradients(self, x, y, sw)
        finally:
            self._grad_function = saved
        (self._apply_core if eager else self._apply_function)([tl.constant(g) for g in grads])
        w0, w1 = strategy._worker_rows(distribute._num_rows(x))
        y_pred = tl.concat([p if isinstance(p, tl.Tensor) else tl.constant(p) for _, _, p in preds], axis=0)
        n = distribute._num_rows(x)
        self._loss_tracker.update_state(tl.constant(np.float32(loss)), sample_weight=float(n))
        y_local = distribute._rows(y, w0, w1)
        for m in self.compiled_metrics:
            m.update_state(y_local, y_pred, distribute._rows(sw, w0, w1))
        return self._logs()

    def _runs_eagerly(self) -> bool:
        """compile(run_eagerly=True) opts out of graph mode; so does a learning-rate schedule of the user's
        that is not marked traceable (the built-in ones are). Dropout, seeded or not, traces: its draws
        read a seed generator's count at run time."""
        if self.run_eagerly:
            return True
        from .optimizers.schedules import LearningRateSchedule
        lr = self.optimizer._lr
        return isinstance(lr, LearningRateSchedule) and not lr.traceable

    def train_step(self, data) -> dict:
        if getattr(self, "_distribute_strategy", None) is not None:
            return self._distributed_train_step(data)
        x, y, sw = _unpack(data)
        run = self._train_core if self._runs_eagerly() else self._train_function
        values = run(x, y, sw)
        names = ["loss"] + [m.name for m in self.compiled_metrics]
        return {name: float(v.numpy()) for name, v in zip(names, values)}

    def test_step(self, data) -> dict:
        x, y, sw = _unpack(data)
        y_pred = self(x, training=False)
        self._update_metrics(y, y_pred, sw, self.compute_loss(y, y_pred, sw))
        return self._logs()

    def predict_step(self, data):
        x, _, _ = _unpack(data)
        return self(x, training=False)

    def _reset_metrics(self) -> None:
        self._loss_tracker.reset_state()
        for m in self.compiled_metrics:
            m.reset_state()

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            steps_per_epoch=None, sample_weight=None, validation_steps=None):
        self._require_compiled("fit")
        if validation_split and validation_data is None:
            x, y, sample_weight = _to_numpy(x), _to_numpy(y), _to_numpy(sample_weight)
            n = _num_samples(x)
            cut = n - int(n * validation_split)
            validation_data = (_take(x, slice(cut, None)), _take(y, slice(cut, None)))
            x, y, sample_weight = _take(x, slice(0, cut)), _take(y, slice(0, cut)), _take(sample_weight, slice(0, cut))
        train = _batches(x, y, sample_weight, batch_size, shuffle)
        verbose = 1 if verbose == "auto" else int(verbose)
        steps = steps_per_epoch or (len(train) if hasattr(train, "__len__") else None)
        history = callbacks_mod.History()
        cbs = [history] + list(callbacks or [])
        if verbose:
            cbs.append(callbacks_mod.ProgbarLogger(verbose, epochs, steps))
        self.stop_training = False
        self._initial_epoch = None
        for cb in cbs:
            cb.set_model(self)
            cb.on_train_begin()
        initial_epoch = self._initial_epoch or initial_epoch  # a callback may resume a run (Keras 3's contract)
        strategy = getattr(self, "_distribute_strategy", None)
        if strategy is not None and self.weights:  # every worker starts from worker 0's weights
            opt = self.optimizer
            variables = list(self.weights) + list(opt._slots.values()) + \
                ([opt._iterations] if opt._iterations is not None else [])
            for var, value in zip(variables, strategy._broadcast([v.numpy() for v in variables])):
                var.assign(value)
        for epoch in range(initial_epoch, epochs):
            for cb in cbs:
                cb.on_epoch_begin(epoch)
            self._reset_metrics()
            logs = {}
            for step, data in enumerate(train):
                if steps_per_epoch and step >= steps_per_epoch:
                    break
                logs = self.train_step(data)
                for cb in cbs:
                    cb.on_train_batch_end(step, logs)
                if self.stop_training:  # set by a callback: no further batch (TerminateOnNaN)
                    break
            logs = dict(logs)
            if validation_data is not None:
                val = self.evaluate(*_unpack(validation_data)[:2], batch_size=batch_size, verbose=0,
                                    return_dict=True, steps=validation_steps)
                logs.update({f"val_{k}": v for k, v in val.items()})
            for cb in cbs:
                cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for cb in cbs:
            cb.on_train_end()
        self.history = history
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, return_dict=False,
                 steps=None):
        self._require_compiled("evaluate")
        self._reset_metrics()
        logs = {}
        for step, data in enumerate(_batches(x, y, sample_weight, batch_size, shuffle=False)):
            if steps and step >= steps:  # a repeated dataset ends after `steps` batches, as in Keras
                break
            logs = self.test_step(data)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto"):
        outs = []
        for data in _batches(x, None, None, batch_size, shuffle=False):
            out = self.predict_step(data)
            outs.append([o.numpy() for o in out] if isinstance(out, (list, tuple)) else out.numpy())
        if outs and isinstance(outs[0], list):
            return [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]
        return np.concatenate(outs)

    def train_on_batch(self, x, y=None, sample_weight=None) -> dict:
        self._require_compiled("train_on_batch")
        self._reset_metrics()
        return self.train_step((x, y, sample_weight))

    def test_on_batch(self, x, y=None, sample_weight=None) -> dict:
        self._require_compiled("test_on_batch")
        self._reset_metrics()
        return self.test_step((x, y, sample_weight))

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """`x.weights.h5`: Keras 3's HDF5 layout (optimizer state included); other names: tensorlite's
        own weights format."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    # -- compile settings as Keras 3 saves them ---------------------------------------------------------
    def get_compile_config(self) -> dict | None:
        """Keras 3's compile_config (optimizer, loss, metrics, loss_weights) when compiled, else None;
        None too (with a warning) when a setting has no serialized form."""
        if self.optimizer is None:
            return None
        import warnings

        from .saving import serialization as ser
        args = self._compile_args
        try:
            def named(value):
                return value if isinstance(value, str) or value is None else ser.serialize_compile_object(value)
            loss = args["loss"]
            loss = [named(x) for x in loss] if isinstance(loss, (list, tuple)) else named(loss)
            return {"optimizer": ser.serialize_compile_object(self.optimizer), "loss": loss,
                    "loss_weights": args["loss_weights"], "metrics": [named(m) for m in args["metrics"]]
                    if args["metrics"] else None, "weighted_metrics": None, "run_eagerly": bool(args["run_eagerly"]),
                    "steps_per_execution": 1, "jit_compile": False}
        except (ValueError, NotImplementedError) as e:
            warnings.warn(f"{getattr(self, 'name', 'model')}: saved without its compile() settings ({e})", stacklevel=3)
            return None

    def compile_from_config(self, config: dict) -> None:
        """compile() from Keras 3's compile_config; settings tensorlite lacks raise, naming them."""
        from .saving import serialization as ser
        config = dict(config)
        for key, off in (("weighted_metrics", None), ("steps_per_execution", 1)):
            value = config.pop(key, off)
            if value not in (off, None):
                raise ValueError(f"compile: {key}={value!r} is not supported by tensorlite")
        config.pop("jit_compile", None)  # how Keras compiles; the numbers are the same
        with ser.custom_object_scope():
            optimizer = ser.deserialize_compile_object(config.pop("optimizer", "rmsprop"), "optimizer")
            loss = config.pop("loss", None)
            loss = [ser.deserialize_compile_object(x, "loss") for x in loss] if isinstance(loss, list) else \
                ser.deserialize_compile_object(loss, "loss")
            metrics = [ser.deserialize_compile_object(m, "metric") for m in (config.pop("metrics", None) or [])]
            loss_weights = config.pop("loss_weights", None)
            run_eagerly = config.pop("run_eagerly", None)
        if config:
            raise ValueError(f"compile: the Keras settings {sorted(config)} are not supported by tensorlite")
        self.compile(optimizer=optimizer, loss=loss, metrics=metrics or None, loss_weights=loss_weights,
                     run_eagerly=run_eagerly)
