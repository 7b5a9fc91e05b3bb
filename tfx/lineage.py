"""Lineage as text: from an artifact (by default the newest pushed model) back through the executions that
made it to the examples it came from, one line per artifact, indented by depth."""
from __future__ import annotations

import os


def latest_pushed(store) -> dict | None:
    pushed = [a for a in store.get_artifacts_by_type("PushedModel") if a["custom_properties"].get("pushed") == 1]
    return pushed[-1] if pushed else None


def _describe(art: dict) -> str:
    extra = []
    props = art["properties"]
    if art["type"] == "Examples":
        extra.append(f"span {props.get('span', 0)}")
        if props.get("split_names"):
            extra.append(f"splits {props['split_names']}")
    custom = art["custom_properties"]
    if "blessed" in custom:
        extra.append("BLESSED" if custom["blessed"] == 1 else "NOT BLESSED")
    if "pushed_destination" in custom:
        extra.append(f"pushed to {custom['pushed_destination']}")
    return f"{art['type']} {art['id']} {art['uri']}" + (f" ({', '.join(extra)})" if extra else "")


def lineage_lines(store, artifact_id: int) -> list[str]:
    lines, seen = [], set()

    def walk(art: dict, key: str, depth: int) -> None:
        pad = "  " * depth
        label = f"{key}: " if key else ""
        if art["id"] in seen:
            lines.append(f"{pad}{label}{art['type']} {art['id']} (shown above)")
            return
        seen.add(art["id"])
        producer = store.producer_of(art["id"])
        made = "" if producer is None else \
            f"  <- {producer['properties'].get('node', producer['type'])} (execution {producer['id']}, " \
            f"{producer['state']})"
        lines.append(f"{pad}{label}{_describe(art)}{made}")
        if producer is not None:
            for k, parent in store.input_artifacts(producer["id"]):
                walk(parent, k, depth + 1)

    rows = store.get_artifacts_by_id([artifact_id])
    if not rows:
        raise KeyError(f"no artifact with id {artifact_id} in {store.path}")
    walk(rows[0], "", 0)
    return lines


def print_lineage(metadata_path: str, artifact_id: int | None = None) -> int:
    from .metadata import MetadataStore
    if not os.path.isfile(metadata_path):
        raise FileNotFoundError(f"{metadata_path}: no such metadata store")
    with MetadataStore(metadata_path) as store:
        if artifact_id is None:
            latest = latest_pushed(store)
            if latest is None:
                raise LookupError(f"{metadata_path}: no model has been pushed; give --artifact ID")
            artifact_id = latest["id"]
        print("\n".join(lineage_lines(store, artifact_id)))
    return 0
