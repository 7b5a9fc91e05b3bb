"""tensorlite.runtime: the C99 runtime's Python binding (`tl.lite.Interpreter`)."""
from .interpreter import Interpreter as Interpreter
from .interpreter import OpResolverType as OpResolverType
from .interpreter import SignatureRunner as SignatureRunner
