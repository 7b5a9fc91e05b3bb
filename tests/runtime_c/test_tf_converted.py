"""Models made by TensorFlow's own converter (tests/data/tf_converted, written by
scripts/make_tf_models.py with TensorFlow 2.21): MobileNetV2 with float16 weights and dynamic-range
(hybrid int8 weights), MobileNetV3-Small dynamic-range (HARD_SWISH, Flatten's SHAPE/PACK), DS-CNN,
an MLP, Keras LSTM and GRU (as WHILE loops), Keras Flatten with a dynamic batch, and a tf.function
while loop (FLOOR_MOD, GATHER). Each runs in tensorlite's C runtime with LiteRT's reference kernels'
outputs; the float ones also read back into the Graph IR and run in the executor."""
import os

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "tf_converted")
MODELS = sorted(f[:-len(".tflite")] for f in os.listdir(DATA) if f.endswith(".tflite"))


def _feeds(details, seed):
    rng = np.random.default_rng(seed)
    feeds = []
    for d in details:
        dt = np.dtype(d["dtype"])
        if dt.kind == "f":
            feeds.append(rng.normal(0, 1, d["shape"]).astype(dt))
        else:  # the while loop's trip count
            feeds.append(np.array(seed + 2, dt).reshape(d["shape"]))
    return feeds


def test_the_set_is_there():
    assert len(MODELS) >= 10 and {"mobilenet_v2_035_96_dynamic", "mobilenet_v2_035_96_float16",
                                  "while_loop_float"} <= set(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_c_runtime_matches_litert(name):
    path = os.path.join(DATA, name + ".tflite")
    ours = tl.lite.Interpreter(model_path=path)
    assert ours.unsupported_ops() == []
    for seed in range(3):
        ref = litert_interpreter(model_path=path)
        ref.allocate_tensors()
        feeds = _feeds(ref.get_input_details(), seed)
        for g, w in zip(run(ours, feeds), run(ref, feeds)):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", [m for m in MODELS if m.endswith("_float")])
def test_float_models_read_back_into_the_graph_ir(name):
    from tensorlite.converter import read_graph
    from tensorlite.training.graph.executor import Executor
    path = os.path.join(DATA, name + ".tflite")
    with open(path, "rb") as f:
        graph = read_graph(f.read(), source=path)
    graph.verify()
    ref = litert_interpreter(model_path=path)
    ref.allocate_tensors()
    feeds = _feeds(ref.get_input_details(), 0)
    outs, _ = Executor(graph).run(feeds, {})
    for g, w in zip(outs, run(ref, feeds)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
