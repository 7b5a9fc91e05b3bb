"""Pusher: a blessed model (or any model when no blessing is wired in) into the serving directory as TF
Serving lays it out, `<base_directory>/<version>/`: the saved model and its `model.tflite` (int8 when
`custom_config={'tflite_quantization': 'int8'}`, calibrated on an Examples input), written under a hidden
name and renamed, so `tensorlite serve` watching the directory sees whole versions only. Versions are the
push time in seconds (as TFX), bumped past any existing version."""
from __future__ import annotations

import logging
import os
import shutil
import time

from ..types import standard_artifacts
from .base import BaseComponent
from .trainer import SERVING_DIR

log = logging.getLogger("tensorlite.tfx")


def is_blessed(artifact) -> bool:
    if artifact.has_custom_property("blessed"):
        return artifact.get_int_custom_property("blessed") == 1
    return os.path.exists(os.path.join(artifact.uri, "BLESSED")) or \
        os.path.exists(os.path.join(artifact.uri, "INFRA_BLESSED"))


def convert_to_tflite(saved_model_dir: str, quantization: str | None = None, samples=None) -> bytes:
    import tensorlite as tl
    converter = tl.lite.TFLiteConverter.from_saved_model(saved_model_dir)
    if quantization == "int8":
        if samples is None:
            raise ValueError("int8 conversion needs calibration examples: give the Pusher an `examples` input")
        converter.optimizations = [tl.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ({k: v[i:i + 1] for k, v in samples.items()}
                                                    for i in range(min(100, len(next(iter(samples.values()))))))
    elif quantization is not None:
        raise ValueError(f"tflite_quantization={quantization!r}: use 'int8' or leave it out (float32)")
    return converter.convert()


class Pusher(BaseComponent):
    INPUTS = {"model": (standard_artifacts.Model, False),
              "model_blessing": (standard_artifacts.ModelBlessing, True),
              "infra_blessing": (standard_artifacts.InfraBlessing, True),
              "examples": (standard_artifacts.Examples, True)}
    OUTPUTS = {"pushed_model": standard_artifacts.PushedModel}

    def __init__(self, model=None, model_blessing=None, infra_blessing=None, push_destination=None,
                 custom_config=None, examples=None):
        if push_destination is None or push_destination.filesystem is None:
            raise ValueError("Pusher: push_destination=tfx.proto.PushDestination(filesystem=...) is required")
        super().__init__({"model": model, "model_blessing": model_blessing, "infra_blessing": infra_blessing,
                          "examples": examples},
                         {"push_destination": push_destination, "custom_config": custom_config or {}})

    def execute(self, inputs, outputs, params, context) -> None:
        pushed = outputs["pushed_model"][0]
        for key in ("model_blessing", "infra_blessing"):
            if inputs.get(key) and not all(is_blessed(b) for b in inputs[key]):
                log.info("%s: the model is not blessed (%s); not pushing", self.id, key)
                pushed.set_int_custom_property("pushed", 0)
                return
        model = inputs["model"][0]
        source = os.path.join(model.uri, SERVING_DIR)
        quantization = params["custom_config"].get("tflite_quantization")
        samples = None
        if quantization and inputs.get("examples"):
            from .. import examples_io
            from .trainer import feature_arrays
            cols = examples_io.read_split(inputs["examples"][0].uri, inputs["examples"][0].splits()[0])
            samples = {k: v.astype("float32") for k, v in feature_arrays(cols, None, "calibration").items()}
        flat = convert_to_tflite(source, quantization, samples)
        base = os.path.abspath(params["push_destination"]["filesystem"]["base_directory"])
        os.makedirs(base, exist_ok=True)
        version = int(time.time())
        existing = [int(d) for d in os.listdir(base) if d.isdigit()]
        version = max([version] + [v + 1 for v in existing])
        tmp = os.path.join(base, f".tmp-{version}-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(source, tmp)
        with open(os.path.join(tmp, "model.tflite"), "wb") as f:
            f.write(flat)
        shutil.copytree(tmp, os.path.join(pushed.uri, "model"))
        os.rename(tmp, os.path.join(base, str(version)))  # whole version appears at once
        pushed.set_int_custom_property("pushed", 1)
        pushed.set_string_custom_property("pushed_destination", os.path.join(base, str(version)))
        pushed.set_int_custom_property("pushed_version", version)
        pushed.set_int_custom_property("pushed_model_id", model.id)
        log.info("%s: pushed model %d as version %d to %s", self.id, model.id, version, base)
