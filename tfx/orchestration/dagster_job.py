"""A pipeline as a Dagster job: one op per node, ordered by the nodes' channels (Nothing-typed
dependencies: artifacts travel through the metadata store, not Dagster's IO managers). The same job
runs in process or under Dagster's multiprocess executor, which rebuilds it in each step's process from
the pickled pipeline (`job_from_file`), and so on Dagster's other executors and deployments."""
from __future__ import annotations

import pickle
import re

from .node_runner import run_node


def op_name(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def build_job(pipeline, run_id: str, resume_run_ids=(), executor: str = "in_process"):
    import dagster as dg

    ops, deps = [], {}
    for node in pipeline.components:
        name = op_name(node.id)
        upstream = [op_name(u.id) for u in node.upstream()]

        def compute(context, _node=node):
            state = run_node(pipeline, _node, run_id, resume_run_ids)
            context.log.info(f"{_node.id}: {state}")

        ops.append(dg.OpDefinition(name=name, ins={f"after_{u}": dg.In(dg.Nothing) for u in upstream},
                                   outs={"result": dg.Out(dg.Nothing)}, compute_fn=_wrap(compute),
                                   tags={"tfx_node": node.id}))
        deps[name] = {f"after_{u}": dg.DependencyDefinition(u) for u in upstream}
    graph = dg.GraphDefinition(name=op_name(pipeline.pipeline_name), node_defs=ops, dependencies=deps)
    executor_def = dg.multiprocess_executor if executor == "multiprocess" else dg.in_process_executor
    return graph.to_job(executor_def=executor_def)


def _wrap(compute):
    def fn(context, *_args, **_kwargs):
        compute(context)
        return None
    return fn


def job_from_file(path: str, run_id: str, resume_run_ids=(), executor: str = "multiprocess"):
    """Dagster's reconstructable entry: the job of the pipeline pickled at `path`."""
    with open(path, "rb") as f:
        pipeline = pickle.load(f)
    return build_job(pipeline, run_id, tuple(resume_run_ids), executor)
