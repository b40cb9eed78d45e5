"""The Reader page: one article's clean text with its events marked, its metadata, its events.

Every event sentence is marked where the event's offsets put it, and inside it the extracted
parts (date, places, figures, actors, who claims it) as on the Compare page. Article text and
metadata are untrusted: they reach Dash only as text (never as HTML), and the article's URL
becomes a link only when it is http(s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
from dash import Input, Output, dcc, html

from ..queries import Queries
from .compare import _figures_text, highlight, safe_link

PATH = "/reader"
TITLE = "Reader"
FILTERS = False

_HEX_ID = re.compile(r"[0-9a-f]{8,64}")  # ids are a letter and a hash in hex
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")  # paragraphs are separated by a blank line
BASES = {"metadata": "from the page's metadata", "text": "from a dateline in the text",
         "url": "from the URL", "given": "given at ingest", "inferred": "inferred from the text"}

# The chosen event is drawn by the server; the browser is only asked to scroll to it.
_SCROLL = """
function(chosen) {
    if (chosen) {
        setTimeout(function() {
            var mark = document.getElementById('event-' + chosen);
            if (mark) { mark.scrollIntoView({block: 'center'}); }
        }, 50);
    }
    return window.dash_clientside.no_update;
}
"""


@dataclass(frozen=True)
class Request:
    """What a Reader URL asks for: ?article=ID[&event=ID], each kept only when well formed."""

    asked: bool  # whether the URL names an article at all
    article: str | None
    event: str | None


def requested(search: Any) -> Request:
    query = parse_qs(search.lstrip("?")) if isinstance(search, str) else {}

    def well_formed(key: str, prefix: str) -> str | None:
        values = query.get(key, [])
        value = values[0] if values else ""
        return value if value[:1] == prefix and _HEX_ID.fullmatch(value[1:]) else None

    return Request(asked="article" in query, article=well_formed("article", "a"),
                   event=well_formed("event", "e"))


def reader_href(article_id: str, event_id: str | None = None) -> str:
    pairs = [("article", article_id)] + ([("event", event_id)] if event_id else [])
    return f"{PATH}?{urlencode(pairs)}"


def compare_href(incident_id: str) -> str:
    return f"/compare?{urlencode({'incident': incident_id})}"


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the text's paragraphs; offsets, not strings, so that the
    events' offsets into the whole text still apply."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        if gap.start() > cursor:
            spans.append((cursor, gap.start()))
        cursor = gap.end()
    if cursor < len(text):
        spans.append((cursor, len(text)))
    return spans


def event_spans(text: str, events: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Where each event's sentence lies in the text, in text order, without overlaps (the
    earlier wins). The offsets are trusted only when they hold the sentence; else the sentence
    is looked for; an event whose sentence is not in the text is left unmarked."""
    found: list[tuple[int, int, dict[str, Any]]] = []
    for event in events:
        start, end, sentence = event.get("start"), event.get("end"), event.get("sentence") or ""
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end
                and text[start:end] == sentence):
            start = text.find(sentence) if sentence else -1
            if start < 0:
                continue
            end = start + len(sentence)
        found.append((start, end, event))
    found.sort(key=lambda span: (span[0], span[1]))
    kept: list[tuple[int, int, dict[str, Any]]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _event_title(event: dict[str, Any]) -> str:
    parts = [event.get("sub_event_type") or event.get("event_type") or "event",
             _period(event), _figures_text([event])]
    return " · ".join(p for p in parts if p and p != "—")


def article_text(text: str, events: list[dict[str, Any]], chosen: str | None) -> list[html.P]:
    """The text as paragraphs, each event sentence a span (id `event-ID`) with its extracted
    parts marked; the chosen event's span is emphasised. A sentence across a paragraph break
    is marked in both paragraphs, with the id on its first part only."""
    spans = event_spans(text, events)
    paragraphs = []
    first = 0  # both lists are in text order: one pass over each
    for p_start, p_end in paragraph_spans(text):
        while first < len(spans) and spans[first][1] <= p_start:
            first += 1
        parts: list[Any] = []
        cursor = p_start
        for start, end, event in spans[first:]:
            if start >= p_end:
                break
            lo, hi = max(start, p_start), min(end, p_end)
            if lo > cursor:
                parts.append(text[cursor:lo])
            classes = "event-sentence"
            if event.get("stance") == "denies":
                classes += " denial"
            if event.get("event_id") == chosen:
                classes += " chosen"
            children, title = highlight(text[lo:hi], event), _event_title(event)
            parts.append(html.Span(children, className=classes, title=title,
                                   id=f"event-{event['event_id']}") if lo == start
                         else html.Span(children, className=classes, title=title))
            cursor = hi
        if cursor < p_end:
            parts.append(text[cursor:p_end])
        paragraphs.append(html.P(parts, className="reader-paragraph"))
    return paragraphs


def _period(event: dict[str, Any]) -> str:
    start, end = event.get("date"), event.get("date_end")
    if not start:
        return "undated"
    return str(start) if not end or end == start else f"{start} – {end}"


def metadata(article: dict[str, Any]) -> html.Dl:
    """Outlet, author, publication date and where it came from, language, URL (a link only
    when http(s)), article id."""
    published = article.get("published") or "unknown"
    basis = article.get("published_basis")
    if article.get("published") and basis:
        published += f" ({BASES.get(basis, basis)})"
    link = safe_link(article.get("url"))
    outlet = article.get("outlet_name") or article.get("outlet") or "unknown"
    if article.get("outlet") and article.get("outlet_name"):
        outlet += f" ({article['outlet']})"
    items: list[tuple[str, Any]] = [
        ("Outlet", outlet),
        ("Author", article.get("author") or "—"),
        ("Published", published),
        ("Language", article.get("language") or "—"),
        ("URL", html.A(link, href=link, target="_blank", rel="noopener noreferrer")
         if link else "—"),
        ("Article id", article.get("article_id") or "—"),
    ]
    children: list[Any] = []
    for name, value in items:
        children.extend([html.Dt(name), html.Dd(value)])
    return html.Dl(children, id="reader-meta", className="reader-meta")


def events_table(article_id: str, events: list[dict[str, Any]], chosen: str | None
                 ) -> html.Table:
    """One row per event of the article, in text order: when, what, figures, on whose word,
    a link that marks it in the text, and its incident on the Compare page."""
    header = html.Tr([html.Th(h) for h in ("Date", "Type", "Figures", "Cites", "Sentence",
                                           "Incident")])
    rows = []
    for event in events:
        incident = event.get("incident_id")
        sentence = event.get("sentence") or ""
        short = sentence if len(sentence) <= 120 else sentence[:119] + "…"
        rows.append(html.Tr(
            className="reader-event chosen" if event["event_id"] == chosen else "reader-event",
            children=[
                html.Td(_period(event), className="nowrap"),
                html.Td(" / ".join(t for t in (event.get("event_type"),
                                               event.get("sub_event_type")) if t) or "—"),
                html.Td(_figures_text([event])),
                html.Td(", ".join(event.get("claimed_by") or []) or "(its own voice)"),
                html.Td(dcc.Link(short, href=reader_href(article_id, event["event_id"]))),
                html.Td(dcc.Link("compare accounts", href=compare_href(incident),
                                 className="incident-link") if incident else "—"),
            ]))
    return html.Table(id="reader-events", className="reader-events",
                      children=[html.Thead(header), html.Tbody(rows)])


def reader_view(queries: Queries, search: Any) -> list[Any]:
    """The whole page for a URL: the article, or a message saying why there is none."""
    asked = requested(search)
    article = queries.article(asked.article) if asked.article else None
    if article is None:
        message = ("Article not found: the link names no article in the store."
                   if asked.asked else
                   "No article chosen: open one from an account on the Compare page or "
                   "from an event on the Timeline.")
        return [html.H2("Reader"), html.P(message, id="reader-missing", className="missing"),
                dcc.Store(id="reader-chosen", data=None)]
    events = queries.article_events(article["article_id"])
    chosen = asked.event if any(e["event_id"] == asked.event for e in events) else None
    text = article.get("text") or ""
    captions = article.get("captions") or []
    return [
        html.H2(article.get("title") or "(untitled article)", id="reader-title"),
        metadata(article),
        html.P(f"{len(events)} event{'s' if len(events) != 1 else ''} marked in the text; "
               "hover over a sentence for its date, type and figures.", className="hint"),
        html.Div(article_text(text, events, chosen), id="reader-text", className="reader-text"),
        *([html.H3("Captions (apart from the text: their dates are not event dates)"),
           html.Ul([html.Li(c) for c in captions], id="reader-captions")] if captions else []),
        html.H3("Events"),
        events_table(article["article_id"], events, chosen) if events
        else html.P("No events in this article."),
        dcc.Store(id="reader-chosen", data=chosen),
    ]


def layout(queries: Queries, search: str) -> html.Div:
    return html.Div(id="reader", className="reader", children=reader_view(queries, search))


def register(app: dash.Dash, queries: Queries) -> None:
    # A link to another event of the same article changes only the query string, which does
    # not re-render the page: this redraws the article for it.
    @app.callback(Output("reader", "children"), Input("url", "search"),
                  prevent_initial_call=True)
    def show_article(search: Any) -> list[Any]:
        return reader_view(queries, search)

    app.clientside_callback(  # type: ignore[no-untyped-call]
        _SCROLL, Output("reader-chosen", "modified_timestamp"), Input("reader-chosen", "data"))
