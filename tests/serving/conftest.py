"""One server for the API tests, from one ModelServerConfig file with metrics enabled: model "hw" with version 1
(float32) and 2 (int8) under the labels stable and canary, "add" (two int8 inputs), "q" (int8, version 3) and
"two" (two int8 outputs)."""
import pytest

from tests.serving.server import FLOAT_MODEL, INT8_MODEL, TWO_INPUTS, TWO_OUTPUTS, Server, add_version

CONFIG = """
# TF Serving's ModelServerConfig text format
model_config_list {{
  config {{
    name: 'hw'
    base_path: '{hw}'
    model_platform: 'tflite'
    model_version_policy {{ specific {{ versions: 1 versions: 2 }} }}
    version_labels {{ key: 'stable' value: 1 }}
    version_labels {{ key: 'canary' value: 2 }}
  }}
  config {{ name: "add" base_path: "{add}" }}
  config {{ name: "two" base_path: "{two}" }}
  config: {{ name: "q", base_path: "{q}", model_version_policy: {{ latest: {{ num_versions: 1 }} }} }}
}}
"""


@pytest.fixture(scope="session")
def api_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    add_version(tmp / "hw", 1, FLOAT_MODEL)
    add_version(tmp / "hw", 2, INT8_MODEL)
    add_version(tmp / "add", 1, TWO_INPUTS)
    add_version(tmp / "q", 3, INT8_MODEL)
    add_version(tmp / "two", 1, TWO_OUTPUTS)
    (tmp / "models.config").write_text(CONFIG.format(hw=tmp / "hw", add=tmp / "add", q=tmp / "q", two=tmp / "two"))
    (tmp / "monitoring.config").write_text('prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }')
    with Server(tmp, "--model_config_file", str(tmp / "models.config"), "--file_system_poll_wait_seconds", "0",
                "--monitoring_config_file", str(tmp / "monitoring.config")) as server:
        yield server
