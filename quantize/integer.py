"""Full-integer quantization (int8, or int16 activations with int8 weights) of a float TFLite model.

Input: the float model and a calibrated range per float activation tensor of subgraph 0. Steps:

1. Choose the operators to quantize: those whose builtin has a rule (rules.py) for the activation
   type, whose weights and biases are constants, and that the caller does not keep float. The others
   stay float, each with a reason (`strict` turns the first one into an error).
2. Give each float activation its form: a tensor produced by a quantized operator (or a graph input
   taken as integers) becomes integer in place; one produced in float stays float. Where a reader
   needs the other form, a QUANTIZE or DEQUANTIZE operator right after the producer makes it, so the
   model's float islands and integer islands meet at explicit conversions.
3. Choose parameters: tensors that must share them (an op's "same" / "shared" rule) are joined into
   groups; a group takes the union of its members' ranges, or the fixed parameters of a member whose
   producer fixes them (SOFTMAX's 1/256). A fixed tensor that meets a "shared" op is re-quantized
   (QUANTIZE int8 -> int8) into the group instead of dragging the group onto its range.
4. Quantize weights (symmetric int8, per channel for convolutions) and biases (int32, int64 beside
   int16 activations, scale = input scale x weight scale). A bias too large for its type widens that
   channel's weight scale until it fits.
5. Set operator versions, drop the float constants nothing reads, renumber, fix the signatures.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from tensorlite.converter.fuse import compact_tensors
from tensorlite.converter.model import Model, Operator, Quantization, Subgraph, Tensor

from . import lstm
from .params import QMAX, activation_params, bias_values, quantize_values, weight_scales
from .rules import Rule, rule_for
from .versions import operator_version

# LiteRT's int16x8 convolutions refuse a missing bias: these get a zero int64 one.
NEEDS_INT16_BIAS = ("CONV_2D", "DEPTHWISE_CONV_2D")

class QuantizationError(ValueError):
    """The model cannot be quantized as asked; the message names the operator and why."""


@dataclass
class IntegerOptions:
    activations: str = "int8"            # "int8" or "int16" (the 16x8 mode)
    input_type: str = "float32"          # the model's inputs: float32 (QUANTIZE inside) or the activation type
    output_type: str = "float32"
    keep_float: frozenset = frozenset()  # operator indices of subgraph 0 that stay float
    strict: bool = False                 # every operator with float tensors must be quantized


@dataclass
class IntegerResult:
    model: Model
    float_ops: list[tuple[int, str, str]] = field(default_factory=list)  # (operator index, builtin, reason)
    origin: dict[int, int] = field(default_factory=dict)  # integer tensor index -> the float model's tensor


def quantize_integer(model: Model, ranges: dict[int, tuple[float, float]], opts: IntegerOptions) -> IntegerResult:
    if opts.activations not in ("int8", "int16"):
        raise ValueError(f"activations quantize to int8 or int16, not {opts.activations}")
    for what, value in (("input", opts.input_type), ("output", opts.output_type)):
        if value not in ("float32", opts.activations):
            raise QuantizationError(f"inference_{what}_type {value} with {opts.activations} activations: use float32 "
                                    f"or {opts.activations}")
    model = copy.deepcopy(model)
    q = _Rewrite(model.subgraphs[0], ranges, opts)
    q.choose_operators()
    q.give_forms()
    q.choose_parameters()
    q.quantize_weights()
    result = IntegerResult(model, q.float_ops)
    q.finish(model, result)
    return result


class _Rewrite:
    def __init__(self, sg: Subgraph, ranges, opts: IntegerOptions):
        self.sg, self.ranges, self.opts, self.act = sg, ranges, opts, opts.activations
        self.first_inputs, self.first_outputs = list(sg.inputs), list(sg.outputs)
        self.ops = sg.operators
        self.quantized: dict[int, Rule] = {}
        self.slots: dict[int, list[int]] = {}   # quantized op -> its activation input slots
        self.float_ops: list[tuple[int, str, str]] = []
        self.after: dict[int, list[Operator]] = defaultdict(list)   # op index (-1: the start) -> ops to add
        self.before: dict[int, list[Operator]] = defaultdict(list)
        self.integer: set[int] = set()       # tensors that end up integer activations (or shared constants)
        self.origin: dict[int, int] = {}     # integer tensor -> the float tensor whose range it has
        self.parent: dict[int, int] = {}     # union-find over integer tensors
        self.fixed: dict[int, tuple[float, int]] = {}   # group root -> fixed (scale, zero point)

    # ---- helpers ----
    def _float_activation(self, i: int) -> bool:
        return i >= 0 and self.sg.tensors[i].dtype == "float32" and self.sg.tensors[i].data is None

    def _float_constant(self, i: int) -> bool:
        return i >= 0 and self.sg.tensors[i].dtype == "float32" and self.sg.tensors[i].data is not None

    def _activation_slots(self, op: Operator, rule: Rule) -> list[int]:
        slots = range(len(op.inputs)) if rule.activations is None else rule.activations
        return [s for s in slots if s < len(op.inputs) and op.inputs[s] >= 0
                and self.sg.tensors[op.inputs[s]].dtype == "float32"]

    def _new_tensor(self, like: Tensor, name: str, dtype: str | None = None, data=None) -> int:
        t = Tensor(name, dtype or like.dtype, tuple(like.shape), data, shape_signature=like.shape_signature)
        return self.sg.add_tensor(t)

    # ---- 1. which operators ----
    def choose_operators(self) -> None:
        self.producer = {o: k for k, op in enumerate(self.ops) for o in op.outputs}
        for k, op in enumerate(self.ops):
            if not any(i >= 0 and self.sg.tensors[i].dtype == "float32" for i in op.inputs + op.outputs):
                continue
            rule = rule_for(op.opcode, op.custom)
            reason = self._refusal(k, op, rule)
            if reason is None:
                self.quantized[k] = rule
                self.slots[k] = self._activation_slots(op, rule)   # fixed now, while they are float
                continue
            self.float_ops.append((k, op.opcode, reason))
            if self.opts.strict:
                out = self.sg.tensors[op.outputs[0]].name if op.outputs else "?"
                raise QuantizationError(f"operator {k} ({op.opcode}, output {out!r}) cannot be {self.act}: {reason}; "
                                        "allow float operators (supported_ops TFLITE_BUILTINS) or keep it float")

    def _refusal(self, k: int, op: Operator, rule: Rule | None) -> str | None:
        if k in self.opts.keep_float:
            return "kept float as asked"
        if rule is None:
            return "custom operator" if op.custom else "no integer kernel for this builtin in the quantizer's table"
        if self.act not in rule.types:
            return f"no {self.act} kernel (supported: {', '.join(sorted(rule.types))})"
        if rule.output == "lstm":
            cell = op.inputs[lstm.CELL_STATE] if len(op.inputs) > lstm.CELL_STATE else -1
            reason = lstm.unsupported(op, self.sg)
            if reason is None and (cell not in self.ranges or op.inputs[0] not in self.ranges):
                reason = "the LSTM was not calibrated"
            return reason
        for slot in (rule.weight, rule.bias):
            if slot is not None and slot < len(op.inputs) and op.inputs[slot] >= 0 \
                    and not self._float_constant(op.inputs[slot]):
                return f"input {slot} ({'weights' if slot == rule.weight else 'bias'}) is not a float32 constant"
        if rule.weight is not None and (rule.weight >= len(op.inputs) or op.inputs[rule.weight] < 0):
            return "no weights"
        known = set(self._activation_slots(op, rule)) | {rule.weight, rule.bias}
        for s, i in enumerate(op.inputs):
            if i >= 0 and self.sg.tensors[i].dtype == "float32" and s not in known:
                return f"float input {s} has no quantized form"
        # ranges are needed where parameters are chosen: an output whose rule leaves it free (a "same" or
        # "shared" output takes its inputs'), an input that is not already integer
        needs = [op.inputs[s] for s in self._activation_slots(op, rule)
                 if self.producer.get(op.inputs[s]) not in self.quantized]   # operators come in order
        needs += list(op.outputs) if rule.output in ("free", "lstm") else []
        for i in needs:
            if self._float_activation(i) and i not in self.ranges:
                return f"tensor {self.sg.tensors[i].name!r} was not calibrated"
        for i in op.outputs:
            if self.sg.tensors[i].dtype not in ("float32", "int32", "int64", "bool"):
                return f"output type {self.sg.tensors[i].dtype}"
        return None

    # ---- 2. integer or float form of each activation ----
    def give_forms(self) -> None:
        sg, act = self.sg, self.act
        producer = {o: k for k, op in enumerate(self.ops) for o in op.outputs}
        readers: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for k, op in enumerate(self.ops):
            for s, i in enumerate(op.inputs):
                readers[i].append((k, s))
        activations = sorted({i for op in self.ops for i in op.inputs + op.outputs if self._float_activation(i)}
                             | {i for i in sg.inputs + sg.outputs if self._float_activation(i)})
        for t in activations:
            p = producer.get(t)
            from_input = p is None and t in sg.inputs
            native = (p in self.quantized) if p is not None else (from_input and self.opts.input_type == act)
            q_readers = [(k, s) for k, s in readers[t] if k in self.quantized and self._reads_activation(k, s)]
            f_readers = [(k, s) for k, s in readers[t] if (k, s) not in q_readers]
            is_output = t in sg.outputs
            float_output = is_output and self.opts.output_type == "float32"
            where = -1 if p is None else p
            name = sg.tensors[t].name
            if native:
                qt, ft = t, None
                self._mark_integer(t, t)
                if f_readers or float_output:
                    ft = self._new_tensor(sg.tensors[t], f"{name}_dequantized", "float32")
                    self.after[where].append(Operator("DEQUANTIZE", [t], [ft]))
                    if float_output:   # the model's output keeps its name
                        sg.tensors[ft].name, sg.tensors[t].name = name, f"{name}_{act}"
            else:
                qt, ft = None, t
                if q_readers or (is_output and not float_output):
                    qt = self._new_tensor(sg.tensors[t], f"{name}_{act}")
                    self._mark_integer(qt, t)
                    self.after[where].append(Operator("QUANTIZE", [t], [qt]))
            for k, s in q_readers:
                self.ops[k].inputs[s] = qt
            for k, s in f_readers:
                self.ops[k].inputs[s] = ft
            if is_output:
                sg.outputs = [(ft if float_output else qt) if o == t else o for o in sg.outputs]

    def _reads_activation(self, k: int, slot: int) -> bool:
        return slot in self.slots[k]

    def _mark_integer(self, t: int, origin: int) -> None:
        self.integer.add(t)
        self.origin[t] = origin
        self.parent[t] = t

    # ---- 3. parameters ----
    def _find(self, t: int) -> int:
        while self.parent[t] != t:
            self.parent[t] = self.parent[self.parent[t]]
            t = self.parent[t]
        return t

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        fa, fb = self.fixed.get(ra), self.fixed.get(rb)
        self.parent[rb] = ra
        if fb is not None:
            self.fixed[ra] = fb if fa is None else fa
            self.fixed.pop(rb, None)

    def _constant_operand(self, k: int, slot: int) -> int:
        """A float constant read as an activation (ADD's constant operand, PADV2's value) becomes its
        own integer tensor, quantized with the parameters its group gets."""
        op = self.ops[k]
        t = self.sg.tensors[op.inputs[slot]]
        c = self._new_tensor(t, t.name, data=np.asarray(t.data, np.float32))
        self.integer.add(c)
        self.parent[c] = c
        op.inputs[slot] = c
        return c

    def choose_parameters(self) -> None:
        sg, act = self.sg, self.act
        for k, rule in self.quantized.items():
            op = self.ops[k]
            for s in self.slots[k]:
                if sg.tensors[op.inputs[s]].data is not None:
                    self._constant_operand(k, s)
            if rule.output == "fixed":
                for o in op.outputs:
                    self.fixed[self._find(o)] = rule.fixed[act]
            if rule.output == "lstm":   # symmetric int8, as the hidden state it also is
                lo, hi = self.ranges[self.origin[op.outputs[0]]]
                bound = max(abs(lo), abs(hi))
                self.fixed[self._find(op.outputs[0])] = (bound / 127.0 if bound > 0 else 1.0, 0)
            if op.opcode in ("ADD", "SUB") and act == "int16":
                op.options["pot_scale_int16"] = False   # any scales, not only powers of two
        for k, rule in self.quantized.items():
            op = self.ops[k]
            slots = self.slots[k]
            if rule.output == "same":
                for o in op.outputs:
                    self._union(op.inputs[slots[0]], o)
            elif rule.output == "shared":
                anchor = op.outputs[0]
                for o in op.outputs[1:]:
                    self._union(anchor, o)
                for s in slots:
                    i = op.inputs[s]
                    if self._find(i) in self.fixed and self.fixed[self._find(i)] != self.fixed.get(self._find(anchor)):
                        i = self._requantize(k, s)
                    self._union(anchor, i)
        groups: dict[int, list[int]] = defaultdict(list)
        for t in self.integer:
            groups[self._find(t)].append(t)
        for root, members in groups.items():
            if root in self.fixed:
                scale, zp = self.fixed[root]
            else:
                known = [r for r in map(self._range, members) if r is not None]
                if not known:
                    raise QuantizationError(f"no range for tensor {sg.tensors[root].name!r}: calibrate it")
                lo, hi = zip(*known)
                scale, zp = activation_params(min(lo), max(hi), act)
            for t in members:
                tensor = sg.tensors[t]
                tensor.quantization = Quantization(np.array([scale], np.float32), np.array([zp], np.int64))
                if tensor.data is not None:
                    tensor.data = quantize_values(tensor.data, scale, zp, act)
                tensor.dtype = act

    def _range(self, t: int) -> tuple[float, float] | None:
        if t in self.origin:
            return self.ranges.get(self.origin[t])
        data = self.sg.tensors[t].data
        return float(np.min(data)), float(np.max(data))

    def _requantize(self, k: int, slot: int) -> int:
        op = self.ops[k]
        src = op.inputs[slot]
        r = self._new_tensor(self.sg.tensors[src], f"{self.sg.tensors[src].name}_requantized")
        self._mark_integer(r, self.origin.get(src, src))
        self.before[k].append(Operator("QUANTIZE", [src], [r]))
        op.inputs[slot] = r
        return r

    # ---- 4. weights and biases ----
    def quantize_weights(self) -> None:
        sg = self.sg
        bias_type = "int64" if self.act == "int16" else "int32"
        for k, rule in self.quantized.items():
            op = self.ops[k]
            if rule.output == "lstm":
                out = sg.tensors[op.outputs[0]].quantization
                lo, hi = self.ranges[op.inputs[lstm.CELL_STATE]]
                lstm.quantize_lstm(sg, op, float(sg.tensors[op.inputs[0]].quantization.scale[0]),
                                   (float(out.scale[0]), int(out.zero_point[0])), max(abs(lo), abs(hi)))
                continue
            if rule.weight is None:
                continue
            w = sg.tensors[op.inputs[rule.weight]]
            data_in = sg.tensors[op.inputs[self.slots[k][0]]]
            in_scale = float(data_in.quantization.scale[0])
            scales = weight_scales(w.data, rule.weight_axis)
            b = None
            if rule.bias is not None and rule.bias < len(op.inputs) and op.inputs[rule.bias] >= 0:
                b = sg.tensors[op.inputs[rule.bias]]
                # a bias beyond the accumulator type widens its channel's weight scale until it fits
                # (0.999: the scales are stored as float32, whose rounding moves the quotient by ~1e-7)
                need = np.abs(np.asarray(b.data, np.float64)) / (in_scale * QMAX[bias_type] * 0.999)
                scales = np.maximum(scales, need.max() if rule.weight_axis is None else need)
            zeros = np.zeros(len(scales), np.int64)
            axis = rule.weight_axis if rule.weight_axis is not None else 0
            qw = quantize_values(w.data, scales, zeros, "int8", rule.weight_axis, narrow=True)
            wi = self._new_tensor(w, w.name, "int8", qw)
            sg.tensors[wi].quantization = Quantization(scales.astype(np.float32), zeros, axis)
            op.inputs[rule.weight] = wi
            if b is None and self.act == "int16" and op.opcode in NEEDS_INT16_BIAS:
                b = Tensor(f"{w.name}_zero_bias", "float32", (len(scales),), np.zeros(len(scales), np.float32))
                if len(op.inputs) <= rule.bias:
                    op.inputs.append(-1)
            if b is not None:
                # the kernels rescale by the float32 scales stored in the file: quantize with those
                stored = scales.astype(np.float32).astype(np.float64)
                qb = bias_values(b.data, np.float32(in_scale), stored, bias_type)
                bi = self._new_tensor(b, b.name, bias_type, qb)
                sg.tensors[bi].quantization = Quantization((np.float32(in_scale) * stored).astype(np.float32),
                                                           np.zeros(len(scales), np.int64), 0)
                op.inputs[rule.bias] = bi

    # ---- 5. the final operator list ----
    def finish(self, model: Model, result: IntegerResult) -> None:
        sg = self.sg
        ordered = list(self.after[-1])
        for k, op in enumerate(self.ops):
            ordered += self.before[k] + [op] + self.after[k]
        sg.operators = ordered
        changed = {id(self.ops[k]) for k in self.quantized}
        for op in ordered:
            if id(op) in changed or op.opcode in ("QUANTIZE", "DEQUANTIZE"):
                op.version = operator_version(op, sg)
        new = compact_tensors(sg)
        result.origin = {new[t]: o for t, o in self.origin.items() if t in new}
        for sig in model.signatures:
            if sig.subgraph == 0:   # signatures name graph inputs and outputs: same positions, new indices
                sig.inputs = {n: sg.inputs[self.first_inputs.index(i)] for n, i in sig.inputs.items()}
                sig.outputs = {n: sg.outputs[self.first_outputs.index(i)] for n, i in sig.outputs.items()}
