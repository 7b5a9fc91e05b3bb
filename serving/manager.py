"""The models being served and their versions, kept in step with their base paths.

Layout as TF Serving's: BASE/<version>/model.tflite with numeric version folders. A poller thread lists each base
path every --file_system_poll_wait_seconds (0: once, at start) and applies the model's version policy to the
versions on disk. A version to serve is loaded fully (read, allocated in every slot, one warm-up invoke) before it
is published; only then are versions the policy no longer wants retired, so there is always a version serving
(TF Serving's availability-preserving policy: while a wanted version is missing, the newest retired-to-be versions
stay to make up the count). Requests hold a reference to the Servable they started on, so a retired version
finishes them. A file that fails to load (corrupt, half-written) is logged and marked END with its error; it is
retried only when its size or modification time changes. Files are opened only by the name model.tflite inside a
numeric folder, so writers that write elsewhere and rename (TFX's Pusher) are never read half-way.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import threading

from .config import ModelConfig
from .errors import ServingError
from .servable import Servable

log = logging.getLogger("tensorlite.serving")

MODEL_FILE = "model.tflite"


@dataclasses.dataclass
class VersionStatus:
    state: str                      # START, LOADING, AVAILABLE, UNLOADING, END (TF Serving's ModelVersionStatus)
    error_code: str = "OK"
    error_message: str = ""
    fingerprint: tuple | None = None


class Model:
    def __init__(self, config: ModelConfig):
        self.config = config
        self.name = config.name
        self._serving: dict[int, Servable] = {}  # replaced whole, never mutated: readers need no lock
        self.latest: Servable | None = None
        self.status: dict[int, VersionStatus] = {}
        self.labels = dict(config.labels)

    @property
    def serving(self) -> dict[int, Servable]:
        return self._serving

    @serving.setter
    def serving(self, versions: dict[int, Servable]) -> None:
        self._serving = versions
        self.latest = versions[max(versions)] if versions else None

    def set_status(self, version: int, status: VersionStatus) -> None:
        self.status = {**self.status, version: status}  # replaced whole: the event loop reads it unlocked

    def get(self, version: int | None = None, label: str | None = None) -> Servable:
        serving = self._serving
        if label is not None:
            if label not in self.labels:
                raise ServingError("INVALID_ARGUMENT", f"Unrecognized servable version label: {label} "
                                   f"(model {self.name!r} has labels {sorted(self.labels)})")
            version = self.labels[label]
        if version is None:
            latest = self.latest
            if latest is None:
                raise ServingError("NOT_FOUND", f"Servable not found for request: Latest({self.name})")
            return latest
        if version not in serving:
            raise ServingError("NOT_FOUND", f"Servable not found for request: Specific({self.name}, {version})")
        return serving[version]


def _versions_on_disk(base: str) -> dict[int, tuple]:
    """{version: (size, mtime_ns)} of BASE/<n>/model.tflite regular files."""
    out = {}
    try:
        entries = os.listdir(base)
    except OSError:
        return out
    for e in entries:
        if not e.isdigit():
            continue
        try:
            st = os.stat(os.path.join(base, e, MODEL_FILE))
        except OSError:
            continue
        if os.path.isfile(os.path.join(base, e, MODEL_FILE)):
            out[int(e)] = (st.st_size, st.st_mtime_ns)
    return out


class Manager:
    def __init__(self, configs: list[ModelConfig], threads: int, poll_seconds: float,
                 on_publish=None, on_retire=None, batch_sizes: tuple[int, ...] = ()):
        self.models = {c.name: Model(c) for c in configs}
        self.threads = threads
        self.batch_sizes = batch_sizes  # prepared at load (serving/servable.py)
        self.poll_seconds = poll_seconds
        self.on_publish = on_publish or (lambda servable: None)
        self.on_retire = on_retire or (lambda servable: None)
        self.before_poll = lambda: None
        self._stop = threading.Event()
        self._thread = None

    def get(self, name: str, version: int | None = None, label: str | None = None) -> Servable:
        model = self.models.get(name)
        if model is None:
            spec = f"Latest({name})" if version is None else f"Specific({name}, {version})"
            raise ServingError("NOT_FOUND", f"Servable not found for request: {spec}; models served: "
                               f"{sorted(self.models)}")
        return model.get(version, label)

    def ready(self) -> bool:
        return all(m.serving for m in self.models.values())

    # -- polling ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Loads what is on disk now (as TF Serving does before it listens), then polls in a thread."""
        self.poll_once()
        if self.poll_seconds > 0:
            self._thread = threading.Thread(target=self._loop, name="model-poller", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.poll_once()
            except Exception:  # the poller must survive anything a file system throws at it
                log.exception("polling the model base paths failed")

    def poll_once(self) -> None:
        self.before_poll()
        for model in self.models.values():
            self._sync(model)

    def _sync(self, model: Model) -> None:
        on_disk = _versions_on_disk(model.config.base_path)
        if not on_disk and not model.serving:
            log.warning("No versions of servable %s found under base path %s", model.name,
                        os.path.join(model.config.base_path, "<version>", MODEL_FILE))
        wanted = model.config.policy.choose(list(on_disk))
        for v in sorted(wanted):
            if v in model.serving:
                continue
            st = model.status.get(v)
            if st is not None and st.state == "END" and st.error_code != "OK" and st.fingerprint == on_disk[v]:
                continue  # failed before and unchanged since
            self._load(model, v, on_disk[v])
        loaded_wanted = [v for v in wanted if v in model.serving]
        keep = set(loaded_wanted)
        missing = len(wanted) - len(loaded_wanted)
        for v in sorted(set(model.serving) - keep, reverse=True):
            if missing > 0 and v in on_disk:
                keep.add(v)  # availability: stay until a wanted version replaces it
                missing -= 1
        retired = [model.serving[v] for v in model.serving if v not in keep]
        if retired:
            model.serving = {v: s for v, s in model.serving.items() if v in keep}
            for s in retired:
                model.set_status(s.version, VersionStatus("END", fingerprint=model.status[s.version].fingerprint))
                log.info("Retired servable version {name: %s version: %d}", model.name, s.version)
                self.on_retire(s)

    def _load(self, model: Model, version: int, fingerprint: tuple) -> None:
        path = os.path.join(model.config.base_path, str(version), MODEL_FILE)
        model.set_status(version, VersionStatus("LOADING", fingerprint=fingerprint))
        log.info("Loading servable version {name: %s version: %d} from %s", model.name, version, path)
        try:
            servable = Servable(model.name, version, path, self.threads, self.batch_sizes)
        except (ValueError, OSError, RuntimeError, MemoryError) as exc:
            log.error("Loading servable version {name: %s version: %d} failed: %s", model.name, version, exc)
            model.set_status(version, VersionStatus("END", "INVALID_ARGUMENT", str(exc), fingerprint))
            return
        self.on_publish(servable)
        model.serving = {**model.serving, version: servable}
        model.set_status(version, VersionStatus("AVAILABLE", fingerprint=fingerprint))
        log.info("Successfully loaded servable version {name: %s version: %d} (warm-up invoke %.3f ms)",
                 model.name, version, servable.invoke_seconds * 1e3)
