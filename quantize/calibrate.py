"""Calibration: run the float model on representative inputs and record, for every float activation
tensor of subgraph 0, what its values were, then turn that into a range [lo, hi] per tensor.

The model runs in tensorlite's C runtime with every intermediate tensor preserved. Four ways to pick
the range (`method`):

- "minmax": the smallest and largest value seen (TensorFlow's converter does this);
- "moving_average": per sample min and max, averaged exponentially (weight 0.01 for each new sample),
  which forgets rare early outliers;
- "percentile": the range holding `percentile` % of the values (99.99 by default), the rest clipped;
- "mse": the clipping range whose quantization grid gives the smallest mean squared error over the
  values seen (searched over 100 shrinkings of the min/max range, on the histogram).

The last two keep a 2048-bin histogram per tensor over [-R, R]; when a value falls outside, R doubles
and pairs of bins merge, so nothing is re-read.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tensorlite.converter.model import Model
from tensorlite.converter.writer import write

from . import lstm
from .params import activation_params, quantize_values

METHODS = ("minmax", "moving_average", "percentile", "mse")
_BINS = 2048
_EMA = 0.01


class TensorStats:
    """What one tensor's values were over the calibration samples."""

    def __init__(self, histogram: bool):
        self.lo = np.inf
        self.hi = -np.inf
        self.avg_lo: float | None = None
        self.avg_hi: float | None = None
        self.hist = np.zeros(_BINS, np.int64) if histogram else None
        self.radius = 0.0

    def add(self, x: np.ndarray) -> None:
        lo, hi = float(x.min()), float(x.max())
        self.lo, self.hi = min(self.lo, lo), max(self.hi, hi)
        if self.avg_lo is None:
            self.avg_lo, self.avg_hi = lo, hi
        else:
            self.avg_lo += _EMA * (lo - self.avg_lo)
            self.avg_hi += _EMA * (hi - self.avg_hi)
        if self.hist is not None:
            self._histogram(x, max(abs(lo), abs(hi)))

    def _histogram(self, x: np.ndarray, bound: float) -> None:
        if self.radius == 0.0:
            self.radius = bound if bound > 0 else 1e-8
        while bound > self.radius:            # double the range: old bin i lands in 512 + i // 2
            merged = self.hist.reshape(_BINS // 2, 2).sum(axis=1)
            self.hist = np.zeros(_BINS, np.int64)
            self.hist[_BINS // 4:_BINS // 4 + _BINS // 2] = merged
            self.radius *= 2.0
        width = 2.0 * self.radius / _BINS
        idx = np.clip(((x.ravel().astype(np.float64) + self.radius) / width).astype(np.int64), 0, _BINS - 1)
        self.hist += np.bincount(idx, minlength=_BINS)

    def centers(self) -> np.ndarray:
        width = 2.0 * self.radius / _BINS
        return -self.radius + width * (np.arange(_BINS) + 0.5)

    def range(self, method: str, dtype: str, percentile: float = 99.99) -> tuple[float, float]:
        if method == "minmax":
            return self.lo, self.hi
        if method == "moving_average":
            return self.avg_lo, self.avg_hi
        if method == "percentile":
            cdf = np.cumsum(self.hist) / max(1, self.hist.sum())
            tail = (100.0 - percentile) / 200.0
            centers = self.centers()
            lo = centers[min(np.searchsorted(cdf, tail), _BINS - 1)]
            hi = centers[min(np.searchsorted(cdf, 1.0 - tail), _BINS - 1)]
            return max(self.lo, lo), min(self.hi, hi)
        if method == "mse":
            return self._mse_range(dtype)
        raise ValueError(f"calibration method {method!r}: expected one of {', '.join(METHODS)}")

    def _mse_range(self, dtype: str) -> tuple[float, float]:
        centers, counts = self.centers(), self.hist.astype(np.float64)
        used = counts > 0
        centers, counts = centers[used], counts[used]
        best, best_err = (self.lo, self.hi), np.inf
        for f in np.linspace(1.0, 0.2, 100):
            lo, hi = self.lo * f, self.hi * f
            scale, zp = activation_params(lo, hi, dtype)
            q = quantize_values(centers, scale, zp, dtype).astype(np.float64)
            err = float(np.sum(counts * (centers - scale * (q - zp)) ** 2))
            if err < best_err:
                best, best_err = (lo, hi), err
        return best


def calibrate(model: Model, samples: list[list[np.ndarray]], method: str = "minmax",
              progress: Callable[[int, int], None] | None = None) -> dict[int, TensorStats]:
    """Runs subgraph 0 of the float `model` on each sample (a list of arrays, one per input, already
    checked by `dataset.check_samples`); {tensor index: TensorStats} for its float activations."""
    from tensorlite.runtime import Interpreter

    if method not in METHODS:
        raise ValueError(f"calibration method {method!r}: expected one of {', '.join(METHODS)}")
    sg = model.subgraphs[0]
    tracked = [i for i, t in enumerate(sg.tensors) if t.dtype == "float32" and t.data is None and not t.is_variable]
    stats = {i: TensorStats(histogram=method in ("percentile", "mse")) for i in tracked}
    # an LSTM's cell state over every step is replayed in NumPy from its recorded input (lstm.py)
    lstms = [op for op in sg.operators if op.opcode == lstm.LSTM and lstm.unsupported(op, sg) is None]
    for op in lstms:
        stats[op.inputs[lstm.CELL_STATE]] = TensorStats(histogram=False)
    it = Interpreter(model_content=write(model), experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    for n, sample in enumerate(samples):
        it.reset_all_variables()     # each sample is an independent input: states start at zero
        for index, x in zip(sg.inputs, sample):
            it.set_tensor(index, x)
        it.invoke()
        for i in tracked:
            stats[i].add(it.get_tensor(i))
        for op in lstms:
            stats[op.inputs[lstm.CELL_STATE]].add(lstm.cell_states(op, sg, it.get_tensor(op.inputs[0])))
        if progress is not None:
            progress(n + 1, len(samples))
    return stats


def ranges(stats: dict[int, TensorStats], method: str, dtype: str, percentile: float = 99.99
           ) -> dict[int, tuple[float, float]]:
    return {i: s.range(method, dtype, percentile) for i, s in stats.items()}
