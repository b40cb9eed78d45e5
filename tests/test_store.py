"""The store's promises: atomic batches, one writer, stable ids, DuckDB reads, live readers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import COUNTERPOINT, FAKES, REPO, SEED, Server, require

from ingest import Store, ingest
from ingest.articles import Hints
from ingest.models import Article, Event
from ingest.store import StoreLockedError


def _records(n: int, tag: str = "") -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    articles = [Article(source=f"s{i}", text=f"Article {tag}{i} text.", outlet="tass")
                for i in range(n)]
    events = [Event(article_id=a.article_id, outlet="tass", sentence="x", start=0, end=1)
              for a in articles]
    return [a.record() for a in articles], [e.record() for e in events]


def test_batches_are_read_through_duckdb(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    articles, events = _records(3)
    with store.writer() as writer:
        assert writer.write_batch(articles, events) == (3, 3)
    con = store.connect()
    joined = con.execute("SELECT count(*) FROM events JOIN articles USING (article_id) "
                         "WHERE articles.outlet = 'tass'").fetchone()
    assert joined == (3,)
    assert store.records("articles", "outlet = ?", ["tass"])[0]["captions"] == []


def test_empty_store_has_typed_empty_tables(tmp_path: Path) -> None:
    con = Store(tmp_path / "nothing").connect()
    for table in ("articles", "events", "incidents"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_second_writer_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    with store.writer(), pytest.raises(StoreLockedError, match="another ingest"), \
            store.writer():
        pass


def test_same_input_twice_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    hints = Hints(published=None)
    first = ingest([require(SEED)], store, hints)
    ids = {r["event_id"] for r in store.records("events")}
    second = ingest([SEED], store, hints)
    assert first.articles_added == 1 and first.events_added == len(ids) > 0
    assert second.articles_added == 0 and second.events_added == 0
    assert {r["event_id"] for r in store.records("events")} == ids
    assert len(store.records("articles")) == 1


def test_ids_are_stable_across_stores(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    ingest([SEED], a)
    ingest([SEED], b)
    assert [r["event_id"] for r in a.records("events")] == \
        [r["event_id"] for r in b.records("events")]


def _committed(store: Store) -> list[Path]:
    return sorted(p for p in store.batches.iterdir()) if store.batches.exists() else []


@pytest.mark.slow
def test_sigkill_mid_ingest_loses_nothing_committed(tmp_path: Path) -> None:
    """Kill an ingest of FA-KES mid-way: every visible batch is whole, and a re-run completes
    the store to exactly what an uninterrupted ingest gives."""
    source = require(FAKES)
    mapping = "title=article_title,text=article_content,outlet=source,published="
    store = Store(tmp_path / "killed")
    proc = subprocess.Popen([*COUNTERPOINT, "ingest", str(source), "--store", str(store.path),
                             "--map", mapping, "--batch-size", "25", "--quiet"], cwd=REPO)
    deadline = time.monotonic() + 120
    while len(_committed(store)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    batches = _committed(store)
    assert batches, "no batch was committed before the kill"
    con = store.connect()
    for batch in batches:
        manifest = json.loads((batch / "manifest.json").read_text())
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{batch}/articles.parquet')")
        assert rows.fetchone() == (manifest["articles"],)
    articles_seen = con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles")
    total, distinct = articles_seen.fetchone() or (0, 0)
    assert total == distinct > 0
    orphans = con.execute("SELECT count(*) FROM events WHERE article_id NOT IN "
                          "(SELECT article_id FROM articles)").fetchone()
    assert orphans == (0,)
    before = {r["article_id"] for r in store.records("articles")}

    subprocess.run([*COUNTERPOINT, "ingest", str(source), "--store", str(store.path), "--map",
                    mapping, "--quiet"], cwd=REPO, check=True)
    clean = Store(tmp_path / "clean")
    subprocess.run([*COUNTERPOINT, "ingest", str(source), "--store", str(clean.path), "--map",
                    mapping, "--quiet"], cwd=REPO, check=True)
    resumed = {r["article_id"] for r in store.records("articles")}
    assert before <= resumed
    assert resumed == {r["article_id"] for r in clean.records("articles")}
    assert sorted(r["event_id"] for r in store.records("events")) == \
        sorted(r["event_id"] for r in clean.records("events"))
    assert not (store.path / ".tmp").exists() or not any((store.path / ".tmp").iterdir())


@pytest.mark.slow
def test_dashboard_answers_while_ingest_writes(tmp_path: Path) -> None:
    """A dashboard in another process keeps answering, and sees batches land, during an ingest."""
    store = Store(tmp_path / "live")
    ingest([SEED], store)
    server = Server(store)
    try:
        proc = subprocess.Popen(
            [*COUNTERPOINT, "ingest", str(require(FAKES)), "--store", str(store.path), "--map",
             "title=article_title,text=article_content,outlet=source", "--batch-size", "20",
             "--quiet"], cwd=REPO)
        seen: list[int] = []
        failures = 0
        while proc.poll() is None:
            try:
                with urllib.request.urlopen(server.url + "/api/status", timeout=5) as response:
                    seen.append(json.load(response)["articles"])
                payload = json.dumps({"output": "..timeline.figure...event-count.children..",
                                      "outputs": [{"id": "timeline", "property": "figure"},
                                                  {"id": "event-count", "property": "children"}],
                                      "inputs": [{"id": "url", "property": "search",
                                                  "value": "?outlet=reuters&outlet=sana"},
                                                 {"id": "timeline", "property": "relayoutData",
                                                  "value": None}],
                                      "changedPropIds": ["url.search"], "state": []}).encode()
                request = urllib.request.Request(server.url + "/_dash-update-component",
                                                 data=payload,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
            except OSError:
                failures += 1
            time.sleep(0.05)
        assert proc.returncode == 0
        assert failures == 0
        assert seen == sorted(seen), "a reader saw the store shrink"
        assert len(set(seen)) >= 3, f"the reader saw too few batches land: {sorted(set(seen))}"
    finally:
        server.stop()
    assert os.path.isdir(store.batches)
