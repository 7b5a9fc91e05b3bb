"""How messages show a shape: `[1, 28, 28, 1]`, whatever holds it (a tuple, a list, a NumPy array,
NumPy integers); an unknown dimension shows as None."""
from __future__ import annotations


def shape_text(shape) -> str:
    return "[" + ", ".join("None" if d is None else str(int(d)) for d in shape) + "]"
