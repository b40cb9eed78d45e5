"""Everything the dashboard reads, as DuckDB SQL over the store's Parquet files."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ingest.store import Store, decode_record

MAX_POINTS = 20_000  # rows sent to the browser at most; beyond it the result says "truncated"


@dataclass
class Timeline:
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    truncated: bool = False


class Queries:
    """One read-only DuckDB connection over the store; views refreshed when a batch lands."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._con = duckdb.connect(":memory:")
        self._listing: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            listing = self.store.listing()
            if listing != self._listing:
                self.store.create_views(self._con)
                self._listing = listing
            # A cursor is a connection of its own to the same database: safe per thread.
            return self._con.cursor()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._cursor()
        try:
            result = cur.execute(sql, list(params))
            names = [d[0] for d in result.description]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cur.close()

    def counts(self) -> dict[str, int]:
        row = self._rows("SELECT (SELECT count(*) FROM articles) AS articles, "
                         "(SELECT count(*) FROM events) AS events, "
                         "(SELECT count(DISTINCT outlet) FROM articles) AS outlets")[0]
        return {k: int(v) for k, v in row.items()}

    def outlets(self) -> list[dict[str, Any]]:
        """Outlets with their display names and event counts, most events first."""
        return self._rows(
            "SELECT a.outlet, any_value(a.outlet_name) AS outlet_name, "
            "count(DISTINCT a.article_id) AS articles, count(e.event_id) AS events "
            "FROM articles a LEFT JOIN events e USING (article_id) "
            "WHERE a.outlet IS NOT NULL GROUP BY a.outlet ORDER BY events DESC, a.outlet")

    def timeline(self, outlets: Sequence[str] | None, limit: int = MAX_POINTS) -> Timeline:
        """Dated events of the chosen outlets (all when None), earliest first."""
        where = "e.date IS NOT NULL"
        params: list[Any] = []
        if outlets is not None:
            where += " AND e.outlet IN (SELECT unnest(?::VARCHAR[]))"
            params.append(list(outlets))
        total = int(self._rows(f"SELECT count(*) AS n FROM events e WHERE {where}", params)[0]["n"])
        rows = self._rows(
            "SELECT e.event_id, e.article_id, e.outlet, coalesce(a.outlet_name, e.outlet) "
            "AS outlet_name, e.date, e.date_end, e.date_precision, e.date_text, e.event_type, "
            "e.sub_event_type, e.sentence, e.claimed_by, a.title, a.url "
            f"FROM events e LEFT JOIN articles a USING (article_id) WHERE {where} "
            "ORDER BY e.date, e.event_id LIMIT ?", [*params, limit])
        return Timeline(rows=rows, total=total, truncated=total > len(rows))

    def incidents(self, limit: int = 2000) -> list[dict[str, Any]]:
        """Incidents told by the most outlets first, for the picker."""
        rows = self._rows("SELECT incident_id, date, event_type, locations, outlets, event_ids "
                          "FROM incidents ORDER BY json_array_length(outlets) DESC, date, "
                          "incident_id LIMIT ?", [limit])
        return [decode_record(r) for r in rows]

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM incidents WHERE incident_id = ?", [incident_id])
        if not rows:
            return None
        return decode_record(rows[0])

    def accounts(self, incident_id: str) -> list[dict[str, Any]]:
        """The incident's events with their articles, earliest published first."""
        rows = self._rows(
            "SELECT e.*, a.outlet_name, a.published, a.url, a.title FROM events e "
            "LEFT JOIN articles a USING (article_id) WHERE e.incident_id = ? "
            "ORDER BY a.published, e.outlet, e.start", [incident_id])
        return [decode_record(r) for r in rows]

    def incident_of(self, event_id: str) -> str | None:
        rows = self._rows("SELECT incident_id FROM events WHERE event_id = ?", [event_id])
        return rows[0]["incident_id"] if rows else None
