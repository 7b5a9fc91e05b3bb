"""`tl.nn`: TensorFlow's neural-network namespace (re-exports from the op cards)."""
from tensorlite.training.ops.conv import conv2d as conv2d
from tensorlite.training.ops.pool import avg_pool2d as avg_pool2d
from tensorlite.training.ops.pool import max_pool2d as max_pool2d
from tensorlite.training.ops.depthwise_conv import conv2d_transpose as conv2d_transpose
from tensorlite.training.ops.depthwise_conv import depthwise_conv2d as depthwise_conv2d
