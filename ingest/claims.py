"""Claims: who a sentence attributes its account to ("according to X", "X said", "заявил X").

Sources are named canonically where a registry knows them: office-holders ("Minister Shoigu"
-> "Sergei Shoigu"), actors ("Минобороны" -> "Russian Ministry of Defence") and outlets;
otherwise as written (a capitalised name). Empty when the outlet speaks in its own voice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import actors, offices, outlets, places
from .lexicons import common_words, load_toml

REACH = 70  # characters between a cue and its source


@dataclass(frozen=True)
class _Cues:
    before: re.Pattern[str]
    after: re.Pattern[str]
    inverted: re.Pattern[str]
    denial: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


@cache
def _cues(language: str) -> _Cues:
    table = load_toml("claims.toml").get(language) or load_toml("claims.toml")["en"]

    def compile_(words: list[str], stem: bool = False) -> re.Pattern[str]:
        tail = "" if stem else r"(?!\w)"
        return re.compile(rf"(?<!\w)(?:{_alternation(words)}){tail}", re.IGNORECASE)

    return _Cues(compile_(table["before"]), compile_(table["after"]),
                 compile_(table["after_inverted"]), compile_(table["denial"], stem=True))


@dataclass(frozen=True)
class _Source:
    start: int
    end: int
    name: str
    canonical: bool  # named by a registry (office-holder, actor, outlet), not just capitalised


# A run of capitalised words (Latin or Cyrillic), such as "Talal al-Barazi".
_CAPITALISED = re.compile(
    r"(?<![\w'’])(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w'’-]+)(?:\s+(?:(?:al|el|de|von|van|bin|ibn)[- ])?"
    r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w'’-]+){0,4}")
_NOT_A_SOURCE = re.compile(r"^(?:The|A|An|It|This|That|They|He|She|We|On|In|At|Also|But|And|"
                           r"However|Meanwhile|Earlier|Later|According|Nonetheless|"
                           r"January|February|March|April|May|June|July|August|September|"
                           r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                           r"Friday|Saturday|Sunday)\b")


def _sources(sentence: str, language: str) -> list[_Source]:
    found = [_Source(m.start, m.end, m.actor.name, True) for m in actors.find(sentence)]
    found += [_Source(start, end, person, True)
              for start, end, person in offices.people_named(sentence)]
    for match in _CAPITALISED.finditer(sentence):
        if _NOT_A_SOURCE.match(match.group(0)) or places.is_place(match.group(0)) \
                or places.is_place(match.group(0).split()[0]):
            continue  # a place is not a source unless a registry knows it as one
        if " " not in match.group(0) and match.group(0).casefold() in common_words(language):
            continue  # "If confirmed, ...": a capitalised common word is no source
        outlet = outlets.by_name(match.group(0))
        found.append(_Source(match.start(), match.end(),
                             outlet.name if outlet else match.group(0), outlet is not None))
    return found


def _nearest(candidates: list[_Source], point: int) -> str | None:
    """The source nearest the cue; a registry name before a bare capitalised phrase."""
    if not candidates:
        return None
    best = min(candidates, key=lambda s: (min(abs(s.start - point), abs(s.end - point)) // 3,
                                          not s.canonical))
    if not best.canonical:
        # "Syrian Observatory for Human Rights": the registry name just before wins over the
        # capitalised tail of the same name.
        joined = [s for s in candidates if s.canonical and (0 <= best.start - s.end <= 12
                                                            or (s.start < best.end
                                                            and best.start < s.end))]
        if joined:
            return joined[0].name
    return best.name


def find_claims(sentence: str, language: str = "en") -> tuple[list[str], bool]:
    """Who the sentence attributes its account to, and whether it is a denial."""
    cues = _cues(language)
    sources = _sources(sentence, language)
    claimed: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in claimed:
            claimed.append(name)

    for cue in cues.before.finditer(sentence):
        # "according to X": the source starts shortly after the cue.
        add(_nearest([s for s in sources if cue.end() <= s.start <= cue.end() + REACH // 2],
                     cue.end()))
    for cue in cues.after.finditer(sentence):
        if re.match(r"\s+(?:by|par|von|от)\b", sentence[cue.end():]):
            continue  # "reported by X" is the passive: the source follows
        # "X said", "X'e göre": the source ends shortly before the cue, in the same clause.
        add(_nearest([s for s in sources if cue.start() - REACH <= s.start
                      and s.end <= cue.start()
                      and not re.search(r"[.;]", sentence[s.end:cue.start()])], cue.start()))
    for cue in cues.inverted.finditer(sentence):
        # "said X", "заявил X": the source follows the verb.
        add(_nearest([s for s in sources if cue.end() <= s.start <= cue.end() + 3],
                     cue.end()))
    return claimed, bool(cues.denial.search(sentence))
