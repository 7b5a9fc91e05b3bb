"""`tl.nn`: TensorFlow's neural-network namespace (re-exports from the op cards)."""
from tensorlite.training.ops.conv import conv2d as conv2d
from tensorlite.training.ops.pool import avg_pool2d as avg_pool2d
from tensorlite.training.ops.pool import max_pool2d as max_pool2d
