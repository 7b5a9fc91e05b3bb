"""`tfx.dsl.Importer`: brings an outside file or folder into the pipeline as an artifact (output 'result').
The same source with unchanged content is the same artifact; changed content registers a new one."""
from __future__ import annotations

import glob
import os

from .base import BaseComponent, files_fingerprint


def _files(uri: str) -> list[str]:
    if os.path.isfile(uri):
        return [uri]
    return [f for f in glob.glob(os.path.join(uri, "**", "*"), recursive=True) if os.path.isfile(f)]


class Importer(BaseComponent):
    def __init__(self, source_uri: str, artifact_type, reimport: bool = False, properties=None,
                 custom_properties=None, output_key: str = "result"):
        self.OUTPUTS = {output_key: artifact_type}
        self.artifact_type = artifact_type
        self.output_key = output_key
        super().__init__({}, {"source_uri": os.path.abspath(source_uri), "reimport": reimport,
                              "properties": properties or {}, "custom_properties": custom_properties or {}})
        self._id = "Importer"

    def input_fingerprint(self) -> str:
        uri = self.params["source_uri"]
        if not os.path.exists(uri):
            raise FileNotFoundError(f"{self.id}: source_uri {uri!r} does not exist")
        return files_fingerprint(_files(uri))

    def resolve(self, store, inputs, params, pipeline) -> dict:
        uri = params["source_uri"]
        fingerprint = self.input_fingerprint()
        art = self.artifact_type(uri, properties=params["properties"],
                                 custom_properties=dict(params["custom_properties"], content_fingerprint=fingerprint))
        same = [a for a in store.get_artifacts_by_uri(uri) if a["type"] == art.type_name
                and a["custom_properties"].get("content_fingerprint") == fingerprint]
        if same and not params["reimport"]:
            art.id = same[-1]["id"]
        else:
            art.id = store.put_artifact(art.type_name, uri, "LIVE", art.properties, art.custom_properties)
        art.state = "LIVE"
        return {self.output_key: [art]}
