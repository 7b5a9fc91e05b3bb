"""Optimizers with Keras 3's update equations. Slot variables are keyed by the variable's
identity; `iterations` counts applied steps (a variable, so a traced train step advances it at
each call). `learning_rate` is a float or a schedule; a traced step reads the float from a float64
variable (so setting it between steps, as LearningRateScheduler and ReduceLROnPlateau do, takes effect
without tracing again) and evaluates a schedule on the step count in tl ops.

Weight constraints kept on variables (`variable.constraint`, see tl.keras.constraints) act here:
after the step each constrained variable is assigned `constraint(variable)`, as Keras 3's
optimizers do. Weight regularizers act through the loss (`Layer.losses`, which fit adds), not here."""
from __future__ import annotations

import math

import numpy as np
from tensorlite.training.dispatch import apply
from tensorlite.training.ops.optimizer import apply_adam_op

import tensorlite as tl

from . import schedules as schedules
from .schedules import LearningRateSchedule


class Optimizer:
    def __init__(self, learning_rate=0.001, name=None):
        self._lr = learning_rate  # a float or a schedule: what `learning_rate` gets and sets
        self._lr_variable = None  # float64 tl.Variable a traced step reads: made at the first traced step
        self._iterations = None  # int64 tl.Variable, made at the first step
        self._step = 0           # the step being applied: a Python int eagerly, a float64 tensor traced
        self.name = name or type(self).__name__
        self._slots: dict = {}

    @property
    def iterations(self) -> int:
        return 0 if self._iterations is None else int(self._iterations.numpy())

    @property
    def learning_rate(self) -> float:
        lr = self._lr
        return float(lr(self.iterations)) if isinstance(lr, LearningRateSchedule) else float(lr)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        """A callback (LearningRateScheduler, ReduceLROnPlateau) or the user may set it between steps: a
        traced step reads it from a variable, so the new rate applies without tracing again."""
        self._lr = value
        if self._lr_variable is not None and not isinstance(value, LearningRateSchedule):
            self._lr_variable.assign(np.float64(value))

    def slot(self, var, name: str):
        key = (var._id, name)
        if key not in self._slots:
            self._slots[key] = tl.Variable(tl.zeros(var.shape, var.dtype), trainable=False,
                                           name=f"{var.name}/{name}")
        return self._slots[key]

    def apply_gradients(self, grads_and_vars) -> None:
        from tensorlite.training.graph.trace import active
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if self._iterations is None:
            self._iterations = tl.Variable(np.int64(0), trainable=False, name=f"{self.name}/iterations")
        if active() is None:
            lr = self.learning_rate
            self._iterations.assign_add(np.int64(1))
            self._step = self.iterations
        else:  # inside tl.function: the step count and the rate are graph values, read at each call
            lr = self._traced_learning_rate()
            self._iterations.assign_add(np.int64(1))
            self._step = tl.cast(self._iterations.read_value(), tl.float64)
        for g, v in pairs:
            self.update(v, tl.convert_to_tensor(g), lr)
        for _, v in pairs:
            constraint = getattr(v, "constraint", None)
            if constraint is not None:
                v.assign(constraint(v.read_value()))

    def _traced_learning_rate(self):
        """The rate as a float64 graph value: the schedule of the step count before this step (as eagerly),
        or the variable holding the float rate (never a constant of the trace)."""
        if isinstance(self._lr, LearningRateSchedule):
            if not self._lr.traceable:
                raise NotImplementedError(f"{self.name}: learning-rate schedule {type(self._lr).__name__} is not "
                                          "marked traceable (set traceable = True when it is written with tl ops); "
                                          "fit runs it eagerly, tl.function cannot")
            return tl.convert_to_tensor(self._lr(tl.cast(self._iterations.read_value(), tl.float64)), tl.float64)
        if self._lr_variable is None:
            self._lr_variable = tl.Variable(np.float64(self._lr), trainable=False, name=f"{self.name}/learning_rate")
        return self._lr_variable.read_value()

    def minimize(self, loss, var_list, tape=None):
        if tape is None:
            with tl.GradientTape() as tape:
                value = loss()
        else:
            value = loss
        grads = tape.gradient(value, list(var_list))
        self.apply_gradients(zip(grads, var_list))

    def update(self, var, grad, lr) -> None:
        """One variable's step; lr is a Python float eagerly, a float64 graph value in a traced step."""
        raise NotImplementedError(type(self).__name__)


def _rate(value, var):
    """A rate in var's dtype: a Python number as it is (the product rounds it to var's dtype), a traced
    float64 value cast to it (the same rounding), so both paths compute alike."""
    return value if isinstance(value, (int, float)) else tl.cast(value, var.dtype)


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None):
        super().__init__(learning_rate, name)
        self.momentum, self.nesterov = momentum, nesterov

    def update(self, var, grad, lr):
        lr = _rate(lr, var)
        if not self.momentum:
            var.assign_sub(grad * lr)
            return
        m = self.slot(var, "momentum")
        m.assign(m.read_value() * self.momentum - grad * lr)
        if self.nesterov:
            var.assign_add(m.read_value() * self.momentum - grad * lr)
        else:
            var.assign_add(m.read_value())


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None):
        super().__init__(learning_rate, name)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def update(self, var, grad, lr):
        t = self._step
        if isinstance(t, int):
            alpha = lr * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        else:  # a traced step: the same formula in float64 tensor ops of the step count
            decay1, decay2 = tl.exp(t * math.log(self.beta_1)), tl.exp(t * math.log(self.beta_2))
            alpha = tl.cast(lr * tl.sqrt(1.0 - decay2) / (1.0 - decay1), var.dtype)
        m, v = self.slot(var, "m"), self.slot(var, "v")
        alpha = tl.convert_to_tensor(alpha, dtype=var.dtype)
        new_var, new_m, new_v = apply(apply_adam_op, var.read_value(), m.read_value(), v.read_value(), grad, alpha,
                                      beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        m.assign(new_m)
        v.assign(new_v)
        var.assign(new_var)


class AdamW(Adam):
    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name=None):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name)
        self.weight_decay = weight_decay

    def update(self, var, grad, lr):
        var.assign_sub(var.read_value() * _rate(self.weight_decay * lr, var))  # decoupled decay, before the step
        super().update(var, grad, lr)


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name=None):
        super().__init__(learning_rate, name)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def update(self, var, grad, lr):
        vel = self.slot(var, "velocity")
        vel.assign(vel.read_value() * self.rho + tl.square(grad) * (1 - self.rho))
        denom = vel.read_value()
        if self.centered:
            avg = self.slot(var, "average_gradient")
            avg.assign(avg.read_value() * self.rho + grad * (1 - self.rho))
            denom = denom - tl.square(avg.read_value())
        increment = grad * _rate(lr, var) / tl.sqrt(denom + self.epsilon)
        if self.momentum > 0:
            mom = self.slot(var, "momentum")
            mom.assign(mom.read_value() * self.momentum + increment)
            var.assign_sub(mom.read_value())
        else:
            var.assign_sub(increment)


_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop}


def get(identifier) -> Optimizer:
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r}; known: {', '.join(_BY_NAME)}")
