"""`tl.nn`: TensorFlow's neural-network namespace (re-exports from the op cards)."""
from tensorlite.training.ops.activations import erf as erf
from tensorlite.training.ops.activations import gelu as gelu
from tensorlite.training.ops.activations import hard_swish as hard_swish
from tensorlite.training.ops.activations import leaky_relu as leaky_relu
from tensorlite.training.ops.activations import relu as relu
from tensorlite.training.ops.activations import relu6 as relu6
from tensorlite.training.ops.activations import sigmoid as sigmoid
from tensorlite.training.ops.activations import silu as silu
from tensorlite.training.ops.activations import swish as swish
from tensorlite.training.ops.activations import tanh as tanh
from tensorlite.training.ops.batch_norm import batch_normalization as batch_normalization
from tensorlite.training.ops.batch_norm import moments as moments
from tensorlite.training.ops.conv import conv2d as conv2d
from tensorlite.training.ops.depthwise_conv import conv2d_transpose as conv2d_transpose
from tensorlite.training.ops.depthwise_conv import depthwise_conv2d as depthwise_conv2d
from tensorlite.training.ops.dropout import dropout as dropout
from tensorlite.training.ops.pool import avg_pool2d as avg_pool2d
from tensorlite.training.ops.pool import max_pool2d as max_pool2d
from tensorlite.training.ops.softmax import log_sigmoid as log_sigmoid
from tensorlite.training.ops.softmax import log_softmax as log_softmax
from tensorlite.training.ops.softmax import sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits
from tensorlite.training.ops.softmax import softmax as softmax
from tensorlite.training.ops.softmax import softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits
from tensorlite.training.ops.softmax import (
    sparse_softmax_cross_entropy_with_logits as sparse_softmax_cross_entropy_with_logits,
)
