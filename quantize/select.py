"""Which operators a user means by a name (`--keep-float NAME`): a builtin (`SOFTMAX`, any case) names
every operator of that kind; otherwise the name is a tensor name (`sequential/dense/matmul`) or a path
component of one (`dense`, `sequential/dense`: a Keras layer's name, which tensorlite's converter puts
in the names of the tensors a layer makes), matched against each operator's outputs and constants."""
from __future__ import annotations

from tensorlite.converter.model import Subgraph


def _mentions(tensor_name: str, name: str) -> bool:
    if tensor_name == name:
        return True
    parts = tensor_name.split("/")
    wanted = name.strip("/").split("/")
    return any(parts[i:i + len(wanted)] == wanted for i in range(len(parts) - len(wanted) + 1))


def match_operators(sg: Subgraph, names) -> frozenset:
    """Operator indices of `sg` that `names` select; an unknown name raises ValueError naming it."""
    chosen: set[int] = set()
    for name in names:
        hits = {k for k, op in enumerate(sg.operators) if not op.custom and op.opcode == name.upper()}
        if not hits:
            for k, op in enumerate(sg.operators):
                mine = list(op.outputs) + [i for i in op.inputs if i >= 0 and sg.tensors[i].data is not None]
                if any(_mentions(sg.tensors[i].name, name) for i in mine):
                    hits.add(k)
        if not hits:
            examples = sorted({sg.tensors[o].name for op in sg.operators for o in op.outputs})[:8]
            raise ValueError(f"keep-float: {name!r} names no operator (a builtin such as SOFTMAX, or a tensor or "
                             f"layer name such as {', '.join(repr(e) for e in examples)})")
        chosen |= hits
    return frozenset(chosen)
