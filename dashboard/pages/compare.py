"""The Compare page: one incident, every outlet's account, the disagreements laid bare.

Pure functions from query results to components. Article text is only ever passed to Dash as
text (never as HTML), and links are kept only when they are http(s).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import dash
from dash import Input, Output, State, dcc, html

from .. import figures, filters
from ..queries import Queries

PATH = "/compare"
TITLE = "Compare"
FILTERS = False


def picker_options(incidents: list[dict[str, Any]]) -> list[dict[str, str]]:
    options = []
    for incident in incidents:
        place = ", ".join(loc["name"] for loc in incident["locations"][:2]) or "unknown place"
        label = f"{incident['date']} · {place} · {len(incident['outlets'])} outlets"
        options.append({"label": label, "value": incident["incident_id"]})
    return options


def safe_link(url: str | None) -> str | None:
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def highlight(sentence: str, event: dict[str, Any]) -> list[Any]:
    """The sentence with its extracted parts marked: date, places, figures, actors, sources."""
    marks: list[tuple[int, int, str]] = []

    def mark(text: str | None, kind: str) -> None:
        if text:
            at = sentence.find(text)
            if at >= 0:
                marks.append((at, at + len(text), kind))

    mark(event.get("date_text"), "date")
    for loc in event.get("locations") or []:
        if not loc.get("inherited"):
            mark(loc.get("text"), "place")
    for figure in event.get("figures") or []:
        mark(figure.get("text"), "figure")
    for actor in event.get("actors") or []:
        mark(actor.get("text"), "actor")
    for source in event.get("claimed_by") or []:
        mark(source, "source")
    parts: list[Any] = []
    cursor = 0
    for start, end, kind in sorted(marks):
        if start < cursor:
            continue  # overlapping marks: the earlier one wins
        parts.append(sentence[cursor:start])
        parts.append(html.Mark(sentence[start:end], className=f"hl hl-{kind}", title=kind))
        cursor = end
    parts.append(sentence[cursor:])
    return parts


def _figures_text(events: list[dict[str, Any]]) -> str:
    parts = []
    for e in events:
        for f in e.get("figures") or []:
            high = "" if f["high"] == f["low"] else ("+" if f["high"] is None else f"–{f['high']}")
            parts.append(f"{f['kind']} {f['low'] if f['low'] is not None else '≤'}{high}")
    return "; ".join(dict.fromkeys(parts)) or "—"


def accounts_table(accounts: list[dict[str, Any]], incident: dict[str, Any]) -> html.Table:
    """One row per outlet: when it published, the date it gives, places, figures, who it cites,
    its sentences with the extracted parts marked, a link to the article."""
    disputed = {d["field"] for d in incident["disagreements"]}
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for account in accounts:
        by_outlet.setdefault(account["outlet"] or "unknown", []).append(account)
    header = html.Tr([html.Th(h) for h in ("Outlet", "Published", "Date given", "Places",
                                           "Figures", "Cites", "Account")])
    rows = []
    for outlet, events in by_outlet.items():
        first = events[0]
        dates = sorted({e["date"] + ("" if e["date_end"] == e["date"] else f" – {e['date_end']}")
                        for e in events if e["date"]} |
                       {f"{e['date_month_day']} (no year given)" for e in events
                        if not e["date"] and e.get("date_month_day")})
        places = sorted({loc["name"] for e in events for loc in e["locations"]
                         if not loc.get("inherited")})
        cites = sorted({c for e in events for c in e["claimed_by"]}) or ["(its own voice)"]
        link = safe_link(first.get("url"))
        title = first.get("title") or "article"
        article = html.A(title, href=link, target="_blank", rel="noopener noreferrer") \
            if link else html.Span(title)
        # One link per article of the outlet, to the Reader with its first event marked.
        firsts: dict[str, str] = {}
        for e in events:
            firsts.setdefault(e["article_id"], e["event_id"])
        reads = [dcc.Link("read" if len(firsts) == 1 else f"read {n}", className="read-link",
                          href="/reader?" + urlencode({"article": a, "event": ev}))
                 for n, (a, ev) in enumerate(firsts.items(), 1)]
        sentences = [html.P(highlight(e["sentence"], e),
                            className="sentence denial" if e.get("stance") == "denies"
                            else "sentence") for e in events]
        rows.append(html.Tr(className="account", children=[
            html.Td(first.get("outlet_name") or outlet, className="outlet"),
            html.Td(first.get("published") or "—"),
            html.Td(", ".join(dates) or "—", className="disagree" if "date" in disputed else ""),
            html.Td(", ".join(places) or "—",
                    className="disagree" if "locations" in disputed else ""),
            html.Td(_figures_text(events), className="disagree" if disputed -
                    {"date", "locations", "responsibility", "denials"} else ""),
            html.Td(", ".join(cites)),
            html.Td([*sentences, html.Div([article, *reads], className="article-link")]),
        ]))
    return html.Table(className="accounts", children=[html.Thead(header), html.Tbody(rows)])


def disagreements_list(incident: dict[str, Any]) -> html.Ul:
    items = []
    for d in incident["disagreements"]:
        values = "; ".join(f"{outlet}: {_value(v)}" for outlet, v in d["values"].items())
        items.append(html.Li([html.Strong(d["field"]), f" — {values}"]))
    if not items:
        items.append(html.Li("The accounts agree on date, places, figures and blame."))
    return html.Ul(items, id="disagreements", className="disagreements")


def _value(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2 and all(
            v is None or isinstance(v, int) for v in value):
        low, high = value
        return f"{low}" if low == high else f"{low if low is not None else '≤'}–{high or '…'}"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def layout(queries: Queries, search: str) -> html.Div:
    incidents = queries.incidents()
    # The picker lists the most widely told incidents; one a link names joins them.
    named = filters.incident_param(search)
    if named and all(i["incident_id"] != named for i in incidents):
        incidents += [i for i in [queries.incident(named)] if i is not None]
    options = picker_options(incidents)
    chosen = filters.parse_incident(search, [o["value"] for o in options])
    if chosen is None and options:
        chosen = options[0]["value"]
    return html.Div(className="compare", children=[
        dcc.Location(id="compare-url", refresh=False),
        html.H2("Compare accounts"),
        dcc.Dropdown(id="incident-picker", options=options, value=chosen, clearable=False,
                     placeholder="Choose an incident (type to search)"),
        html.Div(id="incident-view"),
    ])


def incident_view(queries: Queries, chosen: Any) -> Any:
    incident = queries.incident(chosen) if isinstance(chosen, str) else None
    if incident is None:
        return html.P("No incident chosen.")
    kind = "killed" if "killed" in incident["figure_history"] else \
        next(iter(incident["figure_history"]), "killed")
    return [html.H3("Where the accounts differ"), disagreements_list(incident),
            html.H3("Accounts"), accounts_table(queries.accounts(chosen), incident),
            html.H3(f"{kind.capitalize()}, by outlet and time of publication"),
            dcc.Graph(id="figure-chart", figure=figures.figure_ranges(
                incident["figure_history"], kind), config={"displaylogo": False})]


def register(app: dash.Dash, queries: Queries) -> None:
    @app.callback(Output("incident-view", "children"), Input("incident-picker", "value"))
    def show_incident(chosen: Any) -> Any:
        return incident_view(queries, chosen)

    # The chosen incident lives in the URL too: a link opens it, back and forward move
    # between incidents (one callback both ways, as in the sidebar). The page's own Location
    # component, so that the callback's inputs all exist only while the page does.
    @app.callback(Output("compare-url", "search"), Output("incident-picker", "value"),
                  Input("compare-url", "search"), Input("incident-picker", "value"),
                  State("incident-picker", "options"), prevent_initial_call=True)
    def follow_url(search: Any, chosen: Any, options: Any) -> tuple[Any, Any]:
        allowed = [o["value"] for o in options or []]
        if dash.ctx.triggered_id == "compare-url":
            named = filters.parse_incident(search, allowed)
            if named is None or named == chosen:
                raise dash.exceptions.PreventUpdate
            return dash.no_update, named
        if not isinstance(chosen, str) or chosen not in allowed \
                or filters.parse_incident(search, allowed) == chosen:
            raise dash.exceptions.PreventUpdate
        return f"?incident={chosen}", dash.no_update
