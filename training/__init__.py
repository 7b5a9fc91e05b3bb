"""tensorlite.training: tensors, the op table, GradientTape, keras, data (see DESIGN.md)."""
from . import ops  # noqa: F401  (fills the op table and attaches Tensor operators)
