"""SchemaGen infers a schema from statistics (all splits together): each feature's type, its presence
(min_fraction 1 when never missing, with min_count 1), its shape [1] (infer_feature_shape) when always
present, a string domain listing the values of string features, and the observed range of numeric
features as an int/float domain. ImportSchemaGen takes a hand-written `schema.pbtxt` instead."""
from __future__ import annotations

import os
import shutil

from .. import schema_pb2
from ..types import standard_artifacts
from ..utils import parse_pbtxt_file, write_pbtxt_file
from .base import BaseComponent, files_fingerprint
from .statistics_gen import load_stats

SCHEMA_FILE = "schema.pbtxt"
_TYPES = {"FLOAT": schema_pb2.FLOAT, "INT": schema_pb2.INT, "BYTES": schema_pb2.BYTES}


def infer_schema(per_split: list[dict], infer_feature_shape: bool = True) -> schema_pb2.Schema:
    schema = schema_pb2.Schema()
    names = list(per_split[0]["features"])
    for name in names:
        stats = [s["features"][name] for s in per_split if name in s["features"]]
        kinds = {s["type"] for s in stats}
        kind = "FLOAT" if kinds == {"FLOAT", "INT"} else ("BYTES" if len(kinds) > 1 else kinds.pop())
        feature = schema.feature.add(name=name, type=_TYPES[kind])
        missing = sum(s["num_missing"] for s in stats)
        feature.presence.min_count = 1
        if missing == 0:
            feature.presence.min_fraction = 1.0
            if infer_feature_shape:
                feature.shape.dim.add(size=1)
        else:
            feature.value_count.min = 1
            feature.value_count.max = 1
        if kind == "BYTES":
            values = sorted({v for s in stats for v in s.get("value_counts", {})})
            if values:
                feature.string_domain.name = name
                feature.string_domain.value.extend(values)
        elif kind == "INT":
            feature.int_domain.min = int(min(s["min"] for s in stats if "min" in s))
            feature.int_domain.max = int(max(s["max"] for s in stats if "max" in s))
        else:
            feature.float_domain.min = min(s["min"] for s in stats if "min" in s)
            feature.float_domain.max = max(s["max"] for s in stats if "max" in s)
    return schema


class SchemaGen(BaseComponent):
    INPUTS = {"statistics": (standard_artifacts.ExampleStatistics, False)}
    OUTPUTS = {"schema": standard_artifacts.Schema}

    def __init__(self, statistics=None, infer_feature_shape: bool = True, exclude_splits=None):
        super().__init__({"statistics": statistics}, {"infer_feature_shape": infer_feature_shape,
                                                      "exclude_splits": exclude_splits or []})

    def execute(self, inputs, outputs, params, context) -> None:
        stats = inputs["statistics"][0]
        per_split = [load_stats(stats, s) for s in stats.splits() if s not in params["exclude_splits"]]
        schema = infer_schema(per_split, params["infer_feature_shape"])
        write_pbtxt_file(os.path.join(outputs["schema"][0].uri, SCHEMA_FILE), schema)


class ImportSchemaGen(BaseComponent):
    OUTPUTS = {"schema": standard_artifacts.Schema}

    def __init__(self, schema_file: str):
        super().__init__({}, {"schema_file": os.path.abspath(schema_file)})

    def input_fingerprint(self) -> str:
        return files_fingerprint([self.params["schema_file"]])

    def execute(self, inputs, outputs, params, context) -> None:
        parse_pbtxt_file(params["schema_file"], schema_pb2.Schema())  # refuse a malformed file here
        shutil.copyfile(params["schema_file"], os.path.join(outputs["schema"][0].uri, SCHEMA_FILE))


def schema_path_of(artifact) -> str:
    """The schema file of a Schema artifact: SchemaGen's folder, or an imported file or folder."""
    if os.path.isfile(artifact.uri):
        return artifact.uri
    path = os.path.join(artifact.uri, SCHEMA_FILE)
    if os.path.isfile(path):
        return path
    found = [f for f in os.listdir(artifact.uri) if f.endswith(".pbtxt")]
    if len(found) != 1:
        raise FileNotFoundError(f"{artifact.uri}: expected one schema .pbtxt file, found {found}")
    return os.path.join(artifact.uri, found[0])
