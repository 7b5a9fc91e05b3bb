"""Which corpus models the C runtime may still fail, in ONE place.

The missing builtins are not listed by hand: tests/conformance/test_corpus_c.py asks the runtime
itself (`Interpreter.unsupported_ops()`, from runtimes/c/src/builtin_ops.def) which operators of
a model have no kernel. While KERNELS_COMPLETE is False such a model must be refused loudly (an
error naming node and operator) and is recorded as a gap; it is compared with its golden as soon
as its kernels exist. Setting
KERNELS_COMPLETE = True (or TENSORLITE_C_KERNELS_COMPLETE=1 in the environment, to preview)
declares the kernel waves done: from then on a model with a missing kernel FAILS.

PERMANENT holds the models no CPU runtime can execute, with the reason; the test checks that
each fails cleanly, with an error naming its node and operator.
"""
import os

KERNELS_COMPLETE = False or os.environ.get("TENSORLITE_C_KERNELS_COMPLETE") == "1"

PERMANENT = {
    "person_detect_vela.tflite": "CUSTOM ethos-u (an Arm Ethos-U NPU command stream)",
}
