"""Copying a tensorlite.tfx metadata store into real ML Metadata (the `ml-metadata` package), where that
installs: its wheels pin protobuf < 5 and attrs < 24, so it lives in an environment of its own, not beside
this project's tests. Types, artifacts (uri, state, properties), executions (state, properties), contexts,
events (type and the input/output key as a path step), attributions and associations are recreated with
new ids; the returned maps say which MLMD id each record got.

    python -m tensorlite.tfx.mlmd_export metadata.sqlite mlmd.sqlite
"""
from __future__ import annotations

import json
import sys

from .metadata import MetadataStore

_TFX_PROPERTIES = {"span": "INT", "version": "INT", "split_names": "STRING"}


def _value(pb_value, v) -> None:
    if isinstance(v, bool) or isinstance(v, int):
        pb_value.int_value = int(v)
    elif isinstance(v, float):
        pb_value.double_value = v
    elif isinstance(v, str):
        pb_value.string_value = v
    else:
        pb_value.string_value = json.dumps(v, sort_keys=True)


def export_to_ml_metadata(source, mlmd_store) -> dict:
    """Copies every record of `source` (a MetadataStore or its path) into `mlmd_store`
    (ml_metadata.metadata_store.MetadataStore). Returns {'artifacts': {ours: theirs}, 'executions': ...,
    'contexts': ...}."""
    try:
        from ml_metadata.proto import metadata_store_pb2 as pb
    except ImportError as exc:
        raise ImportError("exporting needs the ml-metadata package (pip install ml-metadata, in an environment "
                          "with protobuf < 5)") from exc
    own = source if isinstance(source, MetadataStore) else MetadataStore(source)
    kinds = {"INT": pb.INT, "STRING": pb.STRING}
    types = {}

    def artifact_type(name):
        if ("a", name) not in types:
            t = pb.ArtifactType(name=name)
            for prop, kind in _TFX_PROPERTIES.items():
                t.properties[prop] = kinds[kind]
            types[("a", name)] = mlmd_store.put_artifact_type(t, can_add_fields=True)
        return types[("a", name)]

    def execution_type(name):
        if ("e", name) not in types:
            types[("e", name)] = mlmd_store.put_execution_type(pb.ExecutionType(name=name), can_add_fields=True)
        return types[("e", name)]

    def context_type(name):
        if ("c", name) not in types:
            types[("c", name)] = mlmd_store.put_context_type(pb.ContextType(name=name), can_add_fields=True)
        return types[("c", name)]

    maps = {"artifacts": {}, "executions": {}, "contexts": {}}
    for row in own.get_artifacts():
        a = pb.Artifact(type_id=artifact_type(row["type"]), uri=row["uri"],
                        state=pb.Artifact.State.Value(row["state"]))
        for k, v in row["properties"].items():
            (_value(a.properties[k], v) if k in _TFX_PROPERTIES else _value(a.custom_properties[k], v))
        for k, v in row["custom_properties"].items():
            _value(a.custom_properties[k], v)
        [maps["artifacts"][row["id"]]] = mlmd_store.put_artifacts([a])
    for row in own.get_executions():
        e = pb.Execution(type_id=execution_type(row["type"]),
                         last_known_state=pb.Execution.State.Value(row["state"]))
        for k, v in {**row["properties"], **row["custom_properties"]}.items():
            _value(e.custom_properties[k], v)
        [maps["executions"][row["id"]]] = mlmd_store.put_executions([e])
    contexts = [c for kind in own.get_types("context") for c in own.get_contexts_by_type(kind)]
    for row in contexts:
        [maps["contexts"][row["id"]]] = mlmd_store.put_contexts([pb.Context(type_id=context_type(row["type"]),
                                                                            name=row["name"])])
    events = own.get_events_by_execution_ids(maps["executions"])
    out = []
    for ev in events:
        e = pb.Event(artifact_id=maps["artifacts"][ev["artifact_id"]],
                     execution_id=maps["executions"][ev["execution_id"]], type=pb.Event.Type.Value(ev["type"]))
        e.path.steps.add().key = ev["path"]
        out.append(e)
    if out:
        mlmd_store.put_events(out)
    attributions, associations = [], []
    for row in contexts:
        cid = maps["contexts"][row["id"]]
        for a in own.get_artifacts_by_context(row["id"]):
            attributions.append(pb.Attribution(context_id=cid, artifact_id=maps["artifacts"][a["id"]]))
        for e in own.get_executions_by_context(row["id"]):
            associations.append(pb.Association(context_id=cid, execution_id=maps["executions"][e["id"]]))
    mlmd_store.put_attributions_and_associations(attributions, associations)
    return maps


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m tensorlite.tfx.mlmd_export SOURCE.sqlite MLMD.sqlite", file=sys.stderr)
        return 2
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2 as pb
    config = pb.ConnectionConfig()
    config.sqlite.filename_uri = argv[1]
    config.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    with MetadataStore(argv[0]) as own:
        maps = export_to_ml_metadata(own, metadata_store.MetadataStore(config))
    print(f"exported {len(maps['artifacts'])} artifacts, {len(maps['executions'])} executions and "
          f"{len(maps['contexts'])} contexts to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
