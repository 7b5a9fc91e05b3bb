"""Artifacts and channels (`tfx.types`): an artifact is a folder (its `uri`) plus properties kept in the
metadata store; a channel names the artifacts one component hands another."""
from __future__ import annotations

import json
import types as _pytypes


class Artifact:
    """One artifact: `uri`, `id` once registered, TFX's properties (`span`, `version`, `split_names`) and
    custom properties (`set_int_custom_property` ...)."""

    TYPE_NAME = "Artifact"
    PROPERTIES = ("span", "version", "split_names")

    def __init__(self, uri: str = "", id: int | None = None, properties=None,  # noqa: A002
                 custom_properties=None, state: str = "PENDING"):
        self.uri = uri
        self.id = id
        self.properties = dict(properties or {})
        self.custom_properties = dict(custom_properties or {})
        self.state = state

    @property
    def type_name(self) -> str:
        return self.TYPE_NAME

    def __repr__(self) -> str:
        return f"Artifact(type_name={self.TYPE_NAME}, id={self.id}, uri={self.uri!r})"

    # TFX's typed accessors
    span = property(lambda self: int(self.properties.get("span", 0)),
                    lambda self, v: self.properties.__setitem__("span", int(v)))
    version = property(lambda self: int(self.properties.get("version", 0)),
                       lambda self, v: self.properties.__setitem__("version", int(v)))
    split_names = property(lambda self: self.properties.get("split_names", "[]"),
                           lambda self, v: self.properties.__setitem__("split_names", str(v)))

    def splits(self) -> list[str]:
        return json.loads(self.split_names)

    def set_int_custom_property(self, key: str, value: int) -> None:
        self.custom_properties[key] = int(value)

    def set_string_custom_property(self, key: str, value: str) -> None:
        self.custom_properties[key] = str(value)

    def set_float_custom_property(self, key: str, value: float) -> None:
        self.custom_properties[key] = float(value)

    def get_int_custom_property(self, key: str) -> int:
        return int(self.custom_properties.get(key, 0))

    def get_string_custom_property(self, key: str) -> str:
        return str(self.custom_properties.get(key, ""))

    def get_float_custom_property(self, key: str) -> float:
        return float(self.custom_properties.get(key, 0.0))

    def has_custom_property(self, key: str) -> bool:
        return key in self.custom_properties


def _artifact_type(name: str):
    cls = type(name, (Artifact,), {"TYPE_NAME": name, "__module__": __name__})
    globals().setdefault(name, cls)  # importable by name, so pipelines pickle (Dagster's multiprocess executor)
    return globals()[name]


standard_artifacts = _pytypes.SimpleNamespace(**{name: _artifact_type(name) for name in (
    "Examples", "ExampleStatistics", "Schema", "ExampleAnomalies", "TransformGraph", "TransformCache", "Model",
    "ModelRun", "ModelEvaluation", "ModelBlessing", "InfraBlessing", "PushedModel", "HyperParameters")})
ARTIFACT_TYPES = {cls.TYPE_NAME: cls for cls in vars(standard_artifacts).values()}


def artifact_class(type_name: str):
    return ARTIFACT_TYPES.get(type_name) or _artifact_type(type_name)


class Channel:
    """The artifacts of one output of one node (`component.outputs['examples']`)."""

    def __init__(self, type, producer=None, output_key: str = ""):  # noqa: A002
        self.type = type
        self.producer = producer
        self.output_key = output_key

    def __repr__(self) -> str:
        who = self.producer.id if self.producer is not None else "?"
        return f"Channel({self.type.TYPE_NAME} from {who}.{self.output_key})"
