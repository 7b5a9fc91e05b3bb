"""UNIDIRECTIONAL_SEQUENCE_LSTM to TFLite's integer LSTM (the "8x8->16" kernel): int8 input, weights and
output, int16 cell state, int32 biases, as TensorFlow's converter makes it.

What the kernel needs beyond the tensors' own ranges is the range of the cell state over every time
step, which the float model never stores (its cell-state variable holds only the last step). So
calibration replays the LSTM in NumPy on its recorded input (`cell_states`), and the cell state gets a
power-of-two int16 scale covering that range. The parameters, as the kernel expects them:

- each of the 8 weight matrices: symmetric int8, one scale each;
- each gate's bias: int32 with scale = input scale x that gate's input-weight scale;
- output, output state and the hidden intermediate: int8, symmetric (zero point 0), from the output's range;
- cell state: int16, scale 2^k / 32768 with 2^k >= max |c| (k limited to -15..-9 + 15 as the kernel allows);
- five intermediates: four float32 placeholders (used only with layer normalization) and the hidden state's.

Supported: the full LSTM (not CIFG) without peephole, projection or layer normalization, TANH cell activation.
"""
from __future__ import annotations

import numpy as np
from tensorlite.converter.model import Operator, Quantization, Subgraph, Tensor

from .params import bias_values, quantize_values, weight_scales

LSTM = "UNIDIRECTIONAL_SEQUENCE_LSTM"
WEIGHTS = range(1, 9)        # input weights i f c o, then recurrent weights i f c o
BIASES = range(12, 16)
OUTPUT_STATE, CELL_STATE = 18, 19
_ABSENT = (9, 10, 11, 16, 17, 20, 21, 22, 23)   # peephole, projection, layer normalization
_TANH = 4


def unsupported(op: Operator, sg: Subgraph) -> str | None:
    """Why this LSTM cannot be integer (None: it can)."""
    slot = lambda k: op.inputs[k] if k < len(op.inputs) else -1   # noqa: E731
    if any(slot(k) >= 0 for k in _ABSENT):
        return "integer LSTM with peephole, projection or layer normalization is not supported"
    if op.options.get("fused_activation_function") != _TANH:
        return "integer LSTM needs the TANH activation"
    for k in list(WEIGHTS) + list(BIASES):
        t = sg.tensors[slot(k)] if slot(k) >= 0 else None
        if t is None or t.dtype != "float32" or t.data is None:
            return f"input {k} is not a float32 constant"
    for k in (OUTPUT_STATE, CELL_STATE):
        if slot(k) < 0 or not sg.tensors[slot(k)].is_variable:
            return f"input {k} is not a state variable"
    return None


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def cell_states(op: Operator, sg: Subgraph, x: np.ndarray) -> np.ndarray:
    """The float cell state after every step, replayed from the LSTM's input (states start at zero)."""
    w = [sg.tensors[op.inputs[k]].data.astype(np.float64) for k in WEIGHTS]
    b = [sg.tensors[op.inputs[k]].data.astype(np.float64) for k in BIASES]
    x = np.asarray(x, np.float64)
    if not op.options.get("time_major", False):
        x = np.swapaxes(x, 0, 1)                     # [time, batch, input]
    clip = float(op.options.get("cell_clip", 0.0) or 0.0)
    n_cell = w[0].shape[0]
    h = np.zeros((x.shape[1], w[4].shape[1]))
    c = np.zeros((x.shape[1], n_cell))
    out = []
    for step in x:
        gates = [step @ w[g].T + h @ w[4 + g].T + b[g] for g in range(4)]
        c = _sigmoid(gates[1]) * c + _sigmoid(gates[0]) * np.tanh(gates[2])
        if clip > 0:
            c = np.clip(c, -clip, clip)
        h = _sigmoid(gates[3]) * np.tanh(c)
        out.append(c)
    return np.stack(out)


def cell_scale(bound: float) -> float:
    """The int16 cell state's power-of-two scale covering +-bound (2^-15 .. 2^-9, the kernel's limits)."""
    exponent = int(np.ceil(np.log2(bound))) if bound > 0 else -15
    return float(2.0 ** (min(max(exponent, 0), 6) - 15))


def quantize_lstm(sg: Subgraph, op: Operator, in_scale: float, out_params: tuple[float, int],
                  cell_bound: float) -> None:
    """Rewrites the LSTM's constants, states and intermediates in place (its input and output are
    already integer with `in_scale` and `out_params`)."""
    def add(name, dtype, shape, data=None, scale=None, zero=0, variable=False):
        t = Tensor(name, dtype, tuple(shape), data, is_variable=variable)
        if scale is not None:
            t.quantization = Quantization(np.array([scale], np.float32), np.array([zero], np.int64))
        return sg.add_tensor(t)

    scales = {}
    for k in WEIGHTS:
        t = sg.tensors[op.inputs[k]]
        s = float(weight_scales(t.data, None)[0])
        scales[k] = s
        op.inputs[k] = add(t.name, "int8", t.shape, quantize_values(t.data, s, 0, "int8", narrow=True), s)
    for g, k in enumerate(BIASES):
        t = sg.tensors[op.inputs[k]]
        s = float(np.float32(in_scale) * np.float32(scales[1 + g]))
        op.inputs[k] = add(t.name, "int32", t.shape, bias_values(t.data, in_scale, np.array([scales[1 + g]]),
                                                                  "int32"), s)
    out_scale, out_zero = out_params
    h, c = sg.tensors[op.inputs[OUTPUT_STATE]], sg.tensors[op.inputs[CELL_STATE]]
    op.inputs[OUTPUT_STATE] = add(h.name, "int8", h.shape, scale=out_scale, zero=out_zero, variable=True)
    op.inputs[CELL_STATE] = add(c.name, "int16", c.shape, scale=cell_scale(cell_bound), variable=True)
    gates = ("input_to_input", "input_to_forget", "input_to_cell", "input_to_output")
    op.intermediates = [add(f"{g}_intermediate", "float32", (0,)) for g in gates]
    op.intermediates.append(add("effective_hidden_scale_intermediate", "int8", (0,), scale=out_scale, zero=out_zero))
