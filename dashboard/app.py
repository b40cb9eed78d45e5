"""The Dash application: the page registry, the shared sidebar, the export and status routes.

Each page module (dashboard/pages/) owns its layout and its thin callbacks (filter state ->
query -> figure) and declares PATH, TITLE and FILTERS (whether the filter sidebar shows).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from flask import Response, jsonify, request

from ingest import exports
from ingest.store import Store

from . import filters, sidebar
from .pages import compare, outlets, reader, timeline
from .pages import map as map_page  # not `map`: that is a builtin
from .queries import Queries

MAX_REQUEST_BYTES = 1024 * 1024  # callback payloads are small; anything bigger is refused
PAGES: tuple[ModuleType, ...] = (timeline, map_page, compare, outlets, reader)
# Pages reached by a link in the header; the Reader needs an article, so it is reached from one.
NAV: tuple[ModuleType, ...] = tuple(p for p in PAGES if p is not reader)


def _page_for(pathname: Any) -> ModuleType:
    return next((p for p in PAGES if pathname == p.PATH), timeline)


def _export(queries: Queries) -> Response:
    """The current view's events as CSV, JSON, JSON Lines or Parquet, streamed, at most the
    export cap's rows; the X-Counterpoint-Truncated header says when the view had more."""
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "json", "jsonl", "parquet"):
        return Response("format must be csv, json, jsonl or parquet\n", status=400,
                        mimetype="text/plain")
    allowed, types = queries.vocabulary()
    state = filters.from_query(request.query_string.decode("utf-8", "replace"), allowed, types)
    total, cap = queries.count(state), queries.settings.export_cap
    rows = queries.export_rows(state, cap)
    headers = {"Content-Disposition": f'attachment; filename="counterpoint-events.{fmt}"',
               "X-Counterpoint-Truncated": "true" if total > cap else "false",
               "X-Counterpoint-Total": str(total)}
    if fmt == "parquet":
        return Response(exports.parquet_bytes("events", rows), headers=headers,
                        mimetype="application/vnd.apache.parquet")
    chunks: Iterator[str] = exports.stream_text("events", rows, fmt)
    mimetype = {"csv": "text/csv", "json": "application/json"}.get(fmt, "application/x-ndjson")
    return Response(chunks, headers=headers, mimetype=f"{mimetype}; charset=utf-8")


def create_app(store: Store, queries: Queries | None = None) -> dash.Dash:
    """The dashboard over a store (through the given query layer, if any)."""
    queries = queries or Queries(store)
    app = dash.Dash(__name__, title="Counterpoint", update_title="", serve_locally=True,
                    suppress_callback_exceptions=True)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.server.add_url_rule("/api/status", "status", view_func=lambda: jsonify(queries.counts()))
    app.server.add_url_rule("/api/export", "export", view_func=lambda: _export(queries))

    def layout() -> html.Div:
        # A function, so each page load sees the outlets and types of the store as it is now.
        return html.Div(className="page", children=[
            dcc.Location(id="url", refresh=False),
            html.Header(className="header", children=[
                html.H1("Counterpoint"),
                html.P("What each outlet reported happened, when, and on whose word.",
                       className="tagline"),
                html.Nav([dcc.Link(p.TITLE, href=p.PATH, id=f"nav-{p.TITLE.lower()}")
                          for p in NAV]),
            ]),
            html.Div(className="body", children=[sidebar.layout(queries), html.Div(id="page")]),
        ])

    app.layout = layout

    @app.callback(Output("page", "children"), Output("filters", "hidden"),
                  Input("url", "pathname"), State("url", "search"))
    def render_page(pathname: Any, search: Any) -> tuple[Any, bool]:
        page = _page_for(pathname)
        return page.layout(queries, search if isinstance(search, str) else ""), not page.FILTERS

    @app.callback(output=[Output(f"nav-{p.TITLE.lower()}", "href") for p in NAV if p.FILTERS],
                  inputs=[Input("url", "search")])
    def keep_filters_in_links(search: Any) -> list[str]:
        allowed, types = queries.vocabulary()
        query = filters.to_query(filters.from_query(search, allowed, types))
        return [p.PATH + query for p in NAV if p.FILTERS]

    sidebar.register(app, queries)
    for page in PAGES:
        page.register(app, queries)
    # What is alive now lives as long as the server: keep it out of the collector's full
    # passes, which otherwise stall a request now and then for tens of milliseconds.
    gc.freeze()
    return app


def serve(store: Store, host: str = "127.0.0.1", port: int = 8050) -> None:
    create_app(store).run(host=host, port=port, debug=False)
