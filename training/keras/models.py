"""`tl.keras.models`: the model classes, and whole-model files (Keras 3's `.keras` format)."""
from __future__ import annotations

import json

from .engine.model import Model as Model
from .engine.sequential import Sequential as Sequential
from .saving import load_model as load_model
from .saving import save_model as save_model


def model_from_json(json_string: str, custom_objects=None):
    """A new (unweighted) model from `model.to_json()` or a `.keras` file's config.json."""
    from .saving import serialization
    with serialization.custom_object_scope(custom_objects or {}):
        return serialization.deserialize_layer(json.loads(json_string))
