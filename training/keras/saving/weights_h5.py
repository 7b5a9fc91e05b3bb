"""Model weights in Keras 3's HDF5 layout: `x.weights.h5`, and `model.weights.h5` inside a `.keras` file.

The layout (Keras 3's saving library; file-format facts only):

- every saveable object has a group holding a `vars` group, whose `name` attribute is the object's
  name and whose datasets "0", "1", ... are its own variables: for a layer, those made trainable
  first, then the non-trainable ones (`Layer._own_variables`); the model itself is the root
  (`/vars`);
- a functional or Sequential model's layers sit under `layers/<class in snake case>` in
  `model.layers` order, a repeated class numbered `dense`, `dense_1`, ...; then other attributes
  that hold layers, by attribute name (public ones first, then `_private` ones), as
  `<path>/<attribute>`, and lists or dicts of layers as `<path>/<attribute>/<class>[_n]`
  (`container`, `container_1` for nested lists); an object reached twice is written once, where
  first met;
- Keras's LSTM and GRU keep their variables in a cell: `layers/lstm/vars` is empty and
  `layers/lstm/cell/vars/0..2` hold kernel, recurrent_kernel and bias (tensorlite's recurrent
  layers have no cell object, so that path is mapped here);
- `optimizer/vars`: the iteration count, the learning rate (unless a schedule gives it), then the
  slot variables, per model trainable variable in `model.trainable_variables` order: SGD momentum
  (when momentum != 0); Adam and AdamW momentum and velocity interleaved; RMSprop all velocities,
  then all momentums (momentum > 0), then all average gradients (centered).

Loading checks everything (every layer's group, count and shapes) before assigning anything, and
errors name the layer and the path.
"""
from __future__ import annotations

import io
import warnings

import numpy as np

from ...tensor import Variable

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def _h5py():
    try:
        import h5py
    except ImportError as e:  # a dependency of tensorlite; say so if an install lacks it
        raise ImportError("Keras 3 weight files need h5py (pip install h5py)") from e
    return h5py


def _snake(name: str) -> str:
    from ..engine.layer import snake_case
    return snake_case(name)


def _class_name(layer) -> str:
    """The class name Keras would see: tensorlite's functional Model is Keras's Functional."""
    from ..engine.model import Model
    if type(layer) is Model and getattr(layer, "_functional", False):
        return "Functional"
    return type(layer).__name__


def _cell_name(layer) -> str | None:
    """'lstm_cell' / 'gru_cell' for tensorlite's recurrent layers, whose Keras twins hold a cell."""
    from ..layers.recurrent import _RNN
    return f"{_snake(type(layer).__name__)}_cell" if isinstance(layer, _RNN) else None


def _attribute_order(name: str) -> str:
    return "~" + name if name.startswith("_") else name


def _holds_layers(value) -> bool:
    from ..engine.layer import Layer
    if isinstance(value, Layer):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(_holds_layers(v) for v in value)


def entries(model) -> list[tuple[str, object, list[Variable], str]]:
    """(group path, layer, its own variables in file order, name attribute) for every layer of the
    model's tree, in the order Keras 3 walks them."""
    from ..engine.layer import Layer
    from ..engine.model import Model
    out, visited = [], set()

    def join(path, name):
        return f"{path}/{name}" if path else name

    def visit(layer, path):
        if id(layer) in visited:
            return
        visited.add(id(layer))
        cell = _cell_name(layer)
        if cell is None:
            out.append((path, layer, layer._own_variables(), layer.name))
        else:
            out.append((path, layer, [], layer.name))
            out.append((join(path, "cell"), layer, layer._own_variables(), cell))
        children = []
        if isinstance(layer, Model) and (getattr(layer, "_functional", False) or hasattr(layer, "_layers")):
            children.append(("layers", layer.layers))
        attrs = vars(layer)
        for name in sorted(attrs, key=_attribute_order):
            if name in ("_init_args", "_inbound_nodes", "_func_layers", "_layers") or name.startswith("__"):
                continue
            if _holds_layers(attrs[name]):
                children.append((name, attrs[name]))
        for name, value in children:
            if isinstance(value, Layer):
                visit(value, join(path, name))
            else:
                container(value, join(path, name))

    def container(items, path):
        used: dict[str, int] = {}

        def unique(base):
            if base in used:
                used[base] += 1
                return f"{base}_{used[base]}"
            used[base] = 0
            return base
        for item in (list(items.values()) if isinstance(items, dict) else items):
            if isinstance(item, Layer):
                visit(item, join(path, unique(_snake(_class_name(item)))))
            elif isinstance(item, (list, tuple, dict)):
                container(item, join(path, unique("container")))

    visit(model, "")
    return out


# -- the optimizer -------------------------------------------------------------------------------------
def _slot_layout(optimizer) -> list[list[str]] | None:
    """Slot names in Keras's file order: a list of groups; a group lists the slots stored per variable
    (interleaved); groups follow one another. None for an optimizer whose layout is not known."""
    from ..optimizers import SGD, Adam, RMSprop
    if isinstance(optimizer, Adam):  # AdamW too
        return [["m", "v"]]
    if isinstance(optimizer, SGD) and type(optimizer) is SGD:
        return [["momentum"]] if optimizer.momentum else []
    if isinstance(optimizer, RMSprop) and type(optimizer) is RMSprop:
        groups = [["velocity"]]
        if optimizer.momentum > 0:
            groups.append(["momentum"])
        if optimizer.centered:
            groups.append(["average_gradient"])
        return groups
    return None


def _has_lr_variable(optimizer) -> bool:
    from ..optimizers.schedules import LearningRateSchedule
    return not isinstance(optimizer._lr, LearningRateSchedule)


def optimizer_arrays(model) -> list[np.ndarray] | None:
    """The optimizer's state as Keras 3 stores it (None when there is nothing Keras could read)."""
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    layout = _slot_layout(opt)
    if layout is None:
        warnings.warn(f"{model.name}: the state of optimizer {type(opt).__name__} is not saved (tensorlite knows "
                      "Keras's layout for SGD, Adam, AdamW and RMSprop)", stacklevel=3)
        return None
    arrays = [np.asarray(opt.iterations, np.int64)]
    if _has_lr_variable(opt):
        arrays.append(np.asarray(opt._lr, np.float32))
    if opt._iterations is not None:  # built (stepped at least once): the slots too
        variables = model.trainable_variables
        for group in layout:
            arrays += [opt.slot(v, name).numpy() for v in variables for name in group]
    return arrays


def _load_optimizer(model, stored: list[np.ndarray], source: str) -> None:
    import tensorlite as tl
    opt = model.optimizer
    layout = _slot_layout(opt)
    variables = model.trainable_variables
    head = 1 + _has_lr_variable(opt)
    expected = head + sum(len(g) for g in layout or []) * len(variables)
    if layout is None or len(stored) not in (head, expected):
        warnings.warn(f"{source}: skipping the optimizer state: the file holds {len(stored)} optimizer variables, "
                      f"{type(opt).__name__} here needs {expected}", stacklevel=3)
        return
    slots = []
    if len(stored) == expected:
        i = head
        for group in layout:
            for v in variables:
                for name in group:
                    if tuple(stored[i].shape) != tuple(v.shape):
                        warnings.warn(f"{source}: skipping the optimizer state: slot {i} has shape "
                                      f"{list(stored[i].shape)}, variable {v.name!r} {list(v.shape)}", stacklevel=3)
                        return
                    slots.append((v, name, stored[i]))
                    i += 1
    steps = int(np.asarray(stored[0]))
    if opt._iterations is None:
        opt._iterations = tl.Variable(np.int64(steps), trainable=False, name=f"{opt.name}/iterations")
    else:
        opt._iterations.assign(np.int64(steps))
    if head == 2:
        opt.learning_rate = float(np.asarray(stored[1]))
    for v, name, a in slots:
        slot = opt.slot(v, name)
        slot.assign(np.asarray(a).astype(slot.dtype.as_numpy_dtype))


# -- writing and reading ---------------------------------------------------------------------------------
def to_bytes(model, include_optimizer: bool = True) -> bytes:
    """The model's weights file (Keras 3's layout) as bytes."""
    h5py = _h5py()
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for path, _, variables, name in entries(model):
            group = f if not path else f.require_group(path)
            v = group.create_group("vars")
            v.attrs["name"] = name
            for i, var in enumerate(variables):
                v.create_dataset(str(i), data=var.numpy())
        state = optimizer_arrays(model) if include_optimizer else None
        if state is not None:
            v = f.require_group("optimizer").create_group("vars")
            v.attrs["name"] = model.optimizer.name.lower()
            for i, a in enumerate(state):
                v.create_dataset(str(i), data=a)
    return buf.getvalue()


def _stored(group) -> list[np.ndarray]:
    vars_group = group.get("vars")
    if vars_group is None:
        return []
    keys = sorted(vars_group.keys(), key=lambda k: int(k) if k.isdigit() else -1)
    return [np.asarray(vars_group[k][()]) for k in keys]


def load_from(model, source, name: str, load_optimizer: bool = True) -> None:
    """Assigns the weights of a Keras 3 weights file (a path or bytes; `name` names it in errors)."""
    h5py = _h5py()
    with h5py.File(io.BytesIO(source) if isinstance(source, bytes) else source, "r") as f:
        if "vars" not in f and "layers" not in f:
            if "model_weights" in f or "layer_names" in f.attrs or "model_config" in f.attrs:
                raise ValueError(f"{name}: a Keras 2 (legacy) HDF5 file; tensorlite reads Keras 3's layout "
                                 "(save it again with Keras 3: model.save_weights('x.weights.h5'))")
            raise ValueError(f"{name}: not a Keras weights file (no 'vars' or 'layers' group)")
        plan, used = [], {"optimizer"}
        for path, layer, variables, _ in entries(model):
            group = f if not path else f.get(path)
            used.add(path)
            what = f"layer {layer.name!r} ({type(layer).__name__}, group '{path or '/'}')"
            if group is None:
                if variables:
                    raise ValueError(f"{name}: no weights for {what}; the file has groups "
                                     f"{sorted(k for k in f.get('layers', {}).keys())} under 'layers'")
                continue
            stored = _stored(group)
            if len(stored) != len(variables):
                raise ValueError(f"{name}: {what} holds {len(stored)} variables in the file, the layer has "
                                 f"{len(variables)}")
            for var, a in zip(variables, stored):
                if tuple(a.shape) != tuple(var.shape):
                    raise ValueError(f"{name}: {what}: variable {var.name!r} has shape {list(var.shape)}, the file "
                                     f"holds {list(a.shape)}")
                plan.append((var, a))
        unused = []

        def find(group_name, obj):
            if group_name.endswith("/vars") or group_name == "vars":
                owner = group_name[:-5] if group_name != "vars" else ""
                if owner not in used and not owner.startswith("optimizer") and len(obj):
                    unused.append(owner)
        f.visititems(find)
        if unused:
            raise ValueError(f"{name}: holds weights for {sorted(unused)}, which model {model.name!r} does not have")
        optimizer_state = _stored(f["optimizer"]) if "optimizer" in f else None
    for var, a in plan:
        var.assign(a.astype(var.dtype.as_numpy_dtype))
    if load_optimizer and optimizer_state and getattr(model, "optimizer", None) is not None:
        _load_optimizer(model, optimizer_state, name)
