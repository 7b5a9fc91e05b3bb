"""The op table: importing this package fills `registry.OPS` from the card files listed here.

Each card is `training/ops/<name>.py`; a test checks that every card file is listed.
"""
from . import registry  # noqa: F401

# --- cards (keep sorted within each group; one line per file) ---
from . import binary, creation, matmul, reduce, reshape, unary, where  # noqa: E402,F401

# --- cards added by the array-manipulation work ---
from . import clip  # noqa: E402,F401
from . import concat  # noqa: E402,F401
from . import gather  # noqa: E402,F401
from . import one_hot  # noqa: E402,F401
from . import pad  # noqa: E402,F401
from . import shape_ops  # noqa: E402,F401
from . import slice  # noqa: E402,F401
from . import split  # noqa: E402,F401
from . import stack  # noqa: E402,F401
from . import strided_slice  # noqa: E402,F401
from . import transpose  # noqa: E402,F401
# --- cards added by the neural-network work ---
from . import activations  # noqa: E402,F401
from . import batch_norm  # noqa: E402,F401
from . import conv  # noqa: E402,F401
from . import depthwise_conv  # noqa: E402,F401
from . import dropout  # noqa: E402,F401
from . import pool  # noqa: E402,F401
from . import softmax  # noqa: E402,F401

from . import overloads  # noqa: E402,F401  (Tensor operators; needs the cards above)
from .registry import OPS  # noqa: E402,F401
