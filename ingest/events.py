"""Events: one per sentence that reports something happening, typed with ACLED's categories."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from . import dates, sentences
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


def classify(sentence: str, language: str) -> tuple[str, str] | None:
    """The ACLED (event type, sub-event type) a sentence reports, or None."""
    for kind in _types(language):
        if kind.pattern.search(sentence):
            return kind.event_type, kind.sub_event_type
    return None


def extract(article: Article) -> list[Event]:
    """The events an article reports, each traceable to its sentence and offsets."""
    published = date.fromisoformat(article.published) if article.published else None
    language = article.language or "en"
    mentions = [m for m in dates.find_dates(article.text, published, language)
                if not m.duration]
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
        if own:
            first = own[0]
            event.date, event.date_end = first.iso
            event.date_precision, event.date_text = first.precision, first.text
        elif previous is not None and sentence.paragraph == previous_paragraph:
            # A sentence that continues the event before it takes its date, and says so.
            event.date, event.date_end = previous.date, previous.date_end
            event.date_precision, event.date_text = previous.date_precision, previous.date_text
            event.date_inherited = True
            if typed == _CASUALTIES_ONLY:
                # "600 died in one of the attacks": the toll of the event it continues.
                event.event_type = previous.event_type
                event.sub_event_type = previous.sub_event_type
        else:
            continue  # no date of its own and nothing to continue: background, not an event
        events.append(event)
        previous, previous_paragraph = event, sentence.paragraph
    return events
