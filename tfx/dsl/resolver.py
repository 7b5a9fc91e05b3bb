"""`tfx.dsl.Resolver`: a node whose outputs are artifacts already in the metadata store, chosen by a
strategy from those of this pipeline: `LatestArtifactStrategy` (the newest of each input type) or
`LatestBlessedModelStrategy` (the newest Model that an Evaluator blessed; the Evaluator's baseline)."""
from __future__ import annotations

import types as _pytypes

from ..components.base import BaseComponent
from ..types import Channel


class LatestArtifactStrategy:
    @staticmethod
    def resolve(store, candidates: dict[str, list[dict]]) -> dict[str, list[dict]]:
        return {k: v[-1:] for k, v in candidates.items()}


class LatestBlessedModelStrategy:
    @staticmethod
    def resolve(store, candidates: dict[str, list[dict]]) -> dict[str, list[dict]]:
        model_key = next((k for k, v in candidates.items() if k == "model"), None)
        blessing_key = next((k for k in candidates if k != model_key), None)
        if model_key is None or blessing_key is None:
            raise ValueError("LatestBlessedModelStrategy needs a 'model' channel of Model and one of ModelBlessing")
        blessed = {}
        for b in candidates[blessing_key]:
            if b["custom_properties"].get("blessed") == 1 and "current_model_id" in b["custom_properties"]:
                blessed[b["custom_properties"]["current_model_id"]] = b
        models = [m for m in candidates[model_key] if m["id"] in blessed]
        if not models:
            return {model_key: [], blessing_key: []}
        latest = models[-1]
        return {model_key: [latest], blessing_key: [blessed[latest["id"]]]}


experimental = _pytypes.SimpleNamespace(LatestArtifactStrategy=LatestArtifactStrategy,
                                        LatestBlessedModelStrategy=LatestBlessedModelStrategy)


class Resolver(BaseComponent):
    CACHEABLE = False

    def __init__(self, strategy_class=LatestArtifactStrategy, config=None, **channels):
        for key, ch in channels.items():
            if not isinstance(ch, Channel):
                raise TypeError(f"Resolver: {key} must be a tfx.dsl.Channel(type=...), got {type(ch).__name__}")
        self.strategy_class = strategy_class
        self.channels = channels
        self.INPUTS = {}
        self.OUTPUTS = {k: ch.type for k, ch in channels.items()}
        super().__init__({}, {"strategy": strategy_class.__name__, "config": config or {}})
        # channels that come from a node of the pipeline order it after that node
        for ch in channels.values():
            if ch.producer is not None:
                self.add_upstream_node(ch.producer)

    def resolve(self, store, inputs, params, pipeline) -> dict:
        from ..orchestration.node_runner import to_artifact
        ctx = store.get_context_by_type_and_name("pipeline", pipeline.pipeline_name)
        in_pipeline = store.get_artifacts_by_context(ctx["id"]) if ctx else []
        candidates = {k: [a for a in in_pipeline if a["type"] == ch.type.TYPE_NAME and a["state"] == "LIVE"]
                      for k, ch in self.channels.items()}
        chosen = self.strategy_class.resolve(store, candidates)
        return {k: [to_artifact(a) for a in v] for k, v in chosen.items()}
