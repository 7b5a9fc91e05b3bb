"""bench/bench_quantize.py runs end to end (tensorlite's columns; TensorFlow is a bench-only anchor): every
digits mode has an accuracy and a size, and MobileNetV2 quantizes with no operator left float."""
import json

from bench import bench_quantize


def test_bench_quantize_quick(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert bench_quantize.main(["--epochs", "2", "--calibration-images", "2", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    rows = doc["digits"]
    assert set(rows) == {"tensorlite float32", "tensorlite float16", "tensorlite dynamic", "tensorlite int8",
                         "tensorlite QAT int8"}
    assert all(r["test accuracy %"] > 50 for r in rows.values())
    assert rows["tensorlite int8"]["size / tensorlite float32"] < 0.45
    mobilenet = doc["mobilenet_v2"]["tensorlite (ONNX MobileNetV2)"]
    assert mobilenet["float operators"] == 0 and 3_500_000 < mobilenet["bytes"] < 4_500_000
    assert "| tensorlite QAT int8 |" in capsys.readouterr().out
