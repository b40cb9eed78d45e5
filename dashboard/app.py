"""The Dash application: layout, thin callbacks (filter state -> query -> figure)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import jsonify

from ingest.store import Store

from . import figures, filters
from .pages import compare
from .queries import Queries

MAX_REQUEST_BYTES = 1024 * 1024  # callback payloads are small; anything bigger is refused


def _outlet_options(queries: Queries) -> list[dict[str, Any]]:
    return [{"label": f" {o['outlet_name'] or o['outlet']} ({o['events']})", "value": o["outlet"]}
            for o in queries.outlets()]


def _timeline_page(queries: Queries) -> html.Div:
    options = _outlet_options(queries)
    return html.Div(className="body", children=[
        html.Aside(className="filters", children=[
            html.H2("Outlets"),
            dcc.Checklist(id="outlet-filter", options=options,
                          value=[o["value"] for o in options],
                          className="outlet-list", inputClassName="outlet-box"),
        ]),
        html.Main(children=[
            html.Div(id="event-count", className="count"),
            dcc.Graph(id="timeline", config={"displaylogo": False}),
            html.P("Click an event to compare every outlet's account of its incident.",
                   className="hint"),
        ]),
    ])


def create_app(store: Store) -> dash.Dash:
    queries = Queries(store)
    app = dash.Dash(__name__, title="Counterpoint", update_title="", serve_locally=True,
                    suppress_callback_exceptions=True)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    def status() -> Any:
        return jsonify(queries.counts())

    app.server.add_url_rule("/api/status", view_func=status)

    app.layout = html.Div(className="page", children=[
        dcc.Location(id="url", refresh=False),
        html.Header(className="header", children=[
            html.H1("Counterpoint"),
            html.P("What each outlet reported happened, when, and on whose word.",
                   className="tagline"),
            html.Nav([dcc.Link("Timeline", href="/", id="nav-timeline"),
                      dcc.Link("Compare", href="/compare", id="nav-compare")]),
        ]),
        html.Div(id="page"),
    ])

    @app.callback(Output("page", "children"), Input("url", "pathname"),
                  Input("url", "search"))
    def render_page(pathname: str | None, search: str | None) -> Any:
        if pathname == "/compare":
            options = compare.picker_options(queries.incidents())
            chosen = filters.parse_incident(search, [o["value"] for o in options])
            return compare.layout(options, chosen or (options[0]["value"] if options else None))
        return _timeline_page(queries)

    @app.callback(Output("timeline", "figure"), Output("event-count", "children"),
                  Input("outlet-filter", "value"))
    def update_timeline(selected: Any) -> tuple[Any, str]:
        known = queries.outlets()
        chosen = filters.parse_outlets(selected, [o["outlet"] for o in known])
        result = queries.timeline(chosen)
        lanes = [o["outlet_name"] or o["outlet"] for o in known if o["outlet"] in chosen]
        return figures.timeline_figure(result.rows, lanes), figures.count_label(result)

    @app.callback(Output("url", "pathname"), Output("url", "search"),
                  Input("timeline", "clickData"), prevent_initial_call=True)
    def open_incident(click: Any) -> tuple[str, str]:
        incident = queries.incident_of(filters.clicked_event(click) or "")
        if incident is None:
            raise dash.exceptions.PreventUpdate
        return "/compare", f"?incident={incident}"

    @app.callback(Output("incident-view", "children"), Input("incident-picker", "value"))
    def show_incident(chosen: Any) -> Any:
        incident = queries.incident(chosen) if isinstance(chosen, str) else None
        if incident is None:
            return html.P("No incident chosen.")
        kind = "killed" if "killed" in incident["figure_history"] else \
            next(iter(incident["figure_history"]), "killed")
        return [html.H3("Where the accounts differ"), compare.disagreements_list(incident),
                html.H3("Accounts"), compare.accounts_table(queries.accounts(chosen), incident),
                html.H3(f"{kind.capitalize()}, by outlet and time of publication"),
                dcc.Graph(id="figure-chart", figure=figures.figure_ranges(
                    incident["figure_history"], kind), config={"displaylogo": False})]

    return app


def serve(store: Store, host: str = "127.0.0.1", port: int = 8050) -> None:
    create_app(store).run(host=host, port=port, debug=False)
