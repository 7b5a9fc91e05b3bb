"""`tl.quantization`: TensorFlow's fake-quantization ops (quantization-aware training)."""
from tensorlite.training.ops.fake_quant import fake_quant_with_min_max_vars as fake_quant_with_min_max_vars
from tensorlite.training.ops.fake_quant import (
    fake_quant_with_min_max_vars_per_channel as fake_quant_with_min_max_vars_per_channel,
)
