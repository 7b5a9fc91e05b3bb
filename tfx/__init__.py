"""tensorlite.tfx: TFX's public API (`from tfx import v1 as tfx` -> `from tensorlite import tfx`) on
Dagster. Components read and write artifacts at TFX's paths, ML Metadata's records go to SQLite, and
`tfx.orchestration.LocalDagRunner` runs the pipeline as a Dagster job. Needs `pip install
tensorlite[pipeline]`."""
from . import components as components
from . import dsl as dsl
from . import orchestration as orchestration
from . import proto as proto
from . import schema_pb2 as schema_pb2
from . import schema_utils as schema_utils
from . import tfxio as tfxio
from . import types as types
from . import utils as utils

__version__ = "1.15.0"  # the TFX v1 API this package follows
