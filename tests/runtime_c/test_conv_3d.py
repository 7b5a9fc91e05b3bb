"""CONV_3D and CONV_3D_TRANSPOSE in the C runtime, beyond op_cases_conv3d.py's cases (which the coverage test
compares with LiteRT's reference kernels, all bit for bit): a resized input (the shape rule) against LiteRT
resized the same way, an output_shape fed at run time that differs from the planned output, and refusals."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.runtime_c import op_cases_conv3d as cases
from tests.runtime_c.tflite_graph import edit_model, refused


@pytest.mark.parametrize("k", [0, 1, 4])
def test_resized_input_matches_litert(k):
    model, feeds = cases._conv3d(k, *cases.CONV3D_CASES[k])
    shape = list(feeds[0].shape)
    shape[0], shape[2] = 2, shape[2] + 3
    x = np.random.default_rng(k).standard_normal(shape).astype(np.float32)
    outs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        it.resize_tensor_input(it.get_input_details()[0]["index"], shape, strict=False)
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
    assert outs[0].shape == outs[1].shape and outs[0].shape[0] == 2
    np.testing.assert_array_equal(outs[0], outs[1])


def test_runtime_output_shape_must_name_the_planned_output():
    model, feeds = cases._conv3d_transpose(2, *cases.TRANSPOSE_CASES[2])  # output_shape is a graph input
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    details = it.get_input_details()
    bad = feeds[0].copy()
    bad[1] += 1
    it.set_tensor(details[0]["index"], bad)
    it.set_tensor(details[1]["index"], feeds[1])
    with pytest.raises((RuntimeError, ValueError), match="output_shape differs"):
        it.invoke()


def _edit(content, fn):
    def edit(model):
        fn(model.subgraphs[0])
    return edit_model(content, edit)


def test_refusals_name_the_problem():
    model, _ = cases._conv3d(0, *cases.CONV3D_CASES[0])

    def wrong_output(g):
        g.tensors[g.operators[0].outputs[0]].shape = np.array([1, 3, 3, 3, 3], np.int32)
    refused(_edit(model, wrong_output), "CONV_3D", "output shape does not follow")

    def int8_input(g):
        for i in (g.operators[0].inputs[0], g.operators[0].outputs[0]):
            g.tensors[i].type = 9
    refused(_edit(model, int8_input), "CONV_3D", "supports float32")

    def channels(g):  # the filter's input channels: the input has 2
        g.tensors[g.operators[0].inputs[0]].shape = np.array([1, 4, 5, 6, 3], np.int32)
    refused(_edit(model, channels), "CONV_3D", "filter input channels")

    transpose, _ = cases._conv3d_transpose(0, *cases.TRANSPOSE_CASES[0])

    def wrong_shape(g):
        g.tensors[g.operators[0].outputs[0]].shape = np.array([1, 3, 4, 4, 3], np.int32)
    refused(_edit(transpose, wrong_shape), "CONV_3D_TRANSPOSE", "output_shape differs")
