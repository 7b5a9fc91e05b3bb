"""`tl.data.experimental`: the names TensorFlow 2 code still reaches for under `experimental`."""
from .sources import AUTOTUNE as AUTOTUNE
from .sources import INFINITE_CARDINALITY as INFINITE_CARDINALITY
from .sources import UNKNOWN_CARDINALITY as UNKNOWN_CARDINALITY


def cardinality(dataset):
    """`dataset.cardinality()`, as the older function form."""
    return dataset.cardinality()
