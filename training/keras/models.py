"""`tl.keras.models` (re-exports)."""
from .engine.model import Model as Model
from .engine.sequential import Sequential as Sequential
