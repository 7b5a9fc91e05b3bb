"""Shared by the tensorlite.tfx tests: the penguin data written where a pipeline reads it, the ported
tutorials' files, and reading back what a run recorded."""
from __future__ import annotations

import pathlib

from tests.conftest import skip_or_fail

TUTORIALS = pathlib.Path(__file__).parent / "tutorials"


def tfx_module():
    for name in ("dagster", "palmerpenguins", "absl"):
        try:
            __import__(name)
        except ImportError:
            skip_or_fail(f"{name} is not installed (pip install -e '.[pipeline]')")
    from tensorlite import tfx
    return tfx


def penguin_data(folder: pathlib.Path) -> pathlib.Path:
    from tensorlite.tfx import datasets
    folder.mkdir(parents=True, exist_ok=True)
    datasets.write_penguins_processed_csv(str(folder / "data.csv"))
    return folder


def executions_by_node(metadata_path, run_id: str) -> dict[str, str]:
    """node id -> state of its execution in run `run_id`."""
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(str(metadata_path)) as store:
        ctx = store.get_context_by_type_and_name("pipeline_run", run_id)
        return {e["properties"]["node"]: e["state"] for e in store.get_executions_by_context(ctx["id"])}
