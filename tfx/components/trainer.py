"""Trainer: runs the user's `run_fn(fn_args)` (a module file's, as TFX's generic trainer does) with TFX's
FnArgs; the function trains with tl.keras and saves to `fn_args.serving_model_dir`
(`<model uri>/Format-Serving`, a tensorlite saved-model folder)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .. import examples_io
from ..types import standard_artifacts
from .base import BaseComponent, load_module

SERVING_DIR = "Format-Serving"


class DataAccessor:
    """`fn_args.data_accessor`: datasets from an Examples artifact's files."""

    def tf_dataset_factory(self, file_pattern, options, schema=None):
        import tensorlite as tl
        columns = examples_io.read_patterns(file_pattern)
        features = feature_arrays(columns, schema, f"{file_pattern}")
        label = None
        if options.label_key:
            if options.label_key not in features:
                raise ValueError(f"label_key {options.label_key!r} is not a feature of {file_pattern} "
                                 f"(features: {sorted(features)})")
            label = features.pop(options.label_key)
        ds = tl.data.Dataset.from_tensor_slices((features, label) if label is not None else features)
        if options.shuffle:
            ds = ds.shuffle(options.shuffle_buffer_size, seed=options.shuffle_seed)
        ds = ds.batch(options.batch_size, drop_remainder=options.drop_final_batch)
        return ds.repeat(options.num_epochs)


def feature_arrays(columns: dict, schema, where: str) -> dict[str, np.ndarray]:
    """Columns as [N, ...] arrays in the schema's shapes and types (every column as [N, 1] without one)."""
    from .. import schema_pb2
    dtypes = {schema_pb2.FLOAT: np.float32, schema_pb2.INT: np.int64}
    out = {}
    if schema is None:
        for name, (values, _mask) in columns.items():
            out[name] = values.reshape(-1, 1)
        return out
    for feature in schema.feature:
        if feature.name not in columns:
            raise ValueError(f"{where}: the schema's feature {feature.name!r} is not in the data "
                             f"(columns: {sorted(columns)})")
        values, mask = columns[feature.name]
        if not mask.all():
            raise ValueError(f"{where}: feature {feature.name!r} is missing in {int((~mask).sum())} examples; "
                             "a fixed-length feature needs a value in every example")
        dtype = dtypes.get(feature.type)
        if dtype is None:
            raise NotImplementedError(f"feature {feature.name!r}: string features are not read into tl tensors; "
                                      "map them to integers in Transform (compute_and_apply_vocabulary)")
        shape = [d.size for d in feature.shape.dim] if feature.HasField("shape") else [1]
        out[feature.name] = values.astype(dtype).reshape([-1] + shape)
    return out


@dataclass
class FnArgs:
    """`tfx.components.FnArgs`, TFX's field names."""

    working_dir: str = ""
    train_files: list = field(default_factory=list)
    eval_files: list = field(default_factory=list)
    train_steps: int | None = None
    eval_steps: int | None = None
    schema_path: str | None = None
    schema_file: str | None = None
    transform_graph_path: str | None = None
    transform_output: str | None = None
    data_accessor: DataAccessor | None = None
    serving_model_dir: str = ""
    eval_model_dir: str = ""
    model_run_dir: str = ""
    base_model: str | None = None
    hyperparameters: dict | None = None
    custom_config: dict | None = None


def _files(examples, splits) -> list[str]:
    out = []
    for art in examples:
        have = art.splits()
        for split in splits:
            if split not in have:
                raise ValueError(f"examples {art.uri} have splits {have}, not {split!r}")
            out.append(os.path.join(examples_io.split_dir(art.uri, split), "*"))
    return out


class Trainer(BaseComponent):
    INPUTS = {"examples": (standard_artifacts.Examples, False),
              "transform_graph": (standard_artifacts.TransformGraph, True),
              "schema": (standard_artifacts.Schema, True),
              "base_model": (standard_artifacts.Model, True),
              "hyperparameters": (standard_artifacts.HyperParameters, True)}
    OUTPUTS = {"model": standard_artifacts.Model, "model_run": standard_artifacts.ModelRun}

    def __init__(self, examples=None, transformed_examples=None, transform_graph=None, schema=None,
                 base_model=None, hyperparameters=None, module_file: str | None = None, run_fn: str | None = None,
                 train_args=None, eval_args=None, custom_config=None, custom_executor_spec=None):
        from ..proto import EvalArgs, TrainArgs
        if module_file is None and run_fn is None:
            raise ValueError("Trainer: give module_file (a file defining run_fn) or run_fn ('module.function')")
        super().__init__({"examples": examples or transformed_examples, "transform_graph": transform_graph,
                          "schema": schema, "base_model": base_model, "hyperparameters": hyperparameters},
                         {"module_file": os.path.abspath(module_file) if module_file else None, "run_fn": run_fn,
                          "train_args": train_args or TrainArgs(), "eval_args": eval_args or EvalArgs(),
                          "custom_config": custom_config or {}})

    def _run_fn(self, params):
        if params["module_file"]:
            module = load_module(params["module_file"], "trainer")
            name = (params["run_fn"] or "run_fn").rsplit(".", 1)[-1]
        else:
            import importlib
            mod, name = params["run_fn"].rsplit(".", 1)
            module = importlib.import_module(mod)
        fn = getattr(module, name, None)
        if fn is None:
            raise AttributeError(f"Trainer: {params['module_file'] or params['run_fn']} defines no {name}()")
        return fn

    def execute(self, inputs, outputs, params, context) -> None:
        run_fn = self._run_fn(params)
        model, model_run = outputs["model"][0], outputs["model_run"][0]
        schema_path = None
        if inputs.get("schema"):
            from .schema_gen import schema_path_of
            schema_path = schema_path_of(inputs["schema"][0])
        transform_dir = inputs["transform_graph"][0].uri if inputs.get("transform_graph") else None
        if transform_dir and schema_path is None:
            schema_path = os.path.join(transform_dir, "transformed_metadata", "schema.pbtxt")
        args = FnArgs(
            working_dir=model_run.uri,
            train_files=_files(inputs["examples"], params["train_args"]["splits"]),
            eval_files=_files(inputs["examples"], params["eval_args"]["splits"]),
            train_steps=params["train_args"]["num_steps"], eval_steps=params["eval_args"]["num_steps"],
            schema_path=schema_path, schema_file=schema_path,
            transform_graph_path=transform_dir, transform_output=transform_dir,
            data_accessor=DataAccessor(), serving_model_dir=os.path.join(model.uri, SERVING_DIR),
            eval_model_dir=os.path.join(model.uri, "Format-TFMA"), model_run_dir=model_run.uri,
            base_model=os.path.join(inputs["base_model"][0].uri, SERVING_DIR) if inputs.get("base_model") else None,
            custom_config=params["custom_config"])
        run_fn(args)
        if not os.path.isfile(os.path.join(args.serving_model_dir, "saved_model.json")):
            raise RuntimeError(f"{self.id}: run_fn saved no model in fn_args.serving_model_dir "
                               f"({args.serving_model_dir}); call model.save(fn_args.serving_model_dir, "
                               "save_format='tf')")
