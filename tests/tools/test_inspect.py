"""`tensorlite inspect`: its numbers against independent computations. Op counts and graph inputs/
outputs against LiteRT's interpreter, parameter counts and constant bytes against NumPy sizes of
the buffers LiteRT's schema module reads, MACs by hand for small Keras models and from LiteRT's
tensor shapes for corpus models; the JSON form, the text form, and exit status 2 for a bad file."""
import json
import pathlib
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from tensorlite.converter.model import Model, Operator, Signature, Subgraph, Tensor
from tensorlite.converter.writer import write
from tensorlite.tools import cli

import tensorlite as tl
from tests.litert import litert_interpreter, litert_schema
from tests.paths import CORPUS, TF_CONVERTED

L = tl.keras.layers


def _corpus(name: str) -> pathlib.Path:
    return CORPUS / name


def inspect(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main(["inspect", *map(str, argv)])
    out = capsys.readouterr()
    return status, out.out, out.err


def inspect_json(capsys, path, *extra) -> dict:
    status, out, err = inspect(capsys, path, "--json", *extra)
    assert status == 0, err
    return json.loads(out)                              # exactly one JSON object


def _save(tmp_path, data: bytes, name="model.tflite") -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _keras(model) -> bytes:
    rng = np.random.default_rng(0)
    for w in model.weights:
        w.assign(rng.normal(0, 0.5, w.shape).astype(np.float32))
    return tl.lite.Converter.from_keras_model(model).convert()


# ---- converted Keras models: MACs by hand -------------------------------------------------------

def test_dense_model(tmp_path, capsys):
    model = tl.keras.Sequential([L.Input(shape=(12,)), L.Dense(16, activation="relu"), L.Dense(4)])
    path = _save(tmp_path, _keras(model))
    facts = inspect_json(capsys, path)
    assert facts["macs"] == {"FULLY_CONNECTED": {"ops": 2, "macs": 12 * 16 + 16 * 4, "unknown": 0}}
    assert facts["total_macs"] == 256
    weights = [w.numpy() for w in model.weights]
    assert facts["parameters"] == sum(w.size for w in weights) == 12 * 16 + 16 + 16 * 4 + 4
    assert facts["constant_bytes"] == sum(w.nbytes for w in weights)
    assert facts["ops"] == [{"op": "FULLY_CONNECTED", "custom": False, "count": 2, "versions": [1]}]
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(path.read_bytes(), 0))
    assert facts["description"] == m.description.decode()
    meta = {x.name.decode(): bytes(np.asarray(m.buffers[x.buffer].data, np.uint8)) for x in m.metadata}
    assert facts["producer"] == meta["producer"].decode() == "tensorlite"
    assert facts["min_runtime_version"] == meta["min_runtime_version"].rstrip(b"\0").decode()
    (inp,), (out,) = facts["subgraphs"][0]["inputs"], facts["subgraphs"][0]["outputs"]
    assert (inp["dtype"], inp["shape"], inp["quantization"]) == ("float32", [1, 12], None)
    assert (out["dtype"], out["shape"]) == ("float32", [1, 4])
    assert facts["signatures"][0]["key"] == "serving_default"
    # the C runtime runs it: the arena it reports is the interpreter's own figure
    it = tl.lite.Interpreter(model_path=str(path))
    it.allocate_tensors()
    assert facts["runtime"] == {"arena_bytes": it.arena_bytes_used(), "input_shapes": [[1, 12]]}
    assert it.arena_bytes_used() > 0


def test_conv_model(tmp_path, capsys):
    model = tl.keras.Sequential([
        L.Input(shape=(9, 9, 3)),
        L.Conv2D(8, 3, padding="same"),                         # 9*9*8 outputs of 3*3*3 MACs
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),  # 9*9*16 outputs of 3*3
        L.Conv2DTranspose(4, 3, strides=2, padding="same"),    # 9*9*16 inputs each into 3*3*4 outputs
        L.Flatten(), L.Dense(3)])                               # 3 outputs of 18*18*4
    path = _save(tmp_path, _keras(model))
    facts = inspect_json(capsys, path, "--tensors")
    by_hand = {"CONV_2D": 9 * 9 * 8 * 27, "DEPTHWISE_CONV_2D": 9 * 9 * 16 * 9,
               "TRANSPOSE_CONV": 9 * 9 * 16 * 9 * 4, "FULLY_CONNECTED": 18 * 18 * 4 * 3}
    assert {k: v["macs"] for k, v in facts["macs"].items()} == by_hand
    assert facts["total_macs"] == sum(by_hand.values())
    # float constants are exactly the Keras weights; the rest are the int32 shape operands
    tensors = facts["subgraphs"][0]["tensor_list"]
    consts = [t for t in tensors if t["constant_bytes"]]
    float_params = sum(int(np.prod(t["shape"])) for t in consts if t["dtype"] == "float32")
    assert float_params == sum(w.numpy().size for w in model.weights)
    assert facts["parameters"] == sum(int(np.prod(t["shape"])) for t in consts)
    _check_against_schema(facts, path.read_bytes())


def test_batch_matmul_macs(tmp_path, capsys):
    """BATCH_MATMUL by hand, with and without adj_x: [2,3,4] x [2,4,5] -> [2,3,5], K = 4."""
    g = Subgraph(name="main")
    x = g.add_tensor(Tensor("x", "float32", (2, 3, 4)))
    xt = g.add_tensor(Tensor("xt", "float32", (2, 4, 3)))
    y = g.add_tensor(Tensor("y", "float32", (2, 4, 5), data=np.ones((2, 4, 5), np.float32)))
    z1 = g.add_tensor(Tensor("z1", "float32", (2, 3, 5)))
    z2 = g.add_tensor(Tensor("z2", "float32", (2, 3, 5)))
    g.operators = [Operator("BATCH_MATMUL", [x, y], [z1], {"adj_x": False}),
                   Operator("BATCH_MATMUL", [xt, y], [z2], {"adj_x": True})]
    g.inputs, g.outputs = [x, xt], [z1, z2]
    model = Model([g], [Signature("serve", {"x": x, "xt": xt}, {"z1": z1, "z2": z2})])
    facts = inspect_json(capsys, _save(tmp_path, write(model)))
    assert facts["macs"] == {"BATCH_MATMUL": {"ops": 2, "macs": 2 * (2 * 3 * 5 * 4), "unknown": 0}}
    assert facts["parameters"] == 40 and facts["constant_bytes"] == 160
    assert set(facts["runtime"]) <= {"arena_bytes", "input_shapes", "unsupported_ops"}


# ---- corpus models: against LiteRT ---------------------------------------------------------------

def _check_against_schema(facts: dict, raw: bytes):
    """Parameters and constant bytes: NumPy sizes of the constant tensors LiteRT's schema module reads."""
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(raw, 0))
    params = nbytes = 0
    for g in m.subgraphs:
        for t in g.tensors:
            data = m.buffers[t.buffer].data
            if data is not None and len(data):
                params += int(np.prod(t.shape)) if t.shape is not None else 1
                nbytes += len(data)
    assert (facts["parameters"], facts["constant_bytes"]) == (params, nbytes)
    assert facts["subgraphs"][0]["tensors"] == len(m.subgraphs[0].tensors)


def _litert_macs(interpreter) -> dict[str, int]:
    """MACs per op type from LiteRT's own node list and tensor shapes."""
    shapes = {d["index"]: tuple(d["shape"]) for d in interpreter.get_tensor_details()}
    macs = Counter()
    for node in interpreter._get_ops_details():
        name, ins, outs = node["op_name"], list(node["inputs"]), list(node["outputs"])
        out = int(np.prod(shapes[outs[0]])) if outs else 0
        if name == "CONV_2D":
            _, kh, kw, cin = shapes[ins[1]]
            macs[name] += out * kh * kw * cin
        elif name == "DEPTHWISE_CONV_2D":
            _, kh, kw, _ = shapes[ins[1]]
            macs[name] += out * kh * kw
        elif name == "FULLY_CONNECTED":
            macs[name] += out * shapes[ins[1]][1]
        elif name == "TRANSPOSE_CONV":
            cout, kh, kw, _ = shapes[ins[1]]
            macs[name] += int(np.prod(shapes[ins[2]])) * kh * kw * cout
    return dict(macs)


@pytest.mark.parametrize("name", ["magic_wand.tflite", "micro_speech_quantized.tflite", "id_model.tflite",
                                  "retinaface.tflite", "seanet/transpose_conv4.tflite"])
def test_corpus_model_against_litert(name, capsys):
    path = _corpus(name)
    schema, _ = litert_schema()
    facts = inspect_json(capsys, path)
    ref = litert_interpreter(model_path=str(path))
    ops = Counter(d["op_name"] for d in ref._get_ops_details())
    assert {o["op"]: o["count"] for o in facts["ops"]} == dict(ops)
    assert {k: v["macs"] for k, v in facts["macs"].items()} == _litert_macs(ref)
    assert all(v["unknown"] == 0 for v in facts["macs"].values())
    sg = facts["subgraphs"][0]
    for mine, theirs in ((sg["inputs"], ref.get_input_details()), (sg["outputs"], ref.get_output_details())):
        assert [t["index"] for t in mine] == [d["index"] for d in theirs]
        assert [t["name"] for t in mine] == [d["name"] for d in theirs]
        assert [t["dtype"] for t in mine] == [np.dtype(d["dtype"]).name for d in theirs]
        assert [t["shape"] for t in mine] == [d["shape"].tolist() for d in theirs]
        assert [t["shape_signature"] for t in mine] == [d["shape_signature"].tolist() for d in theirs]
        for t, d in zip(mine, theirs):
            scale, zero_point = d["quantization"]
            if t["quantization"] is None:
                assert scale == 0.0
            else:
                assert t["quantization"]["scale"] == pytest.approx(scale, rel=1e-7)
                assert t["quantization"]["zero_point"] == zero_point
    _check_against_schema(facts, path.read_bytes())
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(path.read_bytes(), 0))
    assert facts["description"] == (m.description or b"").decode()
    versions = {}
    for code in m.operatorCodes:
        versions.setdefault(max(code.builtinCode, code.deprecatedBuiltinCode), set()).add(code.version)
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    assert {o["op"]: o["versions"] for o in facts["ops"]} == {names[c]: sorted(v) for c, v in versions.items()}
    rt = facts["runtime"]
    assert rt.get("arena_bytes", 1) > 0 and set(rt) <= {"arena_bytes", "input_shapes", "unsupported_ops"}


def test_custom_ops_are_named_and_the_runtime_gap_reported(capsys):
    path = _corpus("audio_preprocessor_int8.tflite")
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(path.read_bytes(), 0))
    custom = {c.customCode.decode() for c in m.operatorCodes if c.customCode}
    facts = inspect_json(capsys, path)
    assert {o["op"] for o in facts["ops"] if o["custom"]} == custom and len(custom) == 9
    assert facts["runtime"]["arena_bytes"] > 0  # the C runtime has the 9 TFLM signal kernels
    _check_against_schema(facts, path.read_bytes())
    vela = inspect_json(capsys, _corpus("person_detect_vela.tflite"))  # an NPU command stream: a gap
    assert vela["runtime"]["unsupported_ops"] == ["CUSTOM ethos-u"]


def test_shape_shows_the_arena_for_resized_inputs(capsys):
    """--shape resizes the inputs before the C runtime plans: the arena for a batch of 4 is the interpreter's own
    figure after the same resize, larger than at the model's batch 1."""
    path = TF_CONVERTED / "mobilenet_v2_035_96_dynamic.tflite"
    one = inspect_json(capsys, path)["runtime"]
    four = inspect_json(capsys, path, "--shape", "4,96,96,3")["runtime"]
    it = tl.lite.Interpreter(model_path=str(path))
    it.resize_tensor_input(it.get_input_details()[0]["index"], [4, 96, 96, 3])
    it.allocate_tensors()
    assert four == {"arena_bytes": it.arena_bytes_used(), "input_shapes": [[4, 96, 96, 3]]}
    assert one["input_shapes"] == [[1, 96, 96, 3]] and four["arena_bytes"] > one["arena_bytes"]
    status, out, err = inspect(capsys, path, "--shape", "4,96,96,3")
    assert status == 0 and f"arena: {four['arena_bytes']:,} bytes (inputs [4,96,96,3])" in out
    wrong = inspect_json(capsys, path, "--shape", "4,96,96")["runtime"]  # rank 3 into a CONV_2D
    assert "CONV_2D" in wrong["error"] and "4-D" in wrong["error"]
    with pytest.raises(SystemExit):
        inspect(capsys, path, "--shape", "4,x")


def test_text_output(capsys):
    path = _corpus("magic_wand.tflite")
    status, out, err = inspect(capsys, path, "--tensors")
    assert status == 0 and err == ""
    facts = inspect_json(capsys, path)
    for text in ("TOCO Converted.", "min_runtime_version", "conv2d_input", "DEPTHWISE_CONV_2D",
                 f"{facts['parameters']:,}", f"{facts['constant_bytes']:,}", f"{facts['total_macs']:,}",
                 f"{facts['runtime']['arena_bytes']:,}", "subgraph 0 tensors"):
        assert text in out, text


# ---- errors -------------------------------------------------------------------------------------

def test_missing_file_exits_2(tmp_path, capsys):
    status, out, err = inspect(capsys, tmp_path / "nope.tflite")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "nope.tflite" in err and "No such file" in err


def test_not_a_tflite_file_exits_2(tmp_path, capsys):
    path = _save(tmp_path, b"hello, this is text\n" * 10, "text.tflite")
    status, out, err = inspect(capsys, path)
    assert status == 2 and out == "" and err.count("\n") == 1 and "not a TFLite file" in err
    raw = _corpus("hello_world_int8.tflite").read_bytes()
    status, out, err = inspect(capsys, _save(tmp_path, raw[:len(raw) // 2], "cut.tflite"), "--json")
    assert status == 2 and out == "" and err.count("\n") == 1 and "cut.tflite" in err


def test_exit_status_of_the_command_line(tmp_path):
    """The real process: `python -m tensorlite inspect` exits 2 on a bad file, 0 on a good one."""
    bad = subprocess.run([sys.executable, "-m", "tensorlite", "inspect", str(tmp_path / "missing.tflite")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.splitlines()) == 1
    good = subprocess.run([sys.executable, "-m", "tensorlite", "inspect", str(_corpus("hello_world_float.tflite")),
                           "--json"], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["ops"][0]["op"] == "FULLY_CONNECTED"
