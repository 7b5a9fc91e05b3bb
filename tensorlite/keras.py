"""`tensorlite.keras` (so `from tensorlite.keras import layers` works): re-exports tl.keras."""
from tensorlite.training.keras import Input as Input
from tensorlite.training.keras import Model as Model
from tensorlite.training.keras import Sequential as Sequential
from tensorlite.training.keras import activations as activations
from tensorlite.training.keras import applications as applications
from tensorlite.training.keras import backend as backend
from tensorlite.training.keras import callbacks as callbacks
from tensorlite.training.keras import constraints as constraints
from tensorlite.training.keras import datasets as datasets
from tensorlite.training.keras import initializers as initializers
from tensorlite.training.keras import layers as layers
from tensorlite.training.keras import losses as losses
from tensorlite.training.keras import metrics as metrics
from tensorlite.training.keras import models as models
from tensorlite.training.keras import optimizers as optimizers
from tensorlite.training.keras import regularizers as regularizers
from tensorlite.training.keras import saving as saving
