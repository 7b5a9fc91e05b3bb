"""What every component is: named inputs (channels from other nodes), parameters (JSON data, part of the
cache key) and named outputs, plus `execute(inputs, outputs, params, context)` doing the work on artifacts
whose folders the runner made. The runner (orchestration/node_runner.py) resolves, caches and records."""
from __future__ import annotations

import hashlib
import inspect
import os

from ..proto import to_dict
from ..types import Channel


class BaseComponent:
    INPUTS: dict = {}  # key -> (artifact class, optional)
    OUTPUTS: dict = {}  # key -> artifact class

    def __init__(self, inputs: dict | None = None, params: dict | None = None):
        self._id = type(self).__name__
        self.inputs = {}
        for key, channel in (inputs or {}).items():
            if key not in self.INPUTS:
                raise TypeError(f"{type(self).__name__}: unknown input {key!r} (inputs: {sorted(self.INPUTS)})")
            if channel is None:
                continue
            if not isinstance(channel, Channel):
                raise TypeError(f"{type(self).__name__}: input {key!r} must be a channel such as "
                                f"component.outputs['...'], got {type(channel).__name__}")
            self.inputs[key] = channel
        for key, (_cls, optional) in self.INPUTS.items():
            if not optional and key not in self.inputs:
                raise ValueError(f"{type(self).__name__}: input {key!r} is required")
        self.params = {k: to_dict(v) for k, v in (params or {}).items()}
        self.outputs = {key: Channel(cls, self, key) for key, cls in self.OUTPUTS.items()}
        self.upstream_nodes: list = []

    @property
    def id(self) -> str:
        return self._id

    def with_id(self, id: str):  # noqa: A002
        self._id = id
        return self

    def add_upstream_node(self, node) -> None:
        """Run after `node` even without a channel between them (TFX's DSL)."""
        if node not in self.upstream_nodes:
            self.upstream_nodes.append(node)

    def upstream(self) -> list:
        nodes = [ch.producer for ch in self.inputs.values()] + self.upstream_nodes
        out = []
        for n in nodes:
            if n not in out:
                out.append(n)
        return out

    # -- what the runner asks ----------------------------------------------------------------------------
    CACHEABLE = True

    def code_files(self) -> list[str]:
        """Source files whose content is part of the cache key: the component's own module and any user
        module file it runs."""
        files = [inspect.getsourcefile(type(self))]
        for key in ("module_file",):
            if self.params.get(key):
                files.append(self.params[key])
        return files

    def code_fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in self.code_files():
            digest.update(path.encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(f.read())
        return digest.hexdigest()

    def input_fingerprint(self) -> str:
        """Outside data the component reads (ExampleGen's files): part of the cache key."""
        return ""

    def execute(self, inputs: dict, outputs: dict, params: dict, context) -> None:
        raise NotImplementedError(f"{type(self).__name__}.execute")


def files_fingerprint(paths) -> str:
    """Names, sizes and modification times of files: changes when any input file changes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        st = os.stat(path)
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def load_module(path: str, name: str = "user_module"):
    """A user module file (Trainer's run_fn, Transform's preprocessing_fn) loaded by path."""
    import importlib.util
    if not os.path.isfile(path):
        raise FileNotFoundError(f"module_file {path!r} does not exist")
    spec = importlib.util.spec_from_file_location(f"_tfx_{name}_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
