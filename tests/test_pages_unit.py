"""The Reader and Outlets pages without a browser: their pure functions, and the outlet
queries checked against an independent computation over the demo store's records."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest

from dashboard import figures
from dashboard.filters import FilterState
from dashboard.pages import compare, outlets, reader
from dashboard.queries import Queries, Timeline
from ingest import Store


def _text(component: Any) -> str:
    """The text a component tree shows, as a browser would concatenate it."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _find(component: Any, kind: str) -> list[Any]:
    """Every component of one type (Span, A, Link...) in a tree, in document order."""
    found: list[Any] = []
    if isinstance(component, list | tuple):
        for c in component:
            found.extend(_find(c, kind))
    elif hasattr(component, "children"):
        if type(component).__name__ == kind:
            found.append(component)
        found.extend(_find(component.children, kind))
    return found


def _killed(event: dict[str, Any]) -> int | None:
    values = [f["low"] if f["low"] is not None else f["high"] for f in event["figures"]
              if f["kind"] == "killed"]
    values = [v for v in values if v is not None]
    return max(values) if values else None


@pytest.fixture(scope="module")
def queries(demo_store: Store) -> Queries:
    return Queries(demo_store)


# -- the Reader's pure functions -----------------------------------------------------------
def test_requested_keeps_only_well_formed_ids() -> None:
    ok = reader.requested("?article=a0123456789abcdef&event=efedcba9876543210")
    assert ok == reader.Request(True, "a0123456789abcdef", "efedcba9876543210")
    assert reader.requested("?article=<script>&event=javascript:x") == \
        reader.Request(True, None, None)
    assert reader.requested("?article=e0123456789abcdef") == reader.Request(True, None, None)
    assert reader.requested("?incident=i0123456789abcdef") == reader.Request(False, None, None)
    assert reader.requested(None) == reader.Request(False, None, None)


def test_paragraph_spans_are_offsets_into_the_text() -> None:
    text = "One. Two.\n\nThree\n- four\n \n\nFive."
    spans = reader.paragraph_spans(text)
    assert [text[a:b] for a, b in spans] == ["One. Two.", "Three\n- four", "Five."]
    assert reader.paragraph_spans("") == []


def test_event_spans_trust_offsets_only_when_they_hold_the_sentence() -> None:
    text = "Rockets hit Aleppo on Monday. Ten died.\n\nLater, more."
    events = [
        {"event_id": "e1", "sentence": "Ten died.", "start": 30, "end": 39},
        {"event_id": "e2", "sentence": "Rockets hit Aleppo on Monday.", "start": 5, "end": 9},
        {"event_id": "e3", "sentence": "Not in the text.", "start": 0, "end": 16},
        {"event_id": "e4", "sentence": "Aleppo on Monday.", "start": 12, "end": 29},  # overlaps
    ]
    spans = reader.event_spans(text, events)
    assert [(a, b, e["event_id"]) for a, b, e in spans] == [(0, 29, "e2"), (30, 39, "e1")]


def test_article_text_marks_events_and_their_parts_and_keeps_every_character() -> None:
    text = "Intro line.\n\nOn Monday, rockets hit Aleppo, killing 10 people, SANA said. End."
    sentence = "On Monday, rockets hit Aleppo, killing 10 people, SANA said."
    start = text.index(sentence)
    event = {"event_id": "e1", "sentence": sentence, "start": start, "end": start + len(sentence),
             "date_text": "On Monday", "locations": [{"text": "Aleppo"}],
             "figures": [{"kind": "killed", "low": 10, "high": 10, "text": "10 people"}],
             "actors": [], "claimed_by": ["SANA"], "event_type": "Explosions/Remote violence",
             "date": "2017-04-03", "date_end": "2017-04-03"}
    paragraphs = reader.article_text(text, [event], chosen="e1")
    assert [_text(p) for p in paragraphs] == ["Intro line.", text.split("\n\n")[1]]
    spans = _find(paragraphs, "Span")
    assert len(spans) == 1 and spans[0].id == "event-e1"
    assert spans[0].className == "event-sentence chosen"
    assert "2017-04-03" in spans[0].title and "killed 10" in spans[0].title
    marks = {m.className: _text(m) for m in _find(paragraphs, "Mark")}
    assert marks == {"hl hl-date": "On Monday", "hl hl-place": "Aleppo",
                     "hl hl-figure": "10 people", "hl hl-source": "SANA"}
    unchosen = reader.article_text(text, [event], chosen=None)
    assert _find(unchosen, "Span")[0].className == "event-sentence"


def test_a_sentence_across_a_paragraph_break_is_marked_in_both_with_one_id() -> None:
    text = "First half\n\nsecond half. Rest."
    event = {"event_id": "e9", "sentence": "First half\n\nsecond half.", "start": 0, "end": 24}
    spans = _find(reader.article_text(text, [event], None), "Span")
    assert [_text(s) for s in spans] == ["First half", "second half."]
    assert [getattr(s, "id", None) for s in spans] == ["event-e9", None]


def test_metadata_links_only_http_urls() -> None:
    article = {"article_id": "a1", "outlet": "rt", "outlet_name": "RT", "author": None,
               "published": "2022-04-08", "published_basis": "url", "language": "en",
               "url": "javascript:alert(1)"}
    meta = reader.metadata(article)
    assert _find(meta, "A") == []
    assert "2022-04-08 (from the URL)" in _text(meta) and "RT (rt)" in _text(meta)
    links = _find(reader.metadata({**article, "url": "https://rt.com/x"}), "A")
    assert [a.href for a in links] == ["https://rt.com/x"]


def test_events_table_links_events_and_incidents() -> None:
    events = [{"event_id": "e1", "sentence": "x", "incident_id": "i7", "figures": [],
               "claimed_by": [], "date": None, "event_type": "Battles"},
              {"event_id": "e2", "sentence": "y" * 300, "incident_id": None, "figures": [],
               "claimed_by": ["UN"], "date": "2020-01-01", "date_end": "2020-01-31"}]
    table = reader.events_table("a1", events, chosen="e2")
    rows = _find(table, "Tr")[1:]
    assert [r.className for r in rows] == ["reader-event", "reader-event chosen"]
    hrefs = [link.href for link in _find(table, "Link")]
    assert hrefs == ["/reader?article=a1&event=e1", "/compare?incident=i7",
                     "/reader?article=a1&event=e2"]
    assert "2020-01-01 – 2020-01-31" in _text(rows[1]) and "undated" in _text(rows[0])
    assert len(_text(_find(rows[1], "Link")[0])) == 120


def test_reader_view_on_the_demo_store(queries: Queries, demo_store: Store) -> None:
    article = max(demo_store.records("articles"),
                  key=lambda a: (len(a["captions"]), a["article_id"]))
    assert article["captions"]
    events = demo_store.records("events", "article_id = ?", [article["article_id"]])
    view = reader.reader_view(queries, f"?article={article['article_id']}&event=e0")
    text = next(c for c in view if getattr(c, "id", None) == "reader-text")
    assert [_text(p) for p in text.children] == [
        article["text"][a:b] for a, b in reader.paragraph_spans(article["text"])]
    marked = [s for s in _find(text, "Span") if getattr(s, "id", None)]
    assert len(marked) == len(events)
    assert not [s for s in _find(text, "Span") if "chosen" in s.className]  # e0: not its event
    captions = next(c for c in view if getattr(c, "id", None) == "reader-captions")
    assert [_text(li) for li in captions.children] == article["captions"]
    assert "not found" in _text(reader.reader_view(queries, "?article=a0000000000000000"))


def test_compare_accounts_link_to_the_reader(queries: Queries, demo_store: Store) -> None:
    incident = max(demo_store.records("incidents"), key=lambda i: len(i["outlets"]))
    accounts = queries.accounts(incident["incident_id"])
    table = compare.accounts_table(accounts, queries.incident(incident["incident_id"]) or {})
    hrefs = [link.href for link in _find(table, "Link")]
    expected = {(a["article_id"], a["event_id"]) for a in accounts}
    assert len(hrefs) == len({a["article_id"] for a in accounts})
    for href in hrefs:
        asked = reader.requested(href.split("?", 1)[1])
        assert (asked.article, asked.event) in expected


def test_compare_shows_the_day_a_yearless_account_gives(queries: Queries,
                                                        demo_store: Store) -> None:
    """An undated page's "On April 7th" joins the incident and says it gave no year."""
    yearless = [e for e in demo_store.records("events") if e["date_month_day"] and e["incident_id"]]
    assert yearless
    incident_id = yearless[0]["incident_id"]
    table = compare.accounts_table(queries.accounts(incident_id),
                                   queries.incident(incident_id) or {})
    assert f"{yearless[0]['date_month_day']} (no year given)" in _text(table)


# -- the Outlets page's pure functions -------------------------------------------------------
def test_periods_cover_the_span_with_no_gaps() -> None:
    months = figures.periods(date(2021, 11, 20), date(2022, 2, 3), "month")
    assert months == [date(2021, 11, 1), date(2021, 12, 1), date(2022, 1, 1), date(2022, 2, 1)]
    weeks = figures.periods(date(2022, 4, 6), date(2022, 4, 18), "week")  # a Wednesday
    assert weeks == [date(2022, 4, 4), date(2022, 4, 11), date(2022, 4, 18)]
    assert figures.periods(date(2016, 5, 1), date(2018, 1, 1), "year") == [
        date(2016, 1, 1), date(2017, 1, 1), date(2018, 1, 1)]


def test_outlet_heatmap_places_counts_and_escapes_names() -> None:
    outlets_ = [{"outlet": "a", "outlet_name": "<b>A</b>"}, {"outlet": "b", "outlet_name": "X"},
                {"outlet": "c", "outlet_name": "X"}]
    result = Timeline(rows=[{"outlet": "b", "date": date(2020, 3, 1), "events": 4, "killed": 9},
                            {"outlet": "a", "date": date(2020, 1, 1), "events": 1, "killed": 0}],
                      total=5, bucket="month", start=date(2020, 1, 5), end=date(2020, 3, 9))
    trace = figures.outlet_heatmap(result, outlets_).data[0]
    assert list(trace.y) == ["&lt;b&gt;A&lt;/b&gt;", "X (b)", "X (c)"]
    assert [list(row) for row in trace.z] == [[1, None, None], [None, None, 4],
                                              [None, None, None]]
    assert [list(row) for row in trace.customdata] == [[0, None, None], [None, None, 9],
                                                       [None, None, None]]
    assert list(trace.x) == [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)]
    assert "%{z} events, %{customdata} killed" in trace.hovertemplate
    empty = figures.outlet_heatmap(Timeline(bucket="month"), [])
    assert empty.layout.annotations[0].text == "No dated events for this selection"


def test_outlet_table_rows_and_exclusive_links() -> None:
    rows = [{"outlet": "sana", "outlet_name": "SANA", "events": 9, "articles": 2,
             "incidents": 8, "exclusive": 7, "shared": 1, "compared": 1, "higher": 1,
             "equal": 0, "lower": 0, "median_ratio": 2.5},
            {"outlet": "", "outlet_name": "unknown", "events": 1, "articles": 1,
             "incidents": 0, "exclusive": 0, "shared": 0, "compared": 0, "higher": 0,
             "equal": 0, "lower": 0, "median_ratio": None}]
    exclusive = [{"outlet": "sana", "incident_id": f"i{n}", "date": f"2018-04-0{n}",
                  "place": "Douma", "killed": 40 if n == 1 else None} for n in range(1, 6)]
    table = outlets.outlet_table(rows, exclusive, FilterState(event_types=("Battles",)))
    body = _find(table, "Tr")[1:]
    assert [r.to_plotly_json()["props"]["data-outlet"] for r in body] == ["sana", ""]
    links = _find(body[0], "Link")
    assert links[0].href == "/?outlet=sana&type=Battles"  # the outlet, on the Timeline
    assert [link.href for link in links[1:]] == [f"/compare?incident=i{n}" for n in range(1, 6)]
    assert _text(links[1]) == "2018-04-01 · Douma · 40 killed"
    assert "and 2 more" in _text(body[0])
    assert "1 higher · 0 equal · 0 lower" in _text(body[0]) and "×2.50" in _text(body[0])
    assert _find(body[1], "Link") == [] and _text(body[1]).endswith("0—")
    assert outlets.ratio_text(0.00618) == "×0.0062" and outlets.ratio_text(None) == "—"


# -- the outlet queries against an independent computation -----------------------------------
def _expected_table(store: Store, keep: Any) -> dict[str, dict[str, Any]]:
    every = store.records("events")
    incidents = {i["incident_id"]: i for i in store.records("incidents")}
    n_outlets = {i: len(r["outlets"]) for i, r in incidents.items()}
    tolls: dict[str, dict[str, int]] = defaultdict(dict)  # incident -> outlet -> largest killed
    for e in every:
        killed, incident = _killed(e), e["incident_id"]
        if killed is not None and incident in incidents and n_outlets[incident] >= 2:
            outlet = e["outlet"] or ""
            tolls[incident][outlet] = max(killed, tolls[incident].get(outlet, killed))
    chosen = [e for e in every if e["date"] and keep(e)]
    table: dict[str, dict[str, Any]] = {}
    for outlet in {e["outlet"] or "" for e in chosen}:
        mine = [e for e in chosen if (e["outlet"] or "") == outlet]
        covered = {e["incident_id"] for e in mine if e["incident_id"] in incidents}
        shared = {i for i in covered if n_outlets[i] >= 2}
        versus = [(tolls[i][outlet], statistics.median(v for o, v in tolls[i].items()
                                                       if o != outlet))
                  for i in shared if outlet in tolls[i] and len(tolls[i]) >= 2]
        ratios = [mine_ / others for mine_, others in versus if others > 0]
        table[outlet] = {
            "events": len(mine), "articles": len({e["article_id"] for e in mine}),
            "incidents": len(covered), "exclusive": len(covered - shared),
            "shared": len(shared), "compared": len(versus),
            "higher": sum(a > b for a, b in versus), "equal": sum(a == b for a, b in versus),
            "lower": sum(a < b for a, b in versus),
            "median_ratio": statistics.median(ratios) if ratios else None}
    return table


@pytest.mark.parametrize("state", [
    FilterState(),
    FilterState(outlets=("reuters", "sana", "al-jazeera", "rt")),
    FilterState(event_types=("Explosions/Remote violence",)),
])
def test_outlet_table_matches_the_records(queries: Queries, demo_store: Store,
                                          state: FilterState) -> None:
    def keep(e: dict[str, Any]) -> bool:
        return ((state.outlets is None or e["outlet"] in state.outlets)
                and (not state.event_types or (e["event_type"] or "Other") in state.event_types))

    expected = _expected_table(demo_store, keep)
    rows = queries.outlet_table(state)
    assert [r["events"] for r in rows] == sorted((r["events"] for r in rows), reverse=True)
    got = {r["outlet"]: {k: v for k, v in r.items() if k in expected.get(r["outlet"], {})}
           for r in rows}
    assert got.keys() == expected.keys()
    for outlet, values in expected.items():
        assert got[outlet] == {**values, "median_ratio": pytest.approx(values["median_ratio"])}, \
            outlet
    if state == FilterState():  # the demo corpus exercises every column
        assert any(r["exclusive"] for r in rows) and any(r["median_ratio"] for r in rows)
        assert all(any(r[k] for r in rows) for k in ("higher", "equal", "lower"))


def test_outlet_activity_matches_the_records(queries: Queries, demo_store: Store) -> None:
    state = FilterState(outlets=("reuters", "tass", "sana"))
    result = queries.outlet_activity(state)
    assert result.bucket == "month"
    events = [e for e in demo_store.records("events") if e["date"] and e["outlet"]
              in ("reuters", "tass", "sana")]
    expected = Counter((e["outlet"], e["date"][:7]) for e in events)
    killed: Counter[tuple[str, str]] = Counter()
    for e in events:
        killed[(e["outlet"], e["date"][:7])] += _killed(e) or 0
    got = {(r["outlet"], r["date"].isoformat()[:7]): r["events"] for r in result.rows}
    assert got == dict(expected) and result.total == len(events)
    assert {(r["outlet"], r["date"].isoformat()[:7]): r["killed"] for r in result.rows} == \
        dict(killed)
    assert result.start == min(date.fromisoformat(e["date"]) for e in events)
    narrow = queries.outlet_activity(FilterState(start=date(2017, 4, 1), end=date(2017, 4, 30)))
    assert narrow.bucket == "week" and all(r["date"].weekday() == 0 for r in narrow.rows)
    assert queries.outlet_activity(FilterState(outlets=())).rows == []


def test_exclusive_incidents_match_the_records(queries: Queries, demo_store: Store) -> None:
    incidents = {i["incident_id"]: i for i in demo_store.records("incidents")}
    by_outlet: dict[str, set[str]] = defaultdict(set)
    for e in demo_store.records("events"):
        incident = incidents.get(e["incident_id"])
        if e["date"] and incident and len(incident["outlets"]) == 1:
            by_outlet[e["outlet"]].add(incident["incident_id"])
    assert by_outlet, "the demo corpus has incidents only one outlet reported"
    rows = queries.exclusive_incidents(FilterState(), per_outlet=50)
    got: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        got[r["outlet"]].add(r["incident_id"])
        assert r["date"] == incidents[r["incident_id"]]["date"]
    assert got == by_outlet
    table = {r["outlet"]: r["exclusive"] for r in queries.outlet_table(FilterState())}
    assert {o: len(ids) for o, ids in by_outlet.items()} == {
        o: n for o, n in table.items() if n}
    capped = queries.exclusive_incidents(FilterState(), per_outlet=1)
    assert Counter(r["outlet"] for r in capped) == Counter(dict.fromkeys(by_outlet, 1))
