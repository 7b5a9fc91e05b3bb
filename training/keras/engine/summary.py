"""`Model.summary()`: Keras's table of layers (name and type, output shape, parameter count; the
"Connected to" column for functional models that are not a plain chain) and the totals."""
from __future__ import annotations

import numpy as np


def _size(n_bytes: int) -> str:
    size, unit = float(n_bytes), "B"
    for bigger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.2f} {unit}"


def _shape_text(shapes) -> str:
    if shapes is None:
        return "?"
    if isinstance(shapes, list):
        return str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(str(s) for s in shapes) + "]"
    return str(shapes)


def _functional_rows(model) -> tuple[list, bool]:
    """Rows (layer, shape text, connected-to text) and whether the graph is a plain chain."""
    own = {id(n) for n in model._nodes} | {id(t.node) for t in model._inputs}
    consumers: dict[int, int] = {}
    for node in model._nodes:
        for p in node.parents:
            consumers[id(p)] = consumers.get(id(p), 0) + 1
    chain = len(model._inputs) == len(model._outputs) == 1 and all(len(n.parents) == 1 for n in model._nodes) \
        and all(c == 1 for c in consumers.values())
    rows = []
    for layer in model.layers:
        nodes = [n for n in layer._inbound_nodes if id(n) in own]
        shapes = {_shape_text([t.shape for t in n.outputs]) for n in nodes}
        shape = shapes.pop() if len(shapes) == 1 else "multiple"
        links = [f"{p.node.layer.name}[{p.node.layer._inbound_nodes.index(p.node)}][{p.index}]"
                 for n in nodes for p in n.parents]
        rows.append((layer, shape, ", ".join(links) or "-"))
    return rows, chain


def summary_text(model, show_trainable: bool = False) -> str:
    if model._functional:
        rows, chain = _functional_rows(model)
    else:
        rows, chain = [(la, _shape_text(la.output_shape), "") for la in model.layers], True
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    header += ["Trainable"] if show_trainable else []
    table = [header]
    for layer, shape, links in rows:
        params = f"{layer.count_params():,}" if layer.built or layer.weights else "0 (unbuilt)"
        row = [f"{layer.name} ({type(layer).__name__})", shape, params] + ([] if chain else [links])
        table.append(row + (["Y" if layer.trainable else "N"] if show_trainable else []))
    widths = [max(len(r[i]) for r in table) + 3 for i in range(len(header))]
    total = sum(widths)
    lines = [f'Model: "{model.name}"', "_" * total]
    for i, row in enumerate(table):
        lines.append(" " + "".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        lines.append("=" * total if i == 0 else "")
    lines[-1] = "=" * total

    def count(variables):
        return sum(int(np.prod(v.shape, dtype=np.int64)) for v in variables), \
            sum(int(np.prod(v.shape, dtype=np.int64)) * np.dtype(v.dtype.as_numpy_dtype).itemsize for v in variables)

    t_n, t_b = count(model.trainable_weights)
    n_n, n_b = count(model.non_trainable_weights)
    lines += [f"Total params: {t_n + n_n:,} ({_size(t_b + n_b)})",
              f"Trainable params: {t_n:,} ({_size(t_b)})",
              f"Non-trainable params: {n_n:,} ({_size(n_b)})",
              "_" * total]
    return "\n".join(lines)
