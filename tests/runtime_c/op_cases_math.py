"""Coverage cases (see op_coverage.py) of elementwise, math and simple shape builtins: ATAN2, ADD_N, ...
`CASES[name](dtype)` gives (model bytes, feeds) for several shapes and parameters, the first being the table's
probe; [] for a type not probed. op_coverage.cases() dispatches here."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import one_op, random_values

SAME_SHAPES = [[2, 3, 4, 5], [7], [1, 1, 1, 1], [3, 1, 6], []]


def _atan2(dtype):
    out = []
    for k, s in enumerate(SAME_SHAPES):
        rng = _rng("ATAN2", dtype, k)
        y, x = random_values(rng, dtype, s), random_values(rng, dtype, s)
        if k == 1 and dtype == "float32":  # the signed zeros and infinities of the quadrants
            y = np.array([0.0, -0.0, 0.0, -0.0, np.inf, -np.inf, 1.0], np.float32)
            x = np.array([0.0, 0.0, -0.0, -0.0, np.inf, -np.inf, -np.inf], np.float32)
        out.append((one_op("ATAN2", [(s, dtype), (s, dtype)], [(s, dtype)]), [y, x]))
    return out


# ADD_N: (shape, number of inputs)
ADD_N_CASES = [([2, 3, 4], 3), ([7], 2), ([5, 6], 2), ([2, 2, 3, 5], 5), ([], 4)]


def _add_n(dtype):
    out = []
    for k, (s, n) in enumerate(ADD_N_CASES):
        rng = _rng("ADD_N", dtype, k)
        feeds = [random_values(rng, dtype, s) for _ in range(n)]
        if k == 1 and dtype == "float32":  # -0 + -0 summed from +0 gives +0
            feeds = [np.array([-0.0, -0.0, 1e30, -1e30, np.inf, np.nan, 1.5], np.float32),
                     np.array([-0.0, 0.0, 1e30, 1e30, -np.inf, 1.0, -1.5], np.float32)]
        spec = _spec(s, dtype, Q_IN.get(dtype))
        out.append((one_op("ADD_N", [spec] * n, [spec]), feeds))
    return out


CASES = {"ATAN2": _atan2, "ADD_N": _add_n}
