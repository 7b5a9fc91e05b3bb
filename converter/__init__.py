"""tensorlite.converter: Graph IR -> TFLite FlatBuffer (lowering rules live in the op cards),
deployment rewrites, and the writer. `tl.lite.Converter` is the entry point."""
from .api import Converter as Converter
from .api import Optimize as Optimize
from .api import TFLiteConverter as TFLiteConverter
from .lower import ConversionError as ConversionError
