"""Transform: the user's `preprocessing_fn(inputs)` (tft analyzers in tl ops, see tft.py) analysed over the
analyze splits (train by default), then applied to every split. Outputs at TFX's layout: transform_graph
(`transform_fn/` with the analyzers' constants and the module, `transformed_metadata/schema.pbtxt`,
`metadata/schema.pbtxt` of the raw data) and transformed_examples, which the Trainer reads;
`tft.TFTransformOutput(fn_args.transform_output).transform_features_layer()` puts the same transform in
the exported model, so serving takes raw features."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np

from .. import examples_io, schema_pb2, tft
from ..proto import SplitConfig
from ..types import standard_artifacts
from ..utils import parse_pbtxt_file, write_pbtxt_file
from .base import BaseComponent, load_module
from .schema_gen import schema_path_of


def raw_inputs(columns: dict, schema, where: str) -> dict:
    """Raw columns as preprocessing_fn sees them: [N, 1] tl tensors (float32 / int64), strings as NumPy."""
    import tensorlite as tl
    out = {}
    for feature in schema.feature:
        if feature.name not in columns:
            raise ValueError(f"{where}: schema feature {feature.name!r} is not in the data")
        values, mask = columns[feature.name]
        if not mask.all():
            raise ValueError(f"{where}: feature {feature.name!r} is missing in {int((~mask).sum())} examples")
        if feature.type == schema_pb2.FLOAT:
            out[feature.name] = tl.constant(values.astype(np.float32).reshape(-1, 1))
        elif feature.type == schema_pb2.INT:
            out[feature.name] = tl.constant(values.astype(np.int64).reshape(-1, 1))
        else:
            out[feature.name] = values.astype(str).reshape(-1, 1)
    return out


def _as_column(name: str, value) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise NotImplementedError(f"preprocessing_fn output {name!r} has shape {list(arr.shape)}; Transform "
                                  "writes one value per example ([N] or [N, 1])")
    if arr.dtype.kind == "f":
        arr = arr.astype(np.float32)
    elif arr.dtype.kind in "iub":
        arr = arr.astype(np.int64)
    return arr, np.ones(len(arr), bool)


class Transform(BaseComponent):
    INPUTS = {"examples": (standard_artifacts.Examples, False), "schema": (standard_artifacts.Schema, False)}
    OUTPUTS = {"transform_graph": standard_artifacts.TransformGraph,
               "transformed_examples": standard_artifacts.Examples}

    def __init__(self, examples=None, schema=None, module_file: str | None = None, preprocessing_fn: str | None = None,
                 splits_config: SplitConfig | None = None, custom_config=None, force_tf_compat_v1: bool = False):
        if module_file is None:
            raise ValueError("Transform: module_file (a file defining preprocessing_fn) is required")
        if preprocessing_fn is not None:
            raise NotImplementedError("Transform(preprocessing_fn='module.fn'): give module_file instead")
        super().__init__({"examples": examples, "schema": schema},
                         {"module_file": os.path.abspath(module_file), "splits_config": splits_config,
                          "custom_config": custom_config or {}})

    def execute(self, inputs, outputs, params, context) -> None:
        examples = inputs["examples"][0]
        schema = parse_pbtxt_file(schema_path_of(inputs["schema"][0]), schema_pb2.Schema())
        fn = load_module(params["module_file"], "transform").preprocessing_fn
        config = params["splits_config"] or {}
        analyze = config.get("analyze") or ["train"]
        transform = config.get("transform") or examples.splits()
        columns = {}
        for split in analyze:
            for name, (v, m) in examples_io.read_split(examples.uri, split).items():
                pv, pm = columns.get(name, (v[:0], m[:0]))
                columns[name] = (np.concatenate([pv, v]), np.concatenate([pm, m]))
        recorded: list = []
        with tft.analysis("analyze", recorded):
            analysed = fn(raw_inputs(columns, schema, f"{examples.uri} {analyze}"))
        names = sorted(analysed)
        graph, out_examples = outputs["transform_graph"][0], outputs["transformed_examples"][0]
        transformed_schema = None
        for split in transform:
            raw = raw_inputs(examples_io.read_split(examples.uri, split), schema, f"{examples.uri} {split}")
            with tft.analysis("apply", recorded):
                result = fn(raw)
            cols = {name: _as_column(name, result[name]) for name in names}
            examples_io.write_split(out_examples.uri, split, cols)
            if transformed_schema is None:
                from .schema_gen import infer_schema
                from .statistics_gen import split_stats
                transformed_schema = infer_schema([split_stats(cols)])
                for f in transformed_schema.feature:  # ranges seen in one split are no contract
                    f.ClearField("domain_info") if f.WhichOneof("domain_info") != "string_domain" else None
        out_examples.split_names = json.dumps(transform)
        out_examples.span = examples.span
        fn_dir = os.path.join(graph.uri, tft.TFTransformOutput.TRANSFORM_FN_DIR)
        os.makedirs(fn_dir)
        with open(os.path.join(fn_dir, tft.ANALYZERS_FILE), "w") as f:
            json.dump({"analyzers": recorded, "raw_features": [f.name for f in schema.feature],
                       "transformed_features": names}, f, indent=1)
        shutil.copyfile(params["module_file"], os.path.join(fn_dir, "module.py"))
        for sub, message in (("transformed_metadata", transformed_schema), ("metadata", schema)):
            os.makedirs(os.path.join(graph.uri, sub))
            write_pbtxt_file(os.path.join(graph.uri, sub, "schema.pbtxt"), message)
