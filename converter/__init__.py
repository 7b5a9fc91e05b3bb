"""tensorlite.converter: Graph IR -> TFLite FlatBuffer (lowering rules live in the op cards),
deployment rewrites, and the writer. `tl.lite.Converter` is the entry point. The way back:
`read_graph(bytes)` / `to_graph(reader.read(bytes))` give a float32 .tflite's Graph IR (to_ir.py)."""
from .api import Converter as Converter
from .api import TFLiteConverter as TFLiteConverter
from .lower import ConversionError as ConversionError
from .options import OpsSet as OpsSet
from .options import Optimize as Optimize
from .options import RepresentativeDataset as RepresentativeDataset
from .options import TargetSpec as TargetSpec
from .to_ir import read_graph as read_graph
from .to_ir import to_graph as to_graph
