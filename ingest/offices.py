"""Office-holders (ingest/data/officeholders.csv): who held which office when.

Used to date undated articles: a text that names "US Secretary of State John Kerry" was written
while he held that office. A name counts only with a title of its office close by, and not when
the title is qualified as former ("former Secretary of State John Kerry").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from .lexicons import PhraseIndex, load_csv

WINDOW = 80  # characters between a name and its title
_FORMER = re.compile(r"(?:former|ex-|then-|late|бывш\w*|экс-|колишн\w*|ancien\w*|ex\s|"
                     r"ehemalig\w*|früher\w*|السابق|eski)\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    person: str
    office: str
    country: str
    start: date
    end: date | None


@dataclass(frozen=True)
class _Entry:
    term: Term
    titles: re.Pattern[str]
    plain_names: tuple[str, ...]


def _alternation(values: list[str]) -> str:
    return "|".join(re.escape(v) for v in sorted({v for v in values if v}, key=len, reverse=True))


@cache
def _entries() -> tuple[_Entry, ...]:
    entries = []
    for row in load_csv("officeholders.csv"):
        try:
            start = date.fromisoformat(row["start"])
            end = date.fromisoformat(row["end"]) if row.get("end") else None
        except ValueError:
            continue
        names = [row["person"], *row.get("aliases", "").split("|")]
        titles = row.get("titles", "").split("|")
        if not titles or not row.get("titles"):
            continue
        entries.append(_Entry(
            Term(row["person"], row["office"], row.get("country", ""), start, end),
            re.compile(rf"(?<!\w)(?:{_alternation(titles)})(?!\w)", re.IGNORECASE),
            tuple(n for n in names if n)))
    return tuple(entries)


@cache
def _name_index() -> PhraseIndex[list[_Entry]]:
    by_name: dict[str, list[_Entry]] = {}
    for entry in _entries():
        for name in entry.plain_names:
            by_name.setdefault(name, []).append(entry)
    return PhraseIndex(by_name.items())


def terms_named(text: str) -> list[Term]:
    """Terms of office that a text names by person and office together."""
    found: dict[Term, None] = {}
    for name_start, name_end, entries in _name_index().find(text):
        start = max(0, name_start - WINDOW)
        window = text[start:name_end + WINDOW]
        offset = name_start - start
        if _FORMER.search(window[max(0, offset - 25):offset]):
            continue
        for entry in entries:
            if entry.term in found:
                continue
            if any(not _FORMER.search(window[max(0, t.start() - 25):t.start()])
                   for t in entry.titles.finditer(window)):
                found[entry.term] = None
    return list(found)


def people_named(text: str) -> list[tuple[int, int, str]]:
    """Office-holders a text names, with or without their title: (start, end, person)."""
    return [(start, end, entries[0].term.person)
            for start, end, entries in _name_index().find(text)]
