"""`tl.profiler`: an op-level timer for traced functions. While a profile is active, the graph
executor times every node and the XLA executor every compiled call, and the profile sums the time
per op type:

    with tl.profiler.profile() as prof:
        model.fit(x, y, epochs=1)
    print(prof.table())

TensorFlow's `tl.profiler.experimental.start(logdir)` / `stop()` pair works too (stop returns the
profile; no trace files are written). Timing costs two clock reads per node, so it is off by default
and the executor's ordinary loop has no timer in it."""
from __future__ import annotations

import contextlib
import time
import types

_active = None  # the Profile being recorded, read once per graph run by the executors


class Profile:
    def __init__(self):
        self.ops: dict[str, list] = {}  # op type -> [calls, seconds]
        self.runs = 0                   # graph runs recorded
        self.seconds = 0.0              # wall time of those runs, executor overhead included

    def add(self, op: str, seconds: float, calls: int = 1) -> None:
        rec = self.ops.get(op)
        if rec is None:
            self.ops[op] = [calls, seconds]
        else:
            rec[0] += calls
            rec[1] += seconds

    def as_dict(self) -> dict:
        return {op: {"calls": c, "seconds": s} for op, (c, s) in self.ops.items()}

    def table(self, top: int | None = None) -> str:
        """Time per op type, most first: calls, total ms, us per call, share of the kernels' time."""
        total = sum(s for _, s in self.ops.values()) or 1e-12
        rows = sorted(self.ops.items(), key=lambda kv: -kv[1][1])[:top]
        lines = [f"{'op':<28} {'calls':>8} {'total ms':>10} {'us/call':>9} {'share':>7}"]
        for op, (calls, s) in rows:
            lines.append(f"{op:<28} {calls:>8} {s * 1e3:>10.2f} {s / calls * 1e6:>9.1f} {s / total:>6.1%}")
        overhead = self.seconds - total
        lines.append(f"kernels {total * 1e3:.2f} ms; {self.runs} graph runs {self.seconds * 1e3:.2f} ms "
                     f"(executor overhead {overhead * 1e3:.2f} ms)")
        return "\n".join(lines)


@contextlib.contextmanager
def profile():
    """Records op times until the block ends; yields the Profile."""
    global _active
    outer, prof = _active, Profile()
    _active = prof
    try:
        yield prof
    finally:
        _active = outer


def _start(logdir: str | None = None, options=None) -> None:
    global _active
    if _active is not None:
        raise RuntimeError("tl.profiler: a profile is already active; stop() it first")
    _active = Profile()


def _stop(save: bool = True) -> Profile:
    global _active
    if _active is None:
        raise RuntimeError("tl.profiler.experimental.stop(): no profile was started")
    prof, _active = _active, None
    return prof


experimental = types.SimpleNamespace(start=_start, stop=_stop)
clock = time.perf_counter
