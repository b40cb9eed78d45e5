"""Figures: how many were killed, injured, detained, how many missiles or strikes, as ranges.

Numbers in digits and in words in seven languages, with their qualifiers ("at least 50" ->
low 50, high null; "between 20 and 30"; "dozens" -> 24-99) and the kind of thing counted,
taken from the words around them (ingest/data/figures.toml). People merely present ("4,000
people were at the station") are never counted as casualties.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from .lexicons import load_toml, with_marks, without_marks

KIND_WINDOW_AFTER = 75  # characters after a number searched for what it counts
KIND_WINDOW_BEFORE = 30


@dataclass(frozen=True)
class Figure:
    kind: str
    low: int | None
    high: int | None
    text: str
    start: int  # offsets in the sentence
    end: int

    def record(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.low, "high": self.high, "text": self.text}


@dataclass(frozen=True)
class _Lexicon:
    number: re.Pattern[str]
    units: dict[str, int]
    vague: dict[str, tuple[int, int]]
    at_least: re.Pattern[str]
    at_most: re.Pattern[str]
    about: re.Pattern[str]
    between: re.Pattern[str] | None
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    present: re.Pattern[str]
    people: re.Pattern[str]
    articles: frozenset[str]  # number words that are also the indefinite article
    prepositions: frozenset[str]


_NOT_KINDS = ("present", "people")  # word lists in [kinds] that name no kind
CASUALTIES = frozenset({"killed", "injured", "missing", "detained", "displaced"})
# The kinds a verb right before the number gives: "killing 50", "abducted at least 20".
HARMED = ("killed", "injured", "detained", "displaced")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}


def _first_word(text: str) -> str:
    found = re.match(r"\s*[^\W\d_]+", text)
    return found.group(0) if found else ""


def _last_word(text: str) -> str:
    found = re.findall(r"[^\W\d_]+", text)
    return found[-1].casefold() if found else ""


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


@cache
def _lexicon(language: str) -> _Lexicon:
    data = load_toml("figures.toml")
    table = data.get(language) or data["en"]
    units = {k.casefold(): int(v) for k, v in table["units"].items()}
    vague = {k.casefold(): tuple(data["vague"][v]) for k, v in table["vague"].items()}
    digits = r"\d{1,3}(?:[,  ]\d{3})+(?!\d)|\d+(?:\.\d+)?"
    words = _alternation(list(units))
    compound = rf"(?:{words})(?:[-\s](?:{words}))*"
    # Arabic joins "and" to a number written in digits: "ما بين 20 و30".
    joined = r"|(?<=\bو)" if language == "ar" else ""
    number = re.compile(
        rf"(?:(?<![\w.,-]){joined})(?:(?P<vague>{_alternation(list(vague))})|(?P<digits>{digits})"
        rf"(?:\s*(?P<mult>million|millions|млн|миллион\w*|мільйон\w*|Millionen|مليون))?"
        rf"|(?P<words>{compound}))(?![\w])", re.IGNORECASE)

    def before(words: list[str]) -> re.Pattern[str]:
        return re.compile(rf"(?:{_alternation(words)})\s*$", re.IGNORECASE)

    # Arabic joins "and", "so", "by" and the article to the word: "وأصيب", "بمقتل", "الصواريخ".
    kinds = tuple((kind, re.compile(rf"(?<!\w)[وفب]?(?:ال)?(?:{_alternation(words)})",
                                    re.IGNORECASE))
                  for kind, words in data["kinds"].items() if kind not in _NOT_KINDS)
    between = before(table["between"]) if table["between"] else None
    return _Lexicon(number, units, vague, before(table["at_least"]), before(table["at_most"]),
                    before(table["about"]), between, kinds,
                    re.compile(rf"(?<!\w)(?:{_alternation(data['kinds']['present'])})(?!\w)",
                               re.IGNORECASE),
                    re.compile(rf"\s+(?:of\s+|из\s+|de\s+|من\s+)?(?:[\w-]+\s+)?"
                               rf"(?:{_alternation(data['kinds']['people'])})(?!\w)",
                               re.IGNORECASE),
                    frozenset(w.casefold() for w in table.get("articles", [])),
                    frozenset(w.casefold() for w in table.get("prepositions", [])))


def _value(lex: _Lexicon, match: re.Match[str]) -> tuple[int, int] | None:
    if match.group("vague"):
        return lex.vague[re.sub(r"\s+", " ", match.group("vague")).casefold()]
    if match.group("digits"):
        text = re.sub(r"[,  ]", "", match.group("digits"))
        value = float(text)
        if match.group("mult"):
            value *= 1_000_000
        return int(value), int(value)
    total, current = 0, 0
    for word in re.split(r"[-\s]+", match.group("words").casefold()):
        amount = lex.units.get(word)
        if amount is None:
            return None
        if amount in (100, 1000):
            current = max(current, 1) * amount
            if amount == 1000:
                total, current = total + current, 0
        else:
            current += amount
    return total + current, total + current


# Numbers that are not counts: years, times, calibres, ages, money, percentages, models.
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:\s*(?:%|per ?cent|процент|pour ?cent|prozent|٪|yüzde)|-?\s?(?:mm|km|kg|cm|m)\b|"
    r"\s+(?:of|из|з|des?|von|من)\s+(?:the|them|those|these|них|них|les|ces|den|هؤلاء)\b|"
    r"-(?:hour|day|week|month|year|km|mile|meter|metre|storey|story)\b|"
    r"\s*(?:metres|meters|feet|miles|kilometres|kilometers|метр\w*|mètres|Meter|متر)\b|"
    r"-year-old|-летн|-річн|\s*(?:years? old|лет|год[аы]?|ans|jahre|عام|yaşında)\b|"
    # durations: "within 24 hours", "binnen 24 Stunden", "خلال 24 ساعة", "son 24 saatte"
    r"\s*(?:hours?|days?|weeks?|minutes?|час(?:а|ов)?|суток|дн(?:я|ей)|годин[иу]?|днів|доби|"
    r"heures?|jours?|semaines?|Stunden|Tagen?|Wochen|ساعة|ساعات|أيام|يوما|saat\w*|gün\w*)\b|"
    r"[:.]\d{2}\b|\s*(?:GMT|UTC|a\.m\.|p\.m\.|am\b|pm\b|h\d{2}|ч\.)|\s*\$|\s*(?:dollars|долл|euros?|"
    r"dólares|dollar|دولار|lira)\b)", re.IGNORECASE)
_TOLL_ROSE = re.compile(r"(?:toll|число погибших|кількість загиблих|bilan|Zahl der Toten|"
                        r"حصيلة|ölü sayısı)\b[^.;]*(?:ris\w+|rose|climb\w*|reach\w*|increas\w*|"
                        r"jumped|stands?|выросло|возросло|зросла|s'élève|стало|stieg|ارتفعت|"
                        r"yükseldi)\s+(?:to|at|до|à|auf|إلى)?\s*$", re.IGNORECASE)
_TOLL_AT = re.compile(r"(?:death toll|toll|bilan|Zahl der Toten|число погибших)\s+(?:at|à|auf|в)\s+"
                      r"(?:[^\W\d_]+\s+){0,3}$", re.IGNORECASE)
_EXCLUSIVE = re.compile(r"(more|over|plus|более|больше|свыше|понад|більше|mehr|über|أكثر|"
                        r"اكثر|fazla|aşkın)", re.IGNORECASE)
# "including 3 children", "بينهم 4 أطفال": part of a toll already counted, not another toll.
_SUBSET = re.compile(r"(?:including|among them|among whom|of whom|of them|в том числе|среди них|"
                     r"з них|серед них|у тому числі|dont|parmi eux|darunter|unter ihnen|بينهم|"
                     r"منهم|aralarında|bunlardan)\s*$", re.IGNORECASE)
# Turkish puts "more than" after the number: "20'den fazla", "20'yi aşkın".
_MORE_THAN_AFTER = re.compile(r"['’]?(?:[dt][ae]n\s+fazla|[yn]?[iıuü]\s+aşkın)(?!\w)")
# "3'ü çocuk 6 sivil öldü": three of the six were children, a part of the toll.
_PART_AFTER = re.compile(r"['’](?:s|y)?[iıuü]\s+(?!\d|aşkın)")
_NOT_A_COUNT_BEFORE = re.compile(r"(?:[$€£₽]|\b[A-ZА-Я]{1,3}-|№|No\.|#)\s*$")


def find_figures(sentence: str, language: str = "en",
                 exclude: list[tuple[int, int]] | None = None) -> list[Figure]:
    """Figures in one sentence; ``exclude`` holds spans (dates) that are not counts. Arabic
    vowel marks are looked through ("قُتل 15" is "قتل 15"); offsets are the sentence's own."""
    plain, offsets = without_marks(sentence)
    if not offsets:
        return _find(sentence, language, exclude or [])
    spans = [(bisect_left(offsets, s), bisect_left(offsets, e)) for s, e in exclude or []]
    return [replace(f, start=(start := with_marks(offsets, f.start)),
                    end=(end := with_marks(offsets, f.end)), text=sentence[start:end].strip())
            for f in _find(plain, language, spans)]


def _find(sentence: str, language: str, spans: list[tuple[int, int]]) -> list[Figure]:
    lex = _lexicon(language)
    found: list[Figure] = []
    matches = list(lex.number.finditer(sentence))
    skip_next = False
    for index, match in enumerate(matches):
        if skip_next:
            skip_next = False
            continue
        start, end = match.span()
        if any(s < end and start < e for s, e in spans):
            continue
        after, before = sentence[end:end + KIND_WINDOW_AFTER], sentence[max(0, start - 40):start]
        if _NOT_A_COUNT_AFTER.match(sentence[end:end + 14]) or _SUBSET.search(before) \
                or _PART_AFTER.match(sentence, end) or (
                match.group("digits") and (_NOT_A_COUNT_BEFORE.search(before) or re.fullmatch(
                    r"(?:19|20)\d{2}", match.group("digits")))):
            continue
        value = _value(lex, match)
        if value is None:
            continue
        if (match.group("words") or "").casefold() in lex.articles and not (
                lex.people.match(after) or _kind_end(lex, _first_word(after)) is not None):
            continue  # "une frappe", "un drone turc a tué deux": a, not one; "un mort" is one
        low: int | None = value[0]
        high: int | None = value[1]
        text_start = start
        # Qualifiers: "between 20 and 30", "at least 50", "up to 20", "about 300".
        following = matches[index + 1] if index + 1 < len(matches) else None
        gap = sentence[end:following.start()] if following is not None else ""
        if following is not None and (
                (lex.between and lex.between.search(before) and re.fullmatch(
                    r"\s*(?:and|to|et|à|und|bis|и|до|і|و|إلى|ile|ila|-|–)\s*", gap,
                    re.IGNORECASE))
                # "20 to 30 people", "20-30", "20 ila 30": a range without "between"
                or re.fullmatch(r"\s*(?:to|à|bis|до|إلى|ila|-|–)\s*", gap, re.IGNORECASE)):
            other = _value(lex, following)
            if other:
                high = other[1]
                opening = lex.between.search(before) if lex.between else None
                text_start = start - len(opening.group(0)) if opening else start
                end = following.end()
                after = sentence[end:end + KIND_WINDOW_AFTER]
                skip_next = True
        elif (more := _MORE_THAN_AFTER.match(sentence, end)) is not None:
            low, high = value[0] + 1, None
            end = more.end()
            after = sentence[end:end + KIND_WINDOW_AFTER]
        elif (qualifier := lex.at_least.search(before)) is not None:
            # "more than 70" excludes 70 itself; "at least 50" includes 50.
            if _EXCLUSIVE.match(qualifier.group(0)):
                low = value[0] + 1
            high = None
            text_start = start - len(qualifier.group(0))
        elif (qualifier := lex.at_most.search(before)) is not None:
            low = None
            text_start = start - len(qualifier.group(0))
        elif (qualifier := lex.about.search(before)) is not None:
            text_start = start - len(qualifier.group(0))
        verb_first = _verb_before(lex, before)
        # An Arabic dual counts what it names: "صاروخين" is two missiles.
        kind = verb_first or _kind(lex, after, before) or (
            _kind(lex, match.group("words"), "") if match.group("words") else None)
        if kind is None and (_TOLL_ROSE.search(sentence[max(0, start - 160):start])
                             or _TOLL_AT.search(before)):
            kind = "killed"  # "the death toll ... has risen to 52", "put the toll at 70"
        inherited = kind is None
        # "59 missiles were fired, but only 23 reached the base": the count goes on; not for
        # people ("two rockets hit the station, where thousands of people ...") nor after a
        # preposition ("missiles from two warships").
        if kind is None and found and start - found[-1].end < 80 and \
                not re.search(r"[.;]", sentence[found[-1].end:start]) and not (
                    found[-1].kind not in CASUALTIES and lex.people.match(after)) \
                and _last_word(before) not in lex.prepositions:
            kind = found[-1].kind
        if kind is None:
            continue
        present = lex.present.search(after[:40])
        if present is not None and verb_first is None and _kind_end(lex, after) is not None:
            # "4,000 people were at the station when the missile struck": people present.
            hits = [h.start() for k, p in lex.kinds if k == kind and (h := p.search(after))]
            if not hits or present.start() < min(hits):
                continue
        kind_end = None if verb_first else _kind_end(lex, after)
        if kind_end is None:
            # The kind word came before the number ("killed 12 people"): take it and the noun.
            verb = _kind_start(lex, before)
            if verb is not None and text_start == start and not inherited:
                text_start = start - (len(before) - verb)
            noun = re.match(r"\s+[^\W\d_]+", sentence[end:])
            kind_end = noun.end() if noun and not _is_kind_word(lex, noun.group(0)) else 0
        text_end = end + kind_end
        found.append(Figure(kind, low, high, sentence[text_start:text_end].strip(), text_start,
                            text_end))
    return found


def _verb_before(lex: _Lexicon, before: str) -> str | None:
    """"killing 50 people", "killing at least 50", "погибли 52": a casualty word right before
    the number, but for a qualifier."""
    for kind, pattern in lex.kinds:
        hits = list(pattern.finditer(before))
        if kind in HARMED and hits:
            gap = before[hits[-1].end():]
            for qualifier in (lex.at_least, lex.at_most, lex.about):
                # "killing at least 100 people and wounding several others"
                gap = qualifier.sub("", gap)
            if len(gap.split()) <= 1 and not re.search(r"[,;:.]", gap) and not re.search(
                    r"(?<!\w)(?:and|et|und|и|і|та|و|ve|y|e)\s*$", gap, re.IGNORECASE):
                return kind
    return None


def _kind(lex: _Lexicon, after: str, before: str) -> str | None:
    """What a number counts: the nearest kind word after it, else just before it. Who they
    were gives way to what befell them: "40 prisoners were killed" counts the dead."""
    clause = _clause(after)
    found = sorted((hit.start(), hit.end(), kind) for kind, pattern in lex.kinds
                   if (hit := pattern.search(clause)))
    if found:
        _, end, kind = found[0]
        for later_start, _, later in found[1:]:
            if kind in ("detained", "displaced") and later in HARMED \
                    and len(clause[end:later_start].split()) <= 2:
                return later
        return kind
    tail = before[-KIND_WINDOW_BEFORE:]
    for kind, pattern in lex.kinds:
        # "the toll rose to 52"; verb first, as Russian and Arabic write it: "погибли 52";
        # "arrested 20 people".
        hits = list(pattern.finditer(tail))
        if not hits:
            continue
        gap = tail[hits[-1].end():]
        casualty = kind in HARMED
        if (casualty and re.search(r"(toll|rose|reached|to|до|à|auf|إلى)\s*$", tail, re.I)) \
                or (not re.search(r"[,;:.]", gap) and len(gap.split()) <= 2
                    and (casualty or not _words(gap) & lex.prepositions)):
            return kind
    return None


# ", four of them children," between a number and its verb: part of the count, not its end.
_APPOSITION = re.compile(r"^([^,;:()]*),\s*(?:[\w-]+\s+(?:of\s+)?(?:them|whom)|including|"
                         r"among them|dont|darunter|в том числе|среди них|серед них|з них|"
                         r"у тому числі|بينهم|منهم)\b[^,;:()]*,", re.IGNORECASE)


def _clause(after: str, appositions: bool = True) -> str:
    # "and" often joins nouns ("the Islamic State and Al-Nusra Front were killed"), so only
    # punctuation and contrast words end the clause.
    if appositions:
        after = _APPOSITION.sub(r"\1", after, count=1)
    return re.split(r"[,;:()]|\s(?:while|but|whereas|а|mais|aber|لكن|ama)\s", after,
                    maxsplit=1)[0]


def _kind_end(lex: _Lexicon, after: str) -> int | None:
    """Where the words naming what was counted end, when they follow the number."""
    clause = _clause(after, appositions=False)  # offsets into ``after``
    hits = [hit for _, pattern in lex.kinds if (hit := pattern.search(clause))]
    if not hits:
        return None
    end = min(hits, key=lambda h: h.start()).end()
    word_end = re.match(r"\w*", after[end:])
    return end + (word_end.end() if word_end else 0)


def _kind_start(lex: _Lexicon, before: str) -> int | None:
    starts = [hit.start() for _, pattern in lex.kinds for hit in pattern.finditer(before)]
    return max(starts) if starts else None


def _is_kind_word(lex: _Lexicon, word: str) -> bool:
    return any(pattern.search(word) for _, pattern in lex.kinds)
