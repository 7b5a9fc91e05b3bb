"""Objects to and from Keras 3's serialized form (what a `.keras` file's config.json holds).

An object is written as {"module", "class_name", "config", "registered_name"} (layers add
"build_config", models "compile_config"); built-in activations as their name; a dtype as Keras's
DTypePolicy; a function by name. Reading looks classes up in `custom_objects` (by registered name,
then class name), then in objects registered with `register_keras_serializable`, then among
tensorlite's own classes of the Keras module named ("keras.layers" -> tl.keras.layers, ...).
Anything else is an error naming the class and how to supply it.

Keras arguments a tensorlite class does not take are dropped when they hold Keras's "off" value
(None, `data_format="channels_last"`, `sparse=False`, ...: `_NEUTRAL`) and refused otherwise, so a
model that uses a feature tensorlite lacks (a regularizer on a layer without that argument,
`renorm=True`, a mixed-precision policy) fails naming the layer and the argument, never loads
silently different.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect

import numpy as np

from ...dtypes import DType, as_dtype

_REGISTRY: dict[str, object] = {}
_SCOPES: list[dict] = []

_ANY = object()
# Keras arguments whose value here means "the feature is off" (or only changes how Keras computes the
# same numbers); a tensorlite class without the argument ignores them. None is "off" for any argument.
_NEUTRAL = {
    "data_format": ("channels_last",), "sparse": (False,), "ragged": (False,), "optional": (False,),
    "stateful": (False,), "unroll": _ANY, "use_cudnn": _ANY, "zero_output_for_mask": _ANY, "renorm": (False,),
    "renorm_momentum": _ANY, "synchronized": (False,), "autocast": (True,), "mask_zero": (False,),
    "use_ema": (False,), "ema_momentum": _ANY, "amsgrad": (False,), "axis": (-1,), "jit_compile": _ANY,
    "is_legacy_optimizer": (False,), "rms_scaling": (False,), "fill_mode": ("constant",),
    "fill_value": (0.0,), "antialias": (False,), "use_gate": (False,),
}

# tensorlite modules holding the classes of each Keras module
_FAMILIES = {
    "keras.layers": "tensorlite.training.keras.layers",
    "keras.initializers": "tensorlite.training.keras.initializers",
    "keras.regularizers": "tensorlite.training.keras.regularizers",
    "keras.constraints": "tensorlite.training.keras.constraints",
    "keras.optimizers": "tensorlite.training.keras.optimizers",
    "keras.optimizers.schedules": "tensorlite.training.keras.optimizers.schedules",
    "keras.losses": "tensorlite.training.keras.losses",
    "keras.metrics": "tensorlite.training.keras.metrics",
    "keras.activations": "tensorlite.training.keras.activations",
}
_OURS = {v: k for k, v in _FAMILIES.items()}
_MODELS = {"Functional": "Model", "Model": "Model", "Sequential": "Sequential"}

# Keras's names for the VarianceScaling settings tensorlite's initializer factories return
_VARIANCE_SCALING = {(1.0, "fan_avg", "uniform"): "GlorotUniform", (1.0, "fan_avg", "truncated_normal"): "GlorotNormal",
                     (2.0, "fan_in", "truncated_normal"): "HeNormal", (2.0, "fan_in", "uniform"): "HeUniform",
                     (1.0, "fan_in", "truncated_normal"): "LecunNormal", (1.0, "fan_in", "uniform"): "LecunUniform"}


# -- registration ------------------------------------------------------------------------------------
def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: makes a class or function known to `load_model` as "package>name" (Keras's key)."""
    def register(obj):
        key = f"{package}>{name or obj.__name__}"
        if key in _REGISTRY and _REGISTRY[key] is not obj:
            raise ValueError(f"register_keras_serializable: {key!r} is already registered to {_REGISTRY[key]!r}")
        _REGISTRY[key] = obj
        obj._registered_name = key  # noqa: SLF001  (read back by registered_name)
        return obj
    return register


def get_registered_name(obj) -> str:
    """The key an object is written under: its registration, else its class or function name."""
    target = obj if isinstance(obj, type) or inspect.isfunction(obj) else type(obj)
    key = vars(target).get("_registered_name")
    return key if isinstance(key, str) else target.__name__


def get_registered_object(name: str, custom_objects=None):
    for scope in [custom_objects or {}] + _SCOPES[::-1]:
        if name in scope:
            return scope[name]
    return _REGISTRY.get(name)


@contextlib.contextmanager
def custom_object_scope(*scopes: dict):
    """`with custom_object_scope({"Scale": Scale}): load_model(...)` (Keras's CustomObjectScope)."""
    merged = {}
    for s in scopes:
        merged.update(s or {})
    _SCOPES.append(merged)
    try:
        yield merged
    finally:
        _SCOPES.pop()


# -- writing -----------------------------------------------------------------------------------------
def dtype_policy(dtype) -> dict:
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": as_dtype(dtype).name},
            "registered_name": None}


def _is_ours(cls) -> bool:
    return cls.__module__.startswith("tensorlite.")


def _keras_module(cls) -> str | None:
    """The Keras module of a tensorlite class (keras.layers for tl.keras.layers.*), else None."""
    mod = cls.__module__
    if mod.startswith("tensorlite.training.keras.layers") or mod.startswith("tensorlite.training.keras.engine"):
        return "keras.layers"
    for ours, keras in _OURS.items():
        if mod == ours:
            return keras
    return None


def serialize_activation(fn):
    from .. import activations
    if fn is None:
        return "linear"
    if isinstance(fn, str):
        return fn.lower()
    for name, known in activations._BY_NAME.items():
        if fn is known:
            return "silu" if name == "swish" else name
    name = getattr(fn, "__name__", None)
    if name in activations._BY_NAME and _is_ours_function(fn):
        return name  # tl.nn.relu and the like: the built-in of that name
    return serialize_function(fn)


def _is_ours_function(fn) -> bool:
    return getattr(fn, "__module__", "").startswith("tensorlite.")


def serialize_function(fn) -> dict:
    name = getattr(fn, "__name__", None)
    if not name or name == "<lambda>":
        raise ValueError(f"cannot serialize {fn!r}: a lambda has no name to load it by; use a named function "
                         "(and custom_objects or register_keras_serializable to load it)")
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": get_registered_name(fn) if "_registered_name" in vars(fn) else "function"}


def serialize_keras_object(obj):
    """Any value a config may hold, in Keras's JSON form."""
    from ..engine.layer import Layer
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, DType):
        return obj.name
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, Layer):
        return serialize_layer(obj)
    if isinstance(obj, type):
        raise ValueError(f"cannot serialize the class {obj.__name__}; pass an instance")
    if callable(obj) and not hasattr(obj, "get_config"):
        return serialize_function(obj)
    if hasattr(obj, "get_config"):
        return _serialize_configurable(obj)
    raise ValueError(f"cannot serialize {type(obj).__name__} object {obj!r}: it has no get_config()")


def _serialize_configurable(obj) -> dict:
    cls = type(obj)
    module = _keras_module(cls)
    config = {k: serialize_keras_object(v) for k, v in obj.get_config().items()}
    class_name = cls.__name__
    if module == "keras.initializers" and class_name == "VarianceScaling":
        alias = _VARIANCE_SCALING.get((float(obj.scale), obj.mode, obj.distribution))
        if alias is not None:
            class_name, config = alias, {"seed": obj.seed}
    if module is not None:
        return {"module": module, "class_name": class_name, "config": config, "registered_name": None}
    return {"module": cls.__module__, "class_name": class_name, "config": config,
            "registered_name": get_registered_name(obj)}


def serialize_argument(value, key: str, layer):
    """A constructor argument of `layer` in config form (what Layer.get_config returns)."""
    try:
        if key in ("activation", "recurrent_activation") and (value is None or callable(value)
                                                               or isinstance(value, str)):
            return serialize_activation(value)
        if key.endswith("_initializer") and isinstance(value, str):
            from .. import initializers
            try:  # Keras writes initializers as objects ("he_uniform" -> HeUniform)
                return serialize_keras_object(initializers.get(value))
            except ValueError:
                return value  # a name tensorlite maps itself (Embedding's "uniform")
        return serialize_keras_object(value)
    except ValueError as e:
        raise NotImplementedError(f"{type(layer).__name__} {layer.name!r}: argument {key!r} cannot be written to a "
                                  f"config ({e}); give the class a get_config() that returns plain values") from None


def serialize_layer(layer) -> dict:
    cls = type(layer)
    module = _keras_module(cls)
    from ..engine.model import Model
    if isinstance(layer, Model) and _is_ours(cls):
        functional = getattr(layer, "_functional", False) and cls.__name__ == "Model"
        entry = {"module": "keras" if cls.__name__ == "Sequential" else "keras.src.models.functional",
                 "class_name": cls.__name__ if cls.__name__ == "Sequential" else "Functional",
                 "config": layer.get_config(), "registered_name": "Functional" if functional else None}
    elif module is not None:
        entry = {"module": module, "class_name": cls.__name__, "config": layer.get_config(), "registered_name": None}
    else:
        entry = {"module": cls.__module__, "class_name": cls.__name__, "config": layer.get_config(),
                 "registered_name": get_registered_name(layer)}
    build = layer.get_build_config() if layer.built and type(layer).__name__ != "InputLayer" else None
    if build is not None:
        entry["build_config"] = build
    return entry


# -- reading -----------------------------------------------------------------------------------------
def _family_module(module: str | None):
    """The tensorlite module for a Keras module name ("keras.layers", "keras.src.layers.core.dense", ...)."""
    if not module or not module.startswith("keras"):
        return None
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "src":
        parts = ["keras"] + parts[2:]
    for n in range(len(parts), 1, -1):
        name = ".".join(parts[:n])
        if name in _FAMILIES:
            try:
                return importlib.import_module(_FAMILIES[name])
            except ImportError:
                return None
    return None


def _builtin_layer_classes() -> dict:
    from .. import layers
    from ..engine.layer import Layer
    return {name: obj for name, obj in vars(layers).items() if isinstance(obj, type) and issubclass(obj, Layer)}


def find_class(config: dict, custom_objects=None, what: str = "object"):
    """The class or function a serialized entry names (see the module docstring)."""
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    module = config.get("module")
    for key in (registered, class_name):
        if key:
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    if class_name in _MODELS and (module is None or module.startswith("keras")):
        from .. import models
        return getattr(models, _MODELS[class_name])
    family = _family_module(module) if module else None
    if module is None or module == "keras":  # Keras 3 writes "keras" for a few top-level classes
        family = family or importlib.import_module(_FAMILIES["keras.layers"])
    if family is not None:
        found = getattr(family, class_name, None)
        if callable(found) and getattr(found, "__module__", "").startswith("tensorlite."):
            return found
    label = f"{what} {config.get('config', {}).get('name')!r} " if isinstance(config.get("config"), dict) and \
        config["config"].get("name") else ""
    if module and module.startswith("keras"):
        if family is not None and "layers" in family.__name__:
            known = ", ".join(sorted(_builtin_layer_classes()))
            raise ValueError(f"{label}uses the Keras layer class {class_name!r}, which tensorlite does not have "
                             f"(tensorlite's layers: {known}); pass custom_objects={{{class_name!r}: YourLayer}} "
                             "to load it with a class of your own")
        raise ValueError(f"{label}uses the Keras class {class_name!r} ({module}), which tensorlite does not have; "
                         f"pass custom_objects={{{class_name!r}: ...}} to supply one")
    key = registered or class_name
    raise ValueError(f"{label}uses the custom class {key!r} (module {module}): pass custom_objects={{{key!r}: "
                     f"{class_name}}} to load_model, or decorate {class_name} with "
                     "tl.keras.saving.register_keras_serializable()")


def dtype_name(value) -> str | None:
    """A dtype from a config: a name or Keras's DTypePolicy; mixed precision is refused."""
    if value is None or isinstance(value, str):
        name = value
    elif isinstance(value, dict):
        if value.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy"):
            raise ValueError(f"dtype policy {value.get('class_name')!r} is not supported by tensorlite")
        name = (value.get("config") or {}).get("name")
    elif isinstance(value, DType):
        return value.name
    else:
        raise ValueError(f"cannot read a dtype from {value!r}")
    if name is not None and name.startswith("mixed_"):
        raise ValueError(f"the mixed-precision dtype policy {name!r} is not supported by tensorlite; "
                         "save the model with a float32 policy")
    return None if name is None else as_dtype(name).name


def deserialize_keras_object(config, custom_objects=None):
    """The value a serialized config entry stands for (classes instantiated, functions looked up);
    built-in activation names stay strings (layers take names)."""
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(v, custom_objects) for v in config]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects) for k, v in config.items()}
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(v, custom_objects) for v in inner["value"])
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "__keras_tensor__":
        return config  # resolved by the functional model loader
    if class_name in ("__lambda__",):
        raise ValueError("a Lambda layer's function is stored as Python bytecode, which tensorlite does not load; "
                         "write the function by name and pass it in custom_objects")
    if class_name in ("DTypePolicy", "FloatDTypePolicy"):
        return dtype_name(config)
    if class_name == "function":
        name = inner if isinstance(inner, str) else config.get("registered_name")
        for key in (config.get("registered_name"), name):
            if key and key != "function":
                found = get_registered_object(key, custom_objects)
                if found is not None:
                    return found
        from .. import activations
        if isinstance(name, str) and name.lower() in activations._BY_NAME:
            return name.lower()
        raise ValueError(f"the function {name!r} is unknown: pass custom_objects={{{name!r}: {name}}}")
    cls = find_class(config, custom_objects)
    from ..engine.layer import Layer
    if isinstance(cls, type) and issubclass(cls, Layer):
        # a layer given to another's constructor (a wrapper's) is built by its owner, as the owner needs
        return deserialize_layer(config, custom_objects, build=False)
    if not isinstance(cls, type):
        if inner is None or inner == {}:
            return cls() if _takes_no_arguments(cls) else cls
        return cls(**call_arguments(cls, inner, class_name, custom_objects))
    if hasattr(cls, "from_config") and not _is_ours(cls):
        return cls.from_config(inner or {})
    return cls(**call_arguments(cls, inner or {}, class_name, custom_objects))


def _takes_no_arguments(fn) -> bool:
    try:
        return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                   for p in inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False


def accepted_arguments(target) -> tuple[set, bool]:
    """The keyword arguments `target` (a class or function) takes: every named parameter along the
    chain of `__init__`s that pass **kwargs on; and whether it ends in an open **kwargs."""
    from ..engine.layer import BASE_ARGS, Layer
    if not isinstance(target, type):
        params = inspect.signature(target).parameters.values()
        return ({p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)},
                any(p.kind is p.VAR_KEYWORD for p in params))
    names: set = set()
    for klass in target.__mro__:
        if issubclass(target, Layer) and not issubclass(klass, Layer):
            continue  # a mixin (Model's Trainer): Layer subclasses pass their **kwargs on to Layer
        if klass is Layer:
            names.update(BASE_ARGS)
            return names, False
        init = vars(klass).get("__init__")
        if init is None:
            continue
        if klass is object:
            return names, False
        params = list(inspect.signature(init).parameters.values())[1:]
        names.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names, False
    return names, True


def _neutral(key: str, value) -> bool:
    if value is None:
        return True
    allowed = _NEUTRAL.get(key)
    return allowed is _ANY or (allowed is not None and value in allowed and type(value) is type(allowed[0]))


def call_arguments(target, config: dict, label: str, custom_objects=None) -> dict:
    """`config` as keyword arguments for `target`: values deserialized, Keras-only "off" arguments
    dropped, any other argument `target` lacks refused by name."""
    accepted, open_kwargs = accepted_arguments(target)
    out = {}
    for key, value in config.items():
        if key in accepted or open_kwargs:
            out[key] = deserialize_keras_object(value, custom_objects)
        elif not _neutral(key, value):
            takes = sorted(accepted - {"input_shape", "batch_size", "input_dim"})
            raise ValueError(f"{label}: the Keras argument {key}={value!r} is not supported by tensorlite "
                             f"({getattr(target, '__name__', target)} takes {takes})")
    return out


def layer_arguments(cls, config: dict, custom_objects=None) -> dict:
    """Layer.from_config's keyword arguments for `cls` from a layer config (ours or Keras 3's)."""
    label = f"{cls.__name__} {config.get('name')!r}"
    config = dict(config)
    dtype = dtype_name(config.pop("dtype", None)) if "dtype" in config else None
    try:
        out = call_arguments(cls, config, f"layer {label}", custom_objects)
    except ValueError as e:
        msg = str(e)
        raise ValueError(msg if msg.startswith("layer ") else f"layer {label}: {msg}") from None
    accepted, open_kwargs = accepted_arguments(cls)
    if dtype is not None and ("dtype" in accepted or open_kwargs):
        out["dtype"] = dtype
    return out


def deserialize_layer(entry: dict, custom_objects=None, build: bool = True):
    """A layer (or model) from its serialized entry; built from its build_config when the entry has one
    (and `build`)."""
    cls = find_class(entry, custom_objects, "layer")
    from ..engine.layer import Layer
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"{entry.get('class_name')!r} is not a layer class (custom_objects gave {cls!r})")
    config = entry.get("config") or {}
    with custom_object_scope(custom_objects or {}):  # a user's from_config(config) still finds them
        layer = cls.from_config(dict(config))
    accepted, open_kwargs = accepted_arguments(cls)
    if "name" in config and not ("name" in accepted or open_kwargs):
        layer.name = config["name"]
    if "trainable" in config and not ("trainable" in accepted or open_kwargs):
        layer.trainable = bool(config["trainable"])
    build_config = entry.get("build_config")
    if build and build_config and not layer.built and not getattr(layer, "_functional", False):
        layer.build_from_config(build_config)
    return layer


# -- compile settings --------------------------------------------------------------------------------
_ATTRIBUTE_ALIASES = {"learning_rate": "_lr", "initial_learning_rate": "initial", "decay_steps": "steps",
                      "decay_rate": "rate"}  # constructor argument -> the attribute tensorlite keeps it in


def _constructor_values(obj) -> dict:
    """An object's constructor arguments read back from its attributes (optimizers, schedules,
    metrics); an argument with no attribute of its name is an error."""
    out = {}
    for klass in type(obj).__mro__:
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        for p in list(inspect.signature(init).parameters.values())[1:]:
            if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) or p.name in out:
                continue
            for attr in (p.name, _ATTRIBUTE_ALIASES.get(p.name)):
                if attr and attr in vars(obj):
                    out[p.name] = vars(obj)[attr]
                    break
            else:
                raise ValueError(f"{type(obj).__name__}: cannot read back its argument {p.name!r}")
        if not any(q.kind is q.VAR_KEYWORD for q in inspect.signature(init).parameters.values()):
            break
    return out


def serialize_compile_object(obj):
    """An optimizer, loss, metric, schedule or function given to compile(), in Keras's form."""
    from .. import losses, metrics
    if isinstance(obj, (str, type(None))):
        return obj
    if inspect.isfunction(obj) or (callable(obj) and not hasattr(obj, "__dict__")):
        return serialize_function(obj)
    if isinstance(obj, losses.Loss):
        if type(obj).__name__ == "FunctionLoss":
            return serialize_function(type(obj).fn)
        config = {"name": obj.name, "reduction": obj.reduction, **obj.kwargs}
    elif isinstance(obj, metrics.MeanMetricWrapper):
        raise ValueError(f"the metric {obj.name!r} wraps a function; compile with its name instead")
    else:
        config = _constructor_values(obj)
        if isinstance(obj, metrics.Metric):
            config["dtype"] = "float32"
    config = {k: serialize_compile_object(v) if not isinstance(v, (bool, int, float, str, type(None), list, tuple))
              else v for k, v in config.items()}
    module = _keras_module(type(obj))
    if module is None:
        return {"module": type(obj).__module__, "class_name": type(obj).__name__, "config": config,
                "registered_name": get_registered_name(obj)}
    return {"module": module, "class_name": type(obj).__name__, "config": config, "registered_name": None}


def deserialize_compile_object(value, kind: str):
    """The compile() argument a compile_config entry stands for (names stay names)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("class_name") == "function":
        name = value.get("config")
        for key in (value.get("registered_name"), name):
            if key and key != "function":
                found = get_registered_object(key)
                if found is not None:
                    return found
        if isinstance(name, str):
            return name  # a built-in loss or metric function, by name
    try:
        return deserialize_keras_object(value)
    except ValueError as e:
        raise ValueError(f"{kind}: {e}") from None
