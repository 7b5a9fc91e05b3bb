"""The Graph IR (DESIGN contract 2): plain dataclasses that training traces into and the converter,
quantizer and XLA device read.

A Graph has Values (one static dtype and shape each) and Nodes in execution order. A Node applies
one op-table op (`training/ops`, keyed by name) to input Values with attributes. A Value is a
graph input, a constant (its array held by the graph), a captured variable (read when the graph
runs; `captures` names it), or a node output. `assigns` lists variable updates applied after a run
(what a traced train step does to its weights).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dtypes import as_dtype
from ..files import atomic_write_bytes
from ..ops.registry import OPS
from ..spec import TensorSpec


@dataclass(eq=False)
class Value:
    id: int
    dtype: str            # dtype name, e.g. "float32"
    shape: tuple          # static shape
    name: str = ""

    def __repr__(self) -> str:
        return f"%{self.id}:{self.dtype}{list(self.shape)}"


@dataclass(eq=False)
class Node:
    op: str
    inputs: list[Value]
    outputs: list[Value]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Graph:
    name: str = "graph"
    inputs: list[Value] = field(default_factory=list)
    outputs: list[Value] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    constants: dict[int, np.ndarray] = field(default_factory=dict)  # value id -> array
    captures: dict[int, str] = field(default_factory=dict)          # value id -> variable name
    assigns: list[tuple[str, Value]] = field(default_factory=list)  # (variable name, new value)

    # ---- checks and printing ----
    def verify(self) -> None:
        """Raises ValueError naming the node when a value is used before it is defined, an op is not
        in the table, or a node's recorded outputs disagree with its op's shape/dtype inference."""
        defined = {v.id for v in self.inputs} | set(self.constants) | set(self.captures)
        for i, n in enumerate(self.nodes):
            where = f"graph {self.name!r} node {i} ({n.op})"
            if n.op not in OPS:
                raise ValueError(f"{where}: op is not in the op table")
            for v in n.inputs:
                if v.id not in defined:
                    raise ValueError(f"{where}: input {v} is used before it is defined")
            specs = OPS[n.op].infer(*[TensorSpec(v.shape, as_dtype(v.dtype)) for v in n.inputs],
                                    **{**OPS[n.op].attrs, **n.attrs})
            specs = tuple(specs) if isinstance(specs, (tuple, list)) else (specs,)
            if len(specs) != len(n.outputs):
                raise ValueError(f"{where}: {len(n.outputs)} outputs recorded, the op makes {len(specs)}")
            for s, v in zip(specs, n.outputs):
                if s.dtype.name != v.dtype or any(a is not None and a != b for a, b in zip(s.shape, v.shape)) \
                        or len(s.shape) != len(v.shape):
                    raise ValueError(f"{where}: output {v} but inference gives {s.dtype.name}{list(s.shape)}")
                defined.add(v.id)
            for a in n.attrs.values():
                if isinstance(a, Graph):  # control flow: branches and loop bodies are graphs too
                    a.verify()
        for v in self.outputs + [v for _, v in self.assigns]:
            if v.id not in defined:
                raise ValueError(f"graph {self.name!r}: output {v} is never defined")

    def dump(self) -> str:
        """A readable listing, one line per node."""
        lines = [f"graph {self.name}({', '.join(map(repr, self.inputs))}):"]
        for vid, a in self.constants.items():
            lines.append(f"  %{vid} = constant {a.dtype}{list(a.shape)}")
        for vid, name in self.captures.items():
            lines.append(f"  %{vid} = variable {name!r}")
        for n in self.nodes:
            attrs = ", ".join(f"{k}=<graph {v.name}>" if isinstance(v, Graph) else f"{k}={v!r}"
                              for k, v in n.attrs.items())
            outs = ", ".join(map(repr, n.outputs))
            lines.append(f"  {outs} = {n.op}({', '.join(f'%{v.id}' for v in n.inputs)}{', ' if attrs else ''}{attrs})")
            for v in n.attrs.values():
                if isinstance(v, Graph):  # control flow: the branch or loop graph, indented
                    lines += ["    " + line for line in v.dump().splitlines()]
        for name, v in self.assigns:
            lines.append(f"  assign {name!r} <- %{v.id}")
        lines.append(f"  return {', '.join(f'%{v.id}' for v in self.outputs)}")
        return "\n".join(lines)

    # ---- serialization: JSON structure + constants in the weights file format ----
    def to_json(self) -> dict:
        values = {}

        def ref(v: Value) -> int:
            values[v.id] = {"dtype": v.dtype, "shape": list(v.shape), "name": v.name}
            return v.id

        doc = {"name": self.name, "inputs": [ref(v) for v in self.inputs],
               "nodes": [{"op": n.op, "inputs": [ref(v) for v in n.inputs], "outputs": [ref(v) for v in n.outputs],
                          "attrs": _attrs_to_json(n.attrs)} for n in self.nodes],
               "outputs": [ref(v) for v in self.outputs],
               "constants": [ref(_value_of(self, vid)) for vid in self.constants],
               "captures": {str(ref(_value_of(self, vid))): name for vid, name in self.captures.items()},
               "assigns": [[name, ref(v)] for name, v in self.assigns]}
        doc["values"] = {str(k): v for k, v in values.items()}
        return doc

    def all_constants(self) -> dict[int, np.ndarray]:
        """Constants of this graph and of the graphs its control-flow nodes hold (ids are unique)."""
        out = dict(self.constants)
        for n in self.nodes:
            for a in n.attrs.values():
                if isinstance(a, Graph):
                    out.update(a.all_constants())
        return out

    def save(self, folder: str) -> None:
        """Writes graph.json and constants.tlw into `folder` (each written to a temp file and renamed)."""
        from ..keras.saving import save_arrays
        os.makedirs(folder, exist_ok=True)
        save_arrays(os.path.join(folder, "constants.tlw"), [(str(k), a) for k, a in self.all_constants().items()])
        atomic_write_bytes(os.path.join(folder, "graph.json"), json.dumps(self.to_json(), indent=1).encode())

    @staticmethod
    def load(folder: str) -> Graph:
        from ..keras.saving import load_arrays
        with open(os.path.join(folder, "graph.json")) as f:
            doc = json.load(f)
        arrays = dict(load_arrays(os.path.join(folder, "constants.tlw")))
        return Graph.from_json(doc, {int(k): a for k, a in arrays.items()})

    @staticmethod
    def from_json(doc: dict, constants: dict[int, np.ndarray]) -> Graph:
        try:
            vals = {int(k): Value(int(k), v["dtype"], tuple(v["shape"]), v.get("name", ""))
                    for k, v in doc["values"].items()}
            g = Graph(doc["name"], [vals[i] for i in doc["inputs"]], [vals[i] for i in doc["outputs"]])
            g.nodes = [Node(n["op"], [vals[i] for i in n["inputs"]], [vals[i] for i in n["outputs"]],
                            _attrs_from_json(n["attrs"], constants)) for n in doc["nodes"]]
            missing = [i for i in doc["constants"] if i not in constants]
            if missing:
                raise ValueError(f"constants {missing} are missing from the weights file")
            g.constants = {i: constants[i] for i in doc["constants"]}
            g.captures = {int(k): name for k, name in doc["captures"].items()}
            g.assigns = [(name, vals[i]) for name, i in doc["assigns"]]
        except (KeyError, TypeError, IndexError) as e:
            raise ValueError(f"not a valid tensorlite graph document ({type(e).__name__}: {e})") from None
        g.verify()
        return g


def _value_of(g: Graph, vid: int) -> Value:
    for v in g.inputs:
        if v.id == vid:
            return v
    for n in g.nodes:
        for v in n.inputs + n.outputs:
            if v.id == vid:
                return v
    a = g.constants.get(vid)
    if a is not None:
        return Value(vid, str(a.dtype) if a.dtype != np.bool_ else "bool", tuple(a.shape))
    return Value(vid, "float32", ())  # an unused capture: its spec is not needed to run


def _attrs_to_json(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, Graph):
            out[k] = {"graph": v.to_json()}
        elif hasattr(v, "name") and hasattr(v, "as_numpy_dtype"):
            out[k] = {"dtype": v.name}
        elif isinstance(v, tuple):
            out[k] = {"tuple": [_attrs_to_json({"_": x})["_"] for x in v]}
        elif isinstance(v, np.generic):
            out[k] = v.item()
        else:
            json.dumps(v)  # raises TypeError for an attribute JSON cannot hold
            out[k] = v
    return out


def _attrs_from_json(attrs: dict, constants: dict | None = None) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, dict) and "graph" in v:
            out[k] = Graph.from_json(v["graph"], constants or {})
        elif isinstance(v, dict) and "dtype" in v:
            out[k] = as_dtype(v["dtype"])
        elif isinstance(v, dict) and "tuple" in v:
            out[k] = tuple(_attrs_from_json({"_": x}, constants)["_"] for x in v["tuple"])
        else:
            out[k] = v
    return out
