"""The converter's quantization settings with TensorFlow's names, and how they choose a mode:

    converter.optimizations = [tl.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[None]] for x in images[:100])
    converter.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tl.int8       # or tl.uint8 (wrapping the int8 input), tl.int16 for int16x8

| optimizations | representative_dataset | target_spec | mode |
| --- | --- | --- | --- |
| [] | - | - | float32 |
| [DEFAULT] | - | - | dynamic range (int8 weights) |
| [DEFAULT] | - | supported_types [float16] | float16 weights |
| [DEFAULT] | given | - (or TFLITE_BUILTINS_INT8: no float operator allowed) | full int8 |
| [DEFAULT] | given | supported_ops [EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8] | int16x8 |

A model trained with fake quantization (tl.quantize.quantize_model) carries its ranges: [DEFAULT] alone
then gives full int8 from them, as TensorFlow does for quantization-aware models.

A setting that would not be honoured is an error, never silently ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class Optimize:
    DEFAULT = "DEFAULT"
    OPTIMIZE_FOR_SIZE = "OPTIMIZE_FOR_SIZE"        # deprecated in TensorFlow: the same as DEFAULT
    OPTIMIZE_FOR_LATENCY = "OPTIMIZE_FOR_LATENCY"  # deprecated in TensorFlow: the same as DEFAULT
    EXPERIMENTAL_SPARSITY = "EXPERIMENTAL_SPARSITY"


class OpsSet:
    TFLITE_BUILTINS = "TFLITE_BUILTINS"
    TFLITE_BUILTINS_INT8 = "TFLITE_BUILTINS_INT8"
    EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 = \
        "EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8"
    SELECT_TF_OPS = "SELECT_TF_OPS"


@dataclass
class TargetSpec:
    supported_ops: set = field(default_factory=lambda: {OpsSet.TFLITE_BUILTINS})
    supported_types: list = field(default_factory=list)


class RepresentativeDataset:
    """TensorFlow's wrapper: `RepresentativeDataset(gen)`; the converter also takes `gen` itself."""

    def __init__(self, input_gen):
        self.input_gen = input_gen

    def __call__(self):
        return self.input_gen()


@dataclass
class QuantizationPlan:
    mode: str                     # "float16" | "dynamic" | "int8" | "int16x8"
    strict: bool = False          # no operator may stay float
    input_type: str = "float32"
    output_type: str = "float32"


def _type_name(t) -> str:
    if t is None:
        return "float32"
    name = getattr(t, "name", None) or getattr(t, "__name__", None) or str(t)
    return {"float": "float32", "bool_": "bool"}.get(name, name)


def plan(optimizations, representative_dataset, target_spec: TargetSpec, inference_input_type,
         inference_output_type, learned_ranges: bool = False) -> QuantizationPlan | None:
    """The quantization the settings ask for (None: plain float32), or ValueError /
    NotImplementedError naming the setting that cannot be honoured. A model trained with fake
    quantization (`learned_ranges`) needs no representative_dataset for full integer quantization."""
    opts = set(optimizations or [])
    unknown = opts - {Optimize.DEFAULT, Optimize.OPTIMIZE_FOR_SIZE, Optimize.OPTIMIZE_FOR_LATENCY,
                      Optimize.EXPERIMENTAL_SPARSITY}
    if unknown:
        raise ValueError(f"optimizations: unknown value(s) {sorted(map(str, unknown))}; use tl.lite.Optimize.DEFAULT")
    if Optimize.EXPERIMENTAL_SPARSITY in opts:
        raise NotImplementedError("optimizations: Optimize.EXPERIMENTAL_SPARSITY (sparse weights) is not supported")
    ops = set(target_spec.supported_ops or {OpsSet.TFLITE_BUILTINS})
    bad_ops = ops - {OpsSet.TFLITE_BUILTINS, OpsSet.TFLITE_BUILTINS_INT8,
                     OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8}
    if bad_ops:
        raise NotImplementedError(f"target_spec.supported_ops: {sorted(bad_ops)} is not supported (tensorlite writes "
                                  "TFLite builtins only; SELECT_TF_OPS needs TensorFlow's own kernels)")
    types = [_type_name(t) for t in target_spec.supported_types or []]
    bad_types = set(types) - {"float16", "int8", "float32"}
    if bad_types:
        raise ValueError(f"target_spec.supported_types: {sorted(bad_types)} is not a quantization type "
                         "(float16 or int8)")
    io_in, io_out = _type_name(inference_input_type), _type_name(inference_output_type)
    int16 = OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 in ops
    strict = OpsSet.TFLITE_BUILTINS not in ops
    if not opts:
        if representative_dataset is not None:
            raise ValueError("representative_dataset is used only with optimizations = [tl.lite.Optimize.DEFAULT]")
        if types or ops != {OpsSet.TFLITE_BUILTINS}:
            raise ValueError("target_spec asks for quantization: also set optimizations = [tl.lite.Optimize.DEFAULT]")
        if (io_in, io_out) != ("float32", "float32"):
            raise ValueError(f"inference_input_type/inference_output_type {io_in}/{io_out} need full integer "
                             "quantization: set optimizations = [tl.lite.Optimize.DEFAULT] and a "
                             "representative_dataset")
        return None
    if representative_dataset is None and not learned_ranges:
        if int16 or "int8" in types or strict:
            raise ValueError("full integer quantization (TFLITE_BUILTINS_INT8, int16x8 or supported_types int8) needs "
                             "a representative_dataset to calibrate the activations")
        if (io_in, io_out) != ("float32", "float32"):
            raise ValueError(f"inference_input_type/inference_output_type {io_in}/{io_out} need full integer "
                             "quantization, which needs a representative_dataset")
        mode = "float16" if "float16" in types else "dynamic"
        return QuantizationPlan(mode)
    if "float16" in types and not int16 and "int8" not in types:
        raise ValueError("supported_types [float16] with a representative_dataset: float16 quantization needs no "
                         "calibration; drop one of them")
    act = "int16" if int16 else "int8"
    allowed = ("float32", act, "uint8") if act == "int8" else ("float32", act)
    for what, value in (("inference_input_type", io_in), ("inference_output_type", io_out)):
        if value not in allowed:
            raise ValueError(f"{what} {value}: with {act} activations use {', '.join(allowed[1:])} or float32")
    return QuantizationPlan("int16x8" if int16 else "int8", strict, io_in, io_out)
