"""`tl.Module`: an object that tracks its variables and submodules by attribute (TensorFlow's
tf.Module), so saved models can find every weight a function reads."""
from __future__ import annotations

from .tensor import Variable


class Module:
    def __init__(self, name: str | None = None):
        self._name = name or type(self).__name__

    @property
    def name(self) -> str:
        return getattr(self, "_name", type(self).__name__)

    def _walk(self):
        """Yields (Variable | Module) found in attributes, lists, tuples and dicts, depth first."""
        seen = {id(self)}
        stack = [v for k, v in sorted(vars(self).items()) if not k.startswith("__")]
        while stack:
            x = stack.pop(0)
            if id(x) in seen:
                continue
            seen.add(id(x))
            if isinstance(x, Variable):
                yield x
            elif isinstance(x, Module):
                yield x
                stack[:0] = [v for k, v in sorted(vars(x).items()) if not k.startswith("__")]
            elif isinstance(x, (list, tuple)):
                stack[:0] = list(x)
            elif isinstance(x, dict):
                stack[:0] = [x[k] for k in sorted(x, key=str)]

    @property
    def variables(self) -> list[Variable]:
        return [x for x in self._walk() if isinstance(x, Variable)]

    @property
    def trainable_variables(self) -> list[Variable]:
        return [v for v in self.variables if v.trainable]

    @property
    def submodules(self) -> list[Module]:
        return [x for x in self._walk() if isinstance(x, Module)]
