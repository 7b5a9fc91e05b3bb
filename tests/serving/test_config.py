"""TF Serving's configuration files as serving/config.py reads them (text protos written here by hand, in the
forms TF Serving's documentation shows), and the version policies' choices."""
import re

import pytest
from tensorlite.serving.config import VersionPolicy, read_batching_config, read_model_config, read_monitoring_config
from tensorlite.serving.textproto import parse


def write(tmp_path, text):
    p = tmp_path / "f.config"
    p.write_text(text)
    return str(p)


def test_model_config_with_every_policy(tmp_path):
    path = write(tmp_path, """
        model_config_list {
          config {                       # latest 2
            name: "a" base_path: "/m/a" model_platform: "tflite"
            model_version_policy { latest { num_versions: 2 } }
          }
          config: { name: 'b', base_path: '/m/b', model_version_policy: { all: {} } }
          config <
            name: "c" base_path: "/m/c"
            model_version_policy { specific { versions: 3 versions: 7 } }
            version_labels { key: "stable" value: 3 }
            version_labels { key: "canary" value: 7 }
          >
          config { name: "d" base_path: "/m/" "d" }
        }""")
    a, b, c, d = read_model_config(path)
    assert (a.name, a.base_path, a.policy) == ("a", "/m/a", VersionPolicy("latest", num_versions=2))
    assert b.policy.kind == "all"
    assert c.policy == VersionPolicy("specific", versions=(3, 7)) and c.labels == (("stable", 3), ("canary", 7))
    assert d.base_path == "/m/d" and d.policy == VersionPolicy()
    on_disk = [1, 3, 7, 12]
    assert a.policy.choose(on_disk) == [12, 7]
    assert b.policy.choose(on_disk) == [12, 7, 3, 1]
    assert c.policy.choose(on_disk) == [7, 3]
    assert d.policy.choose(on_disk) == [12]


@pytest.mark.parametrize("text, words", [
    ('model_config_list { config { name: "a" base_path: "/a" polcy {} } }', "unsupported field(s) ['polcy']"),
    ('model_config_list { config { name: "a" } }', "name and base_path are required"),
    ('model_config_list { config { name: "a" base_path: "/a" model_platform: "onnx" } }', "'onnx' is not served"),
    ('model_config_list { config { name: "a" base_path: "/a" model_version_policy { latest {} all {} } } }',
     "exactly one of latest, all, specific"),
    ('model_config_list { config { name: "a" base_path: "/a" } config { name: "a" base_path: "/b" } }', "repeat"),
    ('model_config_list { config { name: a base_path: "/a" } }', "expected a quoted string"),
    ('model_config_list { config { name: "a"', "unexpected end of file"),
    ("model_config_list { }", "names no model"),
])
def test_model_config_errors(tmp_path, text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        read_model_config(write(tmp_path, text))


def test_batching_and_monitoring(tmp_path):
    cfg = read_batching_config(write(tmp_path, """
        max_batch_size { value: 16 }
        batch_timeout_micros { value: 500 }
        num_batch_threads { value: 3 }
        max_enqueued_batches { value: 9 }
        allowed_batch_sizes: 4 allowed_batch_sizes: 16
        pad_variable_length_inputs: true"""))
    assert (cfg.max_batch_size, cfg.batch_timeout_micros, cfg.num_batch_threads, cfg.max_enqueued_batches,
            cfg.allowed_batch_sizes) == (16, 500, 3, 9, (4, 16))
    with pytest.raises(ValueError, match="end with max_batch_size"):
        read_batching_config(write(tmp_path, "max_batch_size { value: 16 } allowed_batch_sizes: 8"))
    with pytest.raises(ValueError, match="must be positive"):
        read_batching_config(write(tmp_path, "num_batch_threads { value: 0 }"))
    mon = read_monitoring_config(write(tmp_path, 'prometheus_config { enable: true path: "/metrics" }'))
    assert mon.enable and mon.path == "/metrics"
    assert not read_monitoring_config(None).enable


def test_textproto_values():
    msg = parse(r'a: -3 b: 2.5e1 c: "q\"\n" d: true e: ENUM_VALUE f { g: 1 } f { g: 2 }; h: 1')
    assert msg["a"] == [-3] and msg["b"] == [25.0] and msg["c"] == ['q"\n'] and msg["d"] == [True]
    assert msg["e"] == ["ENUM_VALUE"] and [m["g"] for m in msg["f"]] == [[1], [2]] and msg["h"] == [1]
    with pytest.raises(ValueError, match="list syntax"):
        parse("a: [1, 2]")
