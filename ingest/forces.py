"""Forces: a country's armed forces named by what they are and whose they are.

"Israeli F-15 jets", "американскими эсминцами", "les avions russes", "طائرات النظام السوري" and
"Rus savaş uçakları" name no actor in the registry word for word, but each is that country's
military: a noun for armed forces, their arms or bases (ingest/data/forces.toml) with the
country's demonym or name beside it, or with its government ("Assad regime warplanes").
"""

from __future__ import annotations

import re
from functools import cache

from . import actors, claims, dates
from .lexicons import common_words, load_toml

GAP_WORDS = 3  # words allowed between the demonym and its noun: "Israeli F-15 fighter jets"
# Where adjectives follow the noun ("les avions russes", "الطائرات الروسية") the demonym may
# come after it; elsewhere only a country's name may ("армии России", "війська РФ").
ADJECTIVE_AFTER = frozenset({"fr", "ar"})
NAME_AFTER = frozenset({"ru", "uk"})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w-]*")
_STOP = re.compile(r"[,;:()\"«»“”]|\.\s")


@cache
def _nouns(language: str) -> re.Pattern[str]:
    table = load_toml("forces.toml")
    words = table.get(language, table["en"])["nouns"]
    forms = []
    for word in sorted(words, key=len, reverse=True):
        parts = [re.escape(p.rstrip("*")) + (r"\w*" if p.endswith("*") else "")
                 for p in word.split()]
        forms.append(r"\s+".join(parts))
    prefix = r"(?:[وفبل])?" if language == "ar" else ""
    return re.compile(rf"(?<![\w-]){prefix}(?:{'|'.join(forms)})(?![\w-])", re.IGNORECASE)


def _country_before(sentence: str, start: int, language: str) -> tuple[str, int] | None:
    if language == "ar":
        return None  # Arabic puts the adjective after the noun
    stop = common_words(language)
    words = list(_WORD.finditer(sentence, max(0, start - 80), start))[-GAP_WORDS:]
    for word in reversed(words):
        if _STOP.search(sentence[word.end():start]):
            break
        code = claims.country_of(word.group(0))
        if code:
            return code, word.start()
        if word.group(0).casefold() in stop:
            break  # "Palestinians in overnight strikes": not whose strikes they were
    return None


def _country_after(sentence: str, end: int, language: str) -> tuple[str, int] | None:
    if language not in ADJECTIVE_AFTER | NAME_AFTER:
        return None
    for word in list(_WORD.finditer(sentence, end, end + 60))[:2]:
        if _STOP.search(sentence[end:word.start()]):
            break
        text = word.group(0)
        code = claims.country_of(text)
        if code and (language in ADJECTIVE_AFTER or text[:1].isupper()):
            return code, word.start() + len(text.rstrip("."))
    return None


def _state_subject(sentence: str, anchor: int, language: str) -> tuple[str, int, int] | None:
    """A country named as the subject of the event word: "Russia struck Kharkiv", "La Russie
    a frappé Kharkiv", "On Sunday, Russia fired": the country's name opens its clause (after
    nothing but a date or an article) and at most GAP_WORDS words stand before the word."""
    words = list(_WORD.finditer(sentence, max(0, anchor - 80), anchor))[-(GAP_WORDS + 1):]
    for word in words:
        if _STOP.search(sentence[word.end():anchor]):
            continue
        code = claims.country_of(word.group(0))
        if code is None or not word.group(0)[:1].isupper() \
                or claims.country_of(word.group(0).casefold()) != code:
            continue  # a name, not a demonym ("Russian" qualifies a noun; "Russia" acts)
        clause = re.split(r"[,;:—–]|\.\s", sentence[:word.start()])[-1]
        opening = re.sub(r"(?i)^\s*(?:the|la|le|l['’]|die|der|das)\s*$", "", clause)
        spans = [(m.start, m.end) for m in dates.find_dates(opening, None, language)]
        rest = "".join(ch for i, ch in enumerate(opening)
                       if not any(s <= i < e for s, e in spans))
        if rest.strip():
            return None
        return code, word.start(), word.end()
    return None


def find(sentence: str, language: str, anchor: int | None = None) -> list[actors.Mention]:
    """The forces a sentence names by noun and country, as mentions of the country's
    military in the actor registry (its ``Military Forces of ...``); with the event word's
    position, also a country named as its subject ("Russia struck Kharkiv")."""
    registry = actors.registry()
    governments = [m for m in actors.find(sentence) if m.actor.kind == "government"]
    found: list[actors.Mention] = []
    for noun in _nouns(language).finditer(sentence):
        owner = _country_before(sentence, noun.start(), language)
        if owner is None:
            owner = _country_after(sentence, noun.end(), language)
        if owner is None:
            near = [m for m in governments if 0 <= noun.start() - m.end <= 3
                    or 0 <= m.start - noun.end() <= 3]
            owner = (near[0].actor.country, near[0].start if near[0].start < noun.start()
                     else near[0].end) if near else None
        if owner is None:
            continue
        name = claims.state_actor(owner[0], "state-forces")
        if name is None:
            continue
        start, end = min(owner[1], noun.start()), max(owner[1], noun.end())
        found.append(actors.Mention(registry[name], start, end, sentence[start:end]))
    if anchor is not None and not found:
        subject = _state_subject(sentence, anchor, language)
        name = claims.state_actor(subject[0], "state-forces") if subject else None
        if subject and name:
            found.append(actors.Mention(registry[name], subject[1], subject[2],
                                        sentence[subject[1]:subject[2]]))
    # "позициям армии России": the country goes with the nearer noun.
    return [m for m in found if not any(o is not m and m.start <= o.start and o.end <= m.end
                                        for o in found)]
