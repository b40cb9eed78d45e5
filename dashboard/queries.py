"""Everything the dashboard reads, as DuckDB SQL over the store's Parquet files.

Filtering and aggregation happen here, on the server; the browser gets aggregates, or rows only
when few enough. The query layer keeps a slim in-memory table, `facts`, with one row per event
and the columns the filters need already decoded from JSON (killed, places, actors, the most
precise coordinates). It grows batch by batch as batches land, so a new batch costs only its own
rows; incident membership, which a new snapshot may change, lives in a small table beside it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ingest import outlets as outlet_registry
from ingest.store import Store, decode_record

from .facts import MonthFacts, month_files
from .filters import FilterState
from .settings import Settings

MAX_POINTS = Settings.max_rows  # the defaults of the settings (docs/settings.md)
POINT_LIMIT = Settings.point_limit
LANE_LIMIT = Settings.lane_limit
MAX_MARKERS = 2_500  # aggregate markers: the bucket coarsens to keep lanes x buckets below
MAX_BUCKETS = 400  # aggregate buckets across the visible range at most
LIST_LIMIT = 2_000  # options offered in a picker
DISK_MEMORY_LIMIT = "1GB"  # DuckDB's memory when the facts are on disk

_FIGURES = '[{"kind": "VARCHAR", "low": "BIGINT", "high": "BIGINT"}]'
_LOCATIONS = ('[{"name": "VARCHAR", "admin1": "VARCHAR", "country": "VARCHAR", '
              '"lat": "DOUBLE", "lon": "DOUBLE", "precision": "VARCHAR"}]')
_ACTORS = '[{"name": "VARCHAR", "role": "VARCHAR"}]'

# One row per event with what filters and figures need; see the module docstring. `places`
# holds the lower-cased names and regions of every place named, and the country code of the
# best-located one: all the place filter matches, so it tests one list. `sentence_lc` makes the
# text filter a plain substring search, several times faster than ILIKE over the sentence.
_FACTS_SELECT = """
WITH src AS (
    SELECT e.*, a.outlet_name AS a_outlet_name, a.published AS a_published,
           from_json(e.figures, '{figures}') AS f,
           from_json(e.locations, '{locations}') AS l,
           from_json(e.actors, '{actors}') AS r
    FROM {events} e LEFT JOIN {articles} a USING (article_id)
), best AS (
    SELECT *, coalesce(list_filter(l, lambda x: x.precision = 'place' AND x.lat IS NOT NULL)[1],
                       list_filter(l, lambda x: x.precision = 'admin1' AND x.lat IS NOT NULL)[1],
                       list_filter(l, lambda x: x.lat IS NOT NULL)[1]) AS loc
    FROM src
)
SELECT event_id, article_id, coalesce(outlet, '') AS outlet,
       coalesce(a_outlet_name, outlet, 'unknown') AS outlet_name,
       TRY_CAST(date AS DATE) AS date,
       TRY_CAST(coalesce(date_end, date) AS DATE) AS date_end,
       coalesce(date_precision, '') AS date_precision, date_text,
       coalesce(event_type, 'Other') AS event_type, sub_event_type,
       list_max(list_transform(f, lambda x: CASE WHEN x.kind = 'killed'
                                            THEN coalesce(x.low, x.high) END)) AS killed,
       list_distinct(list_filter(flatten(list_transform(l, lambda x: [lower(x.name),
                     lower(x.admin1)])) || [lower(loc.country)], lambda x: x IS NOT NULL))
           AS places,
       list_distinct(list_transform(r, lambda x: lower(x.name))) AS actors,
       loc.name AS place, loc.admin1 AS admin1, loc.country AS country,
       loc.lat AS lat, loc.lon AS lon, loc.precision AS place_precision,
       claimed_by, figures, sentence, TRY_CAST(a_published AS DATE) AS published,
       lower(sentence) AS sentence_lc,
       hash(coalesce(outlet, ''), coalesce(a_outlet_name, outlet, 'unknown')) AS outlet_key,
       hash(coalesce(event_type, 'Other')) AS type_key, hash(event_id) AS event_key,
       CASE WHEN loc.lat IS NOT NULL
            THEN hash(loc.name, round(loc.lat, 4), round(loc.lon, 4)) END AS place_key,
       0 AS n_outlets,
       date_trunc('week', TRY_CAST(date AS DATE))::DATE AS week,
       date_trunc('month', TRY_CAST(date AS DATE))::DATE AS month,
       date_trunc('quarter', TRY_CAST(date AS DATE))::DATE AS quarter,
       date_trunc('year', TRY_CAST(date AS DATE))::DATE AS year
FROM best
"""

# Aggregates group on the integer keys above, several times faster than on the names; the
# names come back through this small table, one row per outlet.
_OUTLET_KEYS = """
CREATE OR REPLACE TABLE outlet_keys AS
SELECT DISTINCT f.outlet_key, f.outlet_name AS outlet,
       coalesce(nullif(o.country, ''), 'unknown') AS country,
       coalesce(nullif(o.kind, ''), 'unknown') AS kind
FROM facts f LEFT JOIN outlet_info o ON o.outlet = f.outlet
"""

# One row per mapped place (a name at a point), for the map's labels; min() rather than
# any_value() so that the label does not depend on the scan's order.
_PLACE_KEYS = """
CREATE OR REPLACE TABLE place_keys AS
SELECT place_key, min(place) AS place, min(admin1) AS admin1,
       min(country) AS country, round(min(lat), 4) AS lat,
       round(min(lon), 4) AS lon, min(place_precision) AS precision
FROM facts WHERE place_key IS NOT NULL GROUP BY place_key
"""

# The map's places in one pass: counts per place, type and outlet on the keys, then per place
# its events, killed, outlets, and the type and outlet with most events (ties: the smaller
# key, so that the answer does not depend on the scan's order); and the view's total,
# events with no known place included.
_MAP = """
WITH g AS (
    SELECT f.place_key AS p, f.type_key AS t, f.outlet_key AS o,
           count(*) AS n, coalesce(sum(f.killed), 0) AS k
    FROM {facts} f WHERE {where} GROUP BY ALL
), per AS (
    SELECT p, sum(n) AS events, sum(k) AS killed, count(DISTINCT o) AS outlets
    FROM g WHERE p IS NOT NULL GROUP BY p
), types AS (
    SELECT p, first(t ORDER BY n DESC, t) AS t
    FROM (SELECT p, t, sum(n) AS n FROM g GROUP BY p, t) GROUP BY p
), outlets AS (
    SELECT p, first(o ORDER BY n DESC, o) AS o
    FROM (SELECT p, o, sum(n) AS n FROM g GROUP BY p, o) GROUP BY p
)
SELECT i.place, i.admin1, i.country, i.lat, i.lon, i.precision, per.events::BIGINT AS events,
       per.killed::BIGINT AS killed, types.t AS type_key, outlets.o AS outlet_key, per.outlets,
       (SELECT sum(n) FROM g)::BIGINT AS total
FROM per JOIN types USING (p) JOIN outlets USING (p) JOIN place_keys i ON i.place_key = per.p
ORDER BY events DESC, place, p LIMIT ?
"""

# The timeline's counts in one pass: per outlet, bucket and colour on the integer keys (the
# buckets are columns of facts), then per lane; past the lane limit, the lanes with fewest
# events fold into one (NULL). Largest colour first within a lane and bucket.
_BUCKETS = """
WITH g AS (
    SELECT f.outlet_key, f.{bucket} AS date, {colour} AS ck, count(*) AS n,
           coalesce(sum(f.killed), 0) AS k, min(f.date) AS lo, max(f.date_end) AS hi
    FROM {facts} f WHERE {where} GROUP BY ALL
), l AS (
    SELECT {lane} AS lane, g.date, g.ck, sum(g.n) AS n, sum(g.k) AS k
    FROM g {join} GROUP BY ALL
), sizes AS (
    SELECT lane, row_number() OVER (ORDER BY sum(n) DESC, lane) AS r, count(*) OVER () AS c
    FROM l GROUP BY lane
)
SELECT CASE WHEN s.r <= ? OR s.c <= ? + 1 THEN l.lane END AS lane, l.date, l.ck,
       sum(l.n)::BIGINT AS n, sum(l.k)::BIGINT AS k, any_value(s.c) AS lanes,
       (SELECT min(lo) FROM g) AS lo, (SELECT max(hi) FROM g) AS hi
FROM l JOIN sizes s USING (lane) GROUP BY ALL ORDER BY date, lane NULLS LAST, n DESC, ck
"""

FACTS_VERSION = 1  # of the columns above: raise it when they change (month files rebuild)

_PARQUET = "read_parquet(?, union_by_name=true)"

# The stacked view's counts in one pass: per bucket and colour; past the limit, the colours
# with fewest events fold into one (NULL).
_STACKS = """
WITH g AS (
    SELECT f.{bucket} AS date, {colour} AS ck, count(*) AS n, coalesce(sum(f.killed), 0) AS k,
           min(f.date) AS lo, max(f.date_end) AS hi
    FROM {facts} f WHERE {where} GROUP BY ALL
), sizes AS (
    SELECT ck, row_number() OVER (ORDER BY sum(n) DESC, ck) AS r, count(*) OVER () AS c
    FROM g GROUP BY ck
)
SELECT g.date, CASE WHEN s.r <= ? OR s.c <= ? + 1 THEN g.ck END AS ck, sum(g.n)::BIGINT AS n,
       sum(g.k)::BIGINT AS k, any_value(s.c) AS colours,
       (SELECT min(lo) FROM g) AS lo, (SELECT max(hi) FROM g) AS hi
FROM g JOIN sizes s USING (ck) GROUP BY ALL ORDER BY date, ck NULLS LAST
"""

# How many lanes (per kind of lane) and colours the whole store has, to bound a view's.
_SHAPE = """
SELECT count(DISTINCT f.outlet_name) AS outlet, count(DISTINCT f.event_type) AS type,
       count(DISTINCT coalesce(nullif(o.country, ''), 'unknown')) AS country,
       count(DISTINCT coalesce(nullif(o.kind, ''), 'unknown')) AS kind
FROM facts f LEFT JOIN outlet_info o ON o.outlet = f.outlet
"""


def _facts_select(events: str = _PARQUET, articles: str = _PARQUET) -> str:
    return _FACTS_SELECT.format(events=events, articles=articles, figures=_FIGURES,
                                locations=_LOCATIONS, actors=_ACTORS)


@dataclass
class Timeline:
    """Timeline data for one view: events one by one, or counts per bucket when too many."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    truncated: bool = False
    bucket: str | None = None  # None: rows are events; else rows are per-bucket aggregates
    start: date | None = None
    end: date | None = None
    lanes: list[str] = field(default_factory=list)  # top to bottom; folded ones last


def choose_bucket(start: date, end: date) -> str:
    """The finest bucket that keeps the visible range within MAX_BUCKETS buckets."""
    days = (end - start).days + 1
    for bucket, length in (("day", 1), ("week", 7), ("month", 31)):
        if days / length <= MAX_BUCKETS:
            return bucket
    return "year"


_BUCKET_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}


def _fitting_bucket(start: date, end: date, events: int, groups: int, limit: int) -> str:
    """choose_bucket's bucket, or a coarser one when up to `groups` (lanes x colours)
    aggregates per bucket could pass `limit` rows: cut at the limit, the answer would silently
    lose the end of the range. No more rows than events, so few events never coarsen."""
    days = (end - start).days + 1
    names = list(_BUCKET_DAYS)
    for bucket in names[names.index(choose_bucket(start, end)):]:
        if min(events, groups * math.ceil(days / _BUCKET_DAYS[bucket])) <= limit:
            return bucket
    return "year"


def _other_lane(count: int, lanes: str) -> str:
    noun = {"country": "countries", "kind": "kinds"}.get(lanes, "outlets")
    return f"{count} other {noun}" if count > 0 else ""


def fold_lanes(rows: list[dict[str, Any]], lane_limit: int, lanes: str = "outlet") -> list[str]:
    """The lanes of events one by one, top to bottom: past lane_limit, the lanes with fewest
    events share one more, last (rows are relabelled in place)."""
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[str(row["lane"])] = sizes.get(str(row["lane"]), 0) + 1
    if len(sizes) <= lane_limit + 1:
        return sorted(sizes)
    kept = set(sorted(sizes, key=lambda lane: (-sizes[lane], lane))[:lane_limit])
    other = _other_lane(len(sizes) - lane_limit, lanes)
    for row in rows:
        if str(row["lane"]) not in kept:
            row["lane"] = other
    return [*sorted(kept), other]


def _cached(queries: Queries, key: str, compute: Callable[[], Any]) -> Any:
    """An answer that changes only when a batch lands, computed once per listing."""
    with queries._lock:
        queries._refresh()
        listing, cached = queries._listing, queries._cache.get(key)
    if cached is None:
        cached = compute()
        with queries._lock:
            if queries._listing == listing:  # else a batch landed meanwhile: do not keep it
                queries._cache[key] = cached
    return cached


class Queries:
    """One read-only DuckDB database over the store; facts refreshed when a batch lands."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings.from_environment()
        self._con = duckdb.connect(":memory:")
        self._listing: tuple[str, ...] | None = None
        self._loaded: set[str] = set()
        self._snapshot: str | None = None
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}  # answers that change only when a batch lands
        self._disk: MonthFacts | None = None  # facts on disk, by month (see facts.py)
        self._mode: str | None = None  # "memory" or "disk", chosen at the first refresh
        self.months_read = 0  # month files the last query on disk read (for the benchmark)
        self._con.execute("CREATE TABLE outlet_info (outlet VARCHAR, country VARCHAR, "
                          "kind VARCHAR)")
        self._con.executemany("INSERT INTO outlet_info VALUES (?, ?, ?)", [
            (o.slug, o.country or "", o.kind or "")
            for o in outlet_registry.registry().values()])

    # -- keeping up with the store ---------------------------------------------------------
    def _refresh(self) -> None:
        listing = self.store.listing()
        if listing == self._listing:
            return
        self.store.create_views(self._con)
        if self._mode is None:
            self._choose_mode()
        if self._disk is not None:
            self._refresh_disk()
        else:
            self._refresh_memory()
        snapshot = str(self.store.snapshot())
        if snapshot != self._snapshot:
            self._con.execute(
                "CREATE OR REPLACE TABLE membership AS SELECT e.event_id, e.incident_id, "
                "coalesce(json_array_length(i.outlets), 0) AS n_outlets, "
                "hash(e.event_id) AS event_key "
                "FROM events e JOIN incidents i USING (incident_id)")
            if self._disk is None:
                # Kept on the facts row too, so that the shared-only filter reads a column.
                self._con.execute("UPDATE facts SET n_outlets = 0 WHERE n_outlets <> 0")
                self._con.execute("UPDATE facts SET n_outlets = m.n_outlets FROM membership m "
                                  "WHERE facts.event_id = m.event_id AND m.n_outlets <> 0")
            self._snapshot = snapshot
        self._listing = listing
        self._cache.clear()

    def _choose_mode(self) -> None:
        """Facts in memory, or on disk by month when the store is large (the setting)."""
        events = sum(self.store.batch_events().values())
        wanted = self.settings.facts
        if wanted == "auto":
            wanted = "disk" if events > self.settings.memory_events else "memory"
        self._mode = wanted
        if wanted == "disk":
            self._disk = MonthFacts(self.store.path / "cache" / "facts", FACTS_VERSION)
            # Scans stream from the month files; what DuckDB holds stays bounded.
            self._con.execute(f"SET memory_limit = '{DISK_MEMORY_LIMIT}'")
            self._con.execute("SET temp_directory = ?",
                              [str(self.store.path / "cache" / "duckdb-tmp")])

    def _refresh_memory(self) -> None:
        new = [p for p in self.store.files("events") if p not in self._loaded]
        if new:
            articles = [str(Path(p).with_name("articles.parquet")) for p in new]
            if not self._loaded:
                self._con.execute(f"CREATE OR REPLACE TABLE facts AS {_facts_select()}",
                                  [new, articles])
                self._snapshot = None  # n_outlets: set it on the new table
            else:
                self._con.execute(f"INSERT INTO facts {_facts_select()}", [new, articles])
                self._snapshot = None  # and on the new rows
            self._loaded.update(new)
        elif not self._loaded:
            # No batch yet: an empty table of the same shape, from the store's empty views.
            self._con.execute("CREATE OR REPLACE TABLE facts AS "
                              f"{_facts_select('events', 'articles')}")
        else:
            return
        self._con.execute(_OUTLET_KEYS)
        self._con.execute(_PLACE_KEYS)

    def _refresh_disk(self) -> None:
        assert self._disk is not None
        disk = self._disk
        disk.reload()
        batches = {Path(p).parent.name: p for p in self.store.files("events")}
        if not disk.batches <= batches.keys():
            disk.reset()  # the store was rebuilt under the cache: start again
        new = [p for name, p in batches.items() if name not in disk.batches]
        if new:
            articles = [str(Path(p).with_name("articles.parquet")) for p in new]
            disk.add(self._con, _facts_select(), [new, articles],
                     [Path(p).parent.name for p in new])
        elif self._loaded:
            return
        self._loaded = set(batches.values())
        files = disk.files()
        source = f"SELECT * FROM {month_files(files)}" if files else _facts_select(
            "events", "articles")
        self._con.execute(f"CREATE OR REPLACE VIEW facts AS {source}")
        self._con.execute(_OUTLET_KEYS)
        self._con.execute(_PLACE_KEYS)

    def _facts(self, state: FilterState) -> str:
        """Where a view's rows are read from: the facts table, or on disk the files of the
        months its date range covers (and only those)."""
        if self._disk is None:
            return "facts"
        files = self._disk.files(state.start, state.end)
        self.months_read = len(files)
        if len(files) == len(self._disk.months) or not files:
            return "facts"
        return month_files(files)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            self._refresh()
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

    # -- the filter, as SQL ----------------------------------------------------------------
    def where(self, state: FilterState, alias: str = "f") -> tuple[str, list[Any]]:
        """The SQL condition (over `facts AS alias`) and parameters for a filter state."""
        with self._lock:
            self._refresh()  # the first query chooses memory or disk, which this depends on
        conditions = [f"{alias}.date IS NOT NULL"]
        params: list[Any] = []
        if state.outlets is not None:
            conditions.append(f"{alias}.outlet IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(state.outlets))
        if state.start:
            conditions.append(f"{alias}.date_end >= ?")
            params.append(state.start)
        if state.end:
            conditions.append(f"{alias}.date <= ?")
            params.append(state.end)
        if state.event_types:
            conditions.append(f"{alias}.event_type IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(state.event_types))
        if state.actor:
            conditions.append(f"list_contains({alias}.actors, ?)")
            params.append(state.actor.lower())
        if state.place:
            # A region selects the places inside it, a country code its events: places lists
            # each admin1 too, and the best place's country.
            conditions.append(f"list_contains({alias}.places, ?)")
            params.append(state.place.lower())
        if state.text:
            conditions.append(f"contains({alias}.sentence_lc, lower(?))")
            params.append(state.text)
        if state.min_killed:
            conditions.append(f"{alias}.killed >= ?")
            params.append(state.min_killed)
        if state.shared_only:
            # On disk the month files cannot follow each new grouping: a semi-join on the
            # event's integer key instead (a collision could only add an event, never drop
            # one, and at 64 bits does not happen in practice).
            conditions.append(f"{alias}.n_outlets >= 2" if self._disk is None else
                              f"{alias}.event_key IN (SELECT event_key FROM membership "
                              "WHERE n_outlets >= 2)")
        return " AND ".join(conditions), params

    @staticmethod
    def lane_expression(state: FilterState, alias: str = "f") -> str:
        """The lane of an event; for outlet groups, over `facts AS alias LEFT JOIN outlet_info
        o ON o.outlet = alias.outlet` (one join, not a look-up per event)."""
        if state.lanes in ("country", "kind"):
            return f"coalesce(nullif(o.{state.lanes}, ''), 'unknown')"
        return f"{alias}.outlet_name"

    # -- what the pages ask ----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        row = self._rows("SELECT (SELECT count(*) FROM articles) AS articles, "
                         "(SELECT count(*) FROM facts) AS events, "
                         "(SELECT count(DISTINCT outlet) FROM articles) AS outlets")[0]
        return {k: int(v) for k, v in row.items()}

    def outlets(self) -> list[dict[str, Any]]:
        """Outlets with display names, registry country and kind, and counts; grouped by
        country and kind, most events first within a group."""
        def compute() -> list[dict[str, Any]]:
            return self._rows(
                "SELECT * FROM (SELECT a.outlet, any_value(a.outlet_name) AS outlet_name, "
                "coalesce(any_value(o.country), '') AS country, "
                "coalesce(any_value(o.kind), '') AS kind, "
                "count(*) AS articles, coalesce(any_value(n.events), 0) AS events "
                "FROM articles a LEFT JOIN outlet_info o USING (outlet) "
                "LEFT JOIN (SELECT outlet, count(*) AS events FROM facts GROUP BY outlet) n "
                "USING (outlet) WHERE a.outlet IS NOT NULL GROUP BY a.outlet) "
                "ORDER BY country = '', country, kind, events DESC, outlet")

        # Every page load asks (the sidebar): once per batch. Copies, so the cache stays intact.
        return [dict(r) for r in _cached(self, "outlets", compute)]

    def event_types(self) -> list[str]:
        # Every page load asks (the sidebar): once per batch, not a scan per load.
        return list(_cached(self, "types", lambda: [r["event_type"] for r in self._rows(
            "SELECT DISTINCT event_type FROM facts ORDER BY event_type")]))

    def vocabulary(self) -> tuple[list[str], list[str]]:
        """The outlet slugs and event types the store knows, to validate filter inputs."""
        with self._lock:
            self._refresh()
            cached = self._cache.get("vocabulary")
        if cached is None:
            cached = ([o["outlet"] for o in self.outlets()], self.event_types())
            with self._lock:
                self._cache["vocabulary"] = cached
        return cached

    def actors(self, limit: int = LIST_LIMIT) -> list[str]:
        """Canonical actor names, most often named first."""
        def compute() -> list[str]:
            return [r["name"] for r in self._rows(
                "SELECT any_value(a.name) AS name FROM (SELECT unnest(from_json(actors, ?)) AS a "
                "FROM events) GROUP BY lower(a.name) ORDER BY count(*) DESC, name LIMIT ?",
                [_ACTORS, limit])]

        # Decoding every event's actors from the Parquet files takes a second at a million
        # events: once per batch, not once per page load.
        return list(_cached(self, f"actors-{limit}", compute))

    def places(self, limit: int = LIST_LIMIT) -> list[str]:
        """Place and region names, most often named first."""
        def compute() -> list[str]:
            return [r["name"] for r in self._rows(
                "SELECT name FROM (SELECT place AS name FROM facts UNION ALL "
                "SELECT admin1 FROM facts) WHERE name IS NOT NULL "
                "GROUP BY name ORDER BY count(*) DESC, name LIMIT ?", [limit])]

        return list(_cached(self, f"places-{limit}", compute))

    def date_span(self) -> tuple[date, date] | None:
        row = _cached(self, "span", lambda: self._rows(
            "SELECT min(date) AS lo, max(date_end) AS hi FROM facts")[0])
        return (row["lo"], row["hi"]) if row["lo"] is not None else None

    def timeline(self, state: FilterState, limit: int = MAX_POINTS,
                 point_limit: int = POINT_LIMIT, lane_limit: int = LANE_LIMIT) -> Timeline:
        """Events of a view, earliest first, one by one when at most point_limit of them;
        else counts per lane and bucket (the bucket chosen by the span of the view), with
        their colours (event types or outlets) largest first. Past lane_limit lanes, the
        lanes with fewest events share one more, "N other outlets"."""
        where, params = self.where(state)
        whole = self.date_span()
        start = max(state.start or whole[0], whole[0]) if whole else state.start
        end = min(state.end or whole[1], whole[1]) if whole else state.end
        if start is None or end is None or start > end:
            return Timeline(start=state.start, end=state.end)
        # One pass counts the view per bucket of its whole range; few events are then read
        # one by one, and a view narrower in time than its filter is counted again, finer.
        bucket = self._bucket(state, start, end, None, lane_limit, limit)
        found = self._bucket_rows(state, where, params, bucket, lane_limit)
        total = sum(int(r[3]) for r in found)
        if total <= point_limit:
            return self._points(state, where, params, total, limit, lane_limit)
        start = max(state.start or found[0][6], found[0][6])
        end = min(state.end or found[0][7], found[0][7])
        finer = self._bucket(state, start, end, total, lane_limit, limit)
        if finer != bucket:
            bucket, found = finer, self._bucket_rows(state, where, params, finer, lane_limit)
        rows, lanes = self._markers(found, state.lanes, lane_limit, limit)
        return Timeline(rows=rows, total=total, truncated=len(rows) >= limit, bucket=bucket,
                        start=start, end=end, lanes=lanes)

    def _bucket(self, state: FilterState, start: date, end: date, events: int | None,
                lane_limit: int, limit: int) -> str:
        """The bucket for a view's markers: lanes x buckets within MAX_MARKERS (or limit)."""
        shape = _cached(self, "shape", lambda: self._rows(_SHAPE)[0])
        chosen = len(state.outlets) if state.outlets is not None else shape["outlet"]
        lanes = min(shape.get(state.lanes, shape["outlet"]), chosen, lane_limit + 1)
        ceiling = min(limit, MAX_MARKERS)
        return _fitting_bucket(start, end, ceiling + 1 if events is None else events,
                               max(lanes, 1), ceiling)

    def _bucket_rows(self, state: FilterState, where: str, params: list[Any], bucket: str,
                     lane_limit: int) -> list[tuple[Any, ...]]:
        grouped = state.lanes in ("country", "kind")
        sql = _BUCKETS.format(
            bucket="date" if bucket == "day" else bucket, where=where, facts=self._facts(state),
            colour="f.type_key" if state.colour == "type" else "f.outlet_key",
            lane=f"u.{state.lanes}" if grouped else "g.outlet_key",
            join="JOIN outlet_keys u USING (outlet_key)" if grouped else "")
        cur = self._cursor()
        try:
            return cur.execute(sql, [*params, lane_limit, lane_limit]).fetchall()
        finally:
            cur.close()

    def _points(self, state: FilterState, where: str, params: list[Any], total: int,
                limit: int, lane_limit: int) -> Timeline:
        lane = self.lane_expression(state)
        facts = self._facts(state)
        source = (f"{facts} f" if state.lanes not in ("country", "kind")
                  else f"{facts} f LEFT JOIN outlet_info o ON o.outlet = f.outlet")
        rows = self._rows(
            f"SELECT f.event_id, f.outlet, {lane} AS lane, f.outlet_name, f.date, "
            "f.date_end, f.date_precision, f.date_text, f.event_type, f.sub_event_type, "
            "f.sentence, f.claimed_by, f.killed, f.figures "
            f"FROM {source} WHERE {where} ORDER BY f.date, f.event_id LIMIT ?",
            [*params, limit])
        return Timeline(rows=rows, total=total, truncated=total > len(rows),
                        start=state.start, end=state.end,
                        lanes=fold_lanes(rows, lane_limit, state.lanes))

    def _markers(self, found: list[tuple[Any, ...]], lanes_by: str, lane_limit: int,
                 limit: int) -> tuple[list[dict[str, Any]], list[str]]:
        """One marker per lane and bucket from the rows of _BUCKETS (one per colour, largest
        first), with its colours' counts; and the lanes, top to bottom."""
        names = _cached(self, "key-names", self._key_names)
        other = _other_lane(int(found[0][5]) - lane_limit, lanes_by) if found else ""
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        breakdown: list[tuple[str, int]] = []
        last: tuple[Any, Any] | None = None
        for lane, day, key, n, killed, _, _, _ in found:  # a hot loop: thousands of rows
            if (day, lane) != last:
                if len(rows) == limit:
                    break
                last = (day, lane)
                label = other if lane is None else str(names.get(lane, lane))
                seen.add(label)
                breakdown = []
                rows.append({"lane": label, "date": day, "events": 0, "killed": 0,
                             "colour": names.get(key, "Other"), "breakdown": breakdown})
            row = rows[-1]
            row["events"] += n
            row["killed"] += killed
            breakdown.append((names.get(key, "Other"), n))
        return rows, sorted(seen - {other}) + ([other] if other in seen else [])

    def _key_names(self) -> dict[int, str]:
        """The names behind facts' outlet and type keys."""
        return {int(r["k"]): str(r["name"]) for r in self._rows(
            "SELECT outlet_key AS k, outlet AS name FROM outlet_keys UNION ALL "
            "SELECT DISTINCT type_key, event_type FROM facts")}

    def stacked(self, state: FilterState, limit: int = MAX_POINTS,
                lane_limit: int = LANE_LIMIT) -> Timeline:
        """Counts per bucket and event type (or outlet): the stacked-count view. Coloured by
        outlet, past lane_limit outlets the smaller ones share one colour."""
        where, params = self.where(state)
        whole = self.date_span()
        start = max(state.start or whole[0], whole[0]) if whole else state.start
        end = min(state.end or whole[1], whole[1]) if whole else state.end
        if start is None or end is None or start > end:
            return Timeline(bucket="day")
        shape = _cached(self, "shape", lambda: self._rows(_SHAPE)[0])
        chosen = len(state.outlets) if state.outlets is not None else shape["outlet"]
        colours = (min(len(state.event_types) or shape["type"], shape["type"])
                   if state.colour == "type" else min(shape["outlet"], chosen, lane_limit + 1))
        # One pass over the whole range; again, finer, when the view is narrower in time.
        bucket = _fitting_bucket(start, end, limit + 1, max(colours, 1), limit)
        found = self._stack_rows(state, where, params, bucket, lane_limit)
        if not found:
            return Timeline(bucket="day")
        total = sum(int(r[2]) for r in found)
        start = max(state.start or found[0][5], found[0][5])
        end = min(state.end or found[0][6], found[0][6])
        finer = _fitting_bucket(start, end, total, max(colours, 1), limit)
        if finer != bucket:
            bucket, found = finer, self._stack_rows(state, where, params, finer, lane_limit)
        names = _cached(self, "key-names", self._key_names)
        other = _other_lane(int(found[0][4]) - lane_limit, "outlet")
        rows = [{"date": day, "colour": other if key is None else names.get(key, "Other"),
                 "events": int(n), "killed": int(killed)}
                for day, key, n, killed, *_ in found[:limit]]
        return Timeline(rows=rows, total=total, truncated=len(found) > limit,
                        bucket=bucket, start=start, end=end)

    def _stack_rows(self, state: FilterState, where: str, params: list[Any], bucket: str,
                    lane_limit: int) -> list[tuple[Any, ...]]:
        sql = _STACKS.format(bucket="date" if bucket == "day" else bucket, where=where,
                             facts=self._facts(state),
                             colour="f.type_key" if state.colour == "type" else "f.outlet_key")
        cur = self._cursor()
        try:
            return cur.execute(sql, [*params, lane_limit, lane_limit]).fetchall()
        finally:
            cur.close()

    def map_places(self, state: FilterState, limit: int = MAX_POINTS) -> list[dict[str, Any]]:
        """Events per place with coordinates: count, killed, and the leading type and outlet."""
        return self.map_view(state, limit)[0]

    def map_view(self, state: FilterState, limit: int = MAX_POINTS
                 ) -> tuple[list[dict[str, Any]], int]:
        """The map's places (see map_places) and the view's count of events, those with no
        known place included, from one pass."""
        where, params = self.where(state)
        rows = self._rows(_MAP.format(where=where, facts=self._facts(state)), [*params, limit])
        names = _cached(self, "key-names", self._key_names)
        total = int(rows[0]["total"]) if rows else self.count(state)
        for row in rows:
            row["event_type"] = names.get(row.pop("type_key"), "Other")
            row["outlet_name"] = names.get(row.pop("outlet_key"), "unknown")
            del row["total"]
        return rows, total

    def export_rows(self, state: FilterState, cap: int) -> Iterator[dict[str, Any]]:
        """Full event records of a view (the contract's fields), earliest first, at most cap."""
        where, params = self.where(state)
        cur = self._cursor()
        try:
            result = cur.execute(
                "SELECT e.* FROM events e JOIN (SELECT f.event_id, f.date "
                f"FROM {self._facts(state)} f "
                f"WHERE {where} ORDER BY f.date, f.event_id LIMIT ?) s USING (event_id) "
                "ORDER BY s.date, e.event_id", [*params, cap])
            names = [d[0] for d in result.description]
            while chunk := result.fetchmany(2000):
                for row in chunk:
                    yield decode_record(dict(zip(names, row, strict=True)))
        finally:
            cur.close()

    def count(self, state: FilterState) -> int:
        where, params = self.where(state)
        return int(self._rows(f"SELECT count(*) AS n FROM {self._facts(state)} f WHERE {where}",
                              params)[0]["n"])

    # -- incidents, articles ---------------------------------------------------------------
    def incidents(self, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
        """Incidents told by the most outlets first, for the picker."""
        rows = self._rows("SELECT incident_id, date, event_type, locations, outlets, event_ids "
                          "FROM incidents ORDER BY json_array_length(outlets) DESC, date, "
                          "incident_id LIMIT ?", [limit])
        return [decode_record(r) for r in rows]

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM incidents WHERE incident_id = ?", [incident_id])
        return decode_record(rows[0]) if rows else None

    def accounts(self, incident_id: str) -> list[dict[str, Any]]:
        """The incident's events with their articles, earliest published first."""
        rows = self._rows(
            "SELECT e.*, a.outlet_name, a.published, a.url, a.title FROM events e "
            "LEFT JOIN articles a USING (article_id) WHERE e.incident_id = ? "
            "ORDER BY a.published, e.outlet, e.start", [incident_id])
        return [decode_record(r) for r in rows]

    def incident_of(self, event_id: str) -> str | None:
        rows = self._rows("SELECT incident_id FROM membership WHERE event_id = ?", [event_id])
        return rows[0]["incident_id"] if rows else None

    def article_of(self, event_id: str) -> str | None:
        rows = self._rows("SELECT article_id FROM facts WHERE event_id = ?", [event_id])
        return rows[0]["article_id"] if rows else None

    def article(self, article_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM articles WHERE article_id = ?", [article_id])
        return decode_record(rows[0]) if rows else None

    def article_events(self, article_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM events WHERE article_id = ? ORDER BY start",
                          [article_id])
        return [decode_record(r) for r in rows]

    # -- outlets ---------------------------------------------------------------------------
    def outlet_activity(self, state: FilterState, limit: int = 5 * MAX_POINTS) -> Timeline:
        """Events and killed per outlet and period in a view, for the outlets heatmap. The
        period is a month; a week when the view spans under four months, a year beyond twenty
        years, so the heatmap stays a few hundred columns wide at most. The limit allows a
        few hundred outlets over twenty years: rows here are cells, not events."""
        where, params = self.where(state)
        facts = self._facts(state)
        span = self._rows(f"SELECT count(*) AS n, min(f.date) AS lo, max(f.date) AS hi "
                          f"FROM {facts} f WHERE {where}", params)[0]
        if not span["n"]:
            return Timeline(bucket="month")
        days = (span["hi"] - span["lo"]).days
        bucket = "week" if days < 120 else "month" if days < 20 * 366 else "year"
        rows = self._rows(
            f"SELECT f.outlet, date_trunc('{bucket}', f.date)::DATE AS date, count(*) AS events, "
            f"coalesce(sum(f.killed), 0) AS killed FROM {facts} f WHERE {where} "
            "GROUP BY ALL ORDER BY f.outlet, date LIMIT ?", [*params, limit])
        return Timeline(rows=rows, total=int(span["n"]), truncated=len(rows) >= limit,
                        bucket=bucket, start=span["lo"], end=span["hi"])

    def outlet_table(self, state: FilterState) -> list[dict[str, Any]]:
        """One row per outlet with events in a view, most events first: its events, articles
        (with an event in the view), incidents, those it alone reported (exclusive) and those
        others reported too (shared); and, on shared incidents where it and another outlet
        give a killed figure, how its figure compares with the median of the others' (each
        outlet counted by its largest figure on the incident, over all its accounts of it):
        how many are compared, higher, equal, lower, and the median ratio of its figure to
        theirs. The filters choose the events, hence the incidents; an incident's other
        accounts count whatever the filters, so a filter cannot make a shared incident look
        exclusive."""
        self._build_incident_tolls()
        where, params = self.where(state)
        return self._rows(f"""
            WITH v AS (SELECT f.event_id, f.article_id, f.outlet, f.outlet_name
                       FROM {self._facts(state)} f WHERE {where}),
            covered AS (SELECT DISTINCT v.outlet, m.incident_id, m.n_outlets
                        FROM v JOIN membership m USING (event_id)),
            compared AS (SELECT c.outlet, count(*) AS compared,
                                count_if(x.killed > x.others) AS higher,
                                count_if(x.killed = x.others) AS equal,
                                count_if(x.killed < x.others) AS lower,
                                median(x.killed / x.others) FILTER (WHERE x.others > 0)
                                    AS median_ratio
                         FROM covered c JOIN incident_tolls x USING (incident_id, outlet)
                         GROUP BY c.outlet),
            reach AS (SELECT outlet, count(*) AS incidents,
                             count_if(n_outlets = 1) AS exclusive,
                             count_if(n_outlets >= 2) AS shared
                      FROM covered GROUP BY outlet),
            per AS (SELECT outlet, any_value(outlet_name) AS outlet_name, count(*) AS events,
                           count(DISTINCT article_id) AS articles
                    FROM v GROUP BY outlet)
            SELECT per.outlet, per.outlet_name, per.events, per.articles,
                   coalesce(r.incidents, 0) AS incidents, coalesce(r.exclusive, 0) AS exclusive,
                   coalesce(r.shared, 0) AS shared, coalesce(c.compared, 0) AS compared,
                   coalesce(c.higher, 0) AS higher, coalesce(c.equal, 0) AS equal,
                   coalesce(c.lower, 0) AS lower, c.median_ratio
            FROM per LEFT JOIN reach r USING (outlet) LEFT JOIN compared c USING (outlet)
            ORDER BY per.events DESC, per.outlet""", params)

    def exclusive_incidents(self, state: FilterState, per_outlet: int = 5
                            ) -> list[dict[str, Any]]:
        """Per outlet, incidents in a view that it alone reported, the deadliest (then the
        latest) first, at most per_outlet each: incident id, date and first place."""
        where, params = self.where(state)
        return self._rows(f"""
            WITH x AS (SELECT f.outlet, m.incident_id, max(f.killed) AS killed
                       FROM {self._facts(state)} f JOIN membership m USING (event_id)
                       WHERE {where} AND m.n_outlets = 1 GROUP BY ALL),
            ranked AS (SELECT x.*, i.date, json_extract_string(i.locations, '$[0].name') AS place,
                              row_number() OVER (PARTITION BY x.outlet ORDER BY
                                  x.killed DESC NULLS LAST, i.date DESC, x.incident_id) AS rank
                       FROM x JOIN incidents i USING (incident_id))
            SELECT outlet, incident_id, date, place, killed FROM ranked WHERE rank <= ?
            ORDER BY outlet, rank""", [*params, per_outlet])

    def _build_incident_tolls(self) -> None:
        """(Re)build, once per batch or snapshot, the table of each outlet's killed figure on
        each shared incident beside the median of the other outlets' figures. The filters do not
        change it, and the self-join behind the medians is the costly part of the outlets page."""
        with self._lock:
            self._refresh()
            if self._cache.get("incident_tolls"):
                return
            # Under the lock: two threads replacing one table at once would conflict.
            self._con.execute("""
                CREATE OR REPLACE TABLE incident_tolls AS
                WITH tolls AS (SELECT m.incident_id, f.outlet, max(f.killed) AS killed
                               FROM facts f JOIN membership m USING (event_id)
                               WHERE m.n_outlets >= 2 AND f.killed IS NOT NULL GROUP BY ALL)
                SELECT a.incident_id, a.outlet, any_value(a.killed) AS killed,
                       median(b.killed) AS others
                FROM tolls a JOIN tolls b
                     ON a.incident_id = b.incident_id AND a.outlet <> b.outlet
                GROUP BY a.incident_id, a.outlet""")
            self._cache["incident_tolls"] = True
