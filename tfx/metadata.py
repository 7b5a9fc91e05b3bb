"""ML Metadata's data model in SQLite (`ml_metadata.MetadataStore`'s shape): artifact, execution and context
types; artifacts with states; executions with states; events (INPUT/OUTPUT, keyed by the component's
input/output name) linking them; contexts (pipeline, pipeline run, node) with attributions and associations;
and lineage queries walking the events. Every record is a plain dict row; properties are JSON values."""
from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass

ARTIFACT_STATES = {"UNKNOWN": 0, "PENDING": 1, "LIVE": 2, "MARKED_FOR_DELETION": 3, "DELETED": 4}
EXECUTION_STATES = {"UNKNOWN": 0, "NEW": 1, "RUNNING": 2, "COMPLETE": 3, "FAILED": 4, "CACHED": 5, "CANCELED": 6}
EVENT_TYPES = {"UNKNOWN": 0, "DECLARED_OUTPUT": 1, "DECLARED_INPUT": 2, "INPUT": 3, "OUTPUT": 4}
_KINDS = {"execution": 0, "artifact": 1, "context": 2}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS Type (id INTEGER PRIMARY KEY, name TEXT NOT NULL, type_kind INTEGER NOT NULL,
  UNIQUE(name, type_kind));
CREATE TABLE IF NOT EXISTS Artifact (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, uri TEXT, state INTEGER,
  properties TEXT NOT NULL DEFAULT '{}', custom_properties TEXT NOT NULL DEFAULT '{}',
  create_time_since_epoch INTEGER, last_update_time_since_epoch INTEGER);
CREATE TABLE IF NOT EXISTS Execution (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, last_known_state INTEGER,
  properties TEXT NOT NULL DEFAULT '{}', custom_properties TEXT NOT NULL DEFAULT '{}',
  create_time_since_epoch INTEGER, last_update_time_since_epoch INTEGER);
CREATE TABLE IF NOT EXISTS Context (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, name TEXT NOT NULL,
  properties TEXT NOT NULL DEFAULT '{}', UNIQUE(type_id, name));
CREATE TABLE IF NOT EXISTS Event (id INTEGER PRIMARY KEY, artifact_id INTEGER NOT NULL,
  execution_id INTEGER NOT NULL, type INTEGER NOT NULL, path TEXT, milliseconds_since_epoch INTEGER);
CREATE TABLE IF NOT EXISTS Attribution (context_id INTEGER, artifact_id INTEGER, UNIQUE(context_id, artifact_id));
CREATE TABLE IF NOT EXISTS Association (context_id INTEGER, execution_id INTEGER,
  UNIQUE(context_id, execution_id));
CREATE INDEX IF NOT EXISTS event_artifact ON Event(artifact_id);
CREATE INDEX IF NOT EXISTS event_execution ON Event(execution_id);
"""


@dataclass
class ConnectionConfig:
    """`metadata_store_pb2.ConnectionConfig` with its sqlite field: `config.sqlite.filename_uri`."""

    filename_uri: str
    connection_mode: int = 3  # READWRITE_OPENCREATE

    @property
    def sqlite(self):
        return self


def sqlite_metadata_connection_config(metadata_db_uri: str) -> ConnectionConfig:
    """TFX's `tfx.orchestration.metadata.sqlite_metadata_connection_config`."""
    return ConnectionConfig(os.path.abspath(metadata_db_uri))


def _now_ms() -> int:
    return int(time.time() * 1000)


class MetadataStore:
    """The store behind one `ConnectionConfig` (a path also works). Safe to share between processes:
    SQLite's locking, a generous busy timeout and one transaction per write."""

    def __init__(self, config):
        path = config.filename_uri if isinstance(config, ConnectionConfig) else os.fspath(config)
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=120, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _write(self, sql: str, args=()) -> int:
        cur = self._db.execute(sql, args)
        return cur.lastrowid

    def transaction(self):
        return _Transaction(self._db)

    # -- types -------------------------------------------------------------------------------------------
    def _type_id(self, name: str, kind: str) -> int:
        row = self._db.execute("SELECT id FROM Type WHERE name=? AND type_kind=?", (name, _KINDS[kind])).fetchone()
        if row:
            return row["id"]
        self._write("INSERT OR IGNORE INTO Type(name, type_kind) VALUES (?, ?)", (name, _KINDS[kind]))
        return self._db.execute("SELECT id FROM Type WHERE name=? AND type_kind=?", (name, _KINDS[kind])).fetchone()[0]

    def put_artifact_type(self, name: str) -> int:
        return self._type_id(name, "artifact")

    def put_execution_type(self, name: str) -> int:
        return self._type_id(name, "execution")

    def put_context_type(self, name: str) -> int:
        return self._type_id(name, "context")

    def get_types(self, kind: str) -> list[str]:
        return [r["name"] for r in self._db.execute("SELECT name FROM Type WHERE type_kind=? ORDER BY id",
                                                    (_KINDS[kind],))]

    # -- artifacts ---------------------------------------------------------------------------------------
    def put_artifact(self, type_name: str, uri: str, state: str = "PENDING", properties=None,
                     custom_properties=None, artifact_id: int | None = None) -> int:
        now = _now_ms()
        props, custom = json.dumps(properties or {}, sort_keys=True), json.dumps(custom_properties or {},
                                                                                   sort_keys=True)
        if artifact_id is None:
            return self._write("INSERT INTO Artifact(type_id, uri, state, properties, custom_properties, "
                               "create_time_since_epoch, last_update_time_since_epoch) VALUES (?,?,?,?,?,?,?)",
                               (self.put_artifact_type(type_name), uri, ARTIFACT_STATES[state], props, custom,
                                now, now))
        self._write("UPDATE Artifact SET uri=?, state=?, properties=?, custom_properties=?, "
                    "last_update_time_since_epoch=? WHERE id=?",
                    (uri, ARTIFACT_STATES[state], props, custom, now, artifact_id))
        return artifact_id

    def _artifacts(self, where: str, args=()) -> list[dict]:
        rows = self._db.execute("SELECT a.*, t.name AS type FROM Artifact a JOIN Type t ON t.id=a.type_id "
                                f"WHERE {where} ORDER BY a.id", args)
        return [_artifact_row(r) for r in rows]

    def get_artifacts_by_id(self, ids) -> list[dict]:
        ids = list(ids)
        return self._artifacts(f"a.id IN ({','.join('?' * len(ids))})", ids) if ids else []

    def get_artifacts_by_type(self, type_name: str) -> list[dict]:
        return self._artifacts("t.name=?", (type_name,))

    def get_artifacts_by_uri(self, uri: str) -> list[dict]:
        return self._artifacts("a.uri=?", (uri,))

    def get_artifacts_by_context(self, context_id: int) -> list[dict]:
        return self._artifacts("a.id IN (SELECT artifact_id FROM Attribution WHERE context_id=?)", (context_id,))

    def get_artifacts(self) -> list[dict]:
        return self._artifacts("1=1")

    # -- executions --------------------------------------------------------------------------------------
    def put_execution(self, type_name: str, state: str, properties=None, custom_properties=None,
                      execution_id: int | None = None) -> int:
        now = _now_ms()
        props, custom = json.dumps(properties or {}, sort_keys=True), json.dumps(custom_properties or {},
                                                                                   sort_keys=True)
        if execution_id is None:
            return self._write("INSERT INTO Execution(type_id, last_known_state, properties, custom_properties, "
                               "create_time_since_epoch, last_update_time_since_epoch) VALUES (?,?,?,?,?,?)",
                               (self.put_execution_type(type_name), EXECUTION_STATES[state], props, custom, now, now))
        self._write("UPDATE Execution SET last_known_state=?, properties=?, custom_properties=?, "
                    "last_update_time_since_epoch=? WHERE id=?",
                    (EXECUTION_STATES[state], props, custom, now, execution_id))
        return execution_id

    def _executions(self, where: str, args=()) -> list[dict]:
        rows = self._db.execute("SELECT e.*, t.name AS type FROM Execution e JOIN Type t ON t.id=e.type_id "
                                f"WHERE {where} ORDER BY e.id", args)
        return [_execution_row(r) for r in rows]

    def get_executions_by_id(self, ids) -> list[dict]:
        ids = list(ids)
        return self._executions(f"e.id IN ({','.join('?' * len(ids))})", ids) if ids else []

    def get_executions_by_context(self, context_id: int) -> list[dict]:
        return self._executions("e.id IN (SELECT execution_id FROM Association WHERE context_id=?)", (context_id,))

    def get_executions(self) -> list[dict]:
        return self._executions("1=1")

    # -- events ------------------------------------------------------------------------------------------
    def put_event(self, artifact_id: int, execution_id: int, event_type: str, path: str) -> None:
        self._write("INSERT INTO Event(artifact_id, execution_id, type, path, milliseconds_since_epoch) "
                    "VALUES (?,?,?,?,?)", (artifact_id, execution_id, EVENT_TYPES[event_type], path, _now_ms()))

    def _events(self, where: str, ids) -> list[dict]:
        ids = list(ids)
        if not ids:
            return []
        names = {v: k for k, v in EVENT_TYPES.items()}
        rows = self._db.execute(f"SELECT * FROM Event WHERE {where} IN ({','.join('?' * len(ids))}) ORDER BY id",
                                ids)
        return [{"artifact_id": r["artifact_id"], "execution_id": r["execution_id"], "type": names[r["type"]],
                 "path": r["path"], "milliseconds_since_epoch": r["milliseconds_since_epoch"]} for r in rows]

    def get_events_by_artifact_ids(self, ids) -> list[dict]:
        return self._events("artifact_id", ids)

    def get_events_by_execution_ids(self, ids) -> list[dict]:
        return self._events("execution_id", ids)

    # -- contexts ----------------------------------------------------------------------------------------
    def put_context(self, type_name: str, name: str, properties=None) -> int:
        type_id = self.put_context_type(type_name)
        self._write("INSERT OR IGNORE INTO Context(type_id, name, properties) VALUES (?,?,?)",
                    (type_id, name, json.dumps(properties or {}, sort_keys=True)))
        return self._db.execute("SELECT id FROM Context WHERE type_id=? AND name=?", (type_id, name)).fetchone()[0]

    def get_context_by_type_and_name(self, type_name: str, name: str) -> dict | None:
        row = self._db.execute("SELECT c.*, t.name AS type FROM Context c JOIN Type t ON t.id=c.type_id "
                               "WHERE t.name=? AND c.name=?", (type_name, name)).fetchone()
        return None if row is None else {"id": row["id"], "type": row["type"], "name": row["name"],
                                         "properties": json.loads(row["properties"])}

    def get_contexts_by_type(self, type_name: str) -> list[dict]:
        rows = self._db.execute("SELECT c.* FROM Context c JOIN Type t ON t.id=c.type_id WHERE t.name=? "
                                "ORDER BY c.id", (type_name,))
        return [{"id": r["id"], "type": type_name, "name": r["name"]} for r in rows]

    def put_attribution(self, context_id: int, artifact_id: int) -> None:
        self._write("INSERT OR IGNORE INTO Attribution VALUES (?, ?)", (context_id, artifact_id))

    def put_association(self, context_id: int, execution_id: int) -> None:
        self._write("INSERT OR IGNORE INTO Association VALUES (?, ?)", (context_id, execution_id))

    def get_contexts_by_execution(self, execution_id: int) -> list[dict]:
        rows = self._db.execute("SELECT c.*, t.name AS type FROM Context c JOIN Type t ON t.id=c.type_id WHERE "
                                "c.id IN (SELECT context_id FROM Association WHERE execution_id=?)", (execution_id,))
        return [{"id": r["id"], "type": r["type"], "name": r["name"]} for r in rows]

    # -- lineage -----------------------------------------------------------------------------------------
    def producer_of(self, artifact_id: int) -> dict | None:
        """The execution that first wrote the artifact (later CACHED executions only re-list it)."""
        outs = [e for e in self.get_events_by_artifact_ids([artifact_id]) if e["type"] == "OUTPUT"]
        return self.get_executions_by_id([outs[0]["execution_id"]])[0] if outs else None

    def input_artifacts(self, execution_id: int) -> list[tuple[str, dict]]:
        events = [e for e in self.get_events_by_execution_ids([execution_id]) if e["type"] == "INPUT"]
        arts = {a["id"]: a for a in self.get_artifacts_by_id(e["artifact_id"] for e in events)}
        return [(e["path"], arts[e["artifact_id"]]) for e in events]

    def output_artifacts(self, execution_id: int) -> list[tuple[str, dict]]:
        events = [e for e in self.get_events_by_execution_ids([execution_id]) if e["type"] == "OUTPUT"]
        arts = {a["id"]: a for a in self.get_artifacts_by_id(e["artifact_id"] for e in events)}
        return [(e["path"], arts[e["artifact_id"]]) for e in events]

    def upstream(self, artifact_id: int) -> list[tuple[dict, dict, list[tuple[str, dict]]]]:
        """Lineage upstream of an artifact, breadth first: (artifact, producing execution, its inputs) for the
        artifact and every artifact it was made from, each artifact once."""
        seen, queue, chain = set(), [artifact_id], []
        while queue:
            aid = queue.pop(0)
            if aid in seen:
                continue
            seen.add(aid)
            art = self.get_artifacts_by_id([aid])[0]
            producer = self.producer_of(aid)
            inputs = self.input_artifacts(producer["id"]) if producer else []
            chain.append((art, producer, inputs))
            queue.extend(a["id"] for _, a in inputs)
        return chain

    def downstream(self, artifact_id: int) -> list[dict]:
        """Artifacts made (directly or not) from this one."""
        seen, queue, found = {artifact_id}, [artifact_id], []
        while queue:
            aid = queue.pop(0)
            for ev in self.get_events_by_artifact_ids([aid]):
                if ev["type"] != "INPUT":
                    continue
                for _, art in self.output_artifacts(ev["execution_id"]):
                    if art["id"] not in seen and self.producer_of(art["id"])["id"] == ev["execution_id"]:
                        seen.add(art["id"])
                        found.append(art)
                        queue.append(art["id"])
        return found


class _Transaction:
    def __init__(self, db):
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, *exc):
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _artifact_row(r) -> dict:
    states = {v: k for k, v in ARTIFACT_STATES.items()}
    return {"id": r["id"], "type": r["type"], "uri": r["uri"], "state": states[r["state"]],
            "properties": json.loads(r["properties"]), "custom_properties": json.loads(r["custom_properties"]),
            "create_time_since_epoch": r["create_time_since_epoch"],
            "last_update_time_since_epoch": r["last_update_time_since_epoch"]}


def _execution_row(r) -> dict:
    states = {v: k for k, v in EXECUTION_STATES.items()}
    return {"id": r["id"], "type": r["type"], "state": states[r["last_known_state"]],
            "properties": json.loads(r["properties"]), "custom_properties": json.loads(r["custom_properties"]),
            "create_time_since_epoch": r["create_time_since_epoch"],
            "last_update_time_since_epoch": r["last_update_time_since_epoch"]}


def set_context_properties(store: MetadataStore, context_id: int, properties: dict) -> None:
    store._write("UPDATE Context SET properties=? WHERE id=?", (json.dumps(properties, sort_keys=True), context_id))
