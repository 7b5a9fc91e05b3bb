"""Runs a Graph on a precomputed schedule: nodes in order, each value's buffer dropped right after
its last use (so memory follows lifetimes), and the peak of live intermediate bytes reported.
Kernels are the op table's CPU kernels, called directly: no Tensor wrapping, inference or tape."""
from __future__ import annotations

import numpy as np

from ..ops.registry import OPS
from .ir import Graph


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
        self.kernels = []
        for i, n in enumerate(graph.nodes):
            op = OPS[n.op]
            if "cpu" not in op.kernels:
                raise NotImplementedError(f"graph {graph.name!r} node {i} ({n.op}): no cpu kernel to execute it")
            self.kernels.append((op.kernels["cpu"], {**op.attrs, **n.attrs}))
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
        for n, (kernel, attrs), drop in zip(g.nodes, self.kernels, self.free_after):
            result = kernel(np, *[env[v.id] for v in n.inputs], **attrs)
            results = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            for v, r in zip(n.outputs, results):
                r = np.asarray(r)
                if r.dtype.name != v.dtype and not (v.dtype == "bool" and r.dtype == np.bool_):
                    r = r.astype(v.dtype)
                env[v.id] = r
                live += r.nbytes
            peak = max(peak, live)
            for vid in drop:
                live -= env.pop(vid).nbytes
        self.peak_bytes = max(self.peak_bytes, peak)
        return [env[v.id] for v in g.outputs], [env[v.id] for _, v in g.assigns]

    def total_bytes(self) -> int:
        """Bytes of every node output: what running without freeing would hold at the end (a symbolic
        dimension counted as 1)."""
        return sum(int(np.prod([1 if d is None else d for d in v.shape], dtype=np.int64))
                   * np.dtype(v.dtype if v.dtype != "bool" else np.bool_).itemsize
                   for n in self.graph.nodes for v in n.outputs)
