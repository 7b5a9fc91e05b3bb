"""References for training/ops/batch_norm.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(32)
x = r.standard_normal((4, 3)).astype(np.float32)
mean, offset = r.standard_normal(3).astype(np.float32), r.standard_normal(3).astype(np.float32)
var, scale = r.uniform(0.5, 2, 3).astype(np.float32), r.uniform(0.5, 2, 3).astype(np.float32)


def batch_norm(x, m, v, o, s, variance_epsilon):
    return (x - m) / np.sqrt(v.astype(np.float64) + variance_epsilon) * s + o


# NHWC activations with per-channel statistics, as the converter sees it after a conv
x4 = r.standard_normal((2, 2, 2, 3)).astype(np.float32)
stats4 = [mean.reshape(1, 1, 1, 3), var.reshape(1, 1, 1, 3), offset, scale]
CASES = [Case("batch_norm", [x, mean, var, offset, scale], batch_norm, attrs={"variance_epsilon": 1e-3}),
         Case("batch_norm", [x4, *stats4], batch_norm, attrs={"variance_epsilon": 1e-2}, name="nhwc")]
BAD = [BadCase("batch_norm", [x, mean[:2], var, offset, scale], ValueError, ("[4, 3]", "[1, 2]"),
               attrs={"variance_epsilon": 1e-3}),
       BadCase("batch_norm", [x, mean.astype(np.float64), var, offset, scale], TypeError, ("float32", "float64"),
               attrs={"variance_epsilon": 1e-3})]


def batch_norm_train(x, scale, offset, epsilon):
    x = x.astype(np.float64)
    axes = tuple(range(x.ndim - 1))
    m, v = x.mean(axis=axes), x.var(axis=axes)
    return (x - m) / np.sqrt(v + epsilon) * scale + offset, m, v


def batch_norm_train_grad(dy, x, scale, dmean, dvar, epsilon):
    """The vector-Jacobian product of batch_norm_train by central differences in float64 (independent of
    the kernel's closed form): d/dz of sum(dy * y) + sum(dmean * mean) + sum(dvar * variance)."""
    def f(x_, s_, o_):
        y, m, v = batch_norm_train(x_, s_, o_, epsilon)
        return float((dy * y).sum() + (dmean * m).sum() + (dvar * v).sum())
    args = [x.astype(np.float64), scale.astype(np.float64), np.zeros_like(scale, np.float64)]
    grads = []
    for i in range(3):
        g = np.zeros_like(args[i])
        for j in np.ndindex(g.shape):
            plus, minus = [a.copy() for a in args], [a.copy() for a in args]
            plus[i][j] += 1e-6
            minus[i][j] -= 1e-6
            g[j] = (f(*plus) - f(*minus)) / 2e-6
        grads.append(g)
    return tuple(grads)


xt = r.standard_normal((2, 2, 3, 3)).astype(np.float32) * 2 + 1
st, ot = r.uniform(0.5, 2, 3).astype(np.float32), r.standard_normal(3).astype(np.float32)
dyt = r.standard_normal(xt.shape).astype(np.float32)
dmt, dvt = r.standard_normal(3).astype(np.float32), r.standard_normal(3).astype(np.float32)
CASES += [Case("batch_norm_train", [xt, st, ot], batch_norm_train, attrs={"epsilon": 1e-3}, rtol=1e-4, atol=1e-5),
          Case("batch_norm_train", [xt[0, 0], st, ot], batch_norm_train, attrs={"epsilon": 1e-2}, name="rows",
               rtol=1e-4, atol=1e-5),
          Case("batch_norm_train_grad", [dyt, xt, st, dmt, dvt], batch_norm_train_grad, attrs={"epsilon": 1e-3},
               rtol=1e-3, atol=1e-4)]
BAD += [BadCase("batch_norm_train", [xt, st[:2], ot], ValueError, ("scale", "[3]"), attrs={"epsilon": 1e-3})]
