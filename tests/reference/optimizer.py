"""References for training/ops/optimizer.py: Adam's step in float64 from its published form
(Kingma & Ba, Algorithm 1, with the bias corrections folded into alpha as Keras does)."""
import numpy as np

from . import BadCase, Case, rng

r = rng(41)


def apply_adam(var, m, v, grad, alpha, beta_1, beta_2, epsilon):
    var, m, v, grad = (a.astype(np.float64) for a in (var, m, v, grad))
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    return var - float(alpha) * m / (np.sqrt(v) + epsilon), m, v


def _state(shape):
    return [r.standard_normal(shape).astype(np.float32), 0.1 * r.standard_normal(shape).astype(np.float32),
            r.uniform(0, 0.05, shape).astype(np.float32), r.standard_normal(shape).astype(np.float32)]


CASES = [Case("apply_adam", [*_state((3, 4)), np.float32(0.01)], apply_adam,
              attrs={"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}, rtol=1e-5, atol=1e-6),
         Case("apply_adam", [*_state((5,)), np.float32(0.3)], apply_adam, name="first-step-zeros",
              attrs={"beta_1": 0.5, "beta_2": 0.75, "epsilon": 1e-3}, rtol=1e-5, atol=1e-6)]
# the second case starts from zero slots, as the first step does
CASES[1].inputs[1][:] = 0
CASES[1].inputs[2][:] = 0
s = _state((3, 4))
BAD = [BadCase("apply_adam", [s[0], s[1][:2], s[2], s[3], np.float32(0.1)], ValueError, ("`m`", "[3, 4]"),
               attrs={"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
       BadCase("apply_adam", [*s, np.ones(2, np.float32)], ValueError, ("alpha", "scalar"),
               attrs={"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
       BadCase("apply_adam", [s[0], s[1], s[2], s[3].astype(np.float64), np.float32(0.1)], TypeError,
               ("same dtype",), attrs={"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7})]
