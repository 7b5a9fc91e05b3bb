"""References for training/ops/control_flow.py. The branch and loop graphs are written out by hand
as Graph IR data (not traced), the references are plain Python over NumPy."""
import numpy as np
from tensorlite.training.graph.ir import Graph, Node, Value

from . import BadCase, Case, rng

r = rng(21)
x = r.standard_normal(3).astype(np.float32)
y = r.standard_normal(3).astype(np.float32)


def _v(i, dtype="float32", shape=(3,)):
    return Value(9000 + i, dtype, shape)


# cond(pred, x, y): x * y when pred, else x - y * 2
then_g = Graph("times", [_v(0), _v(1)], [_v(2)], [Node("mul", [_v(0), _v(1)], [_v(2)])])
two = _v(5, shape=())
else_g = Graph("minus_twice", [_v(3), _v(4)], [_v(7)],
               [Node("mul", [_v(4), two], [_v(6)]), Node("sub", [_v(3), _v(6)], [_v(7)])],
               constants={two.id: np.float32(2.0)})
# re-use the exact Value objects the nodes refer to
then_g.inputs, then_g.outputs = then_g.nodes[0].inputs, then_g.nodes[0].outputs
else_g.inputs = [else_g.nodes[1].inputs[0], else_g.nodes[0].inputs[0]]
else_g.outputs = else_g.nodes[1].outputs
else_g.nodes[0].inputs[1] = two


def cond_ref(pred, a, b, then_graph, else_graph):
    return (a * b,) if pred else (a - b * 2,)


# while(i, acc, n, c): while i < n: i, acc = i + 1, acc * c + 1
i_, acc_, n_, c_ = _v(10, "int32", ()), _v(11), _v(12, "int32", ()), _v(13)
cond_g = Graph("counting", [i_, acc_, n_, c_], [_v(14, "bool", ())], [Node("less", [i_, n_], [_v(14, "bool", ())])])
cond_g.outputs = cond_g.nodes[0].outputs
bi, bacc, bn, bc = _v(20, "int32", ()), _v(21), _v(22, "int32", ()), _v(23)
one_i, one_f = _v(24, "int32", ()), _v(25, shape=())
body_nodes = [Node("add", [bi, one_i], [_v(26, "int32", ())]), Node("mul", [bacc, bc], [_v(27)])]
body_nodes.append(Node("add", [body_nodes[1].outputs[0], one_f], [_v(28)]))
body_g = Graph("step", [bi, bacc, bn, bc], [body_nodes[0].outputs[0], body_nodes[2].outputs[0]], body_nodes,
               constants={one_i.id: np.int32(1), one_f.id: np.float32(1.0)})


def while_ref(i, acc, n, c, cond_graph, body_graph, num_loop_vars):
    i, acc = int(i), acc.astype(np.float64)
    while i < int(n):
        i, acc = i + 1, acc * c + 1
    return np.int32(i), acc


CF = {"then_graph": then_g, "else_graph": else_g}
WHILE = {"cond_graph": cond_g, "body_graph": body_g, "num_loop_vars": 2}
CASES = [
    # float32 graphs: the table's float64 finite differences do not apply; tests/graph/test_control_flow.py
    # checks cond's gradient against finite differences in float32
    Case("cond", [np.array(True), x, y], cond_ref, CF, name="true", grad=False),
    Case("cond", [np.array(False), x, y], cond_ref, CF, name="false", grad=False),
    Case("while", [np.array(0, np.int32), x, np.array(4, np.int32), y * 0.5], while_ref, WHILE, grad=False),
    Case("while", [np.array(5, np.int32), x, np.array(2, np.int32), y], while_ref, WHILE, name="no_iteration",
         grad=False),
]
BAD = [
    BadCase("cond", [np.array(1.0, np.float32), x, y], TypeError, ("cond", "predicate", "bool"), CF),
    BadCase("cond", [np.array(True), x, x[:2]], ValueError, ("cond", "input", "float32[3]"), CF),
    BadCase("while", [np.array(0, np.int32), x, np.array(4, np.int32), x[:2]], ValueError, ("while", "input"),
            WHILE),
]
