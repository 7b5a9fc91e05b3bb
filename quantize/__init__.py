"""tensorlite.quantize: float TFLite models to float16, dynamic-range, full int8 and int16x8 ones, with
a per-layer error report, and quantization-aware training for Keras models.

    from tensorlite.quantize import quantize
    result = quantize(float_model, "int8", samples)      # converter.model.Model in, Model out
    open("model_int8.tflite", "wb").write(write(result.model))

Most users meet it through `tl.lite.Converter` (`optimizations`, `representative_dataset`, as in
TensorFlow) or `tensorlite quantize MODEL --mode int8 --calibration data.npy -o out.tflite`.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from tensorlite.converter.model import Model

from .calibrate import METHODS, calibrate, ranges
from .dataset import CalibrationError, from_arrays, from_representative_dataset, load_file
from .integer import IntegerOptions, QuantizationError, quantize_integer
from .interface import uint8_interface
from .qat import has_fake_quant, quantize_model, take_fake_quant
from .report import format_table, layer_report
from .select import match_operators
from .weights_only import quantize_dynamic, quantize_float16

MODES = ("float16", "dynamic", "int8", "int16x8")

__all__ = ["MODES", "METHODS", "CalibrationError", "QuantizationError", "QuantizeResult", "quantize", "quantize_model",
           "has_fake_quant", "take_fake_quant",
           "from_arrays", "from_representative_dataset", "load_file", "format_table", "match_operators"]


@dataclass
class QuantizeResult:
    model: Model
    float_ops: list[tuple[int, str, str]] = field(default_factory=list)  # operators left float, with reasons
    report: list[dict] | None = None                                     # per-layer errors (report=True)


def quantize(model: Model, mode: str, samples: list[list[np.ndarray]] | None = None, *, method: str = "minmax",
             percentile: float = 99.99, keep_float: list[str] | tuple = (), input_type: str = "float32",
             output_type: str = "float32", strict: bool = False, report: bool = False,
             progress: Callable[[int, int], None] | None = None,
             learned_ranges: dict[int, tuple[float, float]] | None = None) -> QuantizeResult:
    """Quantizes a float model. `samples` (checked calibration inputs, see dataset.py) are needed for
    int8 and int16x8; `keep_float` names operators (builtin names, tensor names or layer names) that
    stay float; input_type/output_type are the integer model's I/O ("float32" keeps float I/O with
    QUANTIZE/DEQUANTIZE at the edges; "uint8" wraps int8 I/O as TensorFlow does); `strict` refuses to
    leave any operator float. `learned_ranges` ({tensor index: (min, max)} from quantization-aware
    training) take precedence over calibration and replace it when no samples are given."""
    if mode not in MODES:
        raise ValueError(f"quantization mode {mode!r}: expected one of {', '.join(MODES)}")
    keep = match_operators(model.subgraphs[0], keep_float)
    if mode in ("float16", "dynamic"):
        if input_type != "float32" or output_type != "float32":
            raise QuantizationError(f"{mode} quantization keeps float32 inputs and outputs; integer input/output "
                                    "types need full integer quantization (int8 or int16x8) and calibration data")
        if mode == "float16":
            return QuantizeResult(quantize_float16(model, keep))
        return QuantizeResult(quantize_dynamic(model, keep))
    learned = dict(learned_ranges or {})
    if has_fake_quant(model):                # quantization-aware training left its ranges in the model
        model = copy.deepcopy(model)
        learned.update(take_fake_quant(model))
    if not samples and not learned:
        raise CalibrationError(f"{mode} quantization needs calibration data (representative_dataset, or "
                               "--calibration FILE.npy|.npz)")
    if report and not samples:
        raise CalibrationError("the per-layer report compares float and quantized runs: it needs calibration data")
    activations = "int8" if mode == "int8" else "int16"
    uint8 = (input_type == "uint8", output_type == "uint8")
    if any(uint8) and activations != "int8":
        raise QuantizationError("uint8 inputs/outputs go with int8 activations (TensorFlow's rule); int16x8 models "
                                "take int16 or float32")
    input_type, output_type = ("int8" if u else t for u, t in zip(uint8, (input_type, output_type)))
    found = ranges(calibrate(model, samples, method, progress), method, activations, percentile) if samples else {}
    found.update(learned)
    result = quantize_integer(model, found, IntegerOptions(activations, input_type, output_type, keep, strict))
    uncovered = [(k, op) for k, op, why in result.float_ops if "not calibrated" in why]
    if uncovered and not samples:
        raise CalibrationError(f"no learned range for operator(s) {uncovered} (quantization-aware training did not "
                               "cover them); give a representative_dataset to calibrate the rest")
    rows = layer_report(model, result.model, result.origin, samples) if report else None
    quantized = uint8_interface(result.model, *uint8) if any(uint8) else result.model
    return QuantizeResult(quantized, result.float_ops, rows)
