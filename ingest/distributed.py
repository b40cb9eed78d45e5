"""Scale-out ingest on Dask distributed: the same pipeline and the same store as
``ingest.pipeline``, with the per-article work run as Dask tasks (docs/scale.md).

The client (this process) holds the store's writer lock throughout and plans *units*: runs of
files, or parts of one big table or feed file, of about one batch of articles each, with a key
that depends only on the inputs. A unit is one Dask task: a worker reads, cleans and extracts its
documents and writes the batch's Parquet files into the store's staging folder (a file cut into
parts is read once, by a task whose documents Dask hands to the parts' tasks). The client
commits staged batches in input order, dropping articles already stored, exactly as the
single-machine writer does, so that both paths store the same records. A batch's folder name
carries its unit's key, so a re-run skips the units already committed.

Grouping then runs as one task per *block*: events that can only link among themselves (the same
country, dates within the links' slack, or named together by a researcher's decision). Each task
writes its incidents beside the others; the client joins them, with the incidents kept outside
the window of new dates, into one snapshot, committed like the single path's.

Dask does the distribution, the retries of tasks lost with a worker and the queueing; nothing
here schedules work by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from distributed import Client, Future, KilledWorker, LocalCluster

from . import incidents
from .articles import Hints
from .formats import RawDocument
from .pipeline import (
    BATCH_SIZE,
    GROUPING_MARGIN,
    Summary,
    find_inputs,
    process_documents,
    read_documents,
)
from .store import (
    Store,
    StoreWriter,
    commit_batch,
    fetch_records,
    stage_batch,
    sync_folder,
    write_incident_files,
)

ARTICLE_BYTES = 4096  # a typical article as it lies in an input: sizes units from file sizes
RETRIES = 2  # a task that raises is run again this many times (a worker lost is Dask's own)
BLOCK_EVENTS = 50_000  # events one grouping task holds at most (a few hundred MB decoded)
MIN_BLOCK_EVENTS = 2_000  # fewer makes tasks whose overhead exceeds their work
# Two accounts link only when their periods come within incidents.SLACK of each other; twice
# that between blocks leaves room should the rule loosen a little.
BLOCK_GAP = 2 * incidents.SLACK
_UNIT_SUFFIX = re.compile(r"-u([0-9a-f]{16})$")
# Only events dated this precisely are ever linked; a year-long period would chain every run.
_PRECISIONS = ", ".join(f"'{p}'" for p in incidents.GROUPED_PRECISIONS)


# -- planning the ingest -------------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """One file, or one part of a file holding many articles (a table, a feed)."""

    path: str  # absolute: a worker on another machine opens it on the shared filesystem
    source: str  # as given to ingest: the records' `source`
    part: int = 0
    parts: int = 1
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class Unit:
    """A run of pieces in input order, about one batch of articles: one Dask task."""

    index: int
    key: str
    pieces: tuple[Piece, ...]


def plan_units(files: Sequence[Path], batch_size: int = BATCH_SIZE, hints: Hints | None = None,
               mapping: Mapping[str, str] | None = None) -> list[Unit]:
    """Cut the files (in input order) into units of about ``batch_size`` articles, judged from
    file sizes; a file larger than a unit is split into parts of its documents."""
    budget = max(1, batch_size) * ARTICLE_BYTES
    runs: list[list[Piece]] = []
    current: list[Piece] = []
    current_bytes = 0
    for path in files:
        try:
            stat = path.stat()
            size, mtime = stat.st_size, stat.st_mtime_ns
        except OSError:
            size, mtime = 0, 0  # the worker will say why it cannot be read
        absolute = os.path.abspath(path)
        if size > budget:
            if current:
                runs.append(current)
                current, current_bytes = [], 0
            parts = -(-size // budget)
            runs.extend([Piece(absolute, str(path), part, parts, size, mtime)]
                        for part in range(parts))
            continue
        current.append(Piece(absolute, str(path), 0, 1, size, mtime))
        current_bytes += size
        if current_bytes >= budget or len(current) >= batch_size:
            runs.append(current)
            current, current_bytes = [], 0
    if current:
        runs.append(current)
    # What changes the records changes the key: the inputs as they are now, hints and mapping.
    context = repr((hints or Hints(), sorted((mapping or {}).items())))
    return [Unit(index, _unit_key(context, run), tuple(run)) for index, run in enumerate(runs)]


def _unit_key(context: str, pieces: Sequence[Piece]) -> str:
    digest = hashlib.sha256(context.encode("utf-8"))
    for p in pieces:
        digest.update(f"\x1e{p.path}\x1f{p.source}\x1f{p.part}/{p.parts}\x1f{p.size}\x1f"
                      f"{p.mtime_ns}".encode())
    return digest.hexdigest()[:16]


def committed_units(store: Store) -> set[str]:
    """Keys of the units whose batches are committed (from the batch folders' names)."""
    if not store.batches.is_dir():
        return set()
    found = (_UNIT_SUFFIX.search(entry.name) for entry in os.scandir(store.batches))
    return {match.group(1) for match in found if match}


# -- the work of one unit, on a worker -----------------------------------------------------

@dataclass
class UnitResult:
    """What a worker reports for a unit; the records themselves wait in the staged batch."""

    index: int
    key: str
    staging: str | None  # the staged batch folder; None when the unit gave no article
    article_ids: list[str] = field(default_factory=list)  # input order, each once
    articles_read: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)


Documents = tuple[list[RawDocument], list[str]]  # a file's documents, and why it has none


def read_whole_file(path: str, source: str, mapping: Mapping[str, str]) -> Documents:
    """The documents of a file cut into parts: one task reads it, and Dask hands the documents
    to the tasks of its parts, wherever they run (decoding a big table costs a few seconds)."""
    errors: list[str] = []
    return read_documents(Path(path), source, mapping, errors), errors


def process_unit(unit: Unit, read: Documents | None, store_path: str, hints: Hints,
                 mapping: Mapping[str, str]) -> UnitResult:
    """Read, clean and extract a unit's documents; stage its batch in the store (not yet
    visible). ``read`` holds the whole file when the unit is one part of it. Runs on a worker;
    safe to run twice (each run stages a folder of its own)."""
    result = UnitResult(unit.index, unit.key, None)
    documents: list[RawDocument] = []
    for piece in unit.pieces:
        if piece.parts > 1 and read is not None:
            found, errors = read
        else:
            errors = []
            found = read_documents(Path(piece.path), piece.source, mapping, errors)
        if piece.part == 0:  # a file cut in parts is reported once
            result.errors.extend(errors)
        count = len(found)
        documents.extend(found[piece.part * count // piece.parts:
                               (piece.part + 1) * count // piece.parts])
    articles: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    seen: set[str] = set()
    for document in documents:
        done = process_documents([document], hints)
        result.errors.extend(done.errors)
        result.articles_read += len(done.articles)
        for article in done.articles:
            # The first copy in input order is kept, with its own events, as the writer does.
            if article["article_id"] not in seen:
                seen.add(article["article_id"])
                articles.append(article)
                events.extend(done.events)
    if articles:
        store = Store(store_path)
        staging = stage_batch(store, f"u{unit.key}-{uuid.uuid4().hex[:8]}", articles, events,
                              unit=unit.key)
        sync_folder(staging)
        result.staging = str(staging)
        result.article_ids = [a["article_id"] for a in articles]
        result.events = len(events)
    return result


# -- the client: plan, submit, commit in order ---------------------------------------------

def ingest_distributed(paths: Iterable[str | os.PathLike[str]], store: Store, client: Client,
                       hints: Hints | None = None, mapping: Mapping[str, str] | None = None,
                       batch_size: int = BATCH_SIZE,
                       progress: Callable[[int, int], None] | None = None,
                       on_error: Callable[[str], None] | None = None) -> Summary:
    """``ingest.pipeline.ingest`` on a Dask cluster: the same store, the same summary."""
    hints = hints or Hints()
    mapping = dict(mapping or {})
    summary = Summary()
    jobs, errors = find_inputs(paths)
    summary.files = len(jobs)

    def report(messages: Iterable[str]) -> None:
        for message in messages:
            summary.failed.append(message)
            if on_error:
                on_error(message)

    report(errors)
    with store.writer(wait=30.0) as writer:
        units = plan_units(jobs, batch_size, hints, mapping)
        done = committed_units(store)
        todo = [unit for unit in units if unit.key not in done]
        run = uuid.uuid4().hex[:8]  # keys of their own: never the results of another run
        whole: dict[str, Future[Documents]] = {}
        for unit in todo:
            piece = unit.pieces[0]
            if piece.parts > 1 and piece.path not in whole:
                whole[piece.path] = client.submit(
                    read_whole_file, piece.path, piece.source, mapping, retries=RETRIES,
                    pure=False, key=f"counterpoint-read-{run}-{unit.index}")
        reads = [whole.get(u.pieces[0].path) if u.pieces[0].parts > 1 else None for u in todo]
        futures = client.map(process_unit, todo, reads, store_path=str(store.path.resolve()),
                             hints=hints, mapping=mapping, retries=RETRIES, pure=False,
                             key=[f"counterpoint-unit-{run}-{u.index}" for u in todo])
        # Only the tasks of the parts hold on to a file's documents, which go when they are done.
        del whole, reads
        pending: deque[tuple[Unit, Future[UnitResult]]] = deque(zip(todo, futures, strict=True))
        del futures
        try:
            while pending:
                unit, future = pending.popleft()
                try:
                    result = future.result()
                except KilledWorker:
                    # Dask gave up on it after it took down several workers: a poison input.
                    report(f"{piece.source}: a worker died reading it, again and again"
                           for piece in unit.pieces if piece.part == 0)
                    continue
                finally:
                    future.release()
                report(result.errors)
                summary.articles_read += result.articles_read
                added_articles, added_events = commit_unit(writer, result)
                summary.articles_added += added_articles
                summary.events_added += added_events
                if progress:
                    progress(summary.articles_read, 0)
        finally:
            if pending:  # interrupted: tasks nobody will commit are stopped
                client.cancel([f for _, f in pending])
        # Stagings of attempts lost with a worker; every task of this run has ended.
        for leftover in store.staging.glob("u*"):
            shutil.rmtree(leftover, ignore_errors=True)
        window = regroup_window(store)
        if window is not None:
            summary.incidents = regroup_distributed(writer, client, *window)
    return summary


def commit_unit(writer: StoreWriter, result: UnitResult) -> tuple[int, int]:
    """Commit a unit's staged batch without the articles already stored (as
    ``StoreWriter.write_batch`` does). Returns the articles and events added."""
    if result.staging is None:
        return 0, 0
    store = writer.store
    staging = Path(result.staging)
    known = writer.known_article_ids()
    fresh = [a for a in result.article_ids if a not in known]
    if not fresh:
        shutil.rmtree(staging, ignore_errors=True)
        return 0, 0
    events = result.events
    if len(fresh) < len(result.article_ids):
        staging, events = _without_known(store, staging, fresh, result.key)
    batch_id = f"{time.time_ns():020d}-u{result.key}"  # commit order, then the unit's key
    manifest_path = staging / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "batch_id": batch_id}))
    commit_batch(store, staging, batch_id)
    known.update(fresh)
    return len(fresh), events


def _without_known(store: Store, staging: Path, fresh: list[str], key: str) -> tuple[Path, int]:
    """Restage a batch with only the fresh articles and their events (rare: an article seen
    in an earlier unit or an earlier ingest)."""
    keep = pa.array(fresh, pa.string())
    articles = pq.read_table(staging / "articles.parquet")
    events = pq.read_table(staging / "events.parquet")
    articles = articles.filter(pc.is_in(articles["article_id"], value_set=keep))
    events = events.filter(pc.is_in(events["article_id"], value_set=keep))
    target = store.staging / f"u{key}-{uuid.uuid4().hex[:8]}"
    target.mkdir(parents=True)
    pq.write_table(articles, target / "articles.parquet")
    pq.write_table(events, target / "events.parquet")
    (target / "manifest.json").write_text(json.dumps({
        "batch_id": target.name, "articles": articles.num_rows, "events": events.num_rows,
        "unit": key}))
    shutil.rmtree(staging, ignore_errors=True)
    return target, events.num_rows


# -- grouping in blocks --------------------------------------------------------------------

def regroup_window(store: Store) -> tuple[date | None, date | None] | None:
    """The dates to regroup: those of the events committed since the current snapshot (all
    when there is none), so that a re-run after a crash also groups what the crashed run
    committed. None when nothing needs grouping."""
    snapshot = store.snapshot()
    stamp = snapshot.name[:20] if snapshot is not None else ""
    files = [f for f in store.files("events") if Path(f).parent.name[:20] > stamp]
    if not files:
        return None if snapshot is not None else (None, None)
    con = duckdb.connect(":memory:")
    try:
        row = con.execute("SELECT count(*), min(date), max(date) FROM read_parquet(?) "
                          "WHERE date IS NOT NULL AND date <> ''", [files]).fetchone()
        total = con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()
    finally:
        con.close()
    if snapshot is not None and not (total and total[0]):
        return None  # articles without events: nothing to group, as in the single path
    if not row or not row[0]:
        return None, None
    return date.fromisoformat(row[1]), date.fromisoformat(row[2])


def _window_condition(since: date | None, until: date | None) -> tuple[str, list[Any]]:
    if since is None or until is None:
        return "TRUE", []
    return "date_end >= ? AND date <= ?", [(since - GROUPING_MARGIN).isoformat(),
                                           (until + GROUPING_MARGIN).isoformat()]


@dataclass(frozen=True)
class Segment:
    """A run of one country's events whose periods follow each other within BLOCK_GAP."""

    country: str
    number: int
    first: date  # the earliest start of its events
    last: date  # the latest start
    events: int


@dataclass(frozen=True)
class Slice:
    """Events of one country (their first country, in sorted order) starting in [first, last]."""

    country: str
    first: str
    last: str


@dataclass
class Block:
    """Events grouped by one task: no event outside it can link with one inside it, unless the
    block was cut out of a larger run (see ``plan_blocks``)."""

    index: int
    slices: list[Slice] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)  # named by decisions, wherever they are
    decisions: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0


_PLACED = """
CREATE OR REPLACE TEMP TABLE placed AS
WITH raw AS (
    SELECT event_id, date, coalesce(date_end, date) AS date_end,
           unnest(json_extract_string(locations, '$[*].country')) AS country
    FROM events WHERE date IS NOT NULL AND date_precision IN ({precisions}) AND {where}
), located AS (
    SELECT DISTINCT event_id, TRY_CAST(date AS DATE) AS d0, TRY_CAST(date_end AS DATE) AS d1,
           coalesce(country, '') AS country
    FROM raw
), ordered AS (
    SELECT *, max(d1) OVER (PARTITION BY country ORDER BY d0, event_id
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM located WHERE d0 IS NOT NULL AND d1 IS NOT NULL
)
SELECT event_id, d0, country,
       sum(CASE WHEN reach IS NULL OR d0 > reach + {gap} THEN 1 ELSE 0 END)
           OVER (PARTITION BY country ORDER BY d0, event_id ROWS UNBOUNDED PRECEDING) AS seg
FROM ordered
"""


def regroup_distributed(writer: StoreWriter, client: Client, since: date | None = None,
                        until: date | None = None) -> int:
    """``ingest.pipeline.regroup`` in blocks on the cluster: group the events within the
    window of dates (all when no window), keep the incidents outside it, apply the
    researcher's decisions, and commit a new snapshot. Returns the number of incidents."""
    store = writer.store
    blocks = plan_grouping(store, since, until, workers=max(1, len(client.nthreads())))
    snapshot_id = f"{time.time_ns():020d}-{os.getpid()}"
    staging = store.staging / f"incidents-{snapshot_id}"
    staging.mkdir(parents=True)
    run = uuid.uuid4().hex[:8]
    futures = client.map(group_block, blocks, store_path=str(store.path.resolve()),
                         since=since, until=until, staging=str(staging), retries=RETRIES,
                         pure=False, key=[f"counterpoint-block-{run}-{b.index}" for b in blocks])
    try:
        client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise
    del futures
    count = join_snapshot(store, staging, [staging / f"part-{b.index:05d}" for b in blocks],
                          since, until)
    writer.commit_snapshot(staging, snapshot_id)
    return count


def plan_grouping(store: Store, since: date | None, until: date | None, workers: int = 1
                  ) -> list[Block]:
    """The blocks to group the window's events in (see ``plan_blocks``), from the store: one
    DuckDB pass finds each country's runs of events and the events that tie runs together."""
    where, params = _window_condition(since, until)
    decisions = [d for d in store.decisions() if d.get("action") in ("merge", "split")
                 and d.get("events")]
    named = sorted({e for d in decisions for e in d["events"]})
    con = store.connect()
    try:
        con.execute(_PLACED.format(where=where, gap=BLOCK_GAP.days, precisions=_PRECISIONS),
                    params)
        segments = [Segment(c, int(n), first, last, int(count)) for c, n, first, last, count in
                    con.execute("SELECT country, seg, min(d0), max(d0), count(*) FROM placed "
                                "GROUP BY country, seg ORDER BY country, seg").fetchall()]
        bridges = [list(zip(row[0], map(int, row[1]), strict=True)) for row in con.execute(
            "SELECT DISTINCT list(country ORDER BY country, seg), list(seg ORDER BY country, "
            "seg) FROM placed GROUP BY event_id HAVING count(*) > 1").fetchall()]
        places: dict[str, list[tuple[str, int]]] = defaultdict(list)
        in_window: set[str] = set()
        if named:
            for event_id, c, n in con.execute("SELECT event_id, country, seg FROM placed "
                                              "WHERE event_id IN (SELECT unnest(?))", [named]
                                              ).fetchall():
                places[event_id].append((c, int(n)))
            in_window = {r[0] for r in con.execute(
                f"SELECT event_id FROM events WHERE {where} AND event_id IN "
                "(SELECT unnest(?))", [*params, named]).fetchall()}

        def day_counts(country: str, first: date, last: date) -> dict[date, int]:
            rows = con.execute("SELECT d0, count(*) FROM placed WHERE country = ? AND d0 "
                               "BETWEEN ? AND ? GROUP BY d0", [country, first, last])
            return {d: int(n) for d, n in rows.fetchall()}

        return plan_blocks(segments, bridges, decisions, places, in_window, day_counts,
                           workers=workers)
    finally:
        con.close()


def plan_blocks(segments: Sequence[Segment], bridges: Iterable[Sequence[tuple[str, int]]],
                decisions: Sequence[dict[str, Any]], places: Mapping[str, list[tuple[str, int]]],
                in_window: set[str], day_counts: Callable[[str, date, date], dict[date, int]],
                workers: int = 1, limit: int = BLOCK_EVENTS) -> list[Block]:
    """Pack connected runs of events into blocks of at most ``limit`` events.

    Segments (one country's events, dates within BLOCK_GAP of each other) are joined into
    components by events in several countries and by each decision's events; no link can
    cross components, so grouping each one alone gives what grouping all events at once gives.
    A component larger than ``limit`` with no decision in it is cut at its quietest days (an
    incident straddling a cut may be split there: the one place where the result can differ
    from grouping all at once); components are packed, in date order, into enough blocks to
    keep every worker busy."""
    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: Any, b: Any) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb, key=repr)] = min(ra, rb, key=repr)

    for s in segments:
        root(("s", s.country, s.number))
    for bridge in bridges:
        for place in bridge[1:]:
            join(("s", *bridge[0]), ("s", *place))
    for decision in decisions:
        lead = ("e", decision["events"][0])
        for event in decision["events"]:
            join(lead, ("e", event))
            for place in places.get(event, []):
                join(("e", event), ("s", *place))

    components: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"segments": [], "loose": [], "decisions": []})
    for s in segments:
        components[root(("s", s.country, s.number))]["segments"].append(s)
    for event in sorted({e for d in decisions for e in d["events"]}):
        if event in in_window and event not in places:  # in the window, but in no segment
            components[root(("e", event))]["loose"].append(event)
    for decision in decisions:
        components[root(("e", decision["events"][0]))]["decisions"].append(decision)

    total = sum(s.events for s in segments)
    target = min(limit, max(MIN_BLOCK_EVENTS, -(-total // (4 * workers))))
    pieces: list[tuple[str, list[Slice], list[str], list[dict[str, Any]], int]] = []
    for component in components.values():
        segs: list[Segment] = component["segments"]
        size = sum(s.events for s in segs) + len(component["loose"])
        if not segs and not component["loose"]:
            continue  # decisions about events outside the window: nothing to regroup here
        start = min((s.first for s in segs), default=date.min).isoformat()
        if size <= limit or component["decisions"]:
            slices = [Slice(s.country, s.first.isoformat(), s.last.isoformat()) for s in segs]
            pieces.append((start, slices, component["loose"], component["decisions"], size))
            continue
        for first, last, count in _cut(segs, day_counts, limit):
            slices = [Slice(s.country, max(s.first, first).isoformat(),
                            min(s.last, last).isoformat())
                      for s in segs if s.first <= last and s.last >= first]
            pieces.append((first.isoformat(), slices, [], [], count))
    pieces.sort(key=lambda p: (p[0], p[1][0].country if p[1] else ""))
    blocks: list[Block] = []
    for _, slices, loose, chosen, size in pieces:
        if not blocks or blocks[-1].events + size > target:
            blocks.append(Block(len(blocks)))
        block = blocks[-1]
        block.slices.extend(slices)
        block.event_ids.extend(loose)
        block.decisions.extend(chosen)
        block.events += size
    # Decisions apply in the order they were made.
    rank = {id(d): i for i, d in enumerate(decisions)}
    for block in blocks:
        block.decisions.sort(key=lambda d: rank[id(d)])
    return blocks


def _cut(segments: Sequence[Segment], day_counts: Callable[[str, date, date], dict[date, int]],
         limit: int) -> list[tuple[date, date, int]]:
    """Day ranges of at most ``limit`` events (or one day, when a day alone has more) covering
    the segments. Each cut falls where the fewest links can cross it: after a day with no
    event, else between the quietest neighbouring days of the range's second half."""
    per_day: dict[date, int] = defaultdict(int)
    for s in segments:
        for day, count in day_counts(s.country, s.first, s.last).items():
            per_day[day] += count
    days = sorted(per_day)

    def cost(j: int) -> int:  # of starting a new range at days[j]
        if (days[j] - days[j - 1]).days > 1:
            return 0
        return min(per_day[days[j - 1]], per_day[days[j]])

    ranges: list[tuple[date, date, int]] = []
    start = 0
    while start < len(days):
        end, filled, reach = start, 0, []
        while end < len(days) and (end == start or filled + per_day[days[end]] <= limit):
            filled += per_day[days[end]]
            end += 1
            reach.append(filled)
        if end == len(days):
            ranges.append((days[start], days[-1], filled))
            break
        # Starting the next range at days[j], for j in the second half of what fits.
        candidates = [j for j in range(start + 1, end + 1) if reach[j - start - 1] >= limit // 2]
        j = min(candidates or [end], key=lambda k: (cost(k), -k))
        ranges.append((days[start], days[j - 1], reach[j - start - 1]))
        start = j
    return ranges


def _countries(event: dict[str, Any]) -> list[str]:
    # As in incidents.compatible: a place without a country still shares "no country".
    return sorted({loc.get("country") or "" for loc in event.get("locations") or []})


def group_block(block: Block, store_path: str, since: date | None, until: date | None,
                staging: str) -> int:
    """Group one block's events into incidents, apply its decisions, and write them as
    ``part-<index>/`` in the snapshot's staging folder. Runs on a worker; a second run of the
    same block keeps the first one's part. Returns the number of incidents."""
    store = Store(store_path)
    where, params = _window_condition(since, until)
    ranges: dict[str, tuple[str, str]] = {}
    for s in block.slices:
        low, high = ranges.get(s.country, (s.first, s.last))
        ranges[s.country] = (min(low, s.first), max(high, s.last))
    terms = ["event_id IN (SELECT unnest(?::VARCHAR[]))"]
    term_params: list[Any] = [block.event_ids]
    for country, (low, high) in ranges.items():
        # A superset, narrowed exactly below ("" stands for places without a country).
        terms.append(f"(date_precision IN ({_PRECISIONS}) AND date >= ? AND date <= ? "
                     "AND (? = '' OR list_contains(countries_, ?)))")
        term_params.extend([low, high, country, country])
    con = store.connect()
    try:
        con.execute("SET threads = 1")  # a worker is one core's worth of work to Dask
        rows = fetch_records(con.execute(
            "SELECT * EXCLUDE (countries_) FROM (SELECT *, json_extract_string(locations, "
            f"'$[*].country') AS countries_ FROM events WHERE {where}) "
            f"WHERE {' OR '.join(terms)}", [*params, *term_params]))
        by_country: dict[str, list[Slice]] = defaultdict(list)
        for s in block.slices:
            by_country[s.country].append(s)
        explicit = set(block.event_ids)

        def belongs(event: dict[str, Any]) -> bool:
            if event["event_id"] in explicit:
                return True
            countries = _countries(event)
            if not countries or event.get("date_precision") not in incidents.GROUPED_PRECISIONS:
                return False
            start = event["date"]
            # Each event is grouped by one block: the one holding its first country.
            return any(s.first <= start <= s.last for s in by_country.get(countries[0], []))

        window = [e for e in rows if belongs(e)]
        article_ids = sorted({e["article_id"] for e in window})
        articles = {r[0]: {"published": r[1]} for r in con.execute(
            "SELECT article_id, published FROM articles WHERE article_id IN "
            "(SELECT unnest(?::VARCHAR[]))", [article_ids]).fetchall()}
    finally:
        con.close()
    groups = incidents.apply_decisions(incidents.group(window), block.decisions)
    by_id = {e["event_id"]: e for e in window}
    records = [incidents.describe([by_id[e] for e in g if e in by_id], articles)
               for g in groups if sum(e in by_id for e in g) > 1]
    members = sorted((e, r["incident_id"]) for r in records for e in r["event_ids"])
    target = Path(staging) / f"part-{block.index:05d}"
    attempt = Path(staging) / f".part-{block.index:05d}-{uuid.uuid4().hex[:8]}"
    attempt.mkdir()
    write_incident_files(attempt, records, members)
    sync_folder(attempt)
    try:
        os.rename(attempt, target)
    except OSError:  # an earlier run of this block got there first: its part stands
        shutil.rmtree(attempt, ignore_errors=True)
    return len(records)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def join_snapshot(store: Store, staging: Path, parts: Sequence[Path], since: date | None,
                  until: date | None) -> int:
    """Write the snapshot's two files in ``staging`` from the blocks' parts and the current
    snapshot's incidents outside the window (those sharing no event with it), as
    ``ingest.pipeline.regroup`` keeps them. Returns the number of incidents."""
    old = store.snapshot()
    where, params = _window_condition(since, until)
    con = store.connect()
    try:
        con.execute(f"SET temp_directory = {_literal(staging / '.spill')}")
        # Incidents a year-less account joins are replaced by their new description.
        con.execute("CREATE TEMP TABLE replaced (incident_id VARCHAR)")
        unless = "WHERE incident_id NOT IN (SELECT incident_id FROM replaced)"
        sources = [f"SELECT * FROM read_parquet({_literal(p / 'incidents.parquet')}) {unless}"
                   for p in parts]
        member_sources = [f"SELECT event_id, incident_id FROM read_parquet("
                          f"{_literal(p / 'members.parquet')}) {unless}" for p in parts]
        if where != "TRUE" and old is not None:
            old_members = _literal(old / "members.parquet")
            con.execute(
                "CREATE TEMP TABLE kept AS SELECT i.* FROM incidents i "
                f"WHERE NOT ({where}) AND i.incident_id NOT IN ("
                f"SELECT m.incident_id FROM read_parquet({old_members}) m "
                f"WHERE m.event_id IN (SELECT event_id FROM events WHERE {where}))",
                [*params, *params])
            sources.append("SELECT * FROM kept")
            member_sources.append(f"SELECT m.event_id, m.incident_id FROM read_parquet("
                                  f"{old_members}) m WHERE m.incident_id IN "
                                  "(SELECT incident_id FROM kept)")
        if not sources:
            write_incident_files(staging, [], [])
            return 0
        gained = _with_yearless(con, store, parts, member_sources, staging / "part-yearless")
        if gained is not None:
            sources.append(f"SELECT * FROM read_parquet({_literal(gained / 'incidents.parquet')})")
            member_sources.append(f"SELECT event_id, incident_id FROM read_parquet("
                                  f"{_literal(gained / 'members.parquet')})")
        con.execute(f"COPY (SELECT * FROM ({' UNION ALL '.join(sources)}) "
                    f"ORDER BY date, incident_id) TO {_literal(staging / 'incidents.parquet')} "
                    "(FORMAT parquet)")
        con.execute(f"COPY (SELECT * FROM ({' UNION ALL '.join(member_sources)}) "
                    f"ORDER BY event_id, incident_id) TO "
                    f"{_literal(staging / 'members.parquet')} (FORMAT parquet)")
        row = con.execute("SELECT count(*) FROM read_parquet("
                          f"{_literal(staging / 'incidents.parquet')})").fetchone()
    finally:
        con.close()
    for part in [*parts, staging / "part-yearless"]:
        shutil.rmtree(part, ignore_errors=True)
    shutil.rmtree(staging / ".spill", ignore_errors=True)
    return int(row[0]) if row else 0


def _with_yearless(con: duckdb.DuckDBPyConnection, store: Store, parts: Sequence[Path],
                   member_sources: Sequence[str], folder: Path) -> Path | None:
    """``incidents.group``'s year-less step, on the blocks' incidents: accounts dated only
    "On April 7th" (in no incident yet, named by no decision) join one of them at their town.
    The incidents that gain accounts are described again into ``folder`` and listed in the
    ``replaced`` table. None when none gains."""
    named = {e for d in store.decisions() for e in d.get("events") or []}
    yearless = [e for e in fetch_records(con.execute(
        "SELECT * FROM events WHERE date IS NULL AND date_month_day IS NOT NULL AND event_id "
        f"NOT IN (SELECT event_id FROM ({' UNION ALL '.join(member_sources)}))"))
        if e["event_id"] not in named]
    towns = sorted({loc["name"] for e in yearless for loc in e["locations"]
                    if loc.get("precision") == "place"})
    if not parts or not towns:
        return None
    con.execute("CREATE TEMP TABLE part_members AS " + " UNION ALL ".join(
        f"SELECT event_id, incident_id FROM read_parquet({_literal(p / 'members.parquet')})"
        for p in parts))
    member_events = ("SELECT e.*, m.incident_id AS incident_ FROM part_members m "
                     "JOIN events e USING (event_id) WHERE ")
    at_towns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in fetch_records(con.execute(
            member_events + "list_has_any(json_extract_string(e.locations, '$[*].name'), "
            "?::VARCHAR[])", [towns])):
        at_towns[row.pop("incident_")].append(row)
    candidates = sorted(at_towns)
    first = dict(con.execute(
        "SELECT incident_id, min(event_id) FROM part_members WHERE incident_id IN "
        "(SELECT unnest(?::VARCHAR[])) GROUP BY incident_id", [candidates]).fetchall())
    joins = incidents.yearless_joins(yearless, [(first[i], at_towns[i]) for i in candidates])
    if not joins:
        return None
    gained: dict[str, list[str]] = defaultdict(list)
    for index, event_id in joins:
        gained[candidates[index]].append(event_id)
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in fetch_records(con.execute(
            member_events + "m.incident_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(gained)])):
        members[row.pop("incident_")].append(row)
    by_id = {e["event_id"]: e for e in yearless}
    for incident_id, event_ids in gained.items():
        members[incident_id] += [by_id[e] for e in event_ids]
    article_ids = sorted({e["article_id"] for group in members.values() for e in group})
    articles = {r[0]: {"published": r[1]} for r in con.execute(
        "SELECT article_id, published FROM articles WHERE article_id IN "
        "(SELECT unnest(?::VARCHAR[]))", [article_ids]).fetchall()}
    records = [incidents.describe(members[i], articles) for i in sorted(gained)]
    con.execute("INSERT INTO replaced SELECT unnest(?::VARCHAR[])", [sorted(gained)])
    folder.mkdir()
    write_incident_files(folder, records,
                         sorted((e, r["incident_id"]) for r in records for e in r["event_ids"]))
    return folder


# -- clusters ------------------------------------------------------------------------------

@contextmanager
def connect(scheduler: str | None = None, cluster: str | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or of a cluster
    started here and stopped afterwards: ``local:N``, N worker processes of one thread."""
    if cluster is not None:
        kind, _, count = cluster.partition(":")
        if kind != "local" or not count.isdigit() or int(count) < 1:
            raise ValueError(f"--cluster: expected local:N (N workers), got {cluster!r}")
        # One thread per process: the extraction is pure Python and would share one GIL.
        with LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as local, \
                Client(local) as client:
            yield client
        return
    if not scheduler:
        raise ValueError("a scheduler address or a cluster is needed")
    with Client(scheduler) as client:
        yield client
