"""`tfx.utils`: the helpers Trainer modules call."""
from __future__ import annotations

from google.protobuf import text_format


def parse_pbtxt_file(file_name: str, message):
    """Reads a text-format protobuf file into `message` and returns it."""
    with open(file_name) as f:
        return text_format.Parse(f.read(), message)


def write_pbtxt_file(file_name: str, message) -> None:
    import os
    tmp = f"{file_name}.tmp"
    with open(tmp, "w") as f:
        f.write(text_format.MessageToString(message))
    os.replace(tmp, file_name)
