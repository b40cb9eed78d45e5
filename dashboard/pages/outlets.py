"""The Outlets page: per outlet, how much it reported over time, which incidents it alone
reported, and how its killed figures compare with the other outlets' on shared incidents.

Honours the sidebar's filters. Everything is aggregated in DuckDB (dashboard/queries.py); the
page gets one row per outlet and one per outlet and period, whatever the size of the store.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Input, Output, dcc, html

from .. import figures, filters
from ..filters import FilterState
from ..queries import Queries, Timeline
from .reader import compare_href

PATH = "/outlets"
TITLE = "Outlets"
FILTERS = True

# Column headings, with what each counts (shown on hover).
COLUMNS = (
    ("Outlet", "Its events on the Timeline"),
    ("Events", "Its events in the current selection"),
    ("Articles", "Its articles with an event in the selection"),
    ("Incidents", "Incidents its events in the selection belong to"),
    ("Shared", "Of those, incidents other outlets reported too"),
    ("Only it reported", "Of those, incidents no other outlet reported: the deadliest first"),
    ("Killed, against the others", "On shared incidents where it and another outlet give a "
     "killed figure: its largest figure against the median of the other outlets' largest"),
)


def ratio_text(ratio: float | None) -> str:
    return "—" if ratio is None else f"×{ratio:.2g}" if ratio < 0.1 else f"×{ratio:.2f}"


def comparison(row: dict[str, Any]) -> list[Any]:
    """How an outlet's killed figures stand against the other outlets' on shared incidents."""
    compared = int(row["compared"])
    if not compared:
        return ["—"]
    return [html.Span(f"{row['higher']} higher · {row['equal']} equal · {row['lower']} lower",
                      className="versus"),
            html.Br(),
            html.Span(f"of {compared}; median ratio {ratio_text(row['median_ratio'])}",
                      className="versus-note")]


def exclusive_cell(count: int, incidents: list[dict[str, Any]]) -> list[Any]:
    """The count, then links to Compare for the first few incidents only this outlet reported."""
    if not count:
        return ["0"]
    links: list[Any] = []
    for incident in incidents:
        label = " · ".join(str(p) for p in (incident["date"], incident["place"]) if p)
        if incident["killed"] is not None:
            label += f" · {incident['killed']} killed"
        links.append(html.Li(dcc.Link(label or "incident", href=compare_href(
            incident["incident_id"]), className="exclusive-link")))
    more = count - len(incidents)
    if more > 0:
        links.append(html.Li(f"and {more} more", className="more"))
    return [str(count), html.Ul(links, className="exclusive")]


def outlet_table(rows: list[dict[str, Any]], exclusive: list[dict[str, Any]],
                 state: FilterState) -> html.Table:
    """One row per outlet in the selection; its name opens the Timeline on its events alone."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for incident in exclusive:
        by_outlet.setdefault(incident["outlet"], []).append(incident)
    header = html.Tr([html.Th(name, title=note) for name, note in COLUMNS])
    body = []
    for row in rows:
        slug = row["outlet"]
        name = row["outlet_name"] or slug or "unknown"
        outlet = dcc.Link(name, href="/" + filters.to_query(replace(state, outlets=(slug,)))) \
            if slug else html.Span(name)
        body.append(html.Tr(className="outlet-row", **{"data-outlet": slug}, children=[
            html.Td(outlet, className="outlet"),
            html.Td(row["events"], className="number"),
            html.Td(row["articles"], className="number"),
            html.Td(row["incidents"], className="number"),
            html.Td(row["shared"], className="number"),
            html.Td(exclusive_cell(int(row["exclusive"]), by_outlet.get(slug, []))),
            html.Td(comparison(row)),
        ]))
    return html.Table(className="outlets-table", children=[html.Thead(header),
                                                            html.Tbody(body)])


def count_label(rows: list[dict[str, Any]], activity: Timeline) -> str:
    events = sum(int(r["events"]) for r in rows)
    if not rows:
        return "No dated events for this selection"
    return (f"{len(rows)} outlet{'s' if len(rows) != 1 else ''}, {events} "
            f"event{'s' if events != 1 else ''}, counted per {activity.bucket}")


def layout(queries: Queries, search: str) -> html.Main:
    return html.Main(className="outlets", children=[
        html.Div(id="outlets-count", className="count"),
        dcc.Graph(id="outlet-activity", config={"displaylogo": False}),
        html.P("Each row is an outlet, each column a period; darker cells hold more events. "
               "Below, per outlet: what it covered, what only it covered (open an incident to "
               "compare the accounts) and how its death tolls stand against the others'.",
               className="hint"),
        html.Div(id="outlet-table"),
    ])


def draw(queries: Queries, search: Any) -> tuple[Any, html.Table, str]:
    """Filter state -> queries -> heatmap, table and count."""
    allowed, types = queries.vocabulary()
    state = filters.from_query(search, allowed, types)
    rows, activity = queries.outlet_table(state), queries.outlet_activity(state)
    return (figures.outlet_heatmap(activity, rows),
            outlet_table(rows, queries.exclusive_incidents(state), state),
            count_label(rows, activity))


def register(app: dash.Dash, queries: Queries) -> None:
    @app.callback(Output("outlet-activity", "figure"), Output("outlet-table", "children"),
                  Output("outlets-count", "children"), Input("url", "search"))
    def update_outlets(search: Any) -> tuple[Any, html.Table, str]:
        return draw(queries, search)
