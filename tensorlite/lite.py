"""`tl.lite`: TFLite with LiteRT's and TensorFlow's names: `tl.lite.Interpreter` (tensorlite's C99
runtime, with `tl.lite.load_delegate('gpu')` for its OpenCL delegate) and `tl.lite.Converter` /
`tl.lite.TFLiteConverter` (tensorlite's converter)."""
import types as _types

from tensorlite.converter import ConversionError as ConversionError
from tensorlite.converter import Converter as Converter
from tensorlite.converter import OpsSet as OpsSet
from tensorlite.converter import Optimize as Optimize
from tensorlite.converter import RepresentativeDataset as RepresentativeDataset
from tensorlite.converter import TargetSpec as TargetSpec
from tensorlite.converter import TFLiteConverter as TFLiteConverter
from tensorlite.runtime import Delegate as Delegate
from tensorlite.runtime import Interpreter as Interpreter
from tensorlite.runtime import OpResolverType as OpResolverType
from tensorlite.runtime import SignatureRunner as SignatureRunner
from tensorlite.runtime import load_delegate as load_delegate

# tf.lite.experimental.load_delegate's spelling
experimental = _types.SimpleNamespace(load_delegate=load_delegate)
