"""`tl.train`: object-based checkpoints (TensorFlow's tf.train.Checkpoint, CheckpointManager,
latest_checkpoint)."""
from .checkpoint import Checkpoint as Checkpoint
from .checkpoint import CheckpointManager as CheckpointManager
from .checkpoint import latest_checkpoint as latest_checkpoint
