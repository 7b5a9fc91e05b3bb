"""UNIDIRECTIONAL_SEQUENCE_LSTM models made by TensorFlow's converter (tests/data/tf_lstm, written by
scripts/make_tf_lstm_models.py from Keras 2 LSTM layers): the hybrid LSTM (dynamic-range quantization: int8
weights, float32 activations), LiteRT's integer 8x8->16 LSTM (full-integer quantization) and a Keras Bidirectional
LSTM (two hybrid UNIDIRECTIONAL_SEQUENCE_LSTMs and REVERSE_V2). Each runs several invokes and a reset against
LiteRT's reference kernels: the int8 model bit for bit, float32 outputs within rtol 1e-5, atol 1e-6 (tanhf and expf
against LiteRT's; the measured difference is a few float32 ulps)."""
import pathlib

import numpy as np
import pytest

from tests.litert import litert_interpreter
from tests.runtime_c.test_unidirectional_sequence_lstm import run_against_litert

DATA = pathlib.Path(__file__).parents[1] / "data" / "tf_lstm"
# file -> (LSTM ops in it, their weights' type, their input's type)
MODELS = {"lstm_dynamic.tflite": (1, np.int8, np.float32), "lstm_int8.tflite": (1, np.int8, np.int8),
          "bidi_lstm_dynamic.tflite": (2, np.int8, np.float32)}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_tf_made_lstm_matches_litert(name):
    content = (DATA / name).read_bytes()
    count, weights, activations = MODELS[name]
    ref = litert_interpreter(content)
    details = {t["index"]: t for t in ref.get_tensor_details()}
    ops = [o for o in ref._get_ops_details() if o["op_name"] == "UNIDIRECTIONAL_SEQUENCE_LSTM"]
    assert len(ops) == count  # the variant the file was made for, not a WHILE loop or float weights
    for op in ops:
        assert details[op["inputs"][0]]["dtype"] == activations and details[op["inputs"][2]]["dtype"] == weights
    run_against_litert(content, seed=len(name), steps=3)
