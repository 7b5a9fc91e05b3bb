"""tensorlite.runtime: the C99 runtime's Python binding (`tl.lite.Interpreter`)."""
from .delegate import Delegate as Delegate
from .delegate import load_delegate as load_delegate
from .interpreter import Interpreter as Interpreter
from .interpreter import OpResolverType as OpResolverType
from .interpreter import SignatureRunner as SignatureRunner
from .interpreter import available_instruction_sets as available_instruction_sets
