"""tensorlite.runtime: the C99 runtime's Python binding (`tl.lite.Interpreter`)."""
from .interpreter import Interpreter as Interpreter
from .interpreter import OpResolverType as OpResolverType
from .interpreter import SignatureRunner as SignatureRunner
from .interpreter import available_instruction_sets as available_instruction_sets
