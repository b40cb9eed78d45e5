"""Scale-out ingest (ingest/distributed.py): a synthetic corpus varied from data/ (outlets,
dates, places, figures), ingested on a Dask LocalCluster of 1 worker, then of 2: articles per
second, speed-up, peak memory per worker, and the projection to more machines from the
measured serial part (incident grouping). Recorded in docs/performance.md.

    .venv/bin/python bench/scale.py [--articles 100000] [--workers 1,2] [--keep DIR]

The corpus: the 48 demo articles, as ingested (clean text, title, outlet, language, date), are
the templates. Each synthetic article takes one, names another outlet, moves its dates (the
year by -6..+6, the day of the month by -12..+12, in every language the date words of
ingest/data/dates.toml cover), swaps its towns for others of the same country and scales its
figures; it gets a URL of its own, so it is a new article. Nine in ten go into JSON Lines
tables of 1,000 rows, one in ten into a plain text file of its own, as a browser copy is saved.
Workers are warmed up (lexicons and gazetteer loaded) before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from distributed import Client, LocalCluster

import ingest.distributed as scale
from ingest import Hints, Store, ingest
from ingest.formats import RawDocument
from ingest.outlets import registry
from ingest.pipeline import process_documents

TOWNS = {
    "SY": ["Aleppo", "Homs", "Hama", "Idlib", "Douma", "Raqqa", "Deir ez-Zor", "Palmyra",
           "Latakia", "Daraa", "Khan Shaykhun", "Saraqib", "Maarat al-Numan", "Manbij"],
    "UA": ["Kramatorsk", "Mariupol", "Kharkiv", "Kherson", "Bakhmut", "Donetsk", "Odesa",
           "Zaporizhzhia", "Sloviansk", "Izium", "Chernihiv", "Mykolaiv", "Olenivka"],
    "PS": ["Gaza City", "Khan Younis", "Rafah", "Jabalia", "Deir al-Balah", "Beit Hanoun"],
    "TR": ["Hatay", "Yayladagi", "Antakya", "Kilis", "Gaziantep", "Reyhanli"],
}
_TOWN = re.compile(r"\b(" + "|".join(re.escape(t) for ts in TOWNS.values() for t in ts) + r")\b")
_COUNTRY_OF = {town: country for country, towns in TOWNS.items() for town in towns}


def _month_words() -> list[str]:
    data = tomllib.loads((REPO / "ingest" / "data" / "dates.toml").read_text("utf-8"))
    words = {form for table in data.values() if isinstance(table, dict)
             for forms in table.get("months", []) for form in forms}
    return sorted(words, key=len, reverse=True)


def _date_pattern() -> re.Pattern[str]:
    months = "|".join(re.escape(m) for m in _month_words())
    return re.compile(
        rf"(?P<dm>\b(?P<d1>[0-3]?\d)(?P<s1>\.?\s+)(?P<m1>{months})\b)"
        rf"|(?P<md>\b(?P<m2>{months})(?P<s2>\.?\s+)(?P<d2>[0-3]?\d)\b)"
        r"|(?P<year>\b(?:19|20)\d{2}\b)"
        r"|(?P<num>\b\d{1,3}(?:,\d{3})*\b)", re.IGNORECASE)


def templates() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        ingest([REPO / "data" / "corpus"], store)
        return [a for a in store.records("articles") if a["text"] and a["published"]]


def vary(template: dict[str, Any], number: int, rng: random.Random, pattern: re.Pattern[str],
         outlets: list[Any]) -> dict[str, Any]:
    years, days = rng.randint(-6, 6), rng.randint(-12, 12)
    towns: dict[str, str] = {}

    def town(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in towns:
            towns[name] = rng.choice(TOWNS[_COUNTRY_OF[name]])
        return towns[name]

    def day(value: str) -> str:
        return str(min(28, max(1, int(value) + days)))

    def moved(match: re.Match[str]) -> str:
        if match.group("dm"):
            return day(match.group("d1")) + match.group("s1") + match.group("m1")
        if match.group("md"):
            return match.group("m2") + match.group("s2") + day(match.group("d2"))
        if match.group("year"):
            return str(int(match.group("year")) + years)
        value = int(match.group("num").replace(",", ""))
        if value < 2:
            return match.group("num")
        return f"{max(2, round(value * rng.uniform(0.5, 2.0))):,}"

    published = date.fromisoformat(template["published"])
    published = published.replace(year=published.year + years,
                                  day=int(day(str(published.day))))
    outlet = rng.choice(outlets)
    domain = outlet.domains[0] if outlet.domains else f"{outlet.slug}.example"
    title = _TOWN.sub(town, template["title"] or "Report")
    return {
        "url": f"https://{domain}/{published:%Y/%m/%d}/report-{number}",
        "title": title,
        "outlet": outlet.name,
        "published": published.isoformat(),
        "language": template["language"],
        "text": pattern.sub(moved, _TOWN.sub(town, template["text"])),
    }


def write_corpus(folder: Path, count: int, seed: int = 8) -> None:
    rng = random.Random(seed)
    pattern = _date_pattern()
    outlets = sorted(registry().values(), key=lambda o: o.slug)
    bases = templates()
    tables = folder / "tables"
    texts = folder / "text"
    tables.mkdir(parents=True)
    texts.mkdir()
    rows: list[str] = []
    for number in range(count):
        article = vary(bases[number % len(bases)], number, rng, pattern, outlets)
        if number % 10 == 9:
            day = date.fromisoformat(article["published"])
            (texts / f"{number:07d}.txt").write_text(
                f"{article['title']}\n\n{article['outlet']}\n\nPublished {day:%B} {day.day} "
                f"{day.year}\n\n{article['text']}\n", encoding="utf-8")
        else:
            rows.append(json.dumps(article, ensure_ascii=False))
        if len(rows) == 1000 or (number == count - 1 and rows):
            (tables / f"{number:07d}.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
            rows = []


def _warm() -> int:
    """Load every lexicon in this worker, so that the clock measures steady work."""
    text = ("Russian air strikes hit Aleppo on 4 April 2017, killing 12 civilians, "
            "the Syrian Observatory said.")
    process_documents([RawDocument("warm-up", "text", text)], Hints())
    return _peak_kib()


def _peak_kib() -> int:
    """This process's own peak resident memory. ``ru_maxrss`` carries a parent's peak across
    fork and exec (a worker started by a large client reported the client's), so Linux's
    ``VmHWM`` is read where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(name: str, timings: dict[str, float]) -> Any:
    """Replace a function of ingest.distributed by one that adds up its wall time."""
    original = getattr(scale, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    setattr(scale, name, wrapper)
    return original


def run(corpus: Path, workers: int, store_path: Path) -> dict[str, Any]:
    timings: dict[str, float] = {}
    originals = {name: _timed(name, timings)
                 for name in ("regroup_distributed", "plan_grouping", "join_snapshot",
                              "commit_unit", "plan_units")}
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.run(_warm)
            cpu = client.run(_cpu_seconds)
            load = os.getloadavg()[0]
            start = time.perf_counter()
            summary = scale.ingest_distributed([corpus], Store(store_path), client)
            total = time.perf_counter() - start
            peaks = client.run(_peak_kib)
            cpu = {w: t - cpu.get(w, 0.0) for w, t in client.run(_cpu_seconds).items()}
            load = max(load, os.getloadavg()[0])
    finally:
        for name, original in originals.items():
            setattr(scale, name, original)
    # What runs on the client alone, whatever the number of workers: planning the units,
    # committing batches, planning the grouping's blocks and joining their parts.
    ingest_alone = timings.get("plan_units", 0.0) + timings.get("commit_unit", 0.0)
    serial = ingest_alone + timings.get("plan_grouping", 0.0) + timings.get("join_snapshot", 0.0)
    return {"workers": workers, "articles": summary.articles_added, "events":
            summary.events_added, "incidents": summary.incidents, "failed": len(summary.failed),
            "total": total, "group": timings.get("regroup_distributed", 0.0), "serial": serial,
            "ingest_alone": ingest_alone,
            "worker_cpu": sum(cpu.values()), "peak_mib": max(peaks.values()) / 1024,
            "client_mib": _peak_kib() / 1024, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--keep", help="write the corpus and stores here and keep them")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep) if args.keep else Path(tmp)
        corpus = base / "corpus"
        start = time.perf_counter()
        if not corpus.exists():
            write_corpus(corpus, args.articles)
        print(f"corpus: {args.articles} articles in {corpus} "
              f"({time.perf_counter() - start:.0f} s to write)", flush=True)
        results = []
        for workers in counts:
            shutil.rmtree(base / f"store-{workers}", ignore_errors=True)  # ingest from scratch
            result = run(corpus, workers, base / f"store-{workers}")
            results.append(result)
            print(json.dumps(result), flush=True)
    first = results[0]
    print()
    print("| workers | articles | events | incidents | wall (s) | grouping (s) | client alone "
          "(s) | worker CPU (s) | articles/s | speed-up | peak RSS per worker (MiB) | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['workers']} | {r['articles']:,} | {r['events']:,} | {r['incidents']:,} | "
              f"{r['total']:.0f} | {r['group']:.1f} | {r['serial']:.1f} | "
              f"{r['worker_cpu']:.0f} | {r['articles'] / r['total']:.1f} | "
              f"{first['total'] / r['total']:.2f} | {r['peak_mib']:.0f} | {r['load']:.1f} |")
    rate = first["articles"] / first["total"]
    # Amdahl's law from the single worker's run, twice: counting as serial only what runs on
    # the client alone (measured), and counting the whole grouping phase as serial (the bound
    # when every event falls in one block).
    for label, serial in (("client alone", first["serial"] / first["total"]),
                          ("all grouping", (first["group"] + first["ingest_alone"])
                           / first["total"])):
        print(f"\nserial fraction ({label}): {serial:.3f}")
        for n in (2, 4, 8, 16, 32, 64, 128):
            speedup = 1 / (serial + (1 - serial) / n)
            print(f"  {n:>3} workers: {speedup:5.1f}x, {rate * speedup:,.0f} articles/s")
    # And the model in between: grouping spreads over at most one block per
    # MIN_BLOCK_EVENTS events (the planner makes about four blocks per worker down to that).
    blocks = max(1, first["events"] // scale.MIN_BLOCK_EVENTS)
    grouping = first["group"] - (first["serial"] - first["ingest_alone"])
    ingesting = first["total"] - first["group"] - first["ingest_alone"]
    print(f"\nmodel: {first['serial']:.1f} s + {ingesting:.0f} s / n + {grouping:.0f} s / "
          f"min(n, {blocks})")
    for n in (2, 4, 8, 16, 32, 64, 128):
        wall = first["serial"] + ingesting / n + grouping / min(n, blocks)
        print(f"  {n:>3} workers: {first['total'] / wall:5.1f}x, "
              f"{first['articles'] / wall:,.0f} articles/s")


if __name__ == "__main__":
    main()
