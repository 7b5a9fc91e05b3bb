"""Runs a Graph on the XLA device: the whole graph becomes one Python function of jax arrays (each
node its op's "xla" kernel with xp=jax.numpy), compiled once by jax.jit and cached."""
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
    def __init__(self, graph: Graph):
        missing = unsupported(graph)
        if missing:
            raise NotImplementedError(f"graph {graph.name!r}: no XLA kernel for {', '.join(missing)}")
        jax = xla_device._load()
        jnp = jax.numpy
        self.graph = graph
        kernels = [(OPS[n.op].kernels["xla"], {**OPS[n.op].attrs, **n.attrs}) for n in graph.nodes]

        def run(inputs, captures, constants):
            env = dict(constants)
            env.update(captures)
            env.update({v.id: a for v, a in zip(graph.inputs, inputs)})
            for n, (kernel, attrs) in zip(graph.nodes, kernels):
                r = kernel(jnp, *[env[v.id] for v in n.inputs], **attrs)
                for v, a in zip(n.outputs, tuple(r) if isinstance(r, (tuple, list)) else (r,)):
                    env[v.id] = jnp.asarray(a).astype(v.dtype)
            return [env[v.id] for v in graph.outputs], [env[v.id] for _, v in graph.assigns]

        self._run = jax.jit(run)
        self._constants = {k: jnp.asarray(a) for k, a in graph.constants.items()}

    def run(self, inputs: list, captures: dict) -> tuple[list, list]:
        return self._run(list(inputs), dict(captures), self._constants)


def to_host(arrays) -> list[np.ndarray]:
    return [np.asarray(a) for a in arrays]
