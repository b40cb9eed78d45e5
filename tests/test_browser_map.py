"""The map page: places drawn from local shapes (no internet), following the sidebar's filters."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
from conftest import SCREENSHOTS, Server
from playwright.sync_api import Page

from dashboard.figures import WORLD, map_figure, map_outside, map_sizes, map_view
from dashboard.filters import FilterState
from dashboard.pages.map import caption, clicked_place, draw
from dashboard.queries import Queries
from ingest import Store

POINTS = "#map .scattergeo path.point"
GRAPH = "document.querySelector('#map .js-plotly-plot')"


def _place(name: str, lon: float, lat: float, events: int, killed: int = 0,
           **extra: Any) -> dict[str, Any]:
    return {"place": name, "admin1": None, "country": "SY", "lat": lat, "lon": lon,
            "precision": "place", "events": events, "killed": killed,
            "event_type": "Battles", "outlet_name": "Reuters", "outlets": 1, **extra}


def test_map_figure_escapes_hostile_names_and_sizes_by_count_or_killed() -> None:
    hostile = "<img src=x onerror=alert(1)>"
    rows = [_place(hostile, 36.6, 35.4, 1, killed=50, admin1="<script>x</script>",
                   event_type="<b>Battles</b>", outlet_name="<a href='javascript:x'>RT</a>"),
            _place("Aleppo", 37.2, 36.2, 4, killed=0),
            _place("Douma", 36.4, 33.6, 16, killed=5)]
    # Built as plain data for speed; go.Figure validates it as Plotly would.
    figure = go.Figure(map_figure(rows, "count", "outlet"))
    text = " ".join(t for trace in figure.data for t in trace.hovertext)
    names = " ".join(trace.name for trace in figure.data)
    assert "&lt;img src=x" in text and "&lt;script&gt;" in text and "&lt;b&gt;Battles" in text
    for raw in ("<img", "<script", "<a ", "<b>Battles"):
        assert raw not in text and raw not in names
    assert "&lt;a href=" in names  # coloured by outlet: the legend names the outlets, escaped

    def sizes(figure: Any) -> dict[str, float]:
        return {place: size for trace in figure.data
                for place, size in zip(trace.customdata, trace.marker.size, strict=True)}

    by_count = sizes(figure)
    assert by_count[hostile] < by_count["Aleppo"] < by_count["Douma"]
    by_killed = sizes(go.Figure(map_figure(rows, "killed", "type")))
    assert by_killed["Aleppo"] < by_killed["Douma"] < by_killed[hostile]
    assert by_killed["Aleppo"] > 0  # no one killed still shows, at the smallest size
    assert map_sizes([0, 0]) == [map_sizes([0, 1])[0]] * 2
    empty = go.Figure(map_figure([], "count", "type"))
    assert not empty.data and empty.layout.annotations


def test_map_view_frames_the_bulk_of_events() -> None:
    syria = [_place(f"p{i}", 36 + i / 10, 35 + i / 10, 10) for i in range(10)]
    view = map_view([*syria, _place("Havana", -82.4, 23.1, 2)])
    assert view.lons[0] < 36 and view.lons[1] > 37 and view.lats[0] < 35 and view.lats[1] > 36
    assert not view.lons[0] < -82.4  # a far-off place does not shrink the region to a dot
    assert map_outside([*syria, _place("Havana", -82.4, 23.1, 2)], view) == 1
    assert map_view([]) == WORLD
    # Two places worlds apart with as many events each: the whole world.
    assert map_view([_place("a", 36, 35, 5), _place("b", -82, 23, 5)]) == WORLD
    assert caption(syria, 120) == "10 places, 100 events (20 more with no known place)"
    assert clicked_place({"points": [{"customdata": " Douma "}]}) == "Douma"
    assert clicked_place({"points": [{"customdata": "x" * 500}]}) is None
    assert clicked_place({"points": []}) is None and clicked_place(None) is None


def test_map_draws_places_offline_and_follows_the_filters(
        page: Page, server: Server, demo_store: Store) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    queries = Queries(demo_store)
    places = queries.map_places(FilterState())
    assert len(places) > 20
    figure, text = draw(queries, "")
    assert text.startswith(f"{len(places)} places")
    assert ", Syria" in " ".join(t for trace in go.Figure(figure).data for t in trace.hovertext)

    page.goto(server.url + "/map")
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {len(places)}",
                           timeout=30_000)
    assert page.inner_text("#map-count").startswith(f"{len(places)} places")
    # Land and borders are drawn, from the shapes the dashboard serves itself.
    assert page.locator("#map .geo .layer.land path").count() == 1
    assert page.locator("#map .geo .layer.countries path").count() == 1
    assert any(u.startswith(server.url + "/assets/topojson/world_") for u in requests)
    # The view opens on the conflicts: Khan Shaykhun (Syria) and Mariupol (Ukraine).
    lons, lats = page.evaluate(f"[{GRAPH}.layout.geo.lonaxis.range, "
                               f"{GRAPH}.layout.geo.lataxis.range]")
    for lon, lat in ((36.65, 35.44), (37.54, 47.10)):
        assert lons[0] < lon < lons[1] and lats[0] < lat < lats[1]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map.png"))

    # A filter in the URL: one outlet, coloured by outlet, sized by the killed.
    state = FilterState(outlets=("reuters",), size="killed", colour="outlet")
    reuters = queries.map_places(state)
    assert 0 < len(reuters) < len(places)
    page.goto(server.url + "/map?outlet=reuters&size=killed&colour=outlet")
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {len(reuters)}",
                           timeout=20_000)
    names = page.evaluate(f"{GRAPH}.data.map(t => t.name)")
    assert sorted(names) == sorted({html.escape(r["outlet_name"]) for r in reuters})
    drawn = page.evaluate(f"{GRAPH}.data.flatMap(t => t.marker.size.map("
                          "(s, i) => [t.customdata[i], s]))")
    killed = {r["place"]: r["killed"] for r in reuters}
    largest = max(drawn, key=lambda pair: pair[1])[0]
    assert killed[largest] == max(killed.values())

    # A click on a place in view filters by it, through the URL like the sidebar.
    frame = page.locator("#map .geo .layer.bg rect").bounding_box()
    assert frame is not None
    for i in range(len(reuters)):
        box = page.locator(POINTS).nth(i).bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if frame["x"] < x < frame["x"] + frame["width"] \
                and frame["y"] < y < frame["y"] + frame["height"]:
            break
    page.mouse.click(x, y)
    page.wait_for_url("**place=**", timeout=10_000)
    place = parse_qs(urlsplit(page.url).query)["place"][0]
    expected = len(queries.map_places(FilterState(outlets=("reuters",), place=place)))
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {expected}",
                           timeout=20_000)
    page.wait_for_function("([sel, text]) => document.querySelector(sel).innerText"
                           ".includes(text)", arg=["#place-filter", place])

    outside = [u for u in requests if not u.startswith(server.url + "/")]
    assert not outside, f"requests left the server: {outside}"
