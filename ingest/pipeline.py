"""The ingest pipeline: files -> RawDocuments -> Articles -> Events -> store batches."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from . import events as event_extraction
from . import incidents
from .articles import Hints, build_article
from .formats import InputError, PartialInput, RawDocument, read_file, walk
from .store import Store, StoreWriter, fetch_records

BATCH_SIZE = 200  # articles per atomic store batch
CHUNK_SIZE = 10  # documents per unit of work for a worker process


@dataclass
class ChunkResult:
    """What a chunk of documents gave: article and event records, one-line failure reasons."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Summary:
    files: int = 0
    articles_read: int = 0
    articles_added: int = 0
    events_added: int = 0
    failed: list[str] = field(default_factory=list)
    incidents: int = 0

    def line(self) -> str:
        return (f"{self.files} files, {self.articles_read} articles read, "
                f"{self.articles_added} new articles and {self.events_added} events stored, "
                f"{self.incidents} incidents, {len(self.failed)} inputs skipped")


def process_documents(documents: list[RawDocument], hints: Hints) -> ChunkResult:
    """Clean and extract a chunk of documents. Pure; one bad document never costs the others."""
    result = ChunkResult()
    for doc in documents:
        try:
            article = build_article(doc, hints)
        except Exception as exc:  # a malformed article is reported, the rest go on
            result.errors.append(f"{doc.source}: could not be read ({type(exc).__name__}: {exc})")
            continue
        if not article.text.strip():
            result.errors.append(f"{doc.source}: no article text found")
            continue
        result.articles.append(article.record())
        try:
            found = event_extraction.extract(article)
        except Exception as exc:  # kept without events, and said: the run goes on
            result.errors.append(f"{doc.source}: events could not be extracted "
                                 f"({type(exc).__name__}: {exc})")
            continue
        result.events.extend(e.record() for e in found)
    return result


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """The files to read under the given files and folders, in a stable order, and a
    one-line reason for each given path that does not exist."""
    jobs: list[Path] = []
    errors: list[str] = []
    for given in paths:
        given_path = Path(given)
        if not given_path.exists():
            errors.append(f"{given}: no such file or folder")
            continue
        jobs.extend(walk([given_path]))
    return jobs, errors


def read_documents(path: Path, source: str, mapping: Mapping[str, str], errors: list[str]
                   ) -> list[RawDocument]:
    """The documents of one file; an unreadable file gives none and a one-line reason."""
    try:
        return read_file(path, source, mapping)
    except PartialInput as exc:
        errors.append(f"{source}: {exc}")
        return exc.documents
    except InputError as exc:
        errors.append(f"{source}: {exc}")
    except OSError as exc:
        errors.append(f"{source}: cannot read ({exc.strerror or exc})")
    return []


def _documents(jobs: list[Path], mapping: Mapping[str, str], errors: list[str]
               ) -> Iterator[RawDocument]:
    for path in jobs:
        yield from read_documents(path, str(path), mapping, errors)


def _chunks(documents: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    for doc in documents:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run(chunks: Iterator[list[RawDocument]], hints: Hints, workers: int
         ) -> Iterator[tuple[int, ChunkResult]]:
    """Results in input order (so the store never depends on scheduling), with chunk sizes."""
    if workers <= 1:
        for chunk in chunks:
            yield len(chunk), process_documents(chunk, hints)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        window: deque[tuple[int, Future[ChunkResult]]] = deque()
        for chunk in chunks:
            window.append((len(chunk), pool.submit(process_documents, chunk, hints)))
            if len(window) >= 2 * workers:  # bounded: a huge corpus never sits in memory
                size, future = window.popleft()
                yield size, future.result()
        while window:
            size, future = window.popleft()
            yield size, future.result()


def ingest(paths: Iterable[str | os.PathLike[str]], store: Store, hints: Hints | None = None,
           mapping: Mapping[str, str] | None = None, workers: int = 1,
           batch_size: int = BATCH_SIZE,
           progress: Callable[[int, int], None] | None = None,
           on_error: Callable[[str], None] | None = None) -> Summary:
    """Ingest files and folders into the store; bad inputs are reported and skipped."""
    hints = hints or Hints()
    mapping = dict(mapping or {})
    summary = Summary()
    jobs, read_errors = find_inputs(paths)
    summary.files = len(jobs)
    pending_articles: list[dict[str, Any]] = []
    pending_events: list[dict[str, Any]] = []
    new_dates: list[str] = []
    done = 0

    def report(errors: list[str]) -> None:
        for error in errors:
            summary.failed.append(error)
            if on_error:
                on_error(error)
        errors.clear()

    with store.writer(wait=30.0) as writer:
        def flush() -> None:
            if pending_articles:
                new_dates.extend(e["date"] for e in pending_events if e.get("date"))
                added_articles, added_events = writer.write_batch(pending_articles, pending_events)
                summary.articles_added += added_articles
                summary.events_added += added_events
            pending_articles.clear()
            pending_events.clear()

        chunks = _chunks(_documents(jobs, mapping, read_errors), CHUNK_SIZE)
        for size, result in _run(chunks, hints, max(1, workers)):
            report(read_errors)
            report(result.errors)
            done += size
            summary.articles_read += len(result.articles)
            pending_articles.extend(result.articles)
            pending_events.extend(result.events)
            if len(pending_articles) >= batch_size:
                flush()
            if progress:
                progress(done, 0)
        report(read_errors)
        flush()
        if summary.events_added or store.snapshot() is None:
            summary.incidents = regroup(writer, *_new_dates(new_dates))
    return summary


GROUPING_MARGIN = timedelta(days=45)  # events further apart never link (incidents.SLACK << 45)


def _new_dates(values: list[str]) -> tuple[date | None, date | None]:
    if not values:
        return None, None
    return date.fromisoformat(min(values)), date.fromisoformat(max(values))


def regroup(writer: StoreWriter, since: date | None = None, until: date | None = None) -> int:
    """Group events into incidents within a window of dates (all when no window), keep the
    incidents outside it, apply the researcher's decisions, and write a new snapshot.
    Returns the number of incidents."""
    store = writer.store
    con = store.connect()
    try:
        where, params = "", []
        if since is not None and until is not None:
            where = "WHERE date_end >= ? AND date <= ?"
            params = [(since - GROUPING_MARGIN).isoformat(), (until + GROUPING_MARGIN).isoformat()]
        window = fetch_records(con.execute(f"SELECT * FROM events {where}", params))
        articles = {r[0]: {"published": r[1]} for r in con.execute(
            "SELECT article_id, published FROM articles").fetchall()}
        kept: list[dict[str, Any]] = []
        yearless: list[dict[str, Any]] = []
        if where and store.snapshot() is not None:
            outside = f"NOT ({where.removeprefix('WHERE ')})"
            kept = fetch_records(con.execute(f"SELECT * FROM incidents WHERE {outside}", params))
        if where:
            # Accounts dated "On April 7th" alone may belong to an incident of any year.
            yearless = fetch_records(con.execute(
                "SELECT * FROM events WHERE date IS NULL AND date_month_day IS NOT NULL"))
    finally:
        con.close()
    in_window = {e["event_id"] for e in window}
    kept = [i for i in kept if not set(i["event_ids"]) & in_window]
    # A year-less account already in a kept incident stays there; the others may join one here.
    placed = {e for i in kept for e in i["event_ids"]}
    window += [e for e in yearless if e["event_id"] not in placed]
    groups = incidents.apply_decisions(incidents.group(window), store.decisions())
    by_id = {e["event_id"]: e for e in window}
    records = kept + [incidents.describe([by_id[e] for e in g if e in by_id], articles)
                      for g in groups if sum(e in by_id for e in g) > 1]
    records.sort(key=lambda r: (r["date"], r["incident_id"]))
    members = sorted((e, r["incident_id"]) for r in records for e in r["event_ids"])
    writer.write_incidents(records, members)
    return len(records)
