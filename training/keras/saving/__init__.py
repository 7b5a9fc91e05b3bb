"""Saving Keras models (`tl.keras.saving`).

- `model.save("m.keras")` / `load_model("m.keras", custom_objects=...)`: Keras 3's `.keras` file
  (keras_file.py), so files cross with Keras 3 both ways;
- `save_weights("x.weights.h5")` / `load_weights(...)`: Keras 3's HDF5 weights layout
  (weights_h5.py); `load_weights` also takes a `.keras` file's weights, and any other file name
  is tensorlite's own checked weights format (tlw.py), which saved models and graphs use too;
- `get_config` / `from_config` / `register_keras_serializable` / `custom_object_scope`
  (serialization.py).
"""
from __future__ import annotations

import os

from .serialization import custom_object_scope as custom_object_scope
from .serialization import deserialize_keras_object as deserialize_keras_object
from .serialization import get_registered_name as get_registered_name
from .serialization import get_registered_object as get_registered_object
from .serialization import register_keras_serializable as register_keras_serializable
from .serialization import serialize_keras_object as serialize_keras_object
from .tlw import load_arrays as load_arrays
from .tlw import save_arrays as save_arrays


def _h5_name(path: str) -> bool:
    return path.endswith(".h5") or path.endswith(".hdf5")


def save_model(model, filepath, overwrite: bool = True, zipped=None, **kwargs) -> None:
    """`model.save`: Keras 3's `.keras` file (the only whole-model file format Keras 3 writes)."""
    from . import keras_file
    path = os.fspath(filepath)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise TypeError(f"save_model: unknown arguments {sorted(kwargs)}")
    if save_format == "tf":  # Keras 2's saved-model folder (TFX's Trainer modules write it): serving_default
        from ...saved_model import keras_serving_function, save
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists (overwrite=False)")
        save(model, path, signatures={"serving_default": keras_serving_function(model, None)})
        return
    if save_format not in (None, "keras"):
        raise ValueError(f"save_model: save_format={save_format!r} is not written by tensorlite; use 'keras' "
                         "(a .keras file) or 'tf' (a saved-model folder)")
    if zipped is False:
        raise ValueError("save_model(zipped=False) is not supported: tensorlite writes the zipped .keras file")
    if _h5_name(path):
        raise ValueError(f"{path}: the legacy Keras 2 HDF5 model format is not written by tensorlite; save to a "
                         "'.keras' file, or the weights alone with save_weights('x.weights.h5')")
    if not path.endswith(".keras"):
        raise ValueError(f"{path}: a model file must end in '.keras' (for a saved-model folder use "
                         "model.export(dir) or tl.saved_model.save(model, dir))")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists (overwrite=False)")
    keras_file.save(model, path)


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):  # noqa: A002
    """A model from a `.keras` file (Keras 3's or ours), compiled when the file says how and `compile`."""
    from . import keras_file, weights_h5
    path = os.fspath(filepath)
    if os.path.isdir(path):
        hint = "tl.saved_model.load(dir)" if os.path.isfile(os.path.join(path, "saved_model.json")) else \
            "a '.keras' file"
        raise ValueError(f"{path}: a folder; load_model reads '.keras' files (load this one with {hint})")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file")
    with open(path, "rb") as f:
        head = f.read(8)
    if head == weights_h5.HDF5_MAGIC:
        raise ValueError(f"{path}: an HDF5 file (Keras 2's legacy format); tensorlite reads Keras 3 '.keras' files "
                         "(or weights with model.load_weights)")
    return keras_file.load(path, custom_objects, compile, safe_mode)


def save_weights(model, filepath, overwrite: bool = True) -> None:
    """`x.weights.h5` (or `.h5`): Keras 3's layout; any other name: tensorlite's weights format."""
    from ...files import atomic_write_bytes
    from . import tlw, weights_h5
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists (overwrite=False)")
    if path.endswith(".keras"):
        raise ValueError(f"{path}: save_weights writes weights only ('.weights.h5'); use model.save for '.keras'")
    if _h5_name(path):
        atomic_write_bytes(path, weights_h5.to_bytes(model))
    else:
        tlw.save_weights(model, path)


def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """Keras 3 weights (`.weights.h5`, or the weights inside a `.keras` file) or tensorlite's format,
    told apart by the file's first bytes."""
    from . import keras_file, tlw, weights_h5
    path = os.fspath(filepath)
    if skip_mismatch:
        raise NotImplementedError("load_weights(skip_mismatch=True) is not supported: every weight must match")
    with open(path, "rb") as f:
        head = f.read(8)
    if head == weights_h5.HDF5_MAGIC:
        weights_h5.load_from(model, path, path)
    elif keras_file.is_keras_file(path):
        _, weights = keras_file.read(path)
        weights_h5.load_from(model, weights, f"{path} ({keras_file.WEIGHTS})")
    else:
        tlw.load_weights(model, path)
