"""The filter sidebar shared by the timeline, map and outlets pages, kept in step with the URL.

The URL's query string is the one source of truth: the controls write it, and the pages read it.
A single callback has the URL and the controls as both inputs and outputs (Dash allows a
circular dependency within one callback): a change of the URL (a shared link, back or forward)
sets the controls, and a change of a control rewrites the URL.
"""

from __future__ import annotations

import functools
from typing import Any

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from ingest.lexicons import load_csv

from . import filters
from .filters import FilterState
from .queries import Queries


@functools.cache
def country_names() -> dict[str, str]:
    """ISO codes to English names, from the gazetteer's country table."""
    names = {row["iso"]: row["name"] for row in load_csv("countries.csv")}
    return {**names, "INT": "International", "": "Other outlets"}

_SCALARS = ("date-range.start_date", "date-range.end_date", "type-filter.value",
            "actor-filter.value", "place-filter.value", "text-filter.value",
            "killed-filter.value", "shared-filter.value", "lanes-choice.value",
            "view-choice.value", "size-choice.value", "colour-choice.value")


def _groups(outlets: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for outlet in outlets:
        groups.setdefault(outlet["country"] or "", []).append(outlet)
    return groups


def _radio(id_: str, label: str, options: tuple[str, ...], names: dict[str, str]) -> html.Div:
    return html.Div(className="choice", children=[
        html.Span(label, className="choice-label"),
        dcc.RadioItems(id=id_, options=[{"label": f" {names.get(o, o)}", "value": o}
                                        for o in options],
                       value=options[0], inline=True),
    ])


def layout(queries: Queries) -> html.Aside:
    """The controls, with every outlet ticked; the sync callback then applies the URL."""
    outlets = queries.outlets()
    groups = []
    for country, members in _groups(outlets).items():
        options = [{"label": f" {o['outlet_name'] or o['outlet']} ({o['events']})",
                    "value": o["outlet"]} for o in members]
        kinds = sorted({o["kind"] for o in members if o["kind"]})
        summary = country_names().get(country, country)
        if kinds:
            summary += f" · {', '.join(kinds)}"
        groups.append(html.Details(open=True, className="outlet-group", children=[
            html.Summary(summary),
            dcc.Checklist(id={"type": "outlet-filter", "group": country or "-"},
                          options=options, value=[o["value"] for o in options],
                          className="outlet-list", inputClassName="outlet-box"),
        ]))
    span = queries.date_span()
    types = queries.event_types()
    return html.Aside(id="filters", className="filters", children=[
        html.H2("Outlets"),
        html.Div(groups, id="outlet-filter"),
        html.H2("Events"),
        dcc.DatePickerRange(id="date-range", display_format="YYYY-MM-DD",
                            min_date_allowed=span[0].isoformat() if span else None,
                            max_date_allowed=span[1].isoformat() if span else None,
                            start_date_placeholder_text="from", end_date_placeholder_text="to",
                            clearable=True),
        dcc.Dropdown(id="type-filter", options=types, multi=True, placeholder="event type"),
        dcc.Dropdown(id="actor-filter", options=queries.actors(), placeholder="actor"),
        dcc.Dropdown(id="place-filter", options=queries.places(),
                     placeholder="place or region"),
        dcc.Input(id="text-filter", type="search", placeholder="words in the sentence",
                  debounce=True, maxLength=filters.MAX_TEXT, className="text-input"),
        dcc.Input(id="killed-filter", type="number", min=0, placeholder="at least N killed",
                  debounce=True, className="text-input"),
        dcc.Checklist(id="shared-filter", options=[
            {"label": " only incidents reported by 2+ outlets", "value": "shared"}], value=[]),
        html.H2("Display"),
        _radio("lanes-choice", "lanes", filters.LANES, {"kind": "outlet kind"}),
        _radio("view-choice", "view", filters.VIEWS, {"stacked": "stacked counts"}),
        _radio("size-choice", "size by", filters.SIZES, {}),
        _radio("colour-choice", "colour by", filters.COLOURS, {"type": "event type"}),
        html.H2("Export"),
        html.Div(id="export-links", className="export-links"),
    ])


def control_values(state: FilterState, groups: list[list[str]]) -> list[Any]:
    """The values the controls show for a state, in the order of the sync callback."""
    chosen = None if state.outlets is None else set(state.outlets)
    ticks = [[o for o in group if chosen is None or o in chosen] for group in groups]
    return [ticks, state.start.isoformat() if state.start else None,
            state.end.isoformat() if state.end else None, list(state.event_types),
            state.actor or None, state.place or None, state.text, state.min_killed,
            ["shared"] if state.shared_only else [], state.lanes, state.view, state.size,
            state.colour]


def export_links(search: str) -> list[Any]:
    """Download links for the current view (the server caps and streams them)."""
    query = search.lstrip("?")
    return [html.A(fmt.upper(), href=f"/api/export?format={fmt}" + (f"&{query}" if query else ""),
                   className=f"export export-{fmt}", download="")
            for fmt in ("csv", "json", "jsonl", "parquet")]


def register(app: dash.Dash, queries: Queries) -> None:
    scalars = [Input(name.split(".")[0], name.split(".")[1]) for name in _SCALARS]

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Output({"type": "outlet-filter", "group": ALL}, "value"),
                  *[Output(name.split(".")[0], name.split(".")[1]) for name in _SCALARS],
                  Input("url", "search"),
                  Input({"type": "outlet-filter", "group": ALL}, "value"),
                  *scalars,
                  State({"type": "outlet-filter", "group": ALL}, "options"),
                  prevent_initial_call="initial_duplicate")
    def synchronise(search: Any, ticks: Any, *rest: Any) -> list[Any]:
        values, options = rest[:-1], rest[-1]
        groups = [[o["value"] for o in group] for group in options or []]
        allowed, types = queries.vocabulary()
        if ctx.triggered_id == "url" or not ctx.triggered_id:
            state = filters.from_query(search, allowed, types)
            return [dash.no_update, *control_values(state, groups)]
        flat = [o for group in ticks or [] for o in group]
        state = filters.from_controls(flat, values, allowed, types)
        query = filters.to_query(state)
        if query == (search or ""):
            raise dash.exceptions.PreventUpdate
        return [query, [dash.no_update] * len(groups), *[dash.no_update] * len(_SCALARS)]

    @app.callback(Output("export-links", "children"), Input("url", "search"))
    def update_export_links(search: Any) -> list[Any]:
        allowed, types = queries.vocabulary()
        return export_links(filters.to_query(filters.from_query(search, allowed, types)))
