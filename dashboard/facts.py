"""The dashboard's facts on disk: one Parquet file per month of event dates, beside the store.

At a few million events the in-memory facts table (see queries.py) outgrows a laptop's memory.
Above that, the query layer keeps the same rows in `STORE/cache/facts/`, one file per month
(`month=2022-03-01/<id>.parquet`, undated events under `month=undated/`), and a view reads
only the months a filter's date range covers. The cache is derived data: deleting it costs
one rebuild.

A new batch is cut into months and each month it touches is rewritten under a new name; the
manifest (`manifest.json`: the batches included, and each month's file) is replaced last, by
a rename, so it is the commit point: a reader or a crash mid-way sees the old manifest and the
old files, and anything not named in the manifest is an orphan, removed by the next update.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ingest.store import quoted

UNDATED = "undated"
_NULL_PARTITIONS = ("NULL", "__HIVE_DEFAULT_PARTITION__")


def month_files(files: Sequence[str]) -> str:
    """The SQL reading month files. Not as Hive partitions: DuckDB would then read `month`
    from the folder name, as text, over the DATE column the files hold."""
    return f"read_parquet({quoted(files)}, union_by_name=true, hive_partitioning=false)"


class MonthFacts:
    """The month-partitioned facts of one store, and which of its batches they include."""

    def __init__(self, folder: Path, version: int) -> None:
        self.folder = folder
        self.version = version  # of the rows' columns: files of another version are rebuilt
        self._manifest = folder / "manifest.json"
        self.batches: set[str] = set()
        self.months: dict[str, str] = {}  # month (ISO date or UNDATED) -> file, relative
        self.reload()

    def reload(self) -> None:
        if self._manifest.is_file():
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
            if data.get("version") != self.version:
                self.reset()
                return
            self.batches = set(data["batches"])
            self.months = dict(data["months"])

    def reset(self) -> None:
        """Forget everything (the store no longer holds a batch the cache includes)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.batches, self.months = set(), {}

    def files(self, start: date | None = None, end: date | None = None) -> list[str]:
        """The files of the months that overlap start..end; every file when both are None
        (undated events only then: a date range never selects them)."""
        chosen = []
        for month, name in sorted(self.months.items()):
            if month == UNDATED:
                if start is None and end is None:
                    chosen.append(name)
                continue
            first = date.fromisoformat(month)
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            if (start is None or last > start) and (end is None or first <= end):
                chosen.append(name)
        return [str(self.folder / name) for name in chosen]

    def add(self, con: duckdb.DuckDBPyConnection, select: str, params: list[Any],
            batches: Sequence[str]) -> None:
        """Append the rows `select` gives (the facts of `batches`), month by month. One
        process at a time (a lock file): another dashboard on the same store waits, then
        finds the batches already in."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "update.lock", "w") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            self.reload()
            if not set(batches) <= self.batches:
                self._add(con, select, params, batches)

    def _add(self, con: duckdb.DuckDBPyConnection, select: str, params: list[Any],
             batches: Sequence[str]) -> None:
        staging = self.folder / ".tmp" / uuid.uuid4().hex
        staging.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({select}) TO '{staging}' (FORMAT parquet, PARTITION_BY (month), "
                    "WRITE_PARTITION_COLUMNS true)", params)
        months = dict(self.months)
        replaced = []
        for part in sorted(staging.iterdir()) if staging.is_dir() else []:
            value = part.name.split("=", 1)[1]
            month = UNDATED if value in _NULL_PARTITIONS else value
            name = f"month={month}/{uuid.uuid4().hex}.parquet"
            target = self.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            sources = [str(p) for p in sorted(part.glob("*.parquet"))]
            if month in months:
                sources.insert(0, str(self.folder / months[month]))
                replaced.append(self.folder / months[month])
            if len(sources) == 1:
                os.replace(sources[0], target)
            else:
                con.execute(f"COPY (SELECT * FROM {month_files(sources)}) TO '{target}' "
                            "(FORMAT parquet)")
            months[month] = name
        included = self.batches | set(batches)
        manifest = {"version": self.version, "batches": sorted(included), "months": months}
        temporary = self._manifest.with_suffix(".tmp")
        temporary.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(temporary, self._manifest)  # the commit point
        self.batches, self.months = included, months
        for path in replaced:
            path.unlink(missing_ok=True)
        shutil.rmtree(self.folder / ".tmp", ignore_errors=True)
        self._drop_orphans()

    def _drop_orphans(self) -> None:
        """Month files the manifest does not name: left by an update that did not finish."""
        named = {self.folder / name for name in self.months.values()}
        for path in self.folder.glob("month=*/*.parquet"):
            if path not in named:
                path.unlink(missing_ok=True)
