"""bench/bench_convert.py runs end to end (tensorlite's column; TensorFlow is a bench-only anchor):
its MobileNetV2 ONNX model converts, and the .tflite agrees with onnxruntime in LiteRT."""
import json

from bench import bench_convert


def test_bench_convert_quick(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert bench_convert.main(["--repeats", "1", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    ours = doc["results"]["tensorlite (ONNX MobileNetV2)"]
    assert 3_400_000 < ours["weights"] < 3_600_000          # MobileNetV2 1.0 has 3.5 M weights
    assert ours["bytes"] > 13_000_000 and ours["peak RSS MB"] > 0   # float32 weights (batch norm folded in)
    assert doc["litert_vs_onnxruntime_max_abs"] < 1e-3
    assert "| tensorlite (ONNX MobileNetV2) |" in capsys.readouterr().out
