"""Running one node of a pipeline run, as TFX's launcher does: resolve its inputs from the metadata store
(the outputs the upstream nodes recorded in this run), compute the cache key (input artifact ids, parameters,
code, outside input files), reuse a previous COMPLETE execution with that key (recorded as CACHED), or
register a RUNNING execution with PENDING output artifacts at TFX's paths
(<pipeline_root>/<node id>/<output key>/<execution id>/), run the component and publish (LIVE, COMPLETE,
events) or record FAILED. Every orchestrator step (Dagster op, in process or in its own process) calls
`run_node`; nothing passes between them except through the store."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil

from ..metadata import MetadataStore
from ..types import artifact_class

log = logging.getLogger("tensorlite.tfx")


class NodeContext:
    """What a component's execute() may need beyond its artifacts."""

    def __init__(self, pipeline, node, store, execution_id: int, run_id: str):
        self.pipeline, self.node, self.store = pipeline, node, store
        self.execution_id, self.run_id = execution_id, run_id
        self.pipeline_root = pipeline.pipeline_root
        self.pipeline_name = pipeline.pipeline_name
        self.tmp_dir = os.path.join(pipeline.pipeline_root, node.id, ".system", "executor_execution",
                                    str(execution_id))


def to_artifact(row: dict):
    art = artifact_class(row["type"])(row["uri"], row["id"], row["properties"], row["custom_properties"],
                                      row["state"])
    return art


def node_context_name(pipeline, node) -> str:
    return f"{pipeline.pipeline_name}.{node.id}"


def _contexts(store: MetadataStore, pipeline, node, run_id: str) -> list[int]:
    return [store.put_context("pipeline", pipeline.pipeline_name),
            store.put_context("pipeline_run", run_id),
            store.put_context("node", node_context_name(pipeline, node))]


def latest_outputs(store: MetadataStore, pipeline, node, run_id: str) -> dict[str, list]:
    """The outputs of `node`'s execution in run `run_id` (COMPLETE or CACHED), by output key."""
    run_ctx = store.get_context_by_type_and_name("pipeline_run", run_id)
    node_ctx = store.get_context_by_type_and_name("node", node_context_name(pipeline, node))
    if run_ctx is None or node_ctx is None:
        raise RuntimeError(f"node {node.id!r} has not run in pipeline run {run_id}")
    in_run = {e["id"] for e in store.get_executions_by_context(run_ctx["id"])}
    done = [e for e in store.get_executions_by_context(node_ctx["id"])
            if e["id"] in in_run and e["state"] in ("COMPLETE", "CACHED")]
    if not done:
        raise RuntimeError(f"node {node.id!r} has no completed execution in pipeline run {run_id}")
    outputs: dict[str, list] = {}
    for key, row in store.output_artifacts(done[-1]["id"]):
        outputs.setdefault(key, []).append(to_artifact(row))
    return outputs


def resolve_inputs(store, pipeline, node, run_id: str) -> dict[str, list]:
    inputs = {}
    for key, channel in node.inputs.items():
        produced = latest_outputs(store, pipeline, channel.producer, run_id)
        inputs[key] = produced.get(channel.output_key, [])
    return inputs


def cache_key(node, inputs: dict, params: dict) -> str:
    data = {"type": type(node).__name__, "id": node.id, "params": params,
            "inputs": {k: [a.id for a in v] for k, v in sorted(inputs.items())},
            "code": node.code_fingerprint(), "outside": node.input_fingerprint()}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _reusable(store, node, pipeline, key: str, run_ids) -> dict | None:
    """A previous COMPLETE execution of this node with this cache key whose outputs still exist."""
    node_ctx = store.get_context_by_type_and_name("node", node_context_name(pipeline, node))
    if node_ctx is None:
        return None
    for execution in reversed(store.get_executions_by_context(node_ctx["id"])):
        props = execution["properties"]
        if execution["state"] != "COMPLETE" or props.get("cache_key") != key:
            continue
        if run_ids is not None and props.get("run_id") not in run_ids:
            continue
        outs = store.output_artifacts(execution["id"])
        if all(a["state"] == "LIVE" and os.path.exists(a["uri"]) for _, a in outs):
            return execution
    return None


def _record(store, contexts, execution_id, inputs: dict, outputs: dict) -> None:
    for ctx in contexts:
        store.put_association(ctx, execution_id)
    for key, arts in inputs.items():
        for a in arts:
            store.put_event(a.id, execution_id, "INPUT", key)
    for key, arts in outputs.items():
        for a in arts:
            store.put_event(a.id, execution_id, "OUTPUT", key)
            for ctx in contexts:
                store.put_attribution(ctx, a.id)


def run_node(pipeline, node, run_id: str, resume_run_ids=None) -> str:
    """Runs (or reuses) one node in pipeline run `run_id`; returns the execution's final state."""
    with MetadataStore(pipeline.metadata_connection_config) as store:
        contexts = _contexts(store, pipeline, node, run_id)
        inputs = resolve_inputs(store, pipeline, node, run_id)
        params = dict(node.params)
        key = cache_key(node, inputs, params)
        base_props = {"node": node.id, "pipeline": pipeline.pipeline_name, "run_id": run_id, "cache_key": key,
                      "pid": os.getpid()}
        if node.CACHEABLE:
            allowed = None if pipeline.enable_cache else set(resume_run_ids or ())
            previous = _reusable(store, node, pipeline, key, allowed) if allowed != set() else None
            if previous is not None:
                with store.transaction():
                    eid = store.put_execution(type(node).__name__, "CACHED",
                                              dict(base_props, cached_from=previous["id"]))
                    outs: dict[str, list] = {}
                    for k, row in store.output_artifacts(previous["id"]):
                        outs.setdefault(k, []).append(to_artifact(row))
                    _record(store, contexts, eid, inputs, outs)
                log.info("Component %s is cached (execution %d reuses %d)", node.id, eid, previous["id"])
                return "CACHED"
        eid = store.put_execution(type(node).__name__, "RUNNING", base_props)
        for ctx in contexts:
            store.put_association(ctx, eid)
        if hasattr(node, "resolve"):  # Resolver, Importer: outputs are artifacts that exist already
            outputs = node.resolve(store, inputs, params, pipeline)
            with store.transaction():
                _record(store, contexts, eid, inputs, outputs)
                store.put_execution(type(node).__name__, "COMPLETE", base_props, execution_id=eid)
            log.info("Component %s is finished (resolved %s).", node.id,
                     {k: [a.id for a in v] for k, v in outputs.items()})
            return "COMPLETE"
        outputs = {}
        for k, cls in node.OUTPUTS.items():
            art = cls(os.path.join(pipeline.pipeline_root, node.id, k, str(eid)))
            if os.path.exists(art.uri):  # left by a killed run of a store that was since reset
                shutil.rmtree(art.uri)
            os.makedirs(art.uri)
            art.id = store.put_artifact(art.type_name, art.uri, "PENDING")
            outputs[k] = [art]
        context = NodeContext(pipeline, node, store, eid, run_id)
        log.info("Component %s is running (execution %d)", node.id, eid)
        try:
            node.execute(inputs, outputs, params, context)
        except BaseException as exc:
            store.put_execution(type(node).__name__, "FAILED", dict(base_props, error=f"{type(exc).__name__}: "
                                                                                      f"{exc}"), execution_id=eid)
            raise
        finally:
            shutil.rmtree(context.tmp_dir, ignore_errors=True)
        with store.transaction():
            for arts in outputs.values():
                for a in arts:
                    store.put_artifact(a.type_name, a.uri, "LIVE", a.properties, a.custom_properties, a.id)
            _record(store, contexts, eid, inputs, outputs)
            store.put_execution(type(node).__name__, "COMPLETE", base_props, execution_id=eid)
        log.info("Component %s is finished.", node.id)
        return "COMPLETE"
