"""The ONNX backend node tests shipped with the onnx package, for every op the importer claims:
each test named in converter/onnx/SUPPORTED_NODE_TESTS.txt is imported, converted to TFLite, run
in LiteRT and compared with the onnx package's expected outputs (rtol 1e-5, atol 1e-5 for floats,
exact otherwise). A listed test that stops passing fails here.

The cases come from the package's data directory (onnx/backend/test/data/node/<name>/model.onnx
with test_data_set_0/*.pb) when the installed wheel ships it, else from the same cases generated
in memory by onnx.backend.test.case.node.collect_testcases (wheels since 1.16 no longer ship the
.pb files). Graph inputs that the op needs as constants (a Reshape's shape, a Conv's weights, ...;
rules.STATIC_INPUTS) are bound to their test values, as an exported model holds them as
initializers."""
import functools
import glob
import os
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import numpy_helper  # noqa: E402
from tensorlite.converter.onnx import RULES  # noqa: E402
from tensorlite.converter.onnx.rules import STATIC_INPUTS  # noqa: E402

from tests.litert import litert_interpreter  # noqa: E402

LIST = os.path.join(os.path.dirname(__file__), "..", "..", "converter", "onnx", "SUPPORTED_NODE_TESTS.txt")


def _listed() -> list[str]:
    with open(LIST) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def _read_dir(folder):
    model = onnx.load(os.path.join(folder, "model.onnx"))
    data = os.path.join(folder, "test_data_set_0")

    def read(prefix):
        out = []
        for path in sorted(glob.glob(os.path.join(data, f"{prefix}_*.pb")),
                           key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0])):
            t = onnx.TensorProto()
            with open(path, "rb") as f:
                t.ParseFromString(f.read())
            out.append(numpy_helper.to_array(t))
        return out
    return model, read("input"), read("output")


@functools.lru_cache(maxsize=1)
def _generated() -> dict:
    from onnx.backend.test.case.node import collect_testcases
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {c.name: c for c in collect_testcases()}


def _as_array(v):
    return numpy_helper.to_array(v) if isinstance(v, onnx.TensorProto) else np.asarray(v)


def load_case(name):
    folder = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node", name)
    if os.path.isdir(folder):
        return _read_dir(folder)
    case = _generated().get(name)
    if case is None:
        raise LookupError(f"{name} is neither in {folder} nor among the onnx package's generated node tests")
    inputs, outputs = case.data_sets[0]
    return case.model, [_as_array(v) for v in inputs], [_as_array(v) for v in outputs]


def run_case(model, inputs, outputs):
    from tensorlite.converter.api import Converter, _Function
    from tensorlite.converter.onnx import import_model
    inits = {t.name for t in model.graph.initializer}
    feed = dict(zip([i.name for i in model.graph.input if i.name not in inits], inputs))
    static = {n.input[p]: feed[n.input[p]] for n in model.graph.node
              for p in STATIC_INPUTS.get(n.op_type, ()) if p < len(n.input) and n.input[p] in feed}
    graph, shapes, names = import_model(model, constant_inputs=static)
    data = Converter([_Function("serving_default", graph, {}, shapes, names)]).convert()
    runner = litert_interpreter(data, reference=False).get_signature_runner()
    got = runner(**{k: v for k, v in feed.items() if k not in static})
    for name, want in zip(names, outputs):
        assert got[name].shape == want.shape, name
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got[name], want, rtol=1e-5, atol=1e-5, err_msg=name)
        else:
            np.testing.assert_array_equal(got[name], want, err_msg=name)


@pytest.mark.parametrize("name", _listed())
def test_backend_node(name):
    model, inputs, outputs = load_case(name)
    run_case(model, inputs, outputs)


def test_every_claimed_op_has_backend_tests():
    """Each op type with a rule appears in some listed test, except Erf, which only converts inside
    the Gelu pattern (tests/converter/test_onnx_import.py covers it)."""
    seen = set()
    for name in _listed():
        seen |= {n.op_type for n in load_case(name)[0].graph.node}
    assert set(RULES) - seen == {"Erf"}
