"""The timeline page: events over time, one lane per outlet (or group), or stacked counts."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from .. import figures, filters
from ..queries import Queries

PATH = "/"
TITLE = "Timeline"
FILTERS = True  # shows the filter sidebar


def layout(queries: Queries, search: str) -> html.Main:
    return html.Main(children=[
        html.Div(id="event-count", className="count"),
        dcc.Graph(id="timeline", config={"displaylogo": False}),
        html.P("Zoom to re-count per day, week or month; click an event to compare every "
               "outlet's account of its incident (or to read its article).", className="hint"),
    ])


def draw(queries: Queries, search: Any, relayout: Any) -> tuple[Any, str]:
    """Filter state (and the visible range, when the user zoomed) -> query -> figure."""
    allowed, types = queries.vocabulary()
    state = filters.from_query(search, allowed, types)
    seen = filters.visible_range(relayout) if dash.ctx.triggered_id == "timeline" else None
    if isinstance(seen, tuple):
        state = state.with_range(max(seen[0], state.start or seen[0]),
                                 min(seen[1], state.end or seen[1]))
    limits = queries.settings
    if state.view == "stacked":
        result = queries.stacked(state, limit=limits.max_rows, lane_limit=limits.lane_limit)
        return figures.stacked_figure(result), figures.count_label(result)
    result = queries.timeline(state, limit=limits.max_rows, point_limit=limits.point_limit,
                              lane_limit=limits.lane_limit)
    return (figures.timeline_figure(result, result.lanes, state.colour, state.size),
            figures.count_label(result))


def register(app: dash.Dash, queries: Queries) -> None:
    @app.callback(Output("timeline", "figure"), Output("event-count", "children"),
                  Input("url", "search"), Input("timeline", "relayoutData"))
    def update_timeline(search: Any, relayout: Any) -> tuple[Any, str]:
        return draw(queries, search, relayout)

    @app.callback(Output("url", "pathname"), Output("url", "search", allow_duplicate=True),
                  Input("timeline", "clickData"), State("url", "search"),
                  prevent_initial_call=True)
    def open_event(click: Any, search: Any) -> tuple[str, str]:
        event = filters.clicked_event(click)
        if event is None:
            raise dash.exceptions.PreventUpdate
        incident = queries.incident_of(event)
        if incident is not None:
            return "/compare", f"?incident={incident}"
        article = queries.article_of(event)
        if article is None:
            raise dash.exceptions.PreventUpdate
        return "/reader", f"?article={article}&event={event}"
