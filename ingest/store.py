"""The store: a Parquet dataset per table, written in atomic batches, read through DuckDB.

Layout (see docs/architecture.md)::

    STORE/batches/<batch_id>/articles.parquet   one committed ingest batch per folder
    STORE/batches/<batch_id>/events.parquet
    STORE/batches/<batch_id>/manifest.json
    STORE/.tmp/<batch_id>/                      a batch being written; never read
    STORE/writer.lock                           held (flock) by the single writer

A batch becomes visible only when its folder is renamed from ``.tmp`` into ``batches``, which
POSIX makes atomic, so readers in other processes see whole batches or none, and a writer killed
mid-batch leaves only a ``.tmp`` folder that the next writer removes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .models import ARTICLE_FIELDS, EVENT_FIELDS, INCIDENT_FIELDS, NESTED_FIELDS

TABLES = ("articles", "events", "incidents")
_INT_FIELDS = frozenset({"start", "end"})
_BOOL_FIELDS = frozenset({"date_inherited"})


class StoreLockedError(RuntimeError):
    """Another process is writing to the store."""


def default_store_path() -> Path:
    """``$COUNTERPOINT_STORE``, else ``data/store`` under the current folder (CONTRACT.md)."""
    return Path(os.environ.get("COUNTERPOINT_STORE") or Path.cwd() / "data" / "store")


def _schema(fields: Sequence[str]) -> pa.Schema:
    def kind(name: str) -> pa.DataType:
        if name in _INT_FIELDS:
            return pa.int64()
        if name in _BOOL_FIELDS:
            return pa.bool_()
        return pa.string()

    return pa.schema([(name, kind(name)) for name in fields])


SCHEMAS = {"articles": _schema(ARTICLE_FIELDS), "events": _schema(EVENT_FIELDS),
           "incidents": _schema(INCIDENT_FIELDS)}


def _to_table(table: str, records: Sequence[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[table]
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for record in records:
        for name in schema.names:
            value = record.get(name)
            if name in NESTED_FIELDS:
                value = json.dumps(value if value is not None else [], ensure_ascii=False)
            columns[name].append(value)
    return pa.table(columns, schema=schema)


def fetch_records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """All rows of an executed query, as decoded records."""
    names = [d[0] for d in cursor.description]
    return [decode_record(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def decode_record(record: dict[str, Any]) -> dict[str, Any]:
    """Turn a row read from the store back into a record (JSON text to lists and objects)."""
    out = dict(record)
    for name in NESTED_FIELDS & out.keys():
        value = out[name]
        out[name] = json.loads(value) if isinstance(value, str) else (value or [])
    return out


class Store:
    """A folder holding the Parquet tables; any number of readers, one writer at a time."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.batches = self.path / "batches"
        self._tmp = self.path / ".tmp"

    @property
    def staging(self) -> Path:
        """Where batches and snapshots are written before they are committed; never read."""
        return self._tmp

    # -- reading -------------------------------------------------------------------------
    def files(self, table: str) -> list[str]:
        """The committed Parquet files of one table, oldest batch first."""
        if not self.batches.is_dir():
            return []
        names = sorted(entry.name for entry in os.scandir(self.batches) if entry.is_dir())
        paths = (self.batches / name / f"{table}.parquet" for name in names)
        return [str(path) for path in paths if path.is_file()]

    def batch_events(self) -> dict[str, int]:
        """Events per committed batch, from the batches' manifests (no Parquet read)."""
        counts = {}
        for path in self.files("events"):
            manifest = Path(path).with_name("manifest.json")
            try:
                counts[Path(path).parent.name] = int(json.loads(manifest.read_text())["events"])
            except (OSError, ValueError, KeyError):
                counts[Path(path).parent.name] = 0
        return counts

    def snapshot(self) -> Path | None:
        """The current incidents snapshot: the newest committed folder under incidents/."""
        folder = self.path / "incidents"
        if not folder.is_dir():
            return None
        names = sorted(e.name for e in os.scandir(folder) if e.is_dir())
        return folder / names[-1] if names else None

    def listing(self) -> tuple[str, ...]:
        """A cheap fingerprint of what is committed; changes whenever a batch lands. Batch
        folders are renamed into place whole, so their names say it: no stat per file."""
        names = sorted(e.name for e in os.scandir(self.batches)
                       if e.is_dir()) if self.batches.is_dir() else []
        return (*names, str(self.snapshot()))

    def create_views(self, con: duckdb.DuckDBPyConnection) -> None:
        """(Re)define one DuckDB view per table over the committed files. Events take their
        incident from the current incidents snapshot (events are written once, never
        rewritten; grouping changes only the snapshot)."""
        snapshot = self.snapshot()
        for table in ("articles", "events"):
            files = self.files(table)
            if files:
                source = f"SELECT * FROM read_parquet({quoted(files)}, union_by_name=true)"
            else:
                source = _empty_select(SCHEMAS[table])
            if table == "events" and snapshot is not None:
                members = quoted([str(snapshot / "members.parquet")])
                source = (f"SELECT e.* REPLACE (m.incident_id AS incident_id) FROM ({source}) e "
                          f"LEFT JOIN read_parquet({members}) m USING (event_id)")
            con.execute(f"CREATE OR REPLACE VIEW {table} AS {source}")
        if snapshot is not None:
            incidents = quoted([str(snapshot / "incidents.parquet")])
            con.execute(f"CREATE OR REPLACE VIEW incidents AS SELECT * FROM "
                        f"read_parquet({incidents})")
        else:
            con.execute(f"CREATE OR REPLACE VIEW incidents AS "
                        f"{_empty_select(SCHEMAS['incidents'])}")

    def decisions(self) -> list[dict[str, Any]]:
        """The researcher's merges and splits, oldest first."""
        path = self.path / "decisions.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views over the store; never locks the files."""
        con = duckdb.connect(":memory:")
        self.create_views(con)
        return con

    def records(self, table: str, where: str = "", params: Sequence[Any] = ()
                ) -> list[dict[str, Any]]:
        """All rows of a table (optionally filtered by a SQL condition), decoded."""
        con = self.connect()
        try:
            sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "")
            return fetch_records(con.execute(sql, list(params)))
        finally:
            con.close()

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def writer(self, wait: float = 0.0) -> Iterator[StoreWriter]:
        """Hold the single-writer lock; raise StoreLockedError if another writer keeps it."""
        self.path.mkdir(parents=True, exist_ok=True)
        lock_path = self.path / "writer.lock"
        with open(lock_path, "a+") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreLockedError(
                            f"{self.path}: another ingest is writing to this store"
                        ) from None
                    time.sleep(0.1)
            try:
                # Leftovers of a writer that died mid-batch: never committed, safe to drop.
                shutil.rmtree(self._tmp, ignore_errors=True)
                yield StoreWriter(self)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def quoted(files: Sequence[str]) -> str:
    """Paths as a DuckDB list literal (quotes doubled)."""
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def _empty_select(schema: pa.Schema) -> str:
    def sql_type(dtype: pa.DataType) -> str:
        if pa.types.is_integer(dtype):
            return "BIGINT"
        if pa.types.is_boolean(dtype):
            return "BOOLEAN"
        return "VARCHAR"

    cols = ", ".join(f'CAST(NULL AS {sql_type(f.type)}) AS "{f.name}"' for f in schema)
    return f"SELECT {cols} WHERE false"


class StoreWriter:
    """Writes batches; exists only while the writer lock is held."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: set[str] | None = None

    def known_article_ids(self) -> set[str]:
        if self._known is None:
            con = self.store.connect()
            try:
                rows = con.execute("SELECT DISTINCT article_id FROM articles").fetchall()
            finally:
                con.close()
            self._known = {row[0] for row in rows}
        return self._known

    def write_batch(
        self, articles: Sequence[dict[str, Any]], events: Sequence[dict[str, Any]]
    ) -> tuple[int, int]:
        """Commit articles not yet stored, with their events, as one atomic batch.

        Returns how many articles and events were added (0, 0 when all were known)."""
        known = self.known_article_ids()
        fresh: dict[str, dict[str, Any]] = {}
        for record in articles:
            if record["article_id"] not in known:
                fresh.setdefault(record["article_id"], record)
        if not fresh:
            return 0, 0
        kept_events = {e["event_id"]: e for e in events if e["article_id"] in fresh}
        batch_id = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        staging = stage_batch(self.store, batch_id, list(fresh.values()),
                              list(kept_events.values()))
        commit_batch(self.store, staging, batch_id)
        known.update(fresh)
        return len(fresh), len(kept_events)

    def write_incidents(self, incidents: Sequence[dict[str, Any]],
                        members: Sequence[tuple[str, str]]) -> Path:
        """Replace the incidents snapshot (records, and event -> incident), atomically."""
        store = self.store
        snapshot_id = f"{time.time_ns():020d}-{os.getpid()}"
        staging = store._tmp / f"incidents-{snapshot_id}"
        staging.mkdir(parents=True)
        write_incident_files(staging, incidents, members)
        return self.commit_snapshot(staging, snapshot_id)

    def commit_snapshot(self, staging: Path, snapshot_id: str) -> Path:
        """Make a staged snapshot (incidents.parquet, members.parquet) the current one."""
        folder = self.store.path / "incidents"
        target = folder / snapshot_id
        _commit(staging, target)
        # Keep the previous snapshot a while: a reader may have just planned a query over it.
        for old in sorted(e.name for e in os.scandir(folder) if e.is_dir())[:-2]:
            shutil.rmtree(folder / old, ignore_errors=True)
        return target

    def record_decision(self, decision: dict[str, Any] | None) -> None:
        """Append a researcher's decision to the log, or (None) take the last one back."""
        decisions = self.store.decisions()
        if decision is None:
            decisions = decisions[:-1]
        else:
            decisions.append(decision)
        path = self.store.path / "decisions.jsonl"
        staging = path.with_suffix(".tmp")
        staging.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions),
                           encoding="utf-8")
        os.replace(staging, path)


def stage_batch(store: Store, name: str, articles: Sequence[dict[str, Any]],
                events: Sequence[dict[str, Any]], **manifest: Any) -> Path:
    """Write a batch's files into ``.tmp/<name>/``, not yet visible to readers.

    The records are written as given (no check against the stored ids): the caller holds the
    writer lock, or works for a process that does and commits in its place (ingest/distributed.py).
    Extra keyword arguments go into the manifest."""
    staging = store.staging / name
    staging.mkdir(parents=True)
    pq.write_table(_to_table("articles", articles), staging / "articles.parquet")
    pq.write_table(_to_table("events", events), staging / "events.parquet")
    counts = {"batch_id": name, "articles": len(articles), "events": len(events), **manifest}
    (staging / "manifest.json").write_text(json.dumps(counts))
    return staging


def commit_batch(store: Store, staging: Path, batch_id: str) -> Path:
    """Make a staged batch visible in one atomic rename."""
    target = store.batches / batch_id
    _commit(staging, target)
    return target


MEMBERS_SCHEMA = pa.schema([("event_id", pa.string()), ("incident_id", pa.string())])


def write_incident_files(folder: Path, incidents: Sequence[dict[str, Any]],
                         members: Sequence[tuple[str, str]], prefix: str = "") -> None:
    """Write incident records and their (event_id, incident_id) pairs into a folder, as
    ``<prefix>incidents.parquet`` and ``<prefix>members.parquet``."""
    pq.write_table(_to_table("incidents", incidents), folder / f"{prefix}incidents.parquet")
    pq.write_table(pa.table({"event_id": [m[0] for m in members],
                             "incident_id": [m[1] for m in members]}, schema=MEMBERS_SCHEMA),
                   folder / f"{prefix}members.parquet")


def sync_folder(folder: Path) -> None:
    """Flush a staged folder's files to disk. Whoever wrote them calls it: on a shared
    filesystem, another machine's fsync cannot flush this machine's cache."""
    for entry in folder.iterdir():
        _fsync(entry)


def _commit(staging: Path, target: Path) -> None:
    """Make a staged folder visible in one atomic rename, its files on disk first."""
    sync_folder(staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staging, target)
    _fsync(target.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
