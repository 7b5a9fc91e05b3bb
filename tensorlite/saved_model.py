"""`tl.saved_model`: save traced functions with their variables; load them without their class."""
from tensorlite.training.saved_model import load as load
from tensorlite.training.saved_model import save as save
