"""The op table: importing this package fills `registry.OPS` from the card files listed here.

Each card is `training/ops/<name>.py` (tests/ops/test_cards_complete.py checks every card file
is listed). `overloads` attaches the Tensor operators (`+`, `@`, `x[...]`).
"""
from . import (  # noqa: F401  (imported for their registrations)
    activations,
    batch_norm,
    binary,
    clip,
    concat,
    control_flow,
    conv,
    creation,
    depthwise_conv,
    dropout,
    einsum,
    fake_quant,
    gather,
    matmul,
    one_hot,
    optimizer,
    overloads,
    pad,
    pool,
    reduce,
    reshape,
    resize,
    shape_ops,
    slice,
    softmax,
    split,
    stack,
    strided_slice,
    top_k,
    transpose,
    unary,
    where,
)
from .registry import OPS  # noqa: F401
