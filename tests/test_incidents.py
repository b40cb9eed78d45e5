"""Incidents: accounts of one event grouped across outlets; order-independent; correctable."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, COUNTERPOINT, FIXTURES, REPO

from ingest import Store, ingest

ACCOUNTS = FIXTURES / "incident"


def incidents(store: Store) -> list[dict[str, Any]]:
    return store.records("incidents")


def test_three_accounts_one_incident_and_their_tolls(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    ingest([ACCOUNTS], store)
    found = incidents(store)
    assert len(found) == 1
    (incident,) = found
    assert incident["outlets"] == ["reuters", "tass", "ukrinform"]
    killed = next(d for d in incident["disagreements"] if d["field"] == "killed")
    assert killed["values"] == {"reuters": [50, 50], "tass": [30, 30], "ukrinform": [52, 52]}
    assert incident["figures"]["killed"] == {"low": 30, "high": 52}
    blamed = next(d for d in incident["disagreements"] if d["field"] == "responsibility")
    assert blamed["values"]["tass"] != blamed["values"]["reuters"]
    # The Kharkiv shelling the same day, in another province, stays apart.
    other = {a["article_id"] for a in store.records("articles") if "other" in a["source"]}
    members = set(incident["event_ids"])
    assert not any(e["article_id"] in other for e in store.records("events")
                   if e["event_id"] in members)
    # Events carry their incident.
    tagged = {e["event_id"] for e in store.records("events") if e["incident_id"]}
    assert tagged == members


def _grouping(store: Store) -> set[frozenset[str]]:
    return {frozenset(i["event_ids"]) for i in incidents(store)}


def test_grouping_does_not_depend_on_ingest_order(tmp_path: Path) -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    forward, backward = Store(tmp_path / "f"), Store(tmp_path / "b")
    ingest([CORPUS], forward, workers=2)
    for path in reversed(files):  # one file per ingest: incremental, the other way round
        ingest([path], backward)
    assert _grouping(forward) == _grouping(backward)
    assert {i["incident_id"] for i in incidents(forward)} == \
        {i["incident_id"] for i in incidents(backward)}
    assert len(_grouping(forward)) >= 8


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COUNTERPOINT, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_merge_split_and_undo_survive_reingest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(ACCOUNTS, folder)
    store = Store(tmp_path / "s")
    ingest([folder / "reuters.txt", folder / "tass.txt", folder / "ukrinform.txt"], store)
    (incident,) = incidents(store)
    # Split the TASS account off.
    tass = sorted(e["event_id"] for e in store.records("events") if e["outlet"] == "tass"
                  and e["incident_id"] == incident["incident_id"])
    result = _cli("incidents", "split", incident["incident_id"], *tass, "--store",
                  str(store.path))
    assert result.returncode == 0, result.stderr
    assert len(json.loads((store.path / "decisions.jsonl").read_text().splitlines()[0])
               ["events"]) == len(tass)
    after_split = _grouping(store)
    assert frozenset(tass) in after_split and not any(
        set(tass) < g for g in after_split)
    # A later ingest (a new article) honours the split.
    ingest([folder / "other.txt"], store)
    assert frozenset(tass) in _grouping(store)
    # Merge them back, then undo the merge: the split stands again.
    ids = [i["incident_id"] for i in incidents(store) if i["outlets"] != ["associated-press"]]
    assert _cli("incidents", "merge", *ids, "--store", str(store.path)).returncode == 0
    assert len([i for i in incidents(store) if "tass" in i["outlets"]]) == 1
    assert any(len(set(i["outlets"]) & {"tass", "reuters"}) == 2 for i in incidents(store))
    assert _cli("incidents", "undo", "--store", str(store.path)).returncode == 0
    assert frozenset(tass) in _grouping(store)


@pytest.mark.parametrize("args,message", [
    (["merge", "nope", "other"], "unknown incident"),
    (["undo"], "nothing to undo"),
])
def test_bad_corrections_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    store = Store(tmp_path / "s")
    ingest([ACCOUNTS], store)
    result = _cli("incidents", *args, "--store", str(store.path))
    assert result.returncode == 2 and message in result.stderr


def _account(event_id: str, place: str, lat: float, lon: float) -> dict[str, Any]:
    return {"event_id": event_id, "date": "2022-03-16", "date_end": "2022-03-16",
            "date_precision": "day", "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike", "actors": [], "figures": [],
            "locations": [{"name": place, "admin1": "Donetsk Oblast", "country": "UA",
                           "lat": lat, "lon": lon, "precision": "place"}]}


def test_a_building_and_the_town_it_stands_in_are_one_scene() -> None:
    from ingest.incidents import compatible

    town = _account("e1", "Mariupol", 47.0951, 37.5413)
    theatre = _account("e2", "Mariupol Drama Theatre", 47.0958, 37.5494)
    volnovakha = _account("e3", "Volnovakha", 47.6011, 37.4967)  # 56 km away
    assert compatible(town, theatre)
    assert not compatible(theatre, volnovakha)


def test_a_blast_and_a_strike_are_one_incident_only_at_one_scene() -> None:
    """The side that denies a strike tells of a blast ("Azov blew up the theatre")."""
    from ingest.incidents import compatible

    strike = _account("e1", "Mariupol Drama Theatre", 47.0958, 37.5494)
    blast = {**_account("e2", "Mariupol Drama Theatre", 47.0958, 37.5494),
             "sub_event_type": "Remote explosive/landmine/IED"}
    elsewhere = {**_account("e3", "Volnovakha", 47.6011, 37.4967),
                 "sub_event_type": "Remote explosive/landmine/IED", "locations": [
                     {"name": "Donetsk Oblast", "admin1": "Donetsk Oblast", "country": "UA",
                      "lat": 48.0, "lon": 37.8, "precision": "admin1"}]}
    assert compatible(strike, blast)
    # A bombing told only by its province is no account of a strike on the theatre.
    assert not compatible(strike, elsewhere)
    assert compatible(strike, {**elsewhere, "sub_event_type": "Air/drone strike"})


def test_an_account_dated_to_a_month_joins_the_incident_at_its_town() -> None:
    from ingest.incidents import group

    town = [_account("e1", "Mariupol", 47.0951, 37.5413),
            _account("e2", "Mariupol Drama Theatre", 47.0958, 37.5494)]
    other = [{**_account(f"e{n}", "Volnovakha", 47.6011, 37.4967), "date": "2022-03-20",
              "date_end": "2022-03-20"} for n in (3, 4)]

    def in_march(event_id: str, place: str, lat: float, lon: float) -> dict[str, Any]:
        return {**_account(event_id, place, lat, lon), "date": "2022-03-01",
                "date_end": "2022-03-31", "date_precision": "month"}

    late = in_march("e5", "Mariupol", 47.0951, 37.5413)  # "in March, the theatre in Mariupol"
    elsewhere = in_march("e6", "Kramatorsk", 48.7305, 37.5567)
    both = {**in_march("e7", "Mariupol", 47.0951, 37.5413),
            "locations": town[0]["locations"] + other[0]["locations"]}
    groups = group([*town, *other, late, elsewhere, both])
    # e7 names both towns: it joins one incident, the one at the town it names first (though
    # Volnovakha has more accounts), and does not make the two one.
    assert groups == [["e1", "e2", "e5", "e7"], ["e3", "e4"]]
    turned = {**both, "locations": other[0]["locations"] + town[0]["locations"]}
    assert group([*town, *other, late, elsewhere, turned]) == [["e1", "e2", "e5"],
                                                                ["e3", "e4", "e7"]]
    # Nor do two accounts dated to a month make an incident of their own.
    assert group([late, {**late, "event_id": "e8"}]) == []


def test_a_yearless_account_joins_the_incident_on_its_day_in_that_year() -> None:
    from ingest.incidents import group

    town = [_account("e1", "Mariupol", 47.0951, 37.5413),
            _account("e2", "Mariupol Drama Theatre", 47.0958, 37.5494)]

    def yearless(event_id: str, place: str, month_day: str) -> dict[str, Any]:
        # "On March 16th" in a page with no publication date: no year could be given.
        return {**_account(event_id, place, 47.0951, 37.5413), "date": None,
                "date_end": None, "date_precision": None, "date_month_day": month_day}

    same = yearless("e3", "Mariupol", "--03-16")
    other_day = yearless("e4", "Mariupol", "--05-16")
    other_town = yearless("e5", "Kramatorsk", "--03-16")
    assert group([*town, same, other_day, other_town]) == [["e1", "e2", "e3"]]
    # Year-less accounts link nothing among themselves.
    assert group([same, {**same, "event_id": "e6"}]) == []


def test_an_undated_page_joins_the_incident_whichever_is_ingested_first(tmp_path: Path
                                                                        ) -> None:
    dated = tmp_path / "dated"
    dated.mkdir()
    for outlet, text in (("reuters", "KYIV (Reuters) - Russian missiles struck the drama theatre "
                          "in Mariupol on March 16, 2022, killing at least 300 people."),
                         ("ap", "KYIV (AP) — A Russian air strike hit the drama theatre in "
                          "Mariupol on March 16, 2022, with 300 people inside, officials said.")):
        (dated / f"{outlet}.txt").write_text(f"Theatre hit\n\n{text}\n", encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("Theatre hit\n\nOn March 16th, a missile strike hit the drama theatre "
                       "in Mariupol, killing 300 people, according to local officials.\n",
                       encoding="utf-8")
    first, last = Store(tmp_path / "a"), Store(tmp_path / "b")
    ingest([dated], first)
    ingest([undated], first)
    ingest([undated], last)
    ingest([dated], last)
    assert _grouping(first) == _grouping(last)
    (incident,) = incidents(first)
    assert len(incident["event_ids"]) == 3 and incident["date"] == "2022-03-16"
    dates = next(d for d in incident["disagreements"] if d["field"] == "date")
    assert "--03-16" in [v for values in dates["values"].values() for v in values]


def test_indexed_comparison_groups_as_comparing_every_pair(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Grouping compares an account only with those of its countries, towns and nearby grid
    cells; on random accounts that gives exactly what comparing every pair gives."""
    import random

    from ingest import incidents

    rng = random.Random(7)
    towns = [("Aleppo", "SY", 36.2021, 37.1343), ("Anadan", "SY", 36.2936, 37.0436),
             ("Idlib", "SY", 35.9306, 36.6339), ("Ariha", "SY", 35.8136, 36.6097),
             ("Mariupol", "UA", 47.0951, 37.5413), ("Mariupol Port", "UA", 47.0901, 37.5600)]
    kinds = [("Explosions/Remote violence", "Air/drone strike"),
             ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
             ("Battles", "Armed clash"), ("Violence against civilians", "Attack")]
    events = []
    for n in range(150):
        day = f"2016-04-{rng.randint(1, 20):02d}"
        name, country, lat, lon = rng.choice(towns)
        place = {"name": name, "admin1": name, "country": country, "lat": lat, "lon": lon,
                 "precision": "place"}
        if rng.random() < 0.3:  # placed only in its country
            place = {"name": country, "admin1": None, "country": country, "lat": lat,
                     "lon": lon, "precision": "country"}
        kind = rng.choice(kinds)
        events.append({"event_id": f"e{n:04d}", "date": day, "date_end": day,
                       "date_precision": "day", "event_type": kind[0],
                       "sub_event_type": kind[1], "locations": [place], "figures": [],
                       "actors": [{"name": rng.choice(["A", "B"]), "role": "actor1"}]})
    indexed = incidents.group(events)

    def every_pair(accounts: list[Any]) -> Any:
        for i, a in enumerate(accounts):
            for j in range(i + 1, len(accounts)):
                if accounts[j].start - 1 > a.end + 1:
                    break
                yield i, j

    monkeypatch.setattr(incidents, "_candidates", every_pair)
    assert incidents.group(events) == indexed
    assert len(indexed) > 10
