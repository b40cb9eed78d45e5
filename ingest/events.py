"""Events: one per sentence that reports something happening, typed with ACLED's categories."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from . import actors, claims, dates, figures, sentences
from .lexicons import load_toml
from .models import Article, Event


@dataclass(frozen=True)
class _EventType:
    event_type: str
    sub_event_type: str
    pattern: re.Pattern[str]


@cache
def _types(language: str) -> tuple[_EventType, ...]:
    found = []
    for entry in load_toml("events.toml")["type"]:
        words = entry.get(language) or entry.get("en") or []
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        found.append(_EventType(entry["event_type"], entry["sub_event_type"],
                                re.compile(rf"(?<!\w)(?:{alternation})", re.IGNORECASE)))
    return tuple(found)


_CASUALTIES_ONLY = ("Violence against civilians", "Attack")
STANCES = ("asserts", "denies")


def classify(sentence: str, language: str) -> tuple[str, str, int] | None:
    """The ACLED (event type, sub-event type) a sentence reports, and where its word is."""
    for kind in _types(language):
        found = kind.pattern.search(sentence)
        if found:
            return kind.event_type, kind.sub_event_type, found.start()
    return None


def extract(article: Article) -> list[Event]:
    """The events an article reports, each traceable to its sentence and offsets."""
    published = date.fromisoformat(article.published) if article.published else None
    language = article.language or "en"
    all_mentions = dates.find_dates(article.text, published, language)
    mentions = [m for m in all_mentions if not m.duration]
    events: list[Event] = []
    previous: Event | None = None
    previous_paragraph = -1
    for sentence in sentences.split(article.text):
        typed = classify(sentence.text, language)
        if typed is None:
            previous = None if sentence.paragraph != previous_paragraph else previous
            continue
        own = [m for m in mentions if sentence.start <= m.start < sentence.end]
        event = Event(article_id=article.article_id, outlet=article.outlet,
                      sentence=sentence.text, start=sentence.start, end=sentence.end,
                      event_type=typed[0], sub_event_type=typed[1])
        event.claimed_by, denial = claims.find_claims(sentence.text, language)
        event.stance = "denies" if denial else "asserts"
        event.actors = actors.roles(sentence.text, typed[2])
        continues = previous is not None and sentence.paragraph == previous_paragraph
        if own:
            first = own[0]
            event.date, event.date_end = first.iso
            event.date_precision, event.date_text = first.precision, first.text
            event.date_basis = "text" if first.date else None
        elif continues or (denial and events):
            # A sentence that continues the event before it (or denies an event the article
            # reports) takes its date, and says so.
            source = previous if continues and previous is not None else events[-1]
            _inherit(event, source, typed[:2] == _CASUALTIES_ONLY)
        elif sentence.paragraph == 0 and not events and published is not None:
            # The lead of a news report with no date tells of the day or so before it was
            # published (ACLED's rule: code the report's date); a two-day period says so.
            event.date = (published - timedelta(days=1)).isoformat()
            event.date_end = published.isoformat()
            event.date_precision, event.date_basis = "day", "published"
        else:
            continue  # no date of its own and nothing to continue: background, not an event
        dated_spans = [(m.start - sentence.start, m.end - sentence.start) for m in all_mentions
                       if sentence.start <= m.start < sentence.end]
        event.figures = [f.record() for f in
                         figures.find_figures(sentence.text, language, dated_spans)]
        events.append(event)
        previous, previous_paragraph = event, sentence.paragraph
    return events


def _inherit(event: Event, source: Event, casualties_only: bool) -> None:
    event.date, event.date_end = source.date, source.date_end
    event.date_precision, event.date_text = source.date_precision, source.date_text
    event.date_inherited = True
    event.date_basis = "inherited" if source.date else None
    if casualties_only:
        # "600 died in one of the attacks": the toll of the event it continues.
        event.event_type, event.sub_event_type = source.event_type, source.sub_event_type
    if not event.actors:
        event.actors = [dict(a) for a in source.actors]
    if not event.locations:
        event.locations = [dict(loc) for loc in source.locations]
