"""Learning-rate schedules: callables step -> rate (Keras's formulas). Eagerly the step is a Python int
and the rate a float; in a traced train step the step is a float64 tensor (the optimizer's count) and each
formula runs as tl ops, so the rate follows the step without tracing again. One formula serves both: it
takes its floor, power, cosine, minimum and select from `_ops(step)`.

A schedule of your own traces when it says `traceable = True` (written with tl ops, or with `_ops`);
otherwise fit runs eagerly, as before."""
from __future__ import annotations

import math
from types import SimpleNamespace

_MATH = SimpleNamespace(floor=math.floor, pow=pow, cos=math.cos, minimum=min, where=lambda c, a, b: a if c else b)


def _ops(step):
    if isinstance(step, (int, float)):
        return _MATH
    import tensorlite as tl
    f64 = tl.float64
    return SimpleNamespace(floor=tl.floor, pow=lambda a, b: tl.pow(tl.constant(a, f64), b), cos=tl.cos,
                           minimum=lambda a, b: tl.minimum(a, tl.constant(b, f64)),
                           where=lambda c, a, b: tl.where(c, tl.constant(a, f64) if isinstance(a, (int, float)) else a,
                                                          tl.constant(b, f64) if isinstance(b, (int, float)) else b))


class LearningRateSchedule:
    traceable = False  # the built-in schedules below are

    def __call__(self, step):
        raise NotImplementedError(type(self).__name__)


class ExponentialDecay(LearningRateSchedule):
    traceable = True

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial, self.steps, self.rate, self.staircase = initial_learning_rate, decay_steps, decay_rate, staircase

    def __call__(self, step):
        ops = _ops(step)
        p = step / self.steps
        return self.initial * ops.pow(self.rate, ops.floor(p) if self.staircase else p)


class InverseTimeDecay(LearningRateSchedule):
    traceable = True

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial, self.steps, self.rate, self.staircase = initial_learning_rate, decay_steps, decay_rate, staircase

    def __call__(self, step):
        ops = _ops(step)
        p = step / self.steps
        return self.initial / (1 + self.rate * (ops.floor(p) if self.staircase else p))


class PiecewiseConstantDecay(LearningRateSchedule):
    traceable = True

    def __init__(self, boundaries, values):
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: len(values) must be len(boundaries) + 1")
        self.boundaries, self.values = list(boundaries), list(values)

    def __call__(self, step):
        ops = _ops(step)
        rate = self.values[-1]
        for b, v in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            rate = ops.where(step <= b, v, rate)
        return rate


class CosineDecay(LearningRateSchedule):
    traceable = True

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0):
        self.initial, self.steps, self.alpha = initial_learning_rate, decay_steps, alpha

    def __call__(self, step):
        ops = _ops(step)
        p = ops.minimum(step, self.steps) / self.steps
        return self.initial * ((1 - self.alpha) * 0.5 * (1 + ops.cos(math.pi * p)) + self.alpha)
