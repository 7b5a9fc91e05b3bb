"""`tl.keras.backend`: the few session-level helpers Keras code calls."""
from .engine.layer import clear_session as clear_session
