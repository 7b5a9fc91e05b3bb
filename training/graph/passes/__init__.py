"""Graph optimizer: one module per pass, each `run(graph) -> int` (how many rewrites it made),
run in order by `optimize` while `tl.config.optimizer` enables them. Every pass keeps the
graph's outputs and assignments unchanged in value (tests/graph/test_passes.py checks each)."""
from __future__ import annotations

import logging

from ..ir import Graph
from . import activation_fusion, arithmetic, bn_folding, constant_folding, cse, dce
from .freeze import freeze as freeze

log = logging.getLogger("tensorlite.graph")

# name -> pass module, in the order they run (folding first exposes simplifications; DCE last)
PASSES = {"constant_folding": constant_folding, "arithmetic_optimization": arithmetic,
          "batch_norm_folding": bn_folding, "remapping": activation_fusion, "common_subgraph_elimination": cse,
          "dead_code_elimination": dce}
_options = {name: True for name in PASSES}


def set_experimental_options(options: dict) -> None:
    """`tl.config.optimizer.set_experimental_options({"constant_folding": False, ...})` (TF's names)."""
    unknown = set(options) - set(PASSES)
    if unknown:
        raise ValueError(f"unknown optimizer options {sorted(unknown)}; known: {sorted(PASSES)}")
    _options.update({k: bool(v) for k, v in options.items()})


def get_experimental_options() -> dict:
    return dict(_options)


def optimize(graph: Graph, options: dict | None = None, dump: bool = False) -> Graph:
    """Runs the enabled passes in place until none rewrites anything (at most 4 rounds); logs (or,
    with dump=True, returns in graph.history) the before/after listing of each pass that changed it."""
    enabled = [n for n in PASSES if (options or _options).get(n, False)]
    history = []
    for _ in range(4):
        changed = 0
        for name in enabled:
            before = graph.dump() if dump or log.isEnabledFor(logging.DEBUG) else None
            n = PASSES[name].run(graph)
            changed += n
            if n and before is not None:
                history.append((name, before, graph.dump()))
                log.debug("pass %s: %d rewrites\n--- before\n%s\n--- after\n%s", name, n, before, graph.dump())
        if not changed:
            break
    graph.verify()
    graph.history = history
    return graph
