"""The map page: events by place, filtered like the timeline, drawn with no internet.

Plotly's geo maps need no tile server, but plotly.js fetches its land and border shapes
(topojson) from a CDN unless told otherwise: the graph's config points it at the copies served
from the dashboard's own assets (assets/topojson/).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from .. import figures, filters
from ..queries import MAX_POINTS, Queries
from ..sidebar import country_names

PATH = "/map"
TITLE = "Map"
FILTERS = True  # shows the filter sidebar


def layout(queries: Queries, search: str) -> html.Main:
    # The app's own asset URL (it honours a path prefix); Dash leaves this function unannotated.
    shapes: str = dash.get_asset_url("topojson/")  # type: ignore[no-untyped-call]
    return html.Main(children=[
        html.Div(id="map-count", className="count"),
        dcc.Graph(id="map",
                  config={"displaylogo": False, "topojsonURL": shapes, "scrollZoom": True}),
        html.P("Marker area follows the count of events (or the killed, under ‘size by’); "
               "drag to pan, scroll to zoom; click a place to filter every page by it.",
               className="hint"),
    ])


def caption(rows: list[dict[str, Any]], total: int) -> str:
    """How many places and events the map shows, and what it leaves out: events with no
    known place, places outside the opening view, rows past the cap."""
    shown = sum(int(r.get("events") or 0) for r in rows)
    text = (f"{len(rows)} place{'s' if len(rows) != 1 else ''}, "
            f"{shown} event{'s' if shown != 1 else ''}")
    notes = []
    if total > shown and len(rows) < MAX_POINTS:
        notes.append(f"{total - shown} more with no known place")
    if len(rows) >= MAX_POINTS:
        notes.append(f"showing the first {len(rows)} places: narrow the filters")
    outside = figures.map_outside(rows, figures.map_view(rows))
    if outside:
        notes.append(f"{outside} outside this view (zoom out to see them)")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def draw(queries: Queries, search: Any) -> tuple[Any, str]:
    """Filter state -> places -> figure and caption."""
    state = filters.from_query(search, *queries.vocabulary())
    names = country_names()  # the store keeps ISO codes; the hover text names the country
    places, total = queries.map_view(state)
    rows = [{**r, "country": names.get(r["country"] or "", r["country"])} for r in places]
    return figures.map_figure(rows, state.size, state.colour), caption(rows, total)


def clicked_place(click: Any) -> str | None:
    """The place name a clicked marker carries (its customdata), if well formed."""
    try:
        value = click["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        return None
    return value.strip() if isinstance(value, str) and 0 < len(value) <= filters.MAX_TEXT \
        else None


def register(app: dash.Dash, queries: Queries) -> None:
    @app.callback(Output("map", "figure"), Output("map-count", "children"),
                  Input("url", "search"))
    def update_map(search: Any) -> tuple[Any, str]:
        return draw(queries, search)

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("map", "clickData"), State("url", "search"), prevent_initial_call=True)
    def filter_by_place(click: Any, search: Any) -> str:
        # Through the URL, like the sidebar, so the place filter shows there and in links.
        place = clicked_place(click)
        if place is None:
            raise dash.exceptions.PreventUpdate
        state = filters.from_query(search, *queries.vocabulary())
        return filters.to_query(replace(state, place=place))
