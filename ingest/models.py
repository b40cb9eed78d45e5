"""The records Counterpoint produces: articles and events (see docs/schema.md)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

ARTICLE_FIELDS = (
    "article_id", "source", "url", "outlet", "outlet_name", "title", "author", "published",
    "published_basis", "published_candidates", "language", "text", "captions",
)
EVENT_FIELDS = (
    "event_id", "article_id", "outlet", "date", "date_end", "date_precision", "date_text",
    "date_inherited", "date_basis", "date_month_day", "event_type", "sub_event_type", "actors",
    "locations", "figures", "claimed_by", "stance", "sentence", "start", "end", "incident_id",
)
INCIDENT_FIELDS = (
    "incident_id", "date", "date_end", "event_type", "locations", "outlets", "event_ids",
    "figures", "disagreements", "first_reported", "figure_history",
)
# Fields stored as JSON text in Parquet and CSV because they hold lists or objects.
NESTED_FIELDS = frozenset({"captions", "published_candidates", "actors", "locations", "figures",
                           "claimed_by", "outlets", "event_ids", "disagreements",
                           "first_reported", "figure_history"})

_SPACE = re.compile(r"\s+")


def stable_id(prefix: str, *parts: str) -> str:
    """A short id that depends only on its parts, so re-ingesting yields the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:16]}"


def article_key(url: str | None, title: str | None, text: str) -> str:
    """What makes two articles the same: the URL when known, else title and body text."""
    if url:
        return stable_id("a", "url", url.strip().rstrip("/").lower())
    body = _SPACE.sub(" ", f"{title or ''}\n{text}").strip().lower()
    return stable_id("a", "text", body)


@dataclass
class Article:
    source: str
    text: str
    url: str | None = None
    outlet: str | None = None
    outlet_name: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_basis: str | None = None
    published_candidates: list[str] = field(default_factory=list)
    language: str | None = None
    captions: list[str] = field(default_factory=list)
    article_id: str = ""

    def __post_init__(self) -> None:
        if not self.article_id:
            self.article_id = article_key(self.url, self.title, self.text)

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        return {name: data[name] for name in ARTICLE_FIELDS}


@dataclass
class Event:
    article_id: str
    outlet: str | None
    sentence: str
    start: int
    end: int
    date: str | None = None
    date_end: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_inherited: bool = False
    date_basis: str | None = None  # text | inherited | published (see docs/schema.md)
    date_month_day: str | None = None  # "--04-07": a year-less date no year could be given
    event_type: str | None = None
    sub_event_type: str | None = None
    actors: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    claimed_by: list[str] = field(default_factory=list)
    stance: str = "asserts"  # asserts | denies: a denial is kept as the denier's claim
    incident_id: str | None = None
    event_id: str = ""

    def __post_init__(self) -> None:
        if not self.event_id:
            self.event_id = stable_id("e", self.article_id, str(self.start), str(self.end))

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        return {name: data[name] for name in EVENT_FIELDS}
