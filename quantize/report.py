"""The per-layer error report: for each integer activation of the quantized model, how far its values
(dequantized) are from the float model's same tensor, over the calibration samples. Both models run
in tensorlite's C runtime with every tensor kept, so no TensorFlow is needed.

SQNR = 10 log10(sum(float^2) / sum((float - dequantized)^2)) in dB: about 6 dB per bit, so a clean
int8 tensor shows 30-45 dB; a layer where it drops sharply is the one to keep in float (--keep-float).
The error of a tensor includes what the layers before it brought, as it does when the model runs.
"""
from __future__ import annotations

import numpy as np
from tensorlite.converter.model import Model
from tensorlite.converter.writer import write


def layer_report(float_model: Model, quant_model: Model, origin: dict[int, int],
                 samples: list[list[np.ndarray]], max_samples: int = 32) -> list[dict]:
    """One dict per integer activation of subgraph 0, in operator order."""
    from tensorlite.runtime import Interpreter

    fsg, qsg = float_model.subgraphs[0], quant_model.subgraphs[0]
    f_it = Interpreter(model_content=write(float_model), experimental_preserve_all_tensors=True)
    q_it = Interpreter(model_content=write(quant_model), experimental_preserve_all_tensors=True)
    f_it.allocate_tensors()
    q_it.allocate_tensors()
    order = []
    for op in qsg.operators:
        for o in op.outputs:
            if o in origin and o not in order:
                order.append(o)
    order = [t for t in qsg.inputs if t in origin] + [t for t in order if t not in qsg.inputs]
    acc = {t: [0.0, 0.0, 0.0] for t in order}      # signal energy, noise energy, max |error|
    op_of = {o: op.opcode for op in qsg.operators for o in op.outputs}
    for sample in samples[:max_samples]:
        for index, x in zip(fsg.inputs, sample):
            f_it.set_tensor(index, x)
        f_it.invoke()
        for index, x in zip(qsg.inputs, sample):
            t = qsg.tensors[index]
            q_it.set_tensor(index, x if t.dtype == "float32" else _quantize(x, t))
        q_it.invoke()
        for t in order:
            ref = f_it.get_tensor(origin[t]).astype(np.float64)
            got = _dequantize(q_it.get_tensor(t), qsg.tensors[t])
            err = ref - got
            a = acc[t]
            a[0] += float(np.sum(ref * ref))
            a[1] += float(np.sum(err * err))
            a[2] = max(a[2], float(np.max(np.abs(err))) if err.size else 0.0)
    rows = []
    for t in order:
        signal, noise, max_err = acc[t]
        q = qsg.tensors[t].quantization
        rows.append({"tensor": qsg.tensors[t].name, "op": op_of.get(t, "input"), "dtype": qsg.tensors[t].dtype,
                     "scale": float(q.scale[0]), "zero_point": int(q.zero_point[0]),
                     "sqnr_db": _sqnr(signal, noise), "max_abs_error": max_err})
    return rows


def _sqnr(signal: float, noise: float) -> float:
    if noise == 0.0:
        return float("inf")
    if signal == 0.0:
        return float("-inf")
    return float(10.0 * np.log10(signal / noise))


def _dequantize(x: np.ndarray, t) -> np.ndarray:
    q = t.quantization
    return (x.astype(np.float64) - float(q.zero_point[0])) * float(q.scale[0])


def _quantize(x: np.ndarray, t) -> np.ndarray:
    from .params import quantize_values
    q = t.quantization
    return quantize_values(x, float(q.scale[0]), int(q.zero_point[0]), t.dtype)


def format_table(rows: list[dict]) -> str:
    """The report as a plain-text table (what `tensorlite quantize --report` prints)."""
    head = f"{'tensor':<48} {'op':<28} {'type':<6} {'SQNR dB':>8} {'max |err|':>10}"
    lines = [head, "-" * len(head)]
    for r in rows:
        name = r["tensor"] if len(r["tensor"]) <= 48 else "..." + r["tensor"][-45:]
        lines.append(f"{name:<48} {r['op']:<28} {r['dtype']:<6} {r['sqnr_db']:>8.1f} {r['max_abs_error']:>10.4g}")
    return "\n".join(lines)
