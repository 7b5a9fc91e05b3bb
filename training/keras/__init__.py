"""`tl.keras`: layers, models, training (compile/fit), optimizers, losses, metrics, callbacks."""
from . import activations as activations
from . import applications as applications
from . import backend as backend
from . import callbacks as callbacks
from . import constraints as constraints
from . import datasets as datasets
from . import initializers as initializers
from . import layers as layers
from . import losses as losses
from . import metrics as metrics
from . import models as models  # noqa: E402
from . import optimizers as optimizers
from . import regularizers as regularizers
from .engine.input_layer import Input as Input
from .engine.model import Model as Model
from .engine.sequential import Sequential as Sequential
