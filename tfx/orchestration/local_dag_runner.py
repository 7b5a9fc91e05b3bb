"""`tfx.orchestration.LocalDagRunner`, backed by Dagster: the pipeline's nodes become a Dagster job run in
this process (the default, no server or database) or under Dagster's multiprocess executor
(`LocalDagRunner(executor='multiprocess')`). A run is a `pipeline_run` context in the metadata store; a
run that did not finish (killed, failed) is resumed by the next one: its completed nodes are reused when
their inputs, parameters and code are unchanged, whatever `enable_cache` says."""
from __future__ import annotations

import os
import pickle
import tempfile
import time
import uuid

from ..metadata import MetadataStore, set_context_properties
from .dagster_job import build_job, op_name

# Dagster's console logger at INFO: step starts, successes and failures, without its DEBUG event stream
_QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


class PipelineRunError(RuntimeError):
    """A node failed; `node_id` names it."""

    def __init__(self, message: str, node_id: str | None = None):
        super().__init__(message)
        self.node_id = node_id


class LocalDagRunner:
    def __init__(self, executor: str = "in_process", max_concurrent: int | None = None):
        if executor not in ("in_process", "multiprocess"):
            raise ValueError(f"LocalDagRunner(executor={executor!r}): use 'in_process' or 'multiprocess'")
        self.executor = executor
        self.max_concurrent = max_concurrent

    def run(self, pipeline) -> str:
        """Runs the pipeline; returns the run id. Raises the failing node's error (in process) or
        PipelineRunError naming it."""
        pipeline.check()
        os.makedirs(pipeline.pipeline_root, exist_ok=True)
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        with MetadataStore(pipeline.metadata_connection_config) as store:
            resume = _unfinished_runs(store, pipeline.pipeline_name)
            for ctx in resume:
                set_context_properties(store, ctx["id"], dict(ctx["properties"], status="RESUMED", resumed_by=run_id))
                for execution in store.get_executions_by_context(ctx["id"]):
                    if execution["state"] == "RUNNING":  # its process is gone
                        store.put_execution(execution["type"], "CANCELED", execution["properties"],
                                            execution_id=execution["id"])
            run_ctx = store.put_context("pipeline_run", run_id)
            set_context_properties(store, run_ctx, {"pipeline": pipeline.pipeline_name, "status": "RUNNING",
                                                    "resumes": [c["name"] for c in resume]})
        resume_ids = tuple(c["name"] for c in resume)
        try:
            if self.executor == "in_process":
                build_job(pipeline, run_id, resume_ids).execute_in_process(run_config=_QUIET, raise_on_error=True)
            else:
                self._run_multiprocess(pipeline, run_id, resume_ids)
        except BaseException:
            self._finish(pipeline, run_id, "FAILED")
            raise
        self._finish(pipeline, run_id, "COMPLETE")
        return run_id

    def _finish(self, pipeline, run_id: str, status: str) -> None:
        with MetadataStore(pipeline.metadata_connection_config) as store:
            ctx = store.get_context_by_type_and_name("pipeline_run", run_id)
            set_context_properties(store, ctx["id"], dict(ctx["properties"], status=status))

    def _run_multiprocess(self, pipeline, run_id: str, resume_ids) -> None:
        import dagster as dg
        system = os.path.join(pipeline.pipeline_root, ".system")
        os.makedirs(system, exist_ok=True)
        path = os.path.join(system, f"pipeline-{run_id}.pkl")
        with open(path, "wb") as f:
            pickle.dump(pipeline, f)
        recon = dg.build_reconstructable_job("tensorlite.tfx.orchestration.dagster_job", "job_from_file",
                                             reconstructable_args=(path, run_id, list(resume_ids), "multiprocess"))
        config = dict(_QUIET, execution={"config": {"max_concurrent": self.max_concurrent or os.cpu_count() or 2}})
        with tempfile.TemporaryDirectory(prefix="dagster-") as home, dg.DagsterInstance.local_temp(home) as inst:
            result = dg.execute_job(recon, instance=inst, run_config=config)
            if not result.success:
                failed = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
                names = {op_name(n.id): n.id for n in pipeline.components}
                node = names.get(failed[0].step_key) if failed else None
                detail = failed[0].event_specific_data.error.message.strip() if failed else \
                    "; ".join(e.message for e in result.all_events if e.is_failure) or "see Dagster's logs"
                raise PipelineRunError(f"pipeline {pipeline.pipeline_name!r}: node {node!r} failed: {detail}", node)


def _unfinished_runs(store: MetadataStore, pipeline_name: str) -> list[dict]:
    runs = []
    for ctx in store.get_contexts_by_type("pipeline_run"):
        full = store.get_context_by_type_and_name("pipeline_run", ctx["name"])
        if full["properties"].get("pipeline") == pipeline_name and full["properties"].get("status") in (
                "RUNNING", "FAILED"):
            runs.append(full)
    return runs[-1:]
