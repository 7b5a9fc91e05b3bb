"""`tl.lite`: the TFLite runtime API (`tl.lite.Interpreter`, LiteRT's names), backed by
tensorlite's C99 runtime."""
from tensorlite.runtime import Interpreter as Interpreter
from tensorlite.runtime import OpResolverType as OpResolverType
from tensorlite.runtime import SignatureRunner as SignatureRunner
from tensorlite.converter import ConversionError as ConversionError
from tensorlite.converter import Converter as Converter
from tensorlite.converter import Optimize as Optimize
from tensorlite.converter import TFLiteConverter as TFLiteConverter
