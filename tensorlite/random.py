"""`tl.random` (re-exports)."""
from tensorlite.training.random import SeedGenerator as SeedGenerator
from tensorlite.training.random import normal as normal
from tensorlite.training.random import set_seed as set_seed
from tensorlite.training.random import shuffle as shuffle
from tensorlite.training.random import truncated_normal as truncated_normal
from tensorlite.training.random import uniform as uniform
