"""`tl.image` (re-exports)."""
from tensorlite.training.ops.resize import resize as resize
from tensorlite.training.ops.resize import resize_bilinear as resize_bilinear
from tensorlite.training.ops.resize import resize_nearest_neighbor as resize_nearest_neighbor
