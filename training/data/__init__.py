"""`tl.data`: input pipelines (`tl.data.Dataset`) with tf.data's names and semantics."""
from . import experimental as experimental
from .dataset import Dataset as Dataset
from .sources import AUTOTUNE as AUTOTUNE
from .sources import INFINITE_CARDINALITY as INFINITE_CARDINALITY
from .sources import UNKNOWN_CARDINALITY as UNKNOWN_CARDINALITY
