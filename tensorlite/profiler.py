"""`tl.profiler`: op-level timing of traced functions (see training/profiler.py)."""
from tensorlite.training.profiler import Profile as Profile
from tensorlite.training.profiler import experimental as experimental
from tensorlite.training.profiler import profile as profile
