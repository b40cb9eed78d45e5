"""The Dask path (ingest/distributed.py) stores what the single-machine path stores, on a real
LocalCluster of worker processes, and survives a worker or the client dying mid-ingest."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import pytest
from conftest import CORPUS, COUNTERPOINT, FAKES, REPO, SEED, require
from distributed import Client, LocalCluster, get_task_stream

from ingest import Store, ingest
from ingest.articles import Hints
from ingest.distributed import (
    Segment,
    committed_units,
    ingest_distributed,
    plan_blocks,
    plan_units,
    process_unit,
    read_whole_file,
    regroup_distributed,
)
from ingest.exports import FIELDS, query
from ingest.formats import decode
from ingest.pipeline import regroup

MAPPING = {"title": "article_title", "text": "article_content", "outlet": "source",
           "published": ""}
MAP_OPTION = "title=article_title,text=article_content,outlet=source,published="


def exports(store: Store) -> dict[str, list[str]]:
    """Every table as `counterpoint export` writes it, one JSON text per record, sorted."""
    return {table: sorted(json.dumps(r, sort_keys=True, ensure_ascii=False)
                          for r in query(store, table)) for table in FIELDS}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FA-KES's first 160 rows, then three rows repeating articles among them (so that the
    repeats fall in other tasks than their first copies), as a CSV of its own."""
    rows = list(csv.reader(io.StringIO(decode(require(FAKES).read_bytes()), newline="")))
    repeats = [rows[1 + i] for i in (315, 350, 374)]  # copies of rows 62, 39 and 42
    path = tmp_path_factory.mktemp("sample") / "fakes-sample.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([rows[0], *rows[1:161], *repeats])
    return path


@pytest.fixture(scope="module")
def sample_reference(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("reference") / "store")
    summary = ingest([sample], store, mapping=MAPPING, workers=2)
    assert summary.articles_read == 163 and summary.articles_added == 160
    return store


# -- planning, without a cluster -------------------------------------------------------------

def test_units_split_big_files_and_their_keys_follow_the_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text((SEED / "southfront-russian-sorties.txt").read_text())
    table = folder / "d.csv"
    with open(table, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["title", "text"]] + [
            [f"Report {i}", f"Report {i}: shelling hit Aleppo on 3 May 2016, killing {i} "
             f"people, the observatory said. " * 12] for i in range(30)])
    files = sorted(p for p in folder.iterdir())
    units = plan_units(files, batch_size=2)
    parts = [u for u in units if u.pieces[0].source.endswith("d.csv")]
    assert len(parts) > 2 and all(len(u.pieces) == 1 for u in parts)
    assert [u.pieces[0].part for u in parts] == list(range(parts[0].pieces[0].parts))
    assert [u.key for u in units] == [u.key for u in plan_units(files, batch_size=2)]
    assert len({u.key for u in units}) == len(units)
    other_hints = plan_units(files, batch_size=2, hints=Hints(outlet="tass"))
    assert not {u.key for u in units} & {u.key for u in other_hints}
    os.utime(folder / "a.txt", ns=(1, 1))  # an edited file is a new unit; the others stay
    touched = plan_units(files, batch_size=2)
    assert touched[0].key != units[0].key and touched[-1].key == units[-1].key

    # The parts of the table give every row once, in order, whether a task of their own read
    # the file (as on a cluster) or each part reads it.
    store = Store(tmp_path / "store")
    whole = read_whole_file(str(table), str(table), {})
    results = [process_unit(u, whole if u.index % 2 else None, str(store.path), Hints(), {})
               for u in parts]
    sources: list[str] = []
    for result in results:
        assert result.staging is not None and not result.errors
        sources += _staged_sources(Path(result.staging))
    assert sources == [f"{table}#{i}" for i in range(1, 31)]


def _staged_sources(staging: Path) -> list[str]:
    import pyarrow.parquet as pq

    return [str(s) for s in pq.read_table(staging / "articles.parquet")["source"].to_pylist()]


def test_blocks_keep_linked_runs_whole_and_cut_only_oversize_ones() -> None:
    d = date.fromisoformat
    segments = [Segment("SY", 1, d("2017-04-01"), d("2017-04-30"), 300),
                Segment("TR", 1, d("2017-04-10"), d("2017-04-11"), 4),
                Segment("UA", 1, d("2022-04-08"), d("2022-04-09"), 6),
                Segment("UA", 2, d("2022-05-01"), d("2022-05-01"), 2),
                Segment("RU", 1, d("2022-05-01"), d("2022-05-02"), 3)]
    per_day = {d("2017-04-01") + (d("2017-04-02") - d("2017-04-01")) * i: 10 for i in range(30)}
    per_day[d("2017-04-15")] = 1  # the quiet day a cut should fall on

    def day_counts(country: str, first: date, last: date) -> dict[date, int]:
        return {k: v for k, v in per_day.items() if first <= k <= last} if country == "SY" \
            else {first: 1}

    # UA and RU are joined by an event naming both; a decision joins UA's two runs.
    decision = {"action": "merge", "events": ["e-ua-1", "e-ua-2"]}
    blocks = plan_blocks(segments, [[("RU", 1), ("UA", 2)]], [decision],
                         {"e-ua-1": [("UA", 1)], "e-ua-2": [("UA", 2)]}, {"e-ua-1", "e-ua-2"},
                         day_counts, workers=1, limit=150)
    where = {(s.country, s.first): b.index for b in blocks for s in b.slices}
    assert where[("UA", "2022-04-08")] == where[("UA", "2022-05-01")] == \
        where[("RU", "2022-05-01")]
    ua_block = blocks[where[("UA", "2022-04-08")]]
    assert ua_block.decisions == [decision]
    assert sum(len(b.decisions) for b in blocks) == 1
    # Syria's 300 events (and Turkey's, in Syria's run only by date) are cut into pieces.
    sy = sorted((s.first, s.last) for b in blocks for s in b.slices if s.country == "SY")
    assert len(sy) >= 2 and sy[0][0] == "2017-04-01" and sy[-1][1] == "2017-04-30"
    assert all(b[0] > a[1] for a, b in itertools.pairwise(sy))  # no day twice
    assert ("2017-04-15", "2017-04-16") in set(itertools.pairwise(
        day for piece in sy for day in piece))  # cut next to the quiet day
    assert all(b.events <= 150 for b in blocks)


# -- the cluster -------------------------------------------------------------------------

def test_same_store_as_single_path_on_the_demo_corpus(client: Client, demo_store: Store,
                                                      tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    summary = ingest_distributed([CORPUS], store, client, batch_size=10)
    assert not summary.failed
    assert len(list(store.batches.iterdir())) >= 4  # several tasks, several batches
    assert exports(store) == exports(demo_store)
    assert len(committed_units(store)) == len(list(store.batches.iterdir()))
    again = ingest_distributed([CORPUS], store, client, batch_size=10)
    # Every unit is committed: nothing is read again, nothing added, the store unchanged.
    assert (again.articles_read, again.articles_added, again.events_added) == (0, 0, 0)
    assert exports(store) == exports(demo_store)


@pytest.mark.slow
def test_same_store_as_single_path_on_fakes(client: Client, tmp_path: Path) -> None:
    single = Store(tmp_path / "single")
    ingest([require(FAKES)], single, mapping=MAPPING, workers=2)
    spread = Store(tmp_path / "dask")
    summary = ingest_distributed([FAKES], spread, client, mapping=MAPPING, batch_size=50)
    assert summary.articles_read == 804 and summary.articles_added == 787
    assert len(list(spread.batches.iterdir())) >= 4  # one file, cut into parts
    ours, theirs = exports(spread), exports(single)
    assert len(ours["incidents"]) > 100
    for table in FIELDS:
        assert ours[table] == theirs[table], table


def test_bad_inputs_are_named_as_in_the_single_path(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)  # larger than one unit
    (folder / "good.txt").write_text((SEED / "southfront-russian-sorties.txt").read_text())
    inputs = [folder, tmp_path / "missing.txt"]
    hints = Hints(published=date(2015, 11, 21))
    single, spread = Store(tmp_path / "single"), Store(tmp_path / "dask")
    expected = ingest(inputs, single, hints)
    seen: list[str] = []
    summary = ingest_distributed(inputs, spread, client, hints, batch_size=1,
                                 on_error=seen.append)
    assert sorted(summary.failed) == sorted(expected.failed) == sorted(seen)
    assert len(summary.failed) == 3  # the binary file, split in parts, is named once
    assert summary.line() == expected.line()
    assert exports(spread) == exports(single)
    nothing = ingest_distributed([tmp_path / "missing.txt"], Store(tmp_path / "empty"), client)
    assert nothing.failed == [f"{tmp_path / 'missing.txt'}: no such file or folder"]
    assert Store(tmp_path / "empty").snapshot() is not None  # an empty store reads as empty
    assert exports(Store(tmp_path / "empty")) == {table: [] for table in FIELDS}


def test_grouping_in_blocks_honours_decisions_and_windows(client: Client, demo_store: Store,
                                                          tmp_path: Path) -> None:
    incidents = demo_store.records("incidents")
    assert len(incidents) >= 3
    first, second, third = incidents[:3]
    stores = []
    for name in ("single", "dask"):
        shutil.copytree(demo_store.path, tmp_path / name)
        stores.append(Store(tmp_path / name))
    for store in stores:
        with store.writer() as writer:
            writer.record_decision({"action": "merge",
                                    "events": sorted(first["event_ids"] + second["event_ids"])})
            writer.record_decision({"action": "split", "events": third["event_ids"][:1]})
    windows: list[tuple[date | None, date | None]] = [
        (None, None), (date.fromisoformat(third["date"]), date.fromisoformat(third["date"]))]
    for since, until in windows:
        with stores[0].writer() as writer:
            count = regroup(writer, since, until)
        with stores[1].writer() as writer:
            assert regroup_distributed(writer, client, since, until) == count
        assert exports(stores[1])["incidents"] == exports(stores[0])["incidents"]
        assert exports(stores[1])["events"] == exports(stores[0])["events"]
        if since is None:  # the merge joined two incidents that no block would have joined
            merged = [i for i in stores[1].records("incidents")
                      if set(first["event_ids"]) | set(second["event_ids"]) <= set(i["event_ids"])]
            assert len(merged) == 1


# -- faults --------------------------------------------------------------------------------

def _whole_batches(store: Store) -> None:
    """Every committed batch as its manifest says, and no article twice."""
    con = store.connect()
    try:
        for batch in store.batches.iterdir():
            manifest = json.loads((batch / "manifest.json").read_text())
            rows = con.execute(f"SELECT count(*) FROM read_parquet('{batch}/articles.parquet')")
            assert rows.fetchone() == (manifest["articles"],)
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone() or (0, 0)
        assert total == distinct
    finally:
        con.close()


@pytest.mark.slow
def test_worker_killed_mid_ingest(client: Client, sample: Path, sample_reference: Store,
                                  tmp_path: Path) -> None:
    """SIGKILL a worker while it runs a task: Dask runs its tasks on the other worker (or on
    the one its nanny starts again), and the store is complete."""
    killed: dict[str, Any] = {}

    def kill_a_busy_worker(done: int, total: int) -> None:
        if killed:
            return
        busy = {w: keys for w, keys in client.processing().items() if keys}
        if not busy:
            return
        worker = sorted(busy)[0]
        pid = client.run(os.getpid, workers=[worker])[worker]
        os.kill(pid, signal.SIGKILL)
        killed.update(worker=worker, pid=pid, tasks=list(busy[worker]))

    store = Store(tmp_path / "store")
    with get_task_stream(client) as stream:
        summary = ingest_distributed([sample], store, client, mapping=MAPPING, batch_size=20,
                                     progress=kill_a_busy_worker)
    assert killed and killed["tasks"], "no worker was killed while busy"
    ran_on = {str(r["key"]): r["worker"] for r in stream.data}
    assert any(ran_on.get(str(key)) not in (None, killed["worker"]) for key in killed["tasks"])
    assert not psutil.pid_exists(killed["pid"]) or \
        psutil.Process(killed["pid"]).status() == psutil.STATUS_ZOMBIE
    assert killed["worker"] not in client.scheduler_info(n_workers=-1)["workers"]
    assert summary.articles_added == 160 and not summary.failed
    _whole_batches(store)
    assert exports(store) == exports(sample_reference)
    assert not list(store.staging.glob("u*")), "a lost attempt's staging was left behind"


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@pytest.mark.slow
def test_client_killed_mid_ingest_then_rerun(client: Client, sample: Path,
                                            sample_reference: Store, tmp_path: Path) -> None:
    """SIGKILL `counterpoint ingest --cluster local:2` after a few batches: what is visible
    is whole, the cluster's processes go with it, and re-running completes the store to what
    the single path stores (no article twice, none missing, incidents included), reading
    only what was not committed."""
    store = Store(tmp_path / "store")
    command = [*COUNTERPOINT, "ingest", str(sample), "--store", str(store.path), "--map",
               MAP_OPTION, "--batch-size", "10", "--cluster", "local:2", "--quiet"]
    proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and \
            (not store.batches.is_dir() or len(list(store.batches.iterdir())) < 3):
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed"
    children = _descendants(proc.pid)
    assert children, "no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    for orphan in alive:  # fail, but leave no process of ours behind
        orphan.kill()
    assert not alive, "the cluster's processes outlived their client"
    before = {r["article_id"] for r in store.records("articles")}
    assert 0 < len(before) < 160
    _whole_batches(store)

    # The same ingest again (as the command above would run it, on the tests' cluster).
    summary = ingest_distributed([sample], store, client, mapping=MAPPING, batch_size=10)
    assert summary.articles_added == 160 - len(before)
    assert summary.articles_read < 163, "committed units were read again"
    _whole_batches(store)
    assert before <= {r["article_id"] for r in store.records("articles")}
    assert exports(store) == exports(sample_reference)


def test_cli_options_and_the_default_path_never_loads_dask(tmp_path: Path) -> None:
    result = subprocess.run([*COUNTERPOINT, "ingest", str(SEED), "--store", str(tmp_path / "s"),
                             "--cluster", "remote:2"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "expected local:N" in result.stderr
    both = subprocess.run([*COUNTERPOINT, "ingest", str(SEED), "--cluster", "local:1",
                           "--scheduler", "tcp://127.0.0.1:1"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert both.returncode == 2 and "not allowed with" in both.stderr
    check = ("import sys; from ingest.cli import main; "
             f"code = main(['ingest', {str(SEED)!r}, '--store', {str(tmp_path / 'd')!r}, "
             "'--quiet']); "
             "assert code == 0; "
             "assert not {'dask', 'distributed'} & set(sys.modules), 'Dask was imported'")
    plain = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    assert plain.returncode == 0, plain.stderr
    assert Store(tmp_path / "d").records("articles")
