"""Runs a Graph on the XLA device: the whole graph becomes one Python function of jax arrays (each
node its op's "xla" kernel with xp=jax.numpy), compiled by jax.jit and cached (once per input shape:
a graph with symbolic dimensions compiles again for each new size). A traced train step (forward,
backward, optimizer update) is thus one compiled call; `step` donates the variables it updates.
Shape arithmetic (`shape` nodes and the nodes computing only from them and constants) runs with
NumPy while jax traces, so sizes a graph computes at run time (a reshape to [tl.shape(x)[0], -1])
are static when XLA compiles."""
from __future__ import annotations

import logging

import numpy as np

from ..devices import xla as xla_device
from ..ops.registry import OPS
from .ir import Graph

log = logging.getLogger("tensorlite.placement")


def unsupported(graph: Graph) -> list[str]:
    """Ops of the graph without an XLA kernel (sorted, unique)."""
    xla_device._load()
    return sorted({n.op for n in graph.nodes if "xla" not in OPS[n.op].kernels})


class XlaExecutor:
    """`run(inputs, captures)` as before; `step(inputs, donated, kept)` is the whole-step form: the
    captured values the graph assigns (parameters, optimizer slots, counters) come in `donated`,
    and jax.jit donates their buffers, so XLA updates them in place where it can."""

    def __init__(self, graph: Graph):
        missing = unsupported(graph)
        if missing:
            raise NotImplementedError(f"graph {graph.name!r}: no XLA kernel for {', '.join(missing)}")
        jax = xla_device._load()
        jnp = jax.numpy
        self.graph = graph
        kernels = [(OPS[n.op].kernels["xla"], {**OPS[n.op].attrs, **n.attrs}) for n in graph.nodes]
        static = _shape_arithmetic(graph)
        host_constants = {k: np.asarray(a) for k, a in graph.constants.items()}

        def run(inputs, captures, constants):
            env = dict(constants)
            env.update(captures)
            env.update({v.id: a for v, a in zip(graph.inputs, inputs)})
            for i, (n, (kernel, attrs)) in enumerate(zip(graph.nodes, kernels)):
                if i in static:  # NumPy on static shapes: the result is a constant of this compilation
                    args = [host_constants.get(v.id, env[v.id]) for v in n.inputs]
                    r = OPS[n.op].kernels["cpu"](np, *args, **attrs)
                    for v, a in zip(n.outputs, tuple(r) if isinstance(r, (tuple, list)) else (r,)):
                        env[v.id] = np.asarray(a).astype(v.dtype)
                    continue
                r = kernel(jnp, *[env[v.id] for v in n.inputs], **attrs)
                for v, a in zip(n.outputs, tuple(r) if isinstance(r, (tuple, list)) else (r,)):
                    env[v.id] = jnp.asarray(a).astype(v.dtype)
            return [env[v.id] for v in graph.outputs], [env[v.id] for _, v in graph.assigns]

        def step(inputs, donated, kept, constants):
            return run(inputs, {**kept, **donated}, constants)

        self._run_python = run  # the traceable function itself (distribute's pmap wraps it)
        self._run = jax.jit(run)
        self._step = jax.jit(step, donate_argnums=(1,))
        self._constants = {k: jnp.asarray(a) for k, a in graph.constants.items()}

    def run(self, inputs: list, captures: dict) -> tuple[list, list]:
        return self._run(list(inputs), dict(captures), self._constants)

    def step(self, inputs: list, donated: dict, kept: dict) -> tuple[list, list]:
        return self._step(list(inputs), donated, kept, self._constants)


def _shape_arithmetic(graph: Graph) -> set[int]:
    """Indices of the nodes computing only from static shapes: `shape` nodes, and nodes whose inputs are
    such nodes' outputs or constants (at least one of the former)."""
    static_values, nodes = set(), set()
    for i, n in enumerate(graph.nodes):
        from_shapes = n.op == "shape" or (
            any(v.id in static_values for v in n.inputs)
            and all(v.id in static_values or v.id in graph.constants for v in n.inputs))
        if from_shapes and "cpu" in OPS[n.op].kernels:
            nodes.add(i)
            static_values.update(v.id for v in n.outputs)
    return nodes


def to_host(arrays) -> list[np.ndarray]:
    return [np.asarray(a) for a in arrays]
