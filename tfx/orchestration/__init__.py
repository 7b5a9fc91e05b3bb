"""`tfx.orchestration`: LocalDagRunner (on Dagster) and `metadata.sqlite_metadata_connection_config`."""
from . import metadata as metadata
from .local_dag_runner import LocalDagRunner as LocalDagRunner
from .local_dag_runner import PipelineRunError as PipelineRunError
