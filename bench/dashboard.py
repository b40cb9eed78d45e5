"""Dashboard speed at scale: a synthetic store of N events (default 1,000,000) over 10 years and
200 outlets, the main callbacks timed through Flask's test client as the Dash renderer calls
them, beside the same views done the common way (pandas masks and groupby over a DataFrame of
every event held in memory), in the same run.

    .venv/bin/python bench/dashboard.py [--events 1000000] [--store PATH] [--batches 50]
        [--rounds 2] [--skip-pandas] [--build-only] [--write-docs]

The store is built once per set of parameters (STORE/bench.json records them) and reused. The
dashboard runs in a child process of its own, so its memory is measured alone (VmRSS and VmHWM
from /proc/self/status); the pandas baseline runs in another, where each view is also answered
by the dashboard's query layer in turn, so that the ratio of the two holds on a busy machine.
With --write-docs the figures replace the generated part of the "Dashboard (bench/dashboard.py)"
section of docs/performance.md, and nothing else is written.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "performance.md"
sys.path.insert(0, str(REPO))

from dashboard import filters
from dashboard.filters import FilterState
from ingest.lexicons import load_csv
from ingest.outlets import registry
from ingest.store import Store

GENERATOR = 1  # bump when the synthetic data changes, so stores built before are rebuilt
FIRST_DAY = date(2015, 1, 1)
EXPORT_CAP = 1_000  # rows in the timed export
SECTION = "## Dashboard (bench/dashboard.py)"
BEGIN, END = "<!-- bench/dashboard.py: begin -->", "<!-- bench/dashboard.py: end -->"
GOAL_P95_MS, GOAL_SPEEDUP, GOAL_RSS_MB = 150.0, 5.0, 1536.0
NOT_FILTER_CHANGES = ("export",)  # a file downloaded: a step of the sequence, no filter change


@dataclass(frozen=True)
class Params:
    events: int = 1_000_000
    years: int = 10
    outlets: int = 200
    batches: int = 50
    seed: int = 7
    generator: int = GENERATOR


# -- the synthetic store ----------------------------------------------------------------------
# ACLED types and sub-types with rough shares of a conflict-heavy news corpus.
TYPES: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("Explosions/Remote violence", 0.34, (
        ("Air/drone strike", 0.4), ("Shelling/artillery/missile attack", 0.4),
        ("Remote explosive/landmine/IED", 0.12), ("Suicide bomb", 0.05),
        ("Chemical weapon", 0.03))),
    ("Battles", 0.26, (("Armed clash", 0.75), ("Government regains territory", 0.15),
                       ("Non-state actor overtakes territory", 0.1))),
    ("Violence against civilians", 0.15, (("Attack", 0.8),
                                          ("Abduction/forced disappearance", 0.2))),
    ("Strategic developments", 0.13, (("Agreement", 0.3), ("Arrests", 0.3),
                                      ("Looting/property destruction", 0.2), ("Other", 0.2))),
    ("Protests", 0.08, (("Peaceful protest", 0.8), ("Protest with intervention", 0.2))),
    ("Riots", 0.04, (("Violent demonstration", 0.6), ("Mob violence", 0.4))),
)
SUBTYPES = [(t, s, share * sub) for t, share, subs in TYPES for s, sub in subs]
VERBS = {"Explosions/Remote violence": ("struck", "shelled", "hit", "bombed", "targeted"),
         "Battles": ("clashed with", "attacked", "fought", "pushed back", "ambushed"),
         "Violence against civilians": ("attacked", "abducted", "killed", "detained"),
         "Strategic developments": ("signed a deal with", "arrested", "looted",
                                    "announced a truce with"),
         "Protests": ("protested against", "marched against", "rallied against"),
         "Riots": ("rioted against", "set fire to offices of", "stormed")}
TARGETS = ("a market", "a hospital", "a school", "residential buildings", "a checkpoint",
           "a military convoy", "an ammunition depot", "a bridge", "a power plant", "a village",
           "a mosque", "a bakery", "a refugee camp", "an airfield", "a police station")
TARGET_WEIGHTS = (20, 6, 5, 25, 10, 8, 6, 5, 4, 15, 3, 2, 3, 3, 4)
PADDING = (", in the latest escalation along the front line", ", witnesses told reporters",
           ", amid renewed fighting in the area", ", days after a ceasefire was announced",
           " despite calls for restraint from the United Nations",
           ", as residents fled towards the border", ", local sources reported",
           " in what officials described as a deliberate attack",
           ", cutting electricity to thousands of homes", " near the main road to the city",
           ", the third such incident this month", ", monitors said")
PRECISIONS = ("day", "week", "month", "year", None)
PRECISION_P = (0.88, 0.04, 0.05, 0.01, 0.02)
ACCOUNTS_P = (0.85, 0.07, 0.035, 0.02, 0.015, 0.01)  # accounts per real event: 1 to 6
SPIKES = ((date(2016, 9, 20), 60, 3.0), (date(2019, 4, 30), 45, 2.0),
          (date(2022, 2, 24), 200, 6.0), (date(2023, 10, 10), 70, 3.0))


def _bare(name: str) -> str:
    for suffix in (" Governorate", " Province", " Oblast", " Krai", " Region", " Muhafazah"):
        name = name.removesuffix(suffix)
    return name


def _zipf(n: int, s: float) -> np.ndarray:
    weights: np.ndarray = 1.0 / np.arange(1, n + 1) ** s
    shares: np.ndarray = weights / weights.sum()
    return shares


def _mix(index: np.ndarray, salt: int) -> np.ndarray:
    """Distinct 64-bit ids from 0..n-1 (an odd multiplier is a bijection mod 2**64)."""
    with np.errstate(over="ignore"):
        return index.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)


def _hexes(prefix: str, values: np.ndarray) -> list[str]:
    return [f"{prefix}{int(v):016x}" for v in values]


@dataclass
class World:
    """Everything drawn with numpy before records are written: per event and per story."""

    outlets: list[dict[str, Any]]
    places: list[dict[str, Any]]
    countries: dict[str, tuple[float, float]]
    actors: list[str]
    sources: list[str]
    story: np.ndarray  # per event: its real-world event (story)
    outlet: np.ndarray
    day: np.ndarray  # days since FIRST_DAY
    precision: np.ndarray
    subtype: np.ndarray
    place: np.ndarray  # (n, 3), -1 for none
    actor: np.ndarray  # (n, 3), -1 for none
    killed: np.ndarray  # -1 for none
    open_ended: np.ndarray
    injured: np.ndarray
    claim: np.ndarray  # -1 for the outlet's own voice
    country_level: np.ndarray
    event_ids: list[str]
    order: np.ndarray  # events sorted by outlet then day; articles are runs of it
    article_start: np.ndarray
    article_end: np.ndarray
    article_batch: np.ndarray
    article_ids: list[str]


def draw_world(params: Params) -> World:
    rng = np.random.default_rng(params.seed)
    n = params.events
    known = list(registry().values())
    outlets = [{"slug": o.slug, "name": o.name, "domain": (o.domains or (f"{o.slug}.example",))[0],
                "language": (o.languages or ("en",))[0]} for o in known][: params.outlets]
    for i in range(len(outlets), params.outlets):  # outlets the registry does not know
        outlets.append({"slug": f"local-news-{i}", "name": f"Local News {i}",
                        "domain": f"local-news-{i}.example", "language": "en"})
    order = rng.permutation(len(outlets))  # which outlets dominate: not the registry's order
    outlets = [outlets[i] for i in order]
    places = [{"name": _bare(r["name"]) if r["kind"] == "admin1" else r["name"],
               "admin1": _bare(r["admin1"]) or None, "country": r["country"],
               "lat": round(float(r["lat"]), 4), "lon": round(float(r["lon"]), 4),
               "precision": r["kind"]}
              for r in load_csv("places.csv") if r["kind"] in ("place", "admin1") and r["lat"]]
    places = [places[i] for i in rng.permutation(len(places))]
    countries = {r["iso"]: (float(r["lat"]), float(r["lon"])) for r in load_csv("countries.csv")
                 if r["lat"]}
    actors = [r["name"] for r in load_csv("actors.csv")]
    sources = [*actors[:40], "Syrian Observatory for Human Rights", "local officials",
               "the regional governor", "medical sources"]

    # Stories (real-world events), each told by 1 to 6 accounts.
    per_story = rng.choice(np.arange(1, 7), size=n, p=ACCOUNTS_P)
    stories = int(np.searchsorted(np.cumsum(per_story), n)) + 1
    story = np.repeat(np.arange(stories), per_story[:stories])[:n]
    days = (date(FIRST_DAY.year + params.years, 1, 1) - FIRST_DAY).days
    t = np.arange(days)
    weights = 1.0 + 0.8 * t / days + 0.3 * (t % 7 < 5)
    for centre, width, height in SPIKES:
        offset = (centre - FIRST_DAY).days
        if 0 <= offset < days:
            weights += height * np.exp(-(((t - offset) / width) ** 2)) * (t >= offset - width)
    story_day = rng.choice(days, size=stories, p=weights / weights.sum())
    story_type = rng.choice(len(SUBTYPES), size=stories,
                            p=np.array([s[2] for s in SUBTYPES]) / sum(s[2] for s in SUBTYPES))
    place_p = _zipf(len(places), 1.05)
    story_place = rng.choice(len(places), size=(stories, 3), p=place_p)
    story_nplaces = rng.choice(4, size=stories, p=(0.08, 0.5, 0.28, 0.14))
    story_place[np.arange(3)[None, :] >= story_nplaces[:, None]] = -1
    actor_p = _zipf(len(actors), 1.1)
    story_actor = rng.choice(len(actors), size=(stories, 3), p=actor_p)
    story_nactors = rng.choice(4, size=stories, p=(0.35, 0.35, 0.22, 0.08))
    story_actor[np.arange(3)[None, :] >= story_nactors[:, None]] = -1
    deadly = rng.random(stories) < 0.3
    story_killed = np.where(deadly, np.minimum(np.exp(rng.normal(1.3, 1.3, stories)), 5000)
                            .astype(np.int64) + 1, -1)

    # Accounts: the story's facts, each outlet with its own date slips, places and toll.
    outlet = rng.choice(len(outlets), size=n, p=_zipf(len(outlets), 1.1))
    day = np.clip(story_day[story] + rng.choice((-1, 0, 1), size=n, p=(0.08, 0.84, 0.08)),
                  0, days - 1)
    precision = rng.choice(len(PRECISIONS), size=n, p=PRECISION_P)
    place = story_place[story].copy()
    place[:, 1:][rng.random((n, 2)) < 0.3] = -1  # an account names fewer places
    actor = story_actor[story].copy()
    actor[:, 1:][rng.random((n, 2)) < 0.3] = -1
    reported = story_killed[story]
    differs = rng.random(n) < 0.25  # outlets disagree on the toll
    killed = np.where((reported > 0) & (rng.random(n) < 0.95),
                      np.where(differs, np.maximum(1, (reported * rng.uniform(0.5, 1.6, n))
                                                   .astype(np.int64)), reported), -1)
    injured = np.where(rng.random(n) < 0.15, rng.integers(1, 60, n), -1)
    claim = np.where(rng.random(n) < 0.6, rng.choice(len(sources), size=n,
                                                      p=_zipf(len(sources), 1.0)), -1)
    event_ids = _hexes("e", _mix(np.arange(n), 1))

    # Articles: runs of one outlet's accounts in date order, 1 to 8 events each; each article
    # lands in a random batch (ingest order is not date order).
    order = np.lexsort((day, outlet))
    sizes = rng.choice(np.arange(1, 9), size=n, p=(0.16, 0.16, 0.16, 0.14, 0.12, 0.1, 0.08,
                                                   0.08))
    starts: list[int] = []
    boundaries = np.flatnonzero(np.diff(outlet[order])) + 1
    runs = zip(np.concatenate(([0], boundaries)), np.concatenate((boundaries, [n])),
               strict=True)
    cursor = 0
    for run_start, run_end in runs:
        position = int(run_start)
        while position < run_end:
            starts.append(position)
            position += int(sizes[cursor])
            cursor += 1
    article_start = np.array(starts)
    article_end = np.append(article_start[1:], n)  # runs start articles, so none spans two
    article_batch = rng.integers(0, params.batches, len(article_start))
    return World(outlets=outlets, places=places, countries=countries, actors=actors,
                 sources=sources, story=story, outlet=outlet, day=day, precision=precision,
                 subtype=story_type[story], place=place, actor=actor, killed=killed,
                 open_ended=rng.random(n) < 0.12, injured=injured, claim=claim,
                 country_level=rng.random(n) < 0.15, event_ids=event_ids, order=order,
                 article_start=article_start, article_end=article_end,
                 article_batch=article_batch,
                 article_ids=_hexes("a", _mix(np.arange(len(article_start)), 2)))


def _period(day: int, precision: str | None, rnd: random.Random) -> tuple[Any, ...]:
    """(date, date_end, date_text) of an account, as the article words it."""
    if precision is None:
        return None, None, None
    first = FIRST_DAY + timedelta(days=day)
    if precision == "day":
        text = rnd.choice((f"on {calendar.day_name[first.weekday()]}",
                           f"on {calendar.month_name[first.month]} {first.day}", "yesterday",
                           "early on Sunday" if first.weekday() == 6 else "overnight"))
        return first, first, text
    if precision == "week":
        monday = first - timedelta(days=first.weekday())
        return monday, monday + timedelta(days=6), "last week"
    if precision == "month":
        start = first.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        return start, end, f"in {calendar.month_name[start.month]}"
    return date(first.year, 1, 1), date(first.year, 12, 31), f"in {first.year}"


def _event(w: World, i: int, article_id: str, offset: int,
           rnd: random.Random) -> dict[str, Any]:
    event_type, sub_event_type, _ = SUBTYPES[int(w.subtype[i])]
    start, end, date_text = _period(int(w.day[i]), PRECISIONS[int(w.precision[i])], rnd)
    locations = [dict(w.places[p], text=w.places[p]["name"])
                 for p in dict.fromkeys(int(p) for p in w.place[i] if p >= 0)]
    if locations and w.country_level[i]:
        country = locations[0]["country"]
        lat, lon = w.countries.get(country, (None, None))
        locations.append({"name": country, "admin1": None, "country": country, "lat": lat,
                          "lon": lon, "precision": "country", "text": country})
    names = [w.actors[a] for a in dict.fromkeys(int(a) for a in w.actor[i] if a >= 0)]
    actors = [{"name": name, "role": ("actor1", "actor2", "associated")[k], "text": name}
              for k, name in enumerate(names)]
    figures: list[dict[str, Any]] = []
    clause = ""
    if w.killed[i] > 0:
        low = int(w.killed[i])
        if w.open_ended[i]:
            figures.append({"kind": "killed", "low": low, "high": None,
                            "text": f"at least {low} people"})
            clause = f", killing at least {low} people"
        else:
            figures.append({"kind": "killed", "low": low, "high": low, "text": f"{low} people"})
            clause = f", killing {low} people"
    if w.injured[i] > 0:
        hurt = int(w.injured[i])
        figures.append({"kind": "injured", "low": hurt, "high": hurt,
                        "text": f"{hurt} injured"})
        clause += f" and injuring {hurt}"
    claimed = [w.sources[int(w.claim[i])]] if w.claim[i] >= 0 else []
    subject = names[0] if names else rnd.choice(("Unidentified gunmen", "Militants",
                                                 "Government forces", "Warplanes"))
    where = f" in {locations[0]['name']}" if locations else ""
    sentence = (f"{subject} {rnd.choice(VERBS[event_type])} "
                f"{rnd.choices(TARGETS, TARGET_WEIGHTS)[0]}{where} {date_text or 'recently'}"
                f"{clause}")
    target = max(70, int(rnd.gauss(150, 35)))
    while len(sentence) < target - 20:
        sentence += rnd.choice(PADDING)
    sentence += f", {claimed[0]} said." if claimed else "."
    precision = PRECISIONS[int(w.precision[i])]
    inherited = precision is not None and rnd.random() < 0.1
    return {
        "event_id": w.event_ids[i], "article_id": article_id,
        "outlet": w.outlets[int(w.outlet[i])]["slug"],
        "date": start.isoformat() if start else None,
        "date_end": end.isoformat() if end else None, "date_precision": precision,
        "date_text": date_text, "date_inherited": inherited,
        "date_basis": None if precision is None else ("inherited" if inherited else "text"),
        "event_type": event_type, "sub_event_type": sub_event_type, "actors": actors,
        "locations": locations, "figures": figures, "claimed_by": claimed,
        "stance": "denies" if rnd.random() < 0.02 else "asserts", "sentence": sentence,
        "start": offset, "end": offset + len(sentence), "incident_id": None,
    }


def _batch(w: World, batch: int, rnd: random.Random
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    articles: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for a in np.flatnonzero(w.article_batch == batch):
        members = w.order[w.article_start[a]:w.article_end[a]]
        outlet = w.outlets[int(w.outlet[members[0]])]
        article_id = w.article_ids[a]
        texts: list[str] = []
        offset = 0
        for i in members:
            event = _event(w, int(i), article_id, offset, rnd)
            events.append(event)
            texts.append(event["sentence"])
            offset = event["end"] + 1
        published = FIRST_DAY + timedelta(days=int(w.day[members].max()) + rnd.randint(0, 2))
        articles.append({
            "article_id": article_id, "source": f"bench/{outlet['slug']}/{article_id}.html",
            "url": f"https://{outlet['domain']}/news/{article_id}", "outlet": outlet["slug"],
            "outlet_name": outlet["name"], "title": texts[0][:70],
            "author": rnd.choice((None, "Staff", "Correspondent")),
            "published": published.isoformat(), "published_basis": "metadata",
            "published_candidates": [], "language": outlet["language"],
            "text": " ".join(texts), "captions": []})
    return articles, events


def _incidents(w: World) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """One incident per story told by two accounts or more, with its members."""
    by_story = np.argsort(w.story, kind="stable")
    bounds = np.flatnonzero(np.diff(w.story[by_story])) + 1
    incidents: list[dict[str, Any]] = []
    members: list[tuple[str, str]] = []
    for group in np.split(by_story, bounds):
        if len(group) < 2:
            continue
        incident_id = f"i{int(_mix(np.array([w.story[group[0]]]), 3)[0]):016x}"
        outlets = sorted({w.outlets[int(w.outlet[i])]["slug"] for i in group})
        day = FIRST_DAY + timedelta(days=int(np.median(w.day[group])))
        tolls = {w.outlets[int(w.outlet[i])]["slug"]: int(w.killed[i]) for i in group
                 if w.killed[i] > 0}
        figures = ({"killed": {"low": min(tolls.values()), "high": max(tolls.values())}}
                   if tolls else {})
        disagreements = ([{"field": "killed", "values": {o: [k, k] for o, k in tolls.items()}}]
                         if len(set(tolls.values())) > 1 else [])
        place = w.places[int(w.place[group[0], 0])] if w.place[group[0], 0] >= 0 else None
        incidents.append({
            "incident_id": incident_id, "date": day.isoformat(), "date_end": day.isoformat(),
            "event_type": SUBTYPES[int(w.subtype[group[0]])][0],
            "locations": [place] if place else [], "outlets": outlets,
            "event_ids": sorted(w.event_ids[i] for i in group), "figures": figures,
            "disagreements": disagreements,
            "first_reported": {"outlet": outlets[0], "published": day.isoformat()},
            "figure_history": {}})
        members.extend((w.event_ids[i], incident_id) for i in group)
    return incidents, members


def _reusable(path: Path, wanted: dict[str, Any]) -> bool:
    """Whether path holds a store built with these parameters; else clear the way for one
    (refusing to delete a folder this benchmark did not build)."""
    marker = path / "bench.json"
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return True
    if path.exists():
        if not marker.is_file() and any(path.iterdir()):
            sys.exit(f"{path} exists and is not a store this benchmark built; give --store")
        shutil.rmtree(path)
    return False


def build_store(path: Path, params: Params) -> float | None:
    """Build the store, or reuse it when built with the same parameters; seconds taken (None
    when reused)."""
    marker = path / "bench.json"
    if _reusable(path, asdict(params)):
        return None
    started = time.perf_counter()
    world = draw_world(params)
    print(f"  drew {params.events} events, {len(world.article_ids)} articles "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    store = Store(path)
    with store.writer() as writer:
        for batch in range(params.batches):
            articles, events = _batch(world, batch, random.Random(params.seed * 1000 + batch))
            writer.write_batch(articles, events)
            if batch % 10 == 9:
                print(f"  batch {batch + 1}/{params.batches} "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        incidents, members = _incidents(world)
        writer.write_incidents(incidents, members)
    marker.write_text(json.dumps(asdict(params)))
    return time.perf_counter() - started


def copy_store(source: Path, path: Path, copies: int) -> float | None:
    """A store of `copies` copies of another benchmark store, each batch and the incidents
    copied with their ids made unique (`-c0`, `-c1`, ...): the same shape at `copies` times
    the density, in a few minutes rather than the generator's half hour per 10M events.
    Seconds taken (None when reused)."""
    import duckdb

    marker = path / "bench.json"
    params = json.loads((source / "bench.json").read_text())
    wanted = {**params, "events": params["events"] * copies, "copies_of": str(source)}
    if _reusable(path, wanted):
        return None
    started = time.perf_counter()
    con = duckdb.connect()
    tag = "'-c' || ?"
    for n, batch in enumerate(sorted((source / "batches").iterdir())):
        for copy in range(copies):
            target = path / "batches" / f"{batch.name}-c{copy:02d}"
            target.mkdir(parents=True)
            con.execute(f"COPY (SELECT * REPLACE (article_id || {tag} AS article_id) FROM "
                        f"read_parquet(?)) TO '{target / 'articles.parquet'}' (FORMAT parquet)",
                        [str(copy), str(batch / "articles.parquet")])
            con.execute(f"COPY (SELECT * REPLACE (event_id || {tag} AS event_id, "
                        f"article_id || {tag} AS article_id, incident_id || {tag} AS "
                        f"incident_id) FROM read_parquet(?)) TO '{target / 'events.parquet'}' "
                        "(FORMAT parquet)", [str(copy)] * 3 + [str(batch / "events.parquet")])
            manifest = json.loads((batch / "manifest.json").read_text())
            (target / "manifest.json").write_text(json.dumps(
                {**manifest, "batch_id": target.name}))
        if n % 10 == 9:
            print(f"  batch {n + 1} copied {copies} times "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    snapshot = Store(source).snapshot()
    assert snapshot is not None
    target = path / "incidents" / snapshot.name
    target.mkdir(parents=True)
    copied = " UNION ALL ".join(
        f"SELECT * REPLACE (incident_id || '-c{c}' AS incident_id, regexp_replace(event_ids, "
        f"'\"([^\"]+)\"', '\"\\1-c{c}\"', 'g') AS event_ids) FROM read_parquet(?)"
        for c in range(copies))
    con.execute(f"COPY ({copied}) TO '{target / 'incidents.parquet'}' (FORMAT parquet)",
                [str(snapshot / "incidents.parquet")] * copies)
    members = " UNION ALL ".join(
        f"SELECT * REPLACE (event_id || '-c{c}' AS event_id, incident_id || '-c{c}' AS "
        f"incident_id) FROM read_parquet(?)" for c in range(copies))
    con.execute(f"COPY ({members}) TO '{target / 'members.parquet'}' (FORMAT parquet)",
                [str(snapshot / "members.parquet")] * copies)
    marker.write_text(json.dumps(wanted))
    return time.perf_counter() - started


# -- the browser's side: Dash renderer requests over the test client -------------------------
def _memory() -> dict[str, float]:
    """This process's resident memory now and at its peak, in MiB."""
    found: dict[str, float] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "props" in node:
            yield node
            yield from _walk(node["props"].get("children"))
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def _sid(id_: Any) -> str:
    """An id as the renderer writes it in prop ids: dict ids as JSON with sorted keys."""
    if isinstance(id_, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(id_[k])}" for k in sorted(id_)) + "}"
    return str(id_)


class Renderer:
    """Just enough of the Dash renderer: the components' props, and callback requests built
    from /_dash-dependencies the way the renderer builds them."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.props: dict[tuple[str, str], Any] = {}
        self.ids: dict[str, Any] = {}  # string id -> id as given (dicts for pattern ids)
        self.deps: list[dict[str, Any]] = []
        self.sizes: list[int] = []

    def load(self, pathname: str = "/", search: str = "") -> dict[str, float]:
        """A page load: the HTML, the layout, the dependencies, then the initial callbacks."""
        times: dict[str, float] = {}
        started = time.perf_counter()
        assert self.client.get(pathname + search).status_code == 200
        layout = self.client.get("/_dash-layout").get_json()
        self.deps = self.client.get("/_dash-dependencies").get_json()
        times["layout"] = time.perf_counter() - started
        self.props.clear()
        self._add(layout)
        self.props[("url", "pathname")] = pathname
        self.props[("url", "search")] = search
        page = self._dep("page.children")
        times["page"] = self.call(page, ["url.pathname"])
        times["sync"] = self.call(self._dep("outlet-filter"), ["url.search"])
        times["links"] = self.call(self._dep("nav-"), ["url.search"]) + self.call(
            self._dep("export-links.children"), ["url.search"])
        times["timeline"] = self.call(self._dep("timeline.figure"), ["url.search"])
        times["total"] = time.perf_counter() - started
        return times

    def _add(self, tree: Any) -> None:
        for node in _walk(tree):
            id_ = node["props"].get("id")
            if id_ is None:
                continue
            self.ids[_sid(id_)] = id_
            for key, value in node["props"].items():
                if key != "children":
                    self.props[(_sid(id_), key)] = value
            self.props.setdefault((_sid(id_), "children"), node["props"].get("children"))

    def _dep(self, marker: str) -> dict[str, Any]:
        """The callback whose outputs name marker."""
        return next(d for d in self.deps if marker in d["output"])

    def _matches(self, pattern: str) -> list[Any]:
        wanted = {k: v for k, v in json.loads(pattern).items() if v != ["ALL"]}
        return [id_ for id_ in self.ids.values() if isinstance(id_, dict)
                and all(id_.get(k) == v for k, v in wanted.items())
                and set(id_) == set(json.loads(pattern))]

    def _spec(self, item: dict[str, Any], with_value: bool) -> Any:
        prop = item["property"]
        if item["id"].startswith("{"):
            return [{"id": id_, "property": prop,
                     **({"value": self.props.get((_sid(id_), prop))} if with_value else {})}
                    for id_ in self._matches(item["id"])]
        spec: dict[str, Any] = {"id": item["id"], "property": prop}
        if with_value:
            spec["value"] = self.props.get((item["id"], prop.split("@")[0]))
        return spec

    def call(self, dep: dict[str, Any], changed: list[str]) -> float:
        """Post one callback request, apply its response to the props; seconds taken."""
        output = dep["output"]
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outputs = [self._spec(dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)),
                              False) for p in parts]
        payload = {"output": output, "outputs": outputs if output.startswith("..") else
                   outputs[0], "inputs": [self._spec(i, True) for i in dep["inputs"]],
                   "state": [self._spec(s, True) for s in dep["state"]],
                   "changedPropIds": changed}
        started = time.perf_counter()
        response = self.client.post("/_dash-update-component", json=payload)
        body = response.get_data()
        elapsed = time.perf_counter() - started
        if response.status_code == 204:  # PreventUpdate
            return elapsed
        assert response.status_code == 200, body[:500]
        self.sizes.append(len(body))
        for id_str, props in json.loads(body)["response"].items():
            for key, value in props.items():
                self.props[(id_str, key)] = value
                if key == "children":
                    self._add(value)
        return elapsed

    # -- what a user does -----------------------------------------------------------------------
    def controls(self, values: dict[str, Any], outlets: set[str] | None = None
                 ) -> dict[str, float]:
        """Set filter controls (and tick only these outlets); the sync callback rewrites the
        URL, then the callbacks reading the URL run. Seconds per request."""
        changed = []
        for key, value in values.items():
            id_, prop = key.split(".")
            self.props[(id_, prop)] = value
            changed.append(key)
        if outlets is not None:
            for id_str, id_ in self.ids.items():
                if isinstance(id_, dict) and id_.get("type") == "outlet-filter":
                    options = [o["value"] for o in self.props[(id_str, "options")]]
                    ticked = [o for o in options if o in outlets]
                    if ticked != self.props.get((id_str, "value")):
                        self.props[(id_str, "value")] = ticked
                        changed.append(f"{id_str}.value")
        before = self.props[("url", "search")]
        times = {"sync": self.call(self._dep("outlet-filter"), changed)}
        if self.props[("url", "search")] != before:
            times.update(self._after_url())
        return times

    def navigate(self, search: str) -> dict[str, float]:
        """A shared link, or the back button: the URL changes, the controls follow."""
        self.props[("url", "search")] = search
        times = {"sync": self.call(self._dep("outlet-filter"), ["url.search"])}
        times.update(self._after_url())
        return times

    def _after_url(self) -> dict[str, float]:
        links = self.call(self._dep("nav-"), ["url.search"])
        links += self.call(self._dep("export-links.children"), ["url.search"])
        return {"timeline": self.call(self._dep("timeline.figure"), ["url.search"]),
                "links": links}

    def zoom(self, relayout: dict[str, Any]) -> dict[str, float]:
        self.props[("timeline", "relayoutData")] = relayout
        return {"timeline": self.call(self._dep("timeline.figure"),
                                      ["timeline.relayoutData"])}

    def has(self, marker: str) -> bool:
        return any(marker in d["output"] for d in self.deps)

    def map(self) -> dict[str, float]:
        """Open the map page on the current view, then come back to the timeline (the trip
        back is not counted: it is a page load, timed under first paint)."""
        self.props[("url", "pathname")] = "/map"
        times = {"page": self.call(self._dep("page.children"), ["url.pathname"]),
                 "map": self.call(self._dep("map.figure"), ["url.search"])}
        self.props[("url", "pathname")] = "/"
        self.call(self._dep("page.children"), ["url.pathname"])
        self.props[("timeline", "relayoutData")] = None
        self.call(self._dep("timeline.figure"), ["url.search"])
        return times

    def export(self) -> dict[str, float]:
        query = str(self.props[("url", "search")]).lstrip("?")
        started = time.perf_counter()
        response = self.client.get("/api/export?format=csv" + (f"&{query}" if query else ""))
        data = response.get_data()
        assert response.status_code == 200 and data.count(b"\n") >= 1
        return {"export": time.perf_counter() - started}


# -- the sequence: what a researcher does ---------------------------------------------------
@dataclass
class Step:
    kind: str
    label: str
    act: Callable[[Renderer], dict[str, float]]
    query: str = ""  # which query-layer call the step's view makes: timeline/stacked/map/export
    zoom: tuple[date, date] | None = None


def plan(outlets: list[dict[str, Any]], actors: list[str], places: list[str],
         span: tuple[date, date]) -> list[Step]:
    """About 35 filter changes: narrowing step by step, clearing, zooming, switching views."""
    by_events = sorted(outlets, key=lambda o: -int(o["events"]))
    top5 = {o["outlet"] for o in by_events[:5]}
    russian = {o["outlet"] for o in outlets if o["country"] == "RU"}
    small = {by_events[len(by_events) // 2]["outlet"]}
    every = {o["outlet"] for o in outlets}
    last = span[1]
    year = (last - timedelta(days=365)).isoformat(), last.isoformat()
    month = (last - timedelta(days=60)).isoformat(), (last - timedelta(days=30)).isoformat()
    mid = span[0] + (span[1] - span[0]) / 2
    narrow = mid, mid + timedelta(days=13)
    wide = mid - timedelta(days=200), mid + timedelta(days=200)
    s, e = "date-range.start_date", "date-range.end_date"
    blank: dict[str, Any] = {s: None, e: None, "type-filter.value": [], "actor-filter.value": None,
             "place-filter.value": None, "text-filter.value": "", "killed-filter.value": None,
             "shared-filter.value": [], "lanes-choice.value": "outlet",
             "view-choice.value": "lanes", "size-choice.value": "count",
             "colour-choice.value": "type"}

    def c(values: dict[str, Any], ticks: set[str] | None = None
          ) -> Callable[[Renderer], dict[str, float]]:
        return lambda r: r.controls(values, ticks)

    steps = [
        Step("outlets", "top 5 outlets", c({}, top5), "timeline"),
        Step("outlets", "Russian outlets", c({}, russian), "timeline"),
        Step("outlets", "one mid-sized outlet", c({}, small), "timeline"),
        Step("outlets", "every outlet", c({}, every), "timeline"),
        Step("dates", "last year", c({s: year[0], e: year[1]}), "timeline"),
        Step("type", "+ Battles", c({"type-filter.value": ["Battles"]}), "timeline"),
        Step("type", "+ Explosions", c({"type-filter.value": [
            "Battles", "Explosions/Remote violence"]}), "timeline"),
        Step("killed", "+ at least 10 killed", c({"killed-filter.value": 10}), "timeline"),
        Step("shared", "+ shared only", c({"shared-filter.value": ["shared"]}), "timeline"),
        Step("reset", "clear all filters", c(blank, every), "timeline"),
        Step("actor", "top actor", c({"actor-filter.value": actors[0]}), "timeline"),
        Step("actor", "tenth actor", c({"actor-filter.value": actors[9]}), "timeline"),
        Step("place", "+ top place", c({"place-filter.value": places[0]}), "timeline"),
        Step("actor", "- actor", c({"actor-filter.value": None}), "timeline"),
        Step("place", "fifth place", c({"place-filter.value": places[4]}), "timeline"),
        Step("place", "thirtieth place", c({"place-filter.value": places[29]}), "timeline"),
        Step("reset", "clear place", c({"place-filter.value": None}), "timeline"),
        Step("text", "text 'hospital'", c({"text-filter.value": "hospital"}), "timeline"),
        Step("text", "text 'convoy' + last year", c({"text-filter.value": "convoy", s: year[0],
                                                      e: year[1]}), "timeline"),
        Step("text", "text 'bakery' (rare)", c({"text-filter.value": "bakery", s: None,
                                                 e: None}), "timeline"),
        Step("reset", "clear text", c({"text-filter.value": ""}), "timeline"),
        Step("killed", "at least 100 killed", c({"killed-filter.value": 100}), "timeline"),
        Step("shared", "shared only", c({"killed-filter.value": None,
                                         "shared-filter.value": ["shared"]}), "timeline"),
        Step("reset", "not shared", c({"shared-filter.value": []}), "timeline"),
        Step("zoom", "zoom to 400 days", lambda r: r.zoom(
            {"xaxis.range[0]": wide[0].isoformat(), "xaxis.range[1]": wide[1].isoformat()}),
             "timeline", wide),
        Step("zoom", "zoom to 2 weeks", lambda r: r.zoom(
            {"xaxis.range[0]": narrow[0].isoformat(), "xaxis.range[1]": narrow[1].isoformat()}),
             "timeline", narrow),
        Step("zoom", "zoom out (autorange)", lambda r: r.zoom({"xaxis.autorange": True}),
             "timeline"),
        Step("outlets", "two months, top 5", c({s: month[0], e: month[1]}, top5), "timeline"),
        Step("lanes", "lanes per country", c({"lanes-choice.value": "country"}), "timeline"),
        Step("lanes", "lanes per kind, every outlet", c({"lanes-choice.value": "kind"}, every),
             "timeline"),
        Step("stacked", "stacked view", c({"view-choice.value": "stacked"}), "stacked"),
        Step("stacked", "stacked, every date", c({s: None, e: None}), "stacked"),
        Step("stacked", "stacked, colour by outlet", c({"colour-choice.value": "outlet"}),
             "stacked"),
        Step("stacked", "stacked, Protests", c({"type-filter.value": ["Protests"]}), "stacked"),
        Step("reset", "back to lanes", c({**blank, "lanes-choice.value": "outlet"}, every),
             "timeline"),
        Step("size", "size by killed, last year", c({"size-choice.value": "killed",
                                                     s: year[0], e: year[1]}), "timeline"),
        Step("link", "shared link: Battles in top place", lambda r: r.navigate(
            filters.to_query(FilterState(event_types=("Battles",), place=places[0]))),
             "timeline"),
        Step("map", "map of the view", _map, "map"),
        Step("export", "export 1,000 rows (CSV)", lambda r: r.export(), "export"),
        Step("link", "back to the start", lambda r: r.navigate(""), "timeline"),
        Step("map", "map of everything", _map, "map"),
        Step("export", "export 1,000 rows, everything", lambda r: r.export(), "export"),
    ]
    return steps


def _map(renderer: Renderer) -> dict[str, float]:
    return renderer.map() if renderer.has("map.figure") else {}


def _state(search: str, zoom: tuple[date, date] | None, allowed: Sequence[str],
           types: Sequence[str]) -> FilterState:
    """The state a view queries: the URL's, narrowed to the visible range after a zoom (as
    dashboard.pages.timeline.draw does)."""
    state = filters.from_query(search, allowed, types)
    if zoom is not None:
        state = state.with_range(max(zoom[0], state.start or zoom[0]),
                                 min(zoom[1], state.end or zoom[1]))
    return state


def _query_call(queries: Any, state: FilterState, kind: str) -> tuple[int, int, Any]:
    """One view's data through a query layer (DuckDB or pandas): (events, rows, result)."""
    limits = queries.settings
    if kind == "stacked":
        result = queries.stacked(state, limit=limits.max_rows, lane_limit=limits.lane_limit)
        return result.total, len(result.rows), result
    if kind == "map":
        places = queries.map_places(state)
        return sum(int(p["events"]) for p in places), len(places), places
    if kind == "export":
        rows = list(queries.export_rows(state, EXPORT_CAP))
        return queries.count(state), len(rows), rows
    result = queries.timeline(state, limit=limits.max_rows, point_limit=limits.point_limit,
                              lane_limit=limits.lane_limit)
    return result.total, len(result.rows), result


def run_dashboard(store_path: Path, rounds: int) -> dict[str, Any]:
    """The child process timing the dashboard (DuckDB): first paint, the sequence, memory."""
    os.environ["COUNTERPOINT_EXPORT_CAP"] = str(EXPORT_CAP)
    from dashboard.app import create_app
    from dashboard.queries import Queries

    out: dict[str, Any] = {"memory": {"start": _memory()}}
    started = time.perf_counter()
    queries = Queries(Store(store_path))
    app = create_app(queries.store, queries)
    renderer = Renderer(app.server.test_client())
    cold = renderer.load()
    cold["total"] = time.perf_counter() - started
    out["first_paint_cold"] = cold
    out["memory"]["after_first_paint"] = _memory()
    out["first_paint_warm"] = renderer.load()
    allowed, types = queries.vocabulary()
    span = queries.date_span()
    assert span is not None
    steps = plan(queries.outlets(), queries.actors(), queries.places(), span)
    samples: list[dict[str, Any]] = []
    for round_ in range(rounds):
        renderer.load()
        for step in steps:
            before = len(renderer.sizes)
            times = step.act(renderer)
            search = str(renderer.props[("url", "search")])
            state = _state(search, step.zoom, allowed, types)
            began = time.perf_counter()
            queries.months_read = 0
            total, rows, _ = _query_call(queries, state, step.query)
            query_time = time.perf_counter() - began
            if not times:  # no such page: the view is the query alone
                times = {step.kind: query_time}
            samples.append({"round": round_, "kind": step.kind, "label": step.label,
                            "query": step.query, "search": filters.to_query(state),
                            "total_s": sum(times.values()), "times": times,
                            "query_s": query_time, "events": total, "rows": rows,
                            "months_read": queries.months_read,
                            "bytes": sum(renderer.sizes[before:])})
        out["memory"][f"after_round_{round_ + 1}"] = _memory()
    out["samples"] = samples
    out["facts"] = {"mode": queries._mode,
                    "months": len(queries._disk.months) if queries._disk else 0}
    con = queries._con  # DuckDB's own account of what it holds
    held = con.execute("SELECT sum(memory_usage_bytes) / 2**20 FROM duckdb_memory()").fetchone()
    out["duckdb_mb"] = float(held[0]) if held else 0.0
    out["http"] = _real_http(app, renderer)
    out["load_average"] = os.getloadavg()
    out["memory"]["end"] = _memory()
    return out


def _real_http(app: Any, renderer: Renderer) -> list[float]:
    """A few timeline requests over a real socket, to confirm the test client's figures."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    times: list[float] = []
    try:
        dep = renderer._dep("timeline.figure")
        for search in ("", "?type=Battles", "?outlets=none", "?min_killed=50", ""):
            payload = {"output": dep["output"],
                       "outputs": [{"id": "timeline", "property": "figure"},
                                   {"id": "event-count", "property": "children"}],
                       "inputs": [{"id": "url", "property": "search", "value": search},
                                  {"id": "timeline", "property": "relayoutData",
                                   "value": None}],
                       "changedPropIds": ["url.search"], "state": []}
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_port}/_dash-update-component",
                data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
            began = time.perf_counter()
            with urllib.request.urlopen(request) as response:
                response.read()
            times.append(time.perf_counter() - began)
    finally:
        server.shutdown()
    return times


# -- the common way: pandas over a DataFrame held in memory -----------------------------------
class PandasQueries:
    """The same views as dashboard.queries.Queries, done with pandas boolean masks and groupby
    over one DataFrame of every event, its JSON columns decoded once at load."""

    def __init__(self, store: Store) -> None:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        from dashboard.settings import Settings

        self.pd = pd
        self.settings = Settings.from_environment()
        events = pa.concat_tables([pq.read_table(p) for p in store.files("events")])
        articles = pa.concat_tables([pq.read_table(p, columns=["article_id", "outlet_name"])
                                     for p in store.files("articles")])
        df = events.to_pandas().drop(columns=["incident_id"])
        df = df.merge(articles.to_pandas(), on="article_id", how="left")
        snapshot = store.snapshot()
        assert snapshot is not None
        members = pq.read_table(snapshot / "members.parquet").to_pandas()
        incidents = pq.read_table(snapshot / "incidents.parquet",
                                  columns=["incident_id", "outlets"]).to_pandas()
        incidents["n_outlets"] = incidents["outlets"].map(lambda v: len(json.loads(v)))
        members = members.merge(incidents[["incident_id", "n_outlets"]], on="incident_id")
        df = df.merge(members, on="event_id", how="left")
        df["n_outlets"] = df["n_outlets"].fillna(0)
        df["outlet"] = df["outlet"].fillna("")
        df["outlet_name"] = df["outlet_name"].fillna(df["outlet"]).replace("", "unknown")
        df["event_type"] = df["event_type"].fillna("Other")
        df["date_end"] = pd.to_datetime(df["date_end"].fillna(df["date"]), errors="coerce")
        df["date"] = pd.to_datetime(df["date"], errors="coerce")
        locations = df["locations"].map(json.loads)
        df["places"] = locations.map(lambda ls: {n.lower() for x in ls
                                                 for n in (x.get("name"), x.get("admin1")) if n})
        best = locations.map(_best_location)
        for key in ("name", "admin1", "country", "lat", "lon", "precision"):
            df["place" if key == "name" else ("place_precision" if key == "precision" else key)
               ] = best.map(lambda b, k=key: b.get(k) if b else None)
        df["lat"] = df["lat"].astype(float)
        df["lon"] = df["lon"].astype(float)
        df["actors_l"] = df["actors"].map(lambda v: {a["name"].lower() for a in json.loads(v)})
        df["killed"] = df["figures"].map(_killed).astype(float)
        self.df = df
        self.outlet_info = {o.slug: (o.country or "", o.kind or "")
                            for o in registry().values()}

    def mask(self, state: FilterState) -> Any:
        df = self.df
        m = df["date"].notna()
        if state.outlets is not None:
            m &= df["outlet"].isin(state.outlets)
        if state.start:
            m &= df["date_end"] >= self.pd.Timestamp(state.start)
        if state.end:
            m &= df["date"] <= self.pd.Timestamp(state.end)
        if state.event_types:
            m &= df["event_type"].isin(state.event_types)
        if state.actor:
            actor = state.actor.lower()
            m &= df["actors_l"].map(lambda xs: actor in xs)
        if state.place:
            place = state.place.lower()
            m &= df["places"].map(lambda xs: place in xs) | (df["country"].str.lower() == place)
        if state.text:
            m &= df["sentence"].str.contains(state.text, case=False, regex=False)
        if state.min_killed:
            m &= df["killed"] >= state.min_killed
        if state.shared_only:
            m &= df["n_outlets"] >= 2
        return m

    def _lane(self, sub: Any, state: FilterState) -> Any:
        if state.lanes == "outlet":
            return sub["outlet_name"]
        index = 0 if state.lanes == "country" else 1
        return sub["outlet"].map(lambda o: self.outlet_info.get(o, ("", ""))[index] or "unknown")

    def _bucketed(self, sub: Any, state: FilterState, limit: int, lanes: bool) -> Any:
        """Counts per bucket (and lane), bucketed and folded as the query layer does."""
        from dashboard.queries import MAX_MARKERS, Timeline, _fitting_bucket, _other_lane

        lo, hi = sub["date"].min().date(), sub["date_end"].max().date()
        start = max(state.start or lo, lo)
        end = min(state.end or hi, hi)
        colours = sub["event_type" if state.colour == "type" else "outlet_name"]
        lane_limit = self.settings.lane_limit
        if lanes:
            lane = self._lane(sub, state)
            groups = min(lane.nunique(), lane_limit + 1)
            bucket = _fitting_bucket(start, end, len(sub), groups, min(limit, MAX_MARKERS))
        else:
            groups = colours.nunique()
            if state.colour != "type" and groups > lane_limit + 1:
                sizes = colours.value_counts()
                kept = sorted(sizes.index, key=lambda k: (-sizes[k], k))[:lane_limit]
                colours = colours.where(colours.isin(kept),
                                        _other_lane(groups - lane_limit, "outlet"))
                groups = lane_limit + 1
            bucket = _fitting_bucket(start, end, len(sub), groups, limit)
        dates = sub["date"]
        if bucket == "week":
            dates = dates - self.pd.to_timedelta(dates.dt.weekday, unit="D")
        elif bucket == "month":
            dates = dates.dt.to_period("M").dt.to_timestamp()
        elif bucket == "quarter":
            dates = dates.dt.to_period("Q").dt.to_timestamp()
        elif bucket == "year":
            dates = dates.dt.to_period("Y").dt.to_timestamp()
        frame = self.pd.DataFrame({"date": dates.dt.date, "colour": colours,
                                   "killed": sub["killed"].fillna(0)})
        if not lanes:
            grouped = frame.groupby(["date", "colour"], sort=True).agg(
                events=("killed", "size"), killed=("killed", "sum")).reset_index()
            rows = cast(list[dict[str, Any]], grouped.head(limit).to_dict("records"))
            return Timeline(rows=rows, total=len(sub), truncated=len(rows) >= limit,
                            bucket=bucket, start=start, end=end)
        frame["lane"] = lane
        sizes = frame["lane"].value_counts()
        ranked = sorted(sizes.index, key=lambda k: (-sizes[k], k))
        other = ""
        if len(ranked) > lane_limit + 1:
            other = _other_lane(len(ranked) - lane_limit, state.lanes)
            frame["lane"] = frame["lane"].where(frame["lane"].isin(ranked[:lane_limit]), other)
        per_colour = frame.groupby(["date", "lane", "colour"], sort=False).agg(
            events=("killed", "size"), killed=("killed", "sum")).reset_index()
        per_colour = per_colour.sort_values(["events", "colour"], ascending=[False, True])
        grouped = per_colour.groupby(["date", "lane"], sort=True).agg(
            events=("events", "sum"), killed=("killed", "sum"), colour=("colour", "first"),
            colours=("colour", list), counts=("events", list)).reset_index().head(limit)
        rows = cast(list[dict[str, Any]], grouped.to_dict("records"))
        for row in rows:
            row["breakdown"] = list(zip(row.pop("colours"), row.pop("counts"), strict=True))
        names = sorted({r["lane"] for r in rows} - {other})
        return Timeline(rows=rows, total=len(sub), truncated=len(rows) >= limit, bucket=bucket,
                        start=start, end=end, lanes=names + ([other] if other else []))

    def timeline(self, state: FilterState, limit: int, point_limit: int,
                 lane_limit: int) -> Any:
        from dashboard.queries import Timeline, fold_lanes

        sub = self.df[self.mask(state)]
        total = len(sub)
        if total <= point_limit:
            sub = sub.sort_values(["date", "event_id"]).head(limit)
            sub = sub.assign(killed=sub["killed"].astype(object).where(sub["killed"].notna(), None))
            rows = cast(list[dict[str, Any]], sub.assign(lane=self._lane(sub, state))[[
                "event_id", "outlet", "lane", "outlet_name", "date", "date_end",
                "date_precision", "date_text", "event_type", "sub_event_type", "sentence",
                "claimed_by", "killed", "figures"]].to_dict("records"))
            return Timeline(rows=rows, total=total, truncated=total > len(rows),
                            start=state.start, end=state.end,
                            lanes=fold_lanes(rows, self.settings.lane_limit, state.lanes))
        return self._bucketed(sub, state, limit, lanes=True)

    def stacked(self, state: FilterState, limit: int, lane_limit: int) -> Any:
        from dashboard.queries import Timeline

        sub = self.df[self.mask(state)]
        return self._bucketed(sub, state, limit, lanes=False) if len(sub) else Timeline()

    def map_places(self, state: FilterState, limit: int = 20_000) -> list[dict[str, Any]]:
        df = self.df
        sub = df[self.mask(state) & df["lat"].notna()].assign(
            lat4=lambda d: d["lat"].round(4), lon4=lambda d: d["lon"].round(4))
        keys = ["place", "lat4", "lon4"]
        grouped = sub.groupby(keys, dropna=False).agg(
            admin1=("admin1", "first"), country=("country", "first"),
            precision=("place_precision", "first"), events=("event_id", "size"),
            killed=("killed", "sum"), outlets=("outlet", "nunique"))
        for column, name in (("event_type", "event_type"), ("outlet_name", "outlet_name")):
            counts = sub.groupby([*keys, column], dropna=False).size()
            grouped[name] = counts.groupby(level=[0, 1, 2], dropna=False).idxmax().map(
                lambda k: k[-1])
        grouped = grouped.reset_index().sort_values(["events", "place"], ascending=[False, True])
        return list(grouped.head(limit).to_dict("records"))

    def count(self, state: FilterState) -> int:
        return int(self.mask(state).sum())

    def export_rows(self, state: FilterState, cap: int) -> Iterator[dict[str, Any]]:
        from ingest.models import EVENT_FIELDS, NESTED_FIELDS

        sub = self.df[self.mask(state)].sort_values(["date", "event_id"]).head(cap)
        fields = [f for f in EVENT_FIELDS if f in sub.columns]
        for record in sub[fields].to_dict("records"):
            for name in NESTED_FIELDS & record.keys():
                record[name] = json.loads(record[name])
            yield record


def _best_location(locations: list[dict[str, Any]]) -> dict[str, Any] | None:
    for wanted in ("place", "admin1", None):
        for x in locations:
            if x.get("lat") is not None and (wanted is None or x.get("precision") == wanted):
                return x
    return None


def _killed(value: str) -> float | None:
    tolls = [f.get("low") if f.get("low") is not None else f.get("high")
             for f in json.loads(value) if f.get("kind") == "killed"]
    tolls = [t for t in tolls if t is not None]
    return max(tolls) if tolls else None


def run_pandas(store_path: Path, samples: list[dict[str, Any]]) -> dict[str, Any]:
    """The child process timing the common way over the views the dashboard showed, each
    beside the dashboard's query layer for the same view, in turn: both then see the same
    load on the machine, so their ratio holds even when other work shares it."""
    from plotly.io.json import to_json_plotly

    from dashboard import figures
    from dashboard.queries import Queries
    from ingest import exports

    os.environ["COUNTERPOINT_EXPORT_CAP"] = str(EXPORT_CAP)
    out: dict[str, Any] = {"memory": {"start": _memory()}}
    started = time.perf_counter()
    pandas = PandasQueries(Store(store_path))
    out["load_s"] = time.perf_counter() - started
    out["memory"]["after_load"] = _memory()
    queries = Queries(Store(store_path))
    queries.count(FilterState())  # builds the facts table
    allowed = sorted(set(pandas.df["outlet"]) - {""})
    types = sorted(set(pandas.df["event_type"]))
    results = []
    for index, sample in enumerate(samples):
        state = filters.from_query(sample["search"], allowed, types)
        timings: dict[str, float] = {}
        outcome: dict[str, Any] = {}
        # Alternate which goes first, so neither always finds the caches warmer.
        order = ("duckdb", "pandas") if index % 2 == 0 else ("pandas", "duckdb")
        for side in order:
            began = time.perf_counter()
            outcome[side] = _query_call(queries if side == "duckdb" else pandas, state,
                                        sample["query"])
            timings[side] = time.perf_counter() - began
        # The rest of a view, the same on both sides: the figure serialised as Dash does, or
        # the CSV writer (the map has no figure here: its figure code is the map page's).
        rest: dict[str, float] = {}
        for side in order:
            result = outcome[side][2]
            began = time.perf_counter()
            if sample["query"] == "stacked":
                to_json_plotly(figures.stacked_figure(result))
            elif sample["query"] == "timeline":
                to_json_plotly(figures.timeline_figure(result, result.lanes, state.colour,
                                                       state.size))
            elif sample["query"] == "export":
                for _ in exports.stream_text("events", result, "csv"):
                    pass
            rest[side] = time.perf_counter() - began
        results.append({"data_s": timings["pandas"], "rest_s": rest["pandas"],
                        "duckdb_s": timings["duckdb"], "duckdb_rest_s": rest["duckdb"],
                        "events": outcome["pandas"][0], "duckdb_events": outcome["duckdb"][0],
                        "rows": outcome["pandas"][1]})
    out["results"] = results
    out["memory"]["end"] = _memory()
    return out


# -- the report -----------------------------------------------------------------------------
def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ms(value: float) -> str:
    return f"{value * 1000:,.0f}" if value >= 0.0095 else f"{value * 1000:.1f}"


def report(params: Params, build_s: float | None, dash: dict[str, Any],
           pandas: dict[str, Any] | None) -> str:
    samples = dash["samples"]
    # The pandas side ran the first round's views once; later rounds repeat the same views.
    results = pandas["results"] if pandas else [None] * len(samples)
    pairs = list(zip(samples, results * (len(samples) // len(results)), strict=True))
    kinds = list(dict.fromkeys(s["kind"] for s in samples))
    lines = [
        f"Store: {params.events:,} events, {params.years} years, {params.outlets} outlets, "
        f"{params.batches} batches; "
        + (f"built in {build_s:.0f} s." if build_s is not None else "reused."),
        "",
        "Milliseconds. *Change*: every request a filter change makes, through Flask's test "
        "client (sidebar sync, timeline or map callback, links). *Query*: the `Queries` call "
        "behind the view alone. *pandas*: the same view from a DataFrame. *Speed-up*: pandas "
        "time over DuckDB time for the same view, the two timed in turn in one process "
        "(median over the views); *view* adds, on both sides, building and serialising the "
        "same figure (or writing the same CSV).",
        "",
        "| kind | n | change p50 | change p95 | change max | query p50 | query p95 "
        "| pandas p50 | speed-up, query | speed-up, view |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, chosen: list[tuple[dict[str, Any], Any]]) -> str:
        totals = [s["total_s"] for s, _ in chosen]
        queries = [s["query_s"] for s, _ in chosen]
        cells = [name, str(len(chosen)), _ms(_pct(totals, 0.5)), _ms(_pct(totals, 0.95)),
                 _ms(max(totals)), _ms(_pct(queries, 0.5)), _ms(_pct(queries, 0.95))]
        if pandas:
            data = [p["data_s"] for _, p in chosen]
            views = [p["data_s"] + p["rest_s"] for _, p in chosen]
            speed = [p["data_s"] / max(p["duckdb_s"], 1e-6) for _, p in chosen]
            whole = [v / max(p["duckdb_s"] + p["duckdb_rest_s"], 1e-6)
                     for v, (_, p) in zip(views, chosen, strict=True)]
            cells += [_ms(_pct(data, 0.5)), f"{statistics.median(speed):.0f}x",
                      f"{statistics.median(whole):.1f}x"]
        else:
            cells += ["–", "–", "–"]
        return "| " + " | ".join(cells) + " |"

    for kind in kinds:
        lines.append(row(kind, [(s, p) for s, p in pairs if s["kind"] == kind]))
    # The goal is per filter change: downloading an export is a step of the sequence, but
    # not one (it is reported above and below).
    changes = [(s, p) for s, p in pairs if s["kind"] not in NOT_FILTER_CHANGES]
    lines.append(row("**filter changes**", changes))
    lines.append(row("**all steps**", pairs))
    totals = [s["total_s"] for s, _ in changes]
    queries = [s["query_s"] for s, _ in changes]
    every = [s["total_s"] for s in samples]
    p95, query_p95 = _pct(totals, 0.95), _pct(queries, 0.95)
    memory = dash["memory"]
    peak = max(m.get("VmHWM", 0.0) for m in memory.values())
    cold, warm = dash["first_paint_cold"], dash["first_paint_warm"]
    timed = [s for s in samples if s["query"] == "timeline" and "timeline" in s["times"]]
    query_share = (sum(s["query_s"] for s in timed)
                   / max(sum(s["times"]["timeline"] for s in timed), 1e-9))
    lines += [
        "",
        f"* The {len(totals)} filter changes (sidebar, zoom, shared links, views, map): p50 "
        f"{_ms(_pct(totals, 0.5))} ms, p95 {_ms(p95)} ms, max {_ms(max(totals))} ms (goal "
        f"p95 <= {GOAL_P95_MS:.0f} ms: {'met' if p95 * 1000 <= GOAL_P95_MS else 'missed'}); "
        f"the query layer alone: p50 {_ms(_pct(queries, 0.5))} ms, p95 {_ms(query_p95)} ms. "
        f"All {len(every)} steps, the CSV downloads included: p95 "
        f"{_ms(_pct(every, 0.95))} ms, max {_ms(max(every))} ms.",
        f"* Of the timeline callbacks' time the query layer took {100 * query_share:.0f}%; the "
        f"rest is building the Plotly figure and serialising it. Largest callback response: "
        f"{max(s['bytes'] for s in samples) / 1024:,.0f} KiB.",
    ]
    if pandas:
        first = pandas["results"]  # paired timings: each view once
        data_sum = sum(p["data_s"] for p in first)
        query_sum = sum(p["duckdb_s"] for p in first)
        view_sum = sum(p["data_s"] + p["rest_s"] for p in first)
        duck_view_sum = sum(p["duckdb_s"] + p["duckdb_rest_s"] for p in first)
        mismatches = sum(1 for s, p in pairs if s["events"] != p["events"]
                         or p["duckdb_events"] != p["events"])
        speed = data_sum / query_sum
        lines.append(
            f"* Against pandas, each view timed in turn in one process, summed over the "
            f"{len(first)} views: the query layer {speed:.1f}x faster "
            f"({query_sum:.1f} s against {data_sum:.1f} s; goal >= {GOAL_SPEEDUP:.0f}x: "
            f"{'met' if speed >= GOAL_SPEEDUP else 'missed'}); whole views (data, then the "
            f"same figure serialised, or the same CSV) {view_sum / duck_view_sum:.1f}x "
            f"({duck_view_sum:.1f} s against {view_sum:.1f} s). Views whose event counts "
            f"differ between the two: "
            f"{mismatches}. pandas took {pandas['load_s']:.0f} s to load the events and decode "
            f"their JSON, and held {pandas['memory']['after_load']['VmRSS']:,.0f} MiB after "
            f"loading ({pandas['memory']['after_load']['VmHWM']:,.0f} MiB at the peak of "
            f"loading).")
    lines += [
        f"* Server memory (the dashboard's process alone): "
        f"{memory['after_first_paint']['VmRSS']:,.0f} MiB after the first page, "
        f"{memory['end']['VmRSS']:,.0f} MiB at the end, peak (VmHWM) {peak:,.0f} MiB (goal <= "
        f"{GOAL_RSS_MB:,.0f} MiB: {'met' if peak <= GOAL_RSS_MB else 'missed'}); DuckDB's "
        f"share {dash['duckdb_mb']:,.0f} MiB.",
        f"* First paint after start (the page, its layout and its first callbacks; the facts "
        f"table is built from the Parquet files on the way): {cold['total']:.1f} s, of which "
        f"the layout {cold['layout']:.1f} s and the first timeline callback "
        f"{_ms(cold['timeline'])} ms; a later page load {_ms(warm['total'])} ms.",
        *_months_line(dash),
        f"* Real HTTP (werkzeug over a socket), the timeline callback for 5 views: "
        f"{', '.join(_ms(t) for t in dash['http'])} ms.",
        f"* Machine: {os.cpu_count()} cores; load average (1, 5, 15 min) at the end of the "
        f"dashboard's run {', '.join(f'{x:.1f}' for x in dash['load_average'])} (the machine "
        f"was shared).",
    ]
    return "\n".join(lines)


def _months_line(dash: dict[str, Any]) -> list[str]:
    """On disk, what the month partitions saved: the files the views with a date read."""
    facts = dash.get("facts") or {}
    if facts.get("mode") != "disk":
        return []
    ranged = [s for s in dash["samples"] if s["round"] == 0
              and 0 < s["months_read"] < facts["months"]]
    return [f"* Facts on disk, one Parquet file per month ({facts['months']} files): each "
            "view with a date range read only its months ("
            + "; ".join(f"{s['label']}: {s['months_read']}" for s in ranged)
            + "); views with none read them all."]


def steps_table(dash: dict[str, Any], pandas: dict[str, Any] | None) -> str:
    """Each step of the first round: what it selected, what the browser got, and times."""
    lines = ["| step | kind | events | rows or aggregates sent | change ms | query ms "
             "| pandas ms |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    first = [s for s in dash["samples"] if s["round"] == 0]
    results = pandas["results"] if pandas else [None] * len(first)
    for s, p in zip(first, results, strict=True):
        lines.append(f"| {s['label']} | {s['kind']} | {s['events']:,} | {s['rows']:,} | "
                     f"{_ms(s['total_s'])} | {_ms(s['query_s'])} | "
                     f"{_ms(p['data_s']) if p else '–'} |")
    return "\n".join(lines)


def write_docs(text: str, size: str = "") -> None:
    """Replace the generated part of this benchmark's section (one per store size),
    leaving the rest alone."""
    begin, end = (BEGIN.replace(":", f"{size}:"), END.replace(":", f"{size}:"))
    # Prose wrapped at 100 columns like the rest of the docs; table rows left whole.
    lines = [textwrap.fill(line, 100, break_on_hyphens=False, subsequent_indent="  "
                           if line.startswith("* ") else "")
             if line and not line.startswith("|") else line for line in text.splitlines()]
    block = begin + "\n" + "\n".join(lines) + "\n" + end
    current = DOCS.read_text(encoding="utf-8") if DOCS.is_file() else "# Performance\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        updated = head + block + rest.split(end, 1)[1]
    else:
        section = (f"\n{SECTION}\n\nMeasured with `.venv/bin/python bench/dashboard.py "
                   f"--write-docs`.\n\n{block}\n")
        updated = current.rstrip("\n") + "\n" + section
    DOCS.write_text(updated, encoding="utf-8")


def _child(mode: str, store: Path, rounds: int, stdin: str = "") -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", mode, "--store", str(store),
               "--rounds", str(rounds)]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{mode} worker failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=Params.events)
    parser.add_argument("--store", type=Path, default=None,
                        help="default: /tmp/counterpoint-bench-EVENTS")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the sequence")
    parser.add_argument("--batches", type=int, default=Params.batches)
    parser.add_argument("--skip-pandas", action="store_true",
                        help="no pandas baseline (it needs about 4 GiB per million events)")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--copies-of", type=Path, default=None,
                        help="build the store as copies of this benchmark store (ids made "
                             "unique); --events must be a multiple of its events")
    parser.add_argument("--build-only", action="store_true", help="build the store, time nothing")
    parser.add_argument("--worker", choices=("dashboard", "pandas"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    store = args.store or Path(f"/tmp/counterpoint-bench-{args.events}")
    if args.worker == "dashboard":
        print(json.dumps(run_dashboard(store, args.rounds), default=str))
        return
    if args.worker == "pandas":
        print(json.dumps(run_pandas(store, json.loads(sys.stdin.read())), default=str))
        return
    params = Params(events=args.events, batches=args.batches)
    print(f"store {store}: building or reusing", flush=True)
    if args.copies_of:
        source_events = int(json.loads((args.copies_of / "bench.json").read_text())["events"])
        if args.events % source_events:
            sys.exit(f"--events {args.events} is not a multiple of {source_events}")
        params = Params(events=args.events,
                        batches=args.batches * args.events // source_events)
        build_s = copy_store(args.copies_of, store, args.events // source_events)
    else:
        build_s = build_store(store, params)
    if args.build_only:
        print("reused" if build_s is None else f"built in {build_s:.0f} s")
        return
    print("timing the dashboard (DuckDB) ...", flush=True)
    dash = _child("dashboard", store, args.rounds)
    pandas = None
    if not args.skip_pandas:
        print("timing the common way (pandas) ...", flush=True)
        first = [s for s in dash["samples"] if s["round"] == 0]
        pandas = _child("pandas", store, 1, json.dumps(first))
    text = report(params, build_s, dash, pandas)
    print()
    print(text)
    print()
    steps = steps_table(dash, pandas)
    print(steps)
    if args.write_docs:
        write_docs(f"{text}\n\nEach step of the first round:\n\n{steps}",
                   "" if args.events == Params.events else f" {args.events}")
        print(f"\nwrote {DOCS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
