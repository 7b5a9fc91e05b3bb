"""`tl.train` (re-exports): Checkpoint, CheckpointManager, latest_checkpoint."""
from tensorlite.training.train import Checkpoint as Checkpoint
from tensorlite.training.train import CheckpointManager as CheckpointManager
from tensorlite.training.train import latest_checkpoint as latest_checkpoint
