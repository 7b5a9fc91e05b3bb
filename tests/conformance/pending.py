"""Which corpus models the C runtime may still fail, in ONE place.

The missing builtins are not listed by hand: tests/conformance/test_corpus_c.py asks the runtime
itself (`Interpreter.unsupported_ops()`, from runtimes/c/src/builtin_ops.def and custom_ops.def) which operators of
a model have no kernel. While KERNELS_COMPLETE is False such a model must be refused loudly (an
error naming node and operator) and is recorded as a gap; it is compared with its golden as soon
as its kernels exist. Setting
KERNELS_COMPLETE = True declares the kernel waves done: from then on a model with a missing kernel
FAILS (it is True now).

PERMANENT holds the models no CPU runtime can execute, with the reason; the test checks that
each fails cleanly, with an error naming its node and operator.
"""
# Every corpus model but PERMANENT's runs since TFLM's signal-library CUSTOM kernels (the two
# audio_preprocessor models): a model that loses a kernel now fails.
KERNELS_COMPLETE = True

# Models whose integer outputs must equal their goldens bit for bit (not just within 1 LSB): the
# TFLM-golden audio front ends, whose kernels reproduce TFLM's integer arithmetic exactly.
BIT_EXACT = {"audio_preprocessor_float.tflite", "audio_preprocessor_int8.tflite"}

PERMANENT = {
    "person_detect_vela.tflite": "CUSTOM ethos-u (an Arm Ethos-U NPU command stream)",
}
