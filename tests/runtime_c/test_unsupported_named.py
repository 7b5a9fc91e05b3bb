"""A valid model that uses something the C runtime lacks is refused with an error naming it (the builtin by
name with its node index and subgraph, the custom code, the tensor type, the sparse tensor), never as "not a
valid TFLite FlatBuffer". Each model is a valid FlatBuffer (LiteRT reads them; it refuses the StableHLO op by
name too)."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.runtime_c.tflite_graph import Model


def _refused(data: bytes) -> str:
    with pytest.raises(ValueError) as e:
        tl.lite.Interpreter(model_content=data).allocate_tensors()
    msg = str(e.value)
    assert "not a valid TFLite FlatBuffer" not in msg
    return msg


def _two_ops(second: str) -> bytes:
    m = Model()
    g = m.subgraph()
    x, h, y = g.input("x", [4], "float32"), g.tensor("h", [4], "float32"), g.tensor("y", [4], "float32")
    g.op("RELU", [x], [h])
    g.op(second, [h], [y])
    g.output(y)
    return m.build()


def test_missing_builtin_by_name_and_node():
    """Every builtin of LiteRT's reference resolver has a kernel here, so the missing one is a StableHLO op that
    resolver lacks too (LiteRT refuses it at load, naming it; the FlatBuffer itself is valid)."""
    data = _two_ops("STABLEHLO_SORT")
    with pytest.raises((RuntimeError, ValueError), match="STABLEHLO_SORT"):
        litert_interpreter(data)
    msg = _refused(data)
    assert "node 1 (STABLEHLO_SORT)" in msg and "no kernel for this builtin" in msg


def test_missing_builtin_in_a_called_subgraph():
    m = Model()
    main, body = m.subgraph(), m.subgraph()
    x, y = main.input("x", [4], "float32"), main.tensor("y", [4], "float32")
    c = main.input("c", [], "bool")
    then_sg, else_sg = body, m.subgraph()
    for sg, op in ((then_sg, "STABLEHLO_SORT"), (else_sg, "RELU")):
        a, b = sg.input("a", [4], "float32"), sg.tensor("b", [4], "float32")
        sg.op(op, [a], [b])
        sg.output(b)
    main.op("IF", [c, x], [y], then_subgraph_index=1, else_subgraph_index=2)
    main.output(y)
    msg = _refused(m.build())
    assert "subgraph 1 node 0 (STABLEHLO_SORT)" in msg


def test_custom_op_by_code():
    m = Model()
    g = m.subgraph()
    x, y = g.input("x", [4], "float32"), g.tensor("y", [4], "float32")
    g.custom("MaxUnpooling2DNotHere", [x], [y])
    g.output(y)
    msg = _refused(m.build())
    assert "node 0 (CUSTOM MaxUnpooling2DNotHere)" in msg and "custom operator" in msg


@pytest.mark.parametrize("type_name,code", [("VARIANT", 14), ("COMPLEX128", 11), ("INT4", 17), ("BFLOAT16", 18)])
def test_constant_of_unsupported_type_by_type(type_name, code):
    m = Model()
    g = m.subgraph()
    x, y = g.input("x", [4], "float32"), g.tensor("y", [4], "float32")
    c = g.const("c", np.arange(4, dtype=np.float32))
    g.g.tensors[c].type = code  # the bytes stay: any count is fine for a type we refuse
    g.op("ADD", [x, c], [y])
    g.output(y)
    msg = _refused(m.build())
    assert f"type {type_name}" in msg and "does not support" in msg


def test_sparse_activation_by_name():
    from tests.litert import litert_schema
    schema, _ = litert_schema()
    m = Model()
    g = m.subgraph()
    x, y = g.input("x", [4], "float32"), g.tensor("y", [4], "float32")
    g.g.tensors[x].sparsity = schema.SparsityParametersT()
    g.op("RELU", [x], [y])
    g.output(y)
    assert "sparse tensor without a constant buffer" in _refused(m.build())
