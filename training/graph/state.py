"""The per-thread tracing state (the stack of active recorders and name scopes), in a module of its
own so that `tensor.py` can read it without importing the tracer: inside a trace, a tensor whose
graph value has a symbolic dimension reports None there (`Tensor.shape`), as TensorFlow's do."""
from __future__ import annotations

import threading

state = threading.local()
