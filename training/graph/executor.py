"""Runs a Graph on a precomputed schedule: nodes in order, each value's buffer dropped right after
its last use (so memory follows lifetimes), and the peak of live intermediate bytes reported.
Kernels are the op table's CPU kernels, called directly: no Tensor wrapping, inference or tape.

Everything a node needs at run time (kernel, attributes, input ids, output ids with their dtypes,
the values to drop after it) is planned once here, so the loop does a dict lookup per input and a
dtype identity check per output. While `tl.profiler` records, a second loop times every node."""
from __future__ import annotations

import numpy as np

from .. import profiler
from ..ops import conv
from ..ops.registry import OPS
from .ir import Graph


def _np_dtype(name: str) -> np.dtype:
    return np.dtype(np.bool_ if name == "bool" else name)


class Executor:
    def __init__(self, graph: Graph):
        self.graph = graph
        keep = {v.id for v in graph.outputs} | {v.id for _, v in graph.assigns}
        last: dict[int, int] = {}
        for i, n in enumerate(graph.nodes):
            for v in n.inputs:
                last[v.id] = i
        # values to drop after node i: used last there, not kept, not a constant
        self.free_after: list[list[int]] = [[] for _ in graph.nodes]
        for vid, i in last.items():
            if vid not in keep and vid not in graph.constants:
                self.free_after[i].append(vid)
        for i, n in enumerate(graph.nodes):  # outputs nobody reads are dropped at once
            self.free_after[i] += [v.id for v in n.outputs if v.id not in last and v.id not in keep]
        self.steps = []
        for i, n in enumerate(graph.nodes):
            op = OPS[n.op]
            if "cpu" not in op.kernels:
                raise NotImplementedError(f"graph {graph.name!r} node {i} ({n.op}): no cpu kernel to execute it")
            outs = tuple((v.id, _np_dtype(v.dtype)) for v in n.outputs)
            self.steps.append((op.kernels["cpu"], {**op.attrs, **n.attrs}, tuple(v.id for v in n.inputs), outs,
                               tuple(self.free_after[i]), n.op))
        self.peak_bytes = 0

    def run(self, inputs: list[np.ndarray], captures: dict[int, np.ndarray]) -> tuple[list, list]:
        """Returns (output arrays, assigned arrays in graph.assigns order)."""
        g = self.graph
        env: dict[int, np.ndarray] = dict(g.constants)
        env.update(captures)
        for v, a in zip(g.inputs, inputs):
            env[v.id] = a
        live = sum(a.nbytes for k, a in env.items() if k not in g.constants)
        peak = live
        prof = profiler._active
        clock = profiler.clock
        start = clock() if prof is not None else 0.0
        ndarray = np.ndarray
        outer_memo, conv._memo = conv._memo, conv._Memo()
        try:
            self._loop(env, prof, clock, live, peak, ndarray, start)
        finally:
            conv._memo = outer_memo
        return [env[v.id] for v in g.outputs], [env[v.id] for _, v in g.assigns]

    def _loop(self, env, prof, clock, live, peak, ndarray, start):
        memo = conv._memo
        for kernel, attrs, in_ids, outs, drop, op in self.steps:
            if prof is None:
                result = kernel(np, *[env[i] for i in in_ids], **attrs)
            else:
                t0 = clock()
                result = kernel(np, *[env[i] for i in in_ids], **attrs)
                prof.add(op, clock() - t0)
            if len(outs) != 1:
                results = tuple(result)
            elif isinstance(result, (tuple, list)):  # a one-element split
                results = (result[0],)
            else:
                results = (result,)
            for (vid, dtype), r in zip(outs, results):
                if type(r) is not ndarray:
                    r = np.asarray(r)
                if r.dtype != dtype:
                    r = r.astype(dtype)
                env[vid] = r
                live += r.nbytes
            if live > peak:
                peak = live
            for vid in drop:
                a = env.pop(vid)
                live -= a.nbytes
                if memo:
                    memo.drop(a)
        if prof is not None:
            prof.runs += 1
            prof.seconds += clock() - start
        self.peak_bytes = max(self.peak_bytes, peak)

    def total_bytes(self) -> int:
        """Bytes of every node output: what running without freeing would hold at the end (a symbolic
        dimension counted as 1)."""
        return sum(int(np.prod([1 if d is None else d for d in v.shape], dtype=np.int64))
                   * np.dtype(v.dtype if v.dtype != "bool" else np.bool_).itemsize
                   for n in self.graph.nodes for v in n.outputs)
