"""Filter state: URL round trips, untrusted input, and the SQL filter against an independent
computation over the store's records."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS

from dashboard import figures, filters
from dashboard.filters import FilterState
from dashboard.queries import Queries, choose_bucket
from dashboard.settings import SettingError, Settings
from ingest import Store, ingest

OUTLETS = ["reuters", "tass", "sana"]
TYPES = ["Battles", "Explosions/Remote violence"]


@pytest.mark.parametrize("state", [
    FilterState(),
    FilterState(outlets=("tass",)),
    FilterState(outlets=()),
    FilterState(outlets=("reuters", "sana"), start=date(2017, 4, 1), end=date(2017, 4, 30),
                event_types=("Battles",), actor="Islamic State", place="Idlib",
                text="sarin & chlorine", min_killed=10, shared_only=True, lanes="country",
                view="stacked", size="killed", colour="outlet"),
])
def test_url_round_trip(state: FilterState) -> None:
    query = filters.to_query(state)
    assert filters.from_query(query, OUTLETS, TYPES) == state
    assert (query == "") == (state == FilterState())


def test_untrusted_values_are_dropped_or_bounded() -> None:
    state = filters.from_query(
        "?outlet=<script>&outlet=tass&type=Nope&from=2017-13-01&to=yesterday"
        f"&min_killed=-5&q={'x' * 500}&lanes=evil&view=stacked&shared=yes", OUTLETS, TYPES)
    assert state.outlets == ("tass",)
    assert state.event_types == () and state.start is None and state.end is None
    assert state.min_killed is None and len(state.text) == filters.MAX_TEXT
    assert state.lanes == "outlet" and state.view == "stacked" and not state.shared_only
    assert filters.from_query("?min_killed=99999999999", OUTLETS, TYPES).min_killed == \
        filters.MAX_KILLED
    assert filters.from_query(None, OUTLETS, TYPES) == FilterState()


def test_controls_with_every_outlet_ticked_mean_no_outlet_filter() -> None:
    values = ["2017-04-01", None, ["Battles", "x"], "IS", None, "", "12", ["shared"],
              "kind", "lanes", "count", "type"]
    state = filters.from_controls(OUTLETS, values, OUTLETS, TYPES)
    assert state.outlets is None and state.event_types == ("Battles",)
    assert state.min_killed == 12 and state.shared_only and state.lanes == "kind"
    assert filters.from_controls(["tass"], [], OUTLETS, TYPES).outlets == ("tass",)


def test_zoom_and_click_payloads() -> None:
    assert filters.visible_range({"xaxis.range[0]": "2017-04-09 12:00",
                                  "xaxis.range[1]": "2017-04-01"}) == \
        (date(2017, 4, 1), date(2017, 4, 9))
    assert filters.visible_range({"xaxis.range": ["2020-01-01", "2020-02-01"]}) == \
        (date(2020, 1, 1), date(2020, 2, 1))
    assert filters.visible_range({"xaxis.autorange": True}) is False
    assert filters.visible_range({"yaxis.range[0]": 1}) is None
    assert filters.visible_range("junk") is None
    assert filters.clicked_event({"points": [{"customdata": ["e0123"]}]}) == "e0123"
    assert filters.clicked_event({"points": [{"customdata": ["<script>"]}]}) is None
    assert filters.clicked_event({"points": []}) is None


def test_bucket_follows_the_visible_span() -> None:
    assert choose_bucket(date(2020, 1, 1), date(2020, 3, 1)) == "day"
    assert choose_bucket(date(2018, 1, 1), date(2020, 1, 1)) == "week"
    assert choose_bucket(date(2010, 1, 1), date(2020, 1, 1)) == "month"
    assert choose_bucket(date(1900, 1, 1), date(2020, 1, 1)) == "year"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTERPOINT_EXPORT_CAP", "7")
    assert Settings.from_environment().export_cap == 7
    monkeypatch.setenv("COUNTERPOINT_LANE_LIMIT", "12")
    assert Settings.from_environment().lane_limit == 12
    monkeypatch.setenv("COUNTERPOINT_FACTS", "disk")
    assert Settings.from_environment().facts == "disk"
    monkeypatch.setenv("COUNTERPOINT_FACTS", "cloud")
    with pytest.raises(SettingError, match="COUNTERPOINT_FACTS"):
        Settings.from_environment()
    monkeypatch.delenv("COUNTERPOINT_FACTS")
    monkeypatch.setenv("COUNTERPOINT_POINT_LIMIT", "many")
    with pytest.raises(SettingError, match="COUNTERPOINT_POINT_LIMIT"):
        Settings.from_environment()


def _killed(event: dict[str, Any]) -> int | None:
    values = [f["low"] if f["low"] is not None else f["high"] for f in event["figures"]
              if f["kind"] == "killed"]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _expected(store: Store, state: FilterState) -> set[str]:
    """The events a state selects, computed in Python from the decoded records."""
    incidents = {i["incident_id"]: len(i["outlets"]) for i in store.records("incidents")}
    chosen = set()
    for e in store.records("events"):
        if not e["date"]:
            continue
        places = {v.lower() for loc in e["locations"] for v in (loc["name"], loc["admin1"])
                  if v}
        checks = [
            state.outlets is None or e["outlet"] in state.outlets,
            state.start is None or (e["date_end"] or e["date"]) >= state.start.isoformat(),
            state.end is None or e["date"] <= state.end.isoformat(),
            not state.event_types or (e["event_type"] or "Other") in state.event_types,
            not state.actor or state.actor.lower() in {a["name"].lower() for a in e["actors"]},
            not state.place or state.place.lower() in places,
            not state.text or state.text.lower() in e["sentence"].lower(),
            not state.min_killed or (_killed(e) or -1) >= state.min_killed,
            not state.shared_only or incidents.get(e["incident_id"] or "", 0) >= 2,
        ]
        if all(checks):
            chosen.add(e["event_id"])
    return chosen


@pytest.mark.parametrize("state", [
    FilterState(),
    FilterState(outlets=("reuters", "tass")),
    FilterState(start=date(2017, 4, 1), end=date(2017, 4, 10)),
    FilterState(event_types=("Battles",)),
    FilterState(actor="islamic state"),
    FilterState(place="Idlib"),
    FilterState(text="missile"),
    FilterState(text="100%_"),
    FilterState(min_killed=20),
    FilterState(shared_only=True, event_types=("Explosions/Remote violence",)),
])
def test_sql_filter_matches_an_independent_computation(demo_store: Store,
                                                       state: FilterState) -> None:
    queries = Queries(demo_store, Settings())
    expected = _expected(demo_store, state)
    got = {r["event_id"] for r in queries.export_rows(state, cap=10_000)}
    assert got == expected
    assert queries.count(state) == len(expected)
    result = queries.timeline(state)
    assert result.total == len(expected) and result.bucket is None


def test_timeline_aggregates_above_the_point_limit(demo_store: Store) -> None:
    queries = Queries(demo_store, Settings())
    result = queries.timeline(FilterState(), point_limit=20)
    assert result.bucket in ("week", "month") and result.total > 20
    assert sum(r["events"] for r in result.rows) == result.total
    lanes = {r["lane"] for r in result.rows}
    assert lanes <= {o["outlet_name"] for o in queries.outlets()}
    by_country = queries.timeline(FilterState(lanes="country"), point_limit=20)
    assert {r["lane"] for r in by_country.rows} <= {o["country"] or "unknown"
                                                     for o in queries.outlets()} | {"unknown"}
    stacked = queries.stacked(FilterState())
    assert sum(r["events"] for r in stacked.rows) == result.total


def test_compare_picker_takes_in_an_incident_a_link_names(demo_store: Store) -> None:
    from dashboard.pages import compare

    class FewIncidents(Queries):
        def incidents(self, limit: int = 2000) -> list[dict[str, Any]]:
            return []  # as if the named incident were beyond the picker's list

    queries = FewIncidents(demo_store, Settings())
    target = demo_store.records("incidents")[0]["incident_id"]
    picker = compare.layout(queries, f"?incident={target}").children[2]
    assert picker.value == target and [o["value"] for o in picker.options] == [target]
    assert compare.layout(queries, "?incident=i0000000000000000").children[2].value is None
    assert filters.incident_param("?incident=<script>") is None


def test_past_the_lane_limit_the_smaller_outlets_share_one_lane(demo_store: Store) -> None:
    queries = Queries(demo_store, Settings())
    every = queries.timeline(FilterState(), point_limit=10_000, lane_limit=1_000)
    sizes: dict[str, int] = {}
    for row in every.rows:
        sizes[row["lane"]] = sizes.get(row["lane"], 0) + 1
    assert len(sizes) > 4 and not any("other" in lane for lane in every.lanes)
    for point_limit in (10_000, 20):  # events one by one, then counts per bucket
        result = queries.timeline(FilterState(), point_limit=point_limit, lane_limit=3)
        assert result.lanes[-1] == f"{len(sizes) - 3} other outlets"
        assert {r["lane"] for r in result.rows} == set(result.lanes)
        # The lanes kept are outlets with the most events: none folded has more.
        kept = result.lanes[:-1]
        assert len(kept) == 3 and min(sizes[k] for k in kept) >= max(
            n for lane, n in sizes.items() if lane not in kept)
        assert sum(int(r.get("events", 1)) for r in result.rows) == result.total
    # A bucket's colours add up to its count, largest first; its colour is the largest's.
    whole = queries.timeline(FilterState(), point_limit=20, lane_limit=1_000)
    assert set(whole.lanes) == set(sizes)
    for row in whole.rows:
        counts = [n for _, n in row["breakdown"]]
        assert sum(counts) == row["events"] and counts == sorted(counts, reverse=True)
        assert row["colour"] == row["breakdown"][0][0]
    stacked = queries.stacked(FilterState(colour="outlet"), lane_limit=3)
    assert len({r["colour"] for r in stacked.rows}) == 4
    assert sum(r["events"] for r in stacked.rows) == whole.total


def test_figures_are_valid_plotly(demo_store: Store) -> None:
    """The figures are built as plain data for speed; Plotly's own validation accepts them."""
    import plotly.graph_objects as go

    queries = Queries(demo_store, Settings())
    for state, point_limit in ((FilterState(), 10_000), (FilterState(size="killed"), 20),
                               (FilterState(colour="outlet", lanes="country"), 20)):
        result = queries.timeline(state, point_limit=point_limit)
        figure = go.Figure(figures.timeline_figure(result, result.lanes, state.colour,
                                                   state.size))
        assert sum(len(t.x) for t in figure.data if t.mode == "markers") == len(result.rows)
    stacked = go.Figure(figures.stacked_figure(queries.stacked(FilterState())))
    assert stacked.layout.barmode == "stack" and stacked.data
    empty = queries.timeline(FilterState(text="no sentence says this"))
    assert go.Figure(figures.timeline_figure(empty, empty.lanes)).layout.annotations


def test_new_batches_and_groupings_reach_an_open_query_layer(tmp_path: Path) -> None:
    """The facts table grows batch by batch, and the shared-only filter follows each new
    incident snapshot; both checked against the records themselves."""
    store = Store(tmp_path / "store")
    folders = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    ingest(folders[:2], store, workers=1)
    queries = Queries(store, Settings())
    shared = FilterState(shared_only=True)
    assert queries.count(FilterState()) == len(_expected(store, FilterState()))
    assert queries.count(shared) == len(_expected(store, shared))
    ingest(folders[2:], store, workers=1)
    assert queries.count(FilterState()) == len(_expected(store, FilterState()))
    assert queries.count(shared) == len(_expected(store, shared)) > 0
    places, total = queries.map_view(FilterState())
    assert total == len(_expected(store, FilterState()))
    assert sum(int(p["events"]) for p in places) <= total


def test_facts_on_disk_by_month_answer_as_in_memory(demo_store: Store, tmp_path: Path) -> None:
    """Above COUNTERPOINT_MEMORY_EVENTS the facts live on disk, one Parquet file per month:
    the same answers, and a view with a date range reads only its months."""
    import shutil

    store = Store(tmp_path / "store")
    shutil.copytree(demo_store.path, store.path)
    memory = Queries(store, Settings(facts="memory"))
    disk = Queries(store, Settings(memory_events=10))  # auto: this store counts as large
    april = FilterState(start=date(2017, 4, 1), end=date(2017, 4, 30))
    for state in (FilterState(), april, FilterState(shared_only=True, place="Idlib"),
                  FilterState(text="missile", outlets=("reuters", "tass"))):
        assert disk.count(state) == memory.count(state)
        assert disk.timeline(state).total == memory.timeline(state).total
        assert disk.timeline(state, point_limit=5).rows == memory.timeline(
            state, point_limit=5).rows
        assert disk.map_view(state) == memory.map_view(state)
        assert [r["event_id"] for r in disk.export_rows(state, 50)] == [
            r["event_id"] for r in memory.export_rows(state, 50)]
    assert disk._disk is not None and memory._disk is None
    months = len(disk._disk.months)
    disk.count(april)
    assert disk.months_read == 1 < months
    folder = store.path / "cache" / "facts"
    assert len(list(folder.glob("month=*/*.parquet"))) == months


def test_month_files_take_in_new_batches_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    folders = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    ingest(folders[:2], store, workers=1)
    queries = Queries(store, Settings(facts="disk"))
    assert queries.count(FilterState()) == len(_expected(store, FilterState()))
    folder = store.path / "cache" / "facts"
    stray = folder / "month=2017-04-01" / "left-by-a-crash.parquet"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"not parquet")  # not in the manifest: never read, then removed
    ingest(folders[2:], store, workers=1)
    assert queries.count(FilterState()) == len(_expected(store, FilterState()))
    assert not stray.exists()
    # A second dashboard on the same store finds the months written, and adds nothing.
    again = Queries(store, Settings(facts="disk"))
    assert again.count(FilterState()) == queries.count(FilterState())
    shared = FilterState(shared_only=True)
    assert again.count(shared) == len(_expected(store, shared))
