"""`tl.keras.datasets`: small datasets shipped inside tensorlite, so examples need no download."""
from . import digits as digits
