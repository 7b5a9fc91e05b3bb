"""`tfx.dsl.Pipeline`: the components, where their artifacts go and which metadata store records them."""
from __future__ import annotations

import os

from ..metadata import ConnectionConfig


class Pipeline:
    def __init__(self, pipeline_name: str, pipeline_root: str, components=(), enable_cache: bool = False,
                 metadata_connection_config: ConnectionConfig | None = None, beam_pipeline_args=None, **kwargs):
        if kwargs:
            raise TypeError(f"Pipeline: arguments {sorted(kwargs)} are not supported by tensorlite.tfx")
        self.pipeline_name = pipeline_name
        self.pipeline_root = os.path.abspath(pipeline_root)
        self.enable_cache = enable_cache
        if metadata_connection_config is None:
            metadata_connection_config = ConnectionConfig(os.path.join(self.pipeline_root, "metadata.sqlite"))
        self.metadata_connection_config = metadata_connection_config
        self.beam_pipeline_args = beam_pipeline_args  # accepted for TFX's signature; nothing here runs Beam
        self.components = list(components)

    def check(self) -> None:
        """Unique ids, every upstream node in the pipeline, no cycle; orders components topologically."""
        ids = [c.id for c in self.components]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"pipeline {self.pipeline_name!r}: node ids {dup} are used twice (use .with_id())")
        self._gate_on_validators()
        ordered, done = [], set()

        def visit(node, stack):
            if node.id in done:
                return
            if node.id in stack:
                raise ValueError(f"pipeline {self.pipeline_name!r}: a cycle through {node.id!r}")
            for up in node.upstream():
                if up not in self.components:
                    raise ValueError(f"pipeline {self.pipeline_name!r}: {node.id!r} reads from {up.id!r}, "
                                     "which is not in components")
                visit(up, stack | {node.id})
            done.add(node.id)
            ordered.append(node)

        for c in self.components:
            visit(c, frozenset())
        self.components = ordered

    def _gate_on_validators(self) -> None:
        """A validator that stops the pipeline on anomalies runs before every node it does not depend on."""
        for gate in self.components:
            if not gate.params.get("stop_on_anomalies"):
                continue
            ancestors, queue = set(), list(gate.upstream())
            while queue:
                node = queue.pop()
                if node.id not in ancestors:
                    ancestors.add(node.id)
                    queue.extend(node.upstream())
            for node in self.components:
                if node is not gate and node.id not in ancestors:
                    node.add_upstream_node(gate)
