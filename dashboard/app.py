"""The Dash application: layout, thin callbacks (filter state -> query -> figure)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import jsonify

from ingest.store import Store

from . import figures, filters
from .queries import Queries

MAX_REQUEST_BYTES = 1024 * 1024  # callback payloads are small; anything bigger is refused


def _outlet_options(queries: Queries) -> list[dict[str, Any]]:
    return [{"label": f" {o['outlet_name'] or o['outlet']} ({o['events']})", "value": o["outlet"]}
            for o in queries.outlets()]


def create_app(store: Store) -> dash.Dash:
    queries = Queries(store)
    app = dash.Dash(__name__, title="Counterpoint", update_title="", serve_locally=True)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    def status() -> Any:
        return jsonify(queries.counts())

    app.server.add_url_rule("/api/status", view_func=status)

    def layout() -> html.Div:
        options = _outlet_options(queries)
        return html.Div(className="page", children=[
            html.Header(className="header", children=[
                html.H1("Counterpoint"),
                html.P("What each outlet reported happened, when, and on whose word.",
                       className="tagline"),
            ]),
            html.Div(className="body", children=[
                html.Aside(className="filters", children=[
                    html.H2("Outlets"),
                    dcc.Checklist(id="outlet-filter", options=options,
                                  value=[o["value"] for o in options],
                                  className="outlet-list", inputClassName="outlet-box"),
                ]),
                html.Main(children=[
                    html.Div(id="event-count", className="count"),
                    dcc.Graph(id="timeline", config={"displaylogo": False}),
                ]),
            ]),
        ])

    app.layout = layout

    @app.callback(Output("timeline", "figure"), Output("event-count", "children"),
                  Input("outlet-filter", "value"))
    def update_timeline(selected: Any) -> tuple[Any, str]:
        known = queries.outlets()
        chosen = filters.parse_outlets(selected, [o["outlet"] for o in known])
        result = queries.timeline(chosen)
        lanes = [o["outlet_name"] or o["outlet"] for o in known if o["outlet"] in chosen]
        return figures.timeline_figure(result.rows, lanes), figures.count_label(result)

    return app


def serve(store: Store, host: str = "127.0.0.1", port: int = 8050) -> None:
    create_app(store).run(host=host, port=port, debug=False)
