"""Layer: the unit of a Keras model. Weights are tl.Variables made by `add_weight` in `build`,
which runs on the first call with the input's shape. Sublayers and variables held in attributes
(directly, or inside lists, tuples and dicts, including ones filled after assignment) are found
by walking the attributes in assignment order.

Weight order is Keras 3's, layer by layer: a layer's own weights (those made trainable first, then
the non-trainable ones, each group in creation order), then each sublayer's weights in turn. So
`weights`, `get_weights` and `set_weights` take the lists Keras 3 gives (BatchNormalization's
gamma, beta, moving_mean, moving_variance sit together, before the next layer's weights), and
`trainable_weights` / `non_trainable_weights` are that list filtered.

Layer losses, as Keras 3 keeps them: `add_loss(tensor)` during a call, and with
`activity_regularizer` the penalty of each output divided by its batch size; the outermost call of a
layer tree clears its tree's losses first. `losses` lists them (the layer's, then its sublayers') and
then the penalty of each trainable weight that carries a regularizer; fit adds them all to the loss.

Configs: every `__init__` of a Layer subclass is wrapped once (`__init_subclass__`) to record the
arguments it received, defaults included, so `get_config()` works for any layer, user layers too,
without per-layer code: it returns the arguments of the class chain (the most derived class's
values win) in Keras's serialized form (activations by name, initializers and other objects as
{"class_name", "config"} dicts). `from_config` turns those back into objects and calls the class;
Keras keys a layer does not take are dropped when they hold Keras's "off" value and refused,
naming the argument, otherwise (see `saving/serialization.py`).
"""
from __future__ import annotations

import collections
import functools
import inspect
import re
import threading
import weakref

import numpy as np

from ...dtypes import as_dtype, float32
from ...graph.trace import name_scope
from ...tensor import Tensor, TensorShape, Variable, convert_to_tensor

_name_counts: collections.Counter = collections.Counter()
_calls = threading.local()  # `depth`: layer calls in progress on this thread (the outermost clears losses)
# each layer's add_loss terms of its tree's last call (Tensors), kept off the layer so copies of a layer
# start without them and a call clears nothing when no layer holds any
_LOSSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def unique_name(base: str) -> str:
    """Keras naming: the first "dense", then "dense_1", "dense_2", ..."""
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Restart layer-name numbering (`tl.keras.backend.clear_session`)."""
    _name_counts.clear()


def snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()  # Conv2D -> conv2d, as Keras names it


def _nested(value):
    """Layers and Variables inside an attribute value, in order."""
    if isinstance(value, (Layer, Variable)):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _nested(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _nested(v)


class _InitArgs:
    """The arguments each recorded `__init__` of a layer's class chain received (most derived first),
    as (class, {parameter: value}). Not a list or dict, so attribute walking never looks inside."""

    __slots__ = ("levels",)

    def __init__(self):
        self.levels: list[tuple[type, dict]] = []


_SIGNATURES: dict = {}


def _recording(cls, init):
    """`init` wrapped to record its bound arguments (defaults applied) on the instance first."""
    sig = _SIGNATURES.setdefault(init, inspect.signature(init))
    named = [p.name for p in list(sig.parameters.values())[1:]
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):  # noqa: N807
        record = self.__dict__.get("_init_args")
        if record is None:
            record = self.__dict__["_init_args"] = _InitArgs()
        try:
            bound = sig.bind(self, *args, **kwargs)
        except TypeError:
            bound = None  # the call below raises Python's own error for it
        if bound is not None:
            bound.apply_defaults()
            record.levels.append((cls, {k: bound.arguments[k] for k in named}))
        init(self, *args, **kwargs)

    __init__._records_args = True
    return __init__


BASE_ARGS = ("name", "trainable", "dtype", "input_shape", "batch_size", "input_dim", "activity_regularizer")


class Layer:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_records_args", False):
            cls.__init__ = _recording(cls, init)

    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None, input_shape=None,
                 batch_size=None, input_dim=None, activity_regularizer=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown arguments {sorted(kwargs)}")
        from .. import regularizers
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._own_weights: list[Variable] = []
        self._trainable = bool(trainable)
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.dtype = as_dtype(dtype or float32)
        self.built = False
        if input_dim is not None:  # Keras 2's Dense(input_dim=...)
            input_shape = (input_dim,)
        self._input_shape_arg = None if input_shape is None else (batch_size,) + tuple(input_shape)
        self.output_shape = None
        self._build_input_shape = None  # the first call's input shape(s), batch unknown (build_config)
        self._inbound_nodes: list = []  # functional-API calls (keras_tensor.Node), in order

    # -- tracking ----------------------------------------------------------------------------------
    def _sublayers(self) -> list[Layer]:
        out, seen = [], {id(self)}
        for value in vars(self).values():
            for item in _nested(value):
                if isinstance(item, Layer) and id(item) not in seen:
                    seen.add(id(item))
                    out.append(item)
        return out

    def _attribute_variables(self) -> list[Variable]:
        return [item for value in vars(self).values() for item in _nested(value) if isinstance(item, Variable)]

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    # -- weights -----------------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, initializer=None, trainable: bool = True, dtype=None):
        """A new tl.Variable owned by this layer. Accepts Keras 2's order (name, shape, ...) and
        Keras 3's (shape, initializer, ...) positionally: a non-string first argument is the shape."""
        if name is not None and not isinstance(name, str):
            name, shape, initializer = None, name, shape if initializer is None else initializer
        from .. import initializers
        if shape is None:
            raise ValueError(f"{self.name}.add_weight: `shape` is required")
        dtype = as_dtype(dtype or self.dtype)
        init = initializers.get(initializer if initializer is not None else
                                "glorot_uniform" if dtype.is_floating else "zeros")
        value = init(tuple(int(d) for d in shape), dtype=dtype)
        name = name or f"variable_{len(self._own_weights)}"
        v = Variable(value, trainable=trainable, name=f"{self.name}/{name}", dtype=dtype)
        self._own_weights.append(v)
        return v

    def _own_variables(self) -> list[Variable]:
        """This layer's own variables (not its sublayers'), in Keras 3's order: those made trainable
        first, then the non-trainable ones, each group in creation order (what a Keras weights file
        stores under the layer's `vars/0`, `vars/1`, ...)."""
        own, seen = [], set()
        for v in self._own_weights + self._attribute_variables():
            if id(v) not in seen:
                seen.add(id(v))
                own.append(v)
        return [v for v in own if v.trainable] + [v for v in own if not v.trainable]

    def _walk(self, parent_trainable: bool = True, seen=None):
        """(variable, effectively trainable) over this layer's tree, each variable once: the layer's
        own variables, then each sublayer's tree in turn (Keras 3's `weights` order)."""
        seen = set() if seen is None else seen
        on = parent_trainable and self.trainable
        for v in self._own_variables():
            if id(v) not in seen:
                seen.add(id(v))
                yield v, on and v.trainable
        for layer in self._sublayers():
            yield from layer._walk(on, seen)

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v, t in self._walk() if t]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for v, t in self._walk() if not t]

    @property
    def weights(self) -> list[Variable]:
        return [v for v, _ in self._walk()]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"{self.name}.set_weights: expected {len(mine)} arrays, got {len(weights)}")
        for v, w in zip(mine, weights):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(f"{self.name}.set_weights: {v.name} has shape {list(v.shape)}, "
                                 f"got an array of shape {list(w.shape)}")
        for v, w in zip(mine, weights):
            v.assign(np.asarray(w).astype(v.dtype.as_numpy_dtype))

    # -- losses ------------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Adds scalar loss terms (a tensor, or a list of them) for the current call; fit adds them to its loss."""
        terms = list(loss) if isinstance(loss, (list, tuple)) else [loss]
        for t in terms:
            if not isinstance(t, (Tensor, Variable, np.ndarray, float, int)):
                raise ValueError(f"{self.name}.add_loss: expected tensors, got {type(t).__name__} {t!r}")
        _LOSSES.setdefault(self, []).extend(t if isinstance(t, Tensor) else convert_to_tensor(t) for t in terms)

    def _all_layers(self) -> list:
        """This layer and every layer under it, each once, parents first."""
        out, seen, stack = [], set(), [self]
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(layer._sublayers())
        return out

    def _clear_losses(self) -> None:
        if not _LOSSES:  # the common case: no layer anywhere holds a term, no tree to walk
            return
        for layer in self._all_layers():
            _LOSSES.pop(layer, None)

    @property
    def losses(self) -> list:
        """The add_loss and activity terms of the last call (this layer's, then its sublayers'), then the
        penalty of each trainable weight with a regularizer (Keras 3's order)."""
        out = []
        for layer in self._all_layers() if _LOSSES else ():
            out.extend(_LOSSES.get(layer, ()))
        from ..regularizers import penalties
        return out + penalties(self)

    def _activity_losses(self, out) -> None:
        """Keras 3's activity penalty: the regularizer of each output, divided by its batch size."""
        from .keras_tensor import flatten
        for t in flatten(out):
            if not isinstance(t, Tensor):
                continue
            penalty = self.activity_regularizer(t)
            if t.ndim:
                from ...ops.creation import cast
                from ...ops.shape_ops import shape
                batch = t.shape[0]
                if batch is None:  # a symbolic batch: its size when the graph runs
                    batch = cast(shape(t)[0], penalty.dtype)
                    penalty = penalty / (batch + cast(batch == 0, penalty.dtype)) * cast(batch > 0, penalty.dtype)
                else:
                    penalty = penalty / float(batch) if batch else penalty * 0.0
            self.add_loss(penalty)

    def count_params(self) -> int:
        return int(sum(np.prod(v.shape, dtype=np.int64) for v in self.weights))

    # -- calling -----------------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs, training=None):
        raise NotImplementedError(f"{type(self).__name__}.call")

    def _maybe_build(self, inputs) -> None:
        if self.built:
            return
        shapes = [TensorShape(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) \
            else TensorShape(inputs.shape)
        self.build(shapes)
        self.built = True

    def _convert_input(self, x, index: int):
        """Keras autocasting: floating inputs take the layer's floating dtype; others keep theirs."""
        if not isinstance(x, Tensor):
            x = convert_to_tensor(x, dtype_hint=self.dtype)
        if x.dtype.is_floating and self.dtype.is_floating and x.dtype != self.dtype:
            from ...ops.creation import cast
            x = cast(x, self.dtype)
        return x

    def __call__(self, inputs, training=None, **kwargs):
        from .keras_tensor import KerasTensor, flatten, symbolic_call
        if any(isinstance(x, KerasTensor) for x in flatten([inputs, kwargs])):
            return symbolic_call(self, inputs, training, kwargs)
        if isinstance(inputs, (list, tuple)):
            inputs = [self._convert_input(x, i) for i, x in enumerate(inputs)]
        else:
            inputs = self._convert_input(inputs, 0)
        depth = getattr(_calls, "depth", 0)
        if depth == 0:  # the outermost call: the tree's losses are this call's
            self._clear_losses()
        _calls.depth = depth + 1
        try:
            self._maybe_build(inputs)
            if self._build_input_shape is None and not any(isinstance(v, Tensor) for v in kwargs.values()):
                self._build_input_shape = [(None,) + tuple(x.shape[1:]) for x in inputs] \
                    if isinstance(inputs, (list, tuple)) else (None,) + tuple(inputs.shape[1:])
            with name_scope(self.name):  # traced ops are named after the layer (conv2d/conv2d ...)
                if _accepts(self.call, "training"):
                    out = self.call(inputs, training=training, **kwargs)
                else:
                    out = self.call(inputs, **kwargs)
                if getattr(self, "activity_regularizer", None) is not None:
                    self._activity_losses(out)
        finally:
            _calls.depth = depth
        if self.output_shape is None:  # the first call's shapes, batch unknown (shown by summary)
            shapes = [(None,) + tuple(t.shape[1:]) for t in flatten(out) if hasattr(t, "shape")]
            self.output_shape = shapes[0] if len(shapes) == 1 and not isinstance(out, (list, tuple)) else shapes
        return out

    def compute_output_shape(self, input_shape):
        """By running the layer on a small zero batch (see keras_tensor.py)."""
        from .keras_tensor import KerasTensor, symbolic_call
        if input_shape and isinstance(input_shape[0], (list, tuple)):
            spec = [KerasTensor(s, self.dtype) for s in input_shape]
        else:
            spec = KerasTensor(input_shape, self.dtype)
        out = symbolic_call(self, spec, None, {}, record=False)
        return [t.shape for t in out] if isinstance(out, (list, tuple)) else out.shape

    # -- configs -----------------------------------------------------------------------------------
    def _init_arguments(self) -> dict:
        """The recorded constructor arguments of the class chain, base classes first so the most
        derived class's values win; name, trainable and dtype are left to get_config (the layer's
        current state)."""
        merged: dict = {}
        record = self.__dict__.get("_init_args")
        levels = record.levels if record is not None else []
        for i, (_, values) in enumerate(reversed(levels)):
            own = i == len(levels) - 1
            # a base class's argument left at None is not the derived class's to state (a shared base may
            # take arguments the Keras class of the same name does not, e.g. _Conv's kernel_regularizer
            # under SeparableConv2D)
            merged.update(values if own else {k: v for k, v in values.items() if v is not None})
        return {k: v for k, v in merged.items() if k not in ("name", "trainable", "dtype")}

    # keys a class leaves out of its config: arguments of a shared base class that the Keras class of the
    # same name does not take (e.g. ("recurrent_activation",) for a SimpleRNN built on an LSTM/GRU base)
    _not_in_config: tuple = ()

    def get_config(self) -> dict:
        """Keras's layer config: name, trainable, dtype (as Keras 3's DTypePolicy) and the arguments
        the layer was made with, serialized (activations by name, objects as Keras dicts)."""
        from ..saving import serialization
        config = {"name": self.name, "trainable": self.trainable, "dtype": serialization.dtype_policy(self.dtype)}
        for key, value in self._init_arguments().items():
            config[key] = serialization.serialize_argument(value, key, self)
        if getattr(self, "activity_regularizer", None) is not None and config.get("activity_regularizer") is None:
            # given through **kwargs to Layer, whose arguments are not recorded
            config["activity_regularizer"] = serialization.serialize_argument(
                self.activity_regularizer, "activity_regularizer", self)
        for key in self._not_in_config:
            config.pop(key, None)
        return config

    @classmethod
    def from_config(cls, config: dict):
        """The layer `get_config` (ours or Keras 3's) describes; objects inside are rebuilt (custom ones
        from `custom_object_scope`), and a Keras argument this layer lacks raises unless it holds
        Keras's default ("off") value."""
        from ..saving import serialization
        return cls(**serialization.layer_arguments(cls, config))

    def get_build_config(self):
        shape = self._build_input_shape
        if shape is None:
            return None
        listed = [list(s) for s in shape] if isinstance(shape, list) else list(shape)
        return {"input_shape": listed}

    def build_from_config(self, config) -> None:
        """Builds the layer's weights for `config["input_shape"]` (Keras's build_config), by a call on
        a zero batch when it is not built yet."""
        if self.built or not config or config.get("input_shape") is None:
            return
        shape = config["input_shape"]
        self.compute_output_shape([tuple(s) for s in shape] if shape and isinstance(shape[0], (list, tuple))
                                  else tuple(shape))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _accepts(fn, arg: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return arg in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
