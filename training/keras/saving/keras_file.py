"""The `.keras` file: Keras 3's zip of config.json (the model's serialized config, with its
compile_config when compiled), metadata.json ({"keras_version", "date_saved"}) and model.weights.h5
(weights_h5.py's layout). Members are stored uncompressed, as Keras writes them. Written to a
temporary name and renamed (training/files.py); read without trusting sizes (a member larger than
MAX_MEMBER_BYTES is refused).
"""
from __future__ import annotations

import datetime
import io
import json
import os
import zipfile

from ...files import atomic_write_bytes
from . import serialization, weights_h5

CONFIG, METADATA, WEIGHTS, WEIGHTS_NPZ = "config.json", "metadata.json", "model.weights.h5", "model.weights.npz"
# the version of Keras's file format this writes; metadata.json's only use in Keras is informative
FORMAT_VERSION = "3.0.0"
MAX_MEMBER_BYTES = 1 << 34


def model_config(model) -> dict:
    """The serialized model as config.json holds it."""
    entry = serialization.serialize_layer(model)
    if type(model).__name__ == "Sequential" and getattr(model, "_input_spec", None) is not None:
        entry["build_config"] = {"input_shape": list(model._input_spec.shape)}
    elif getattr(model, "_functional", False):
        entry["build_config"] = {"input_shape": None}
    compile_config = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    if compile_config:
        entry["compile_config"] = compile_config
    return entry


def save(model, path: str) -> None:
    import tensorlite as tl
    config = json.dumps(model_config(model))
    metadata = json.dumps({"keras_version": FORMAT_VERSION, "producer": f"tensorlite {tl.__version__}",
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = weights_h5.to_bytes(model)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(METADATA, metadata)
        z.writestr(CONFIG, config)
        z.writestr(WEIGHTS, weights)
    atomic_write_bytes(path, buf.getvalue())


def _read(z: zipfile.ZipFile, member: str, path: str) -> bytes:
    info = z.getinfo(member)
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValueError(f"{path}: member {member} claims {info.file_size} bytes; refusing to read it")
    return z.read(member)


def read(path: str) -> tuple[dict, bytes]:
    """(config, weights file bytes) of a `.keras` file."""
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError(f"{path}: not a .keras file (not a zip archive)") from None
    with z:
        names = set(z.namelist())
        if CONFIG not in names:
            raise ValueError(f"{path}: not a .keras file (no {CONFIG}; it holds {sorted(names)})")
        try:
            config = json.loads(_read(z, CONFIG, path))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: {CONFIG} is not valid JSON ({e})") from None
        if WEIGHTS not in names:
            if WEIGHTS_NPZ in names:
                raise ValueError(f"{path}: weights saved as {WEIGHTS_NPZ} (weights_format='npz') are not supported; "
                                 "save with Keras's default HDF5 weights")
            raise ValueError(f"{path}: no {WEIGHTS} in the archive")
        weights = _read(z, WEIGHTS, path)
    return config, weights


def load(path: str, custom_objects=None, compile: bool = True, safe_mode: bool = True):  # noqa: A002
    config, weights = read(path)
    with serialization.custom_object_scope(custom_objects or {}):
        try:
            model = serialization.deserialize_layer(config)
        except (ValueError, TypeError, NotImplementedError) as e:
            raise type(e)(f"{path}: {e}") from None
        if not model.built and config.get("build_config"):
            model.build_from_config(config["build_config"])
        compile_config = config.get("compile_config") if compile else None
        if compile_config:
            try:
                model.compile_from_config(compile_config)
            except (ValueError, TypeError, NotImplementedError) as e:
                raise type(e)(f"{path}: compile settings: {e}; load with compile=False to skip them") from None
    weights_h5.load_from(model, weights, f"{path} ({WEIGHTS})", load_optimizer=bool(compile_config))
    return model


def is_keras_file(path: str) -> bool:
    return os.path.isfile(path) and zipfile.is_zipfile(path)
