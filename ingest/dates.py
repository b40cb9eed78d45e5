"""Dates: finding date expressions in text and resolving them against the publication date.

The only module that imports dateparser. Every resolution takes the article's publication date
as its base (never today's date) and a fixed timezone, so results do not depend on the machine
or the day it runs. A cheap per-language candidate pass (ingest/data/dates.toml: months,
weekdays, relative words) finds expressions; bare numbers, times, "now" and counts never match.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from .lexicons import load_toml

LANGUAGES = ("en", "ru", "uk", "fr", "de", "ar", "tr")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
FUTURE_SLACK = timedelta(days=7)  # announced events may lie a few days after publication
SINCE_SPAN = timedelta(days=7)  # "since Tuesday" is one event's period; "since March 3" is not


@dataclass(frozen=True)
class DateMention:
    """A date expression in a text and the period it denotes."""

    start: int
    end: int
    text: str
    date: dt.date | None
    date_end: dt.date | None
    precision: str | None  # day | week | month | year, None when unresolvable
    duration: bool = False  # "since 2011": the start of a period, not an event date
    yearless: tuple[int, int] | None = None  # (month, day) of a date written without a year
    weekday: int | None = None  # 0 = Monday, for a weekday expression

    @property
    def iso(self) -> tuple[str | None, str | None]:
        return (self.date.isoformat() if self.date else None,
                self.date_end.isoformat() if self.date_end else None)


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, tuple[str, int]]
    language: str
    ago_units: dict[str, str]  # unit word -> day | week | month | year
    ago_counts: tuple[tuple[str, int], ...]  # "three" -> 3, "a few" -> 0; longest first
    since: re.Pattern[str]  # "since", "depuis" right before a day
    references: tuple[str, ...]  # "'s" ending a date or "günkü" after it: it names an event
    after_reference: re.Pattern[str]


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


@cache
def _lexicon(language: str) -> _Lexicon:
    table = load_toml("dates.toml")[language if language in LANGUAGES else "en"]
    months = {f.casefold(): i + 1 for i, forms in enumerate(table["months"]) for f in forms}
    weekdays = {f.casefold(): i for i, forms in enumerate(table["weekdays"]) for f in forms}
    relative = {k.casefold(): (v[0], int(v[1])) for k, v in table["relative"].items()}
    # Abbreviations ("Dec.", "sept.") may carry a full stop; a full name ending a sentence
    # ("in May.") may not.
    abbreviations = [f for forms in table["months"] for f in forms
                     if any(o != f and o.startswith(f) for o in forms)]
    full = [f for forms in table["months"] for f in forms if f not in abbreviations]
    month = rf"(?:{_alternation(full)})"
    if abbreviations:
        month = rf"(?:(?:{_alternation(abbreviations)})\.?|{_alternation(full)})"
    suffix = r"(?:['’][^\W\d_]+)?"  # Turkish case endings: Nisan'da, Cuma'yı
    day = r"(?:[0-3]?\d)(?:st|nd|rd|th|er|\.|-го|-е|-я)?"
    year = r"(?:19|20)\d{2}(?:\s?(?:года|году|г\.|року|р\.|yılı|yılında)|['’][^\W\d_]+)?"
    rng = rf"\s*(?:{_alternation(table['range_words'])})\s*"
    prep = rf"(?:(?:{_alternation(table['prepositions'])})\s+)?" if table["prepositions"] else ""
    month_prefix = _alternation(table["month_only_prefixes"]) if table["month_only_prefixes"] \
        else r"(?!x)x"
    between = r"(?:between|entre|zwischen|между|між|بين|from|du|vom|с|з|من)\s+"
    # "Dienstagmorgen": a weekday and a part of the day written as one word.
    day_part = rf"(?:{_alternation(table['weekday_parts'])})?" if table.get("weekday_parts") \
        else ""
    # Turkish "pazar yeri" is a marketplace, not Sunday's place.
    not_after = rf"(?!\s+(?:{_alternation(table['not_weekday_before'])}))" \
        if table.get("not_weekday_before") else ""
    patterns = {
        "iso": r"(?P<iso_y>(?:19|20)\d{2})-(?P<iso_m>[01]?\d)-(?P<iso_d>[0-3]?\d)(?!\d)",
        "num": r"(?P<num_a>[0-3]?\d)(?P<num_s>[./-])(?P<num_b>[01]?\d)(?P=num_s)"
               r"(?P<num_y>(?:19|20)\d{2})(?!\d)",
        # "Feb 022015": dumps that lost their punctuation run day and year together.
        "glued": rf"(?P<gl_m>{month})\s+(?P<gl_d>[0-3]\d)(?P<gl_y>(?:19|20)\d{{2}})(?!\d)",
        "drange": rf"(?:{between})?{prep}(?P<dr_d1>{day}){rng}(?P<dr_d2>{day})\s+"
                  rf"(?P<dr_m>{month}){suffix}(?:,?\s+(?P<dr_y>{year}))?",
        "mrange": rf"(?:{between})?{prep}(?P<mr_m>{month})\s+(?P<mr_d1>{day}){rng}(?P<mr_d2>{day})"
                  rf"(?!\d)(?:,?\s+(?P<mr_y>{year}))?",
        "dmy": rf"{prep}(?P<dmy_d>{day})\s+(?:de\s+)?(?P<dmy_m>{month}){suffix}"
               rf"(?:,?\s+(?P<dmy_y>{year}))?",
        "mdy": rf"{prep}(?P<mdy_m>{month})\s+(?P<mdy_d>{day})(?!\d)(?:,?\s+(?P<mdy_y>{year}))?",
        "my": rf"(?:(?:{month_prefix})\s+)?(?P<my_m>{month}){suffix}\s+(?P<my_y>{year})",
        "mo": rf"(?P<mo_pre>{month_prefix})\s+(?P<mo_m>{month}){suffix}",
        "ago": rf"(?P<ago_w>{table['ago']})" if table.get("ago") else r"(?!x)x",
        "rel": rf"(?P<rel_w>{_alternation(list(table['relative']))})",
        "wd": rf"{prep}(?P<wd_w>{_alternation(list(weekdays))}){day_part}{suffix}{not_after}",
        "yr": r"(?P<yr_pre>in|since|en|depuis|seit|im jahr|в|с|у|з|منذ|عام|في)\s+"
              r"(?P<yr_y>(?:19|20)\d{2})(?!\d)(?:\s?(?:года|году|г\.|року|р\.))?",
    }
    combined = "|".join(f"(?P<{name}>{body})" for name, body in patterns.items())
    # Numeric dates may be glued to the next word in scraped text ("01.10.2017Get short URL").
    pattern = re.compile(rf"(?<![\w/.-])(?:{combined})(?:(?<=\d)|(?![^\W_]))", re.IGNORECASE)
    ago_units = {word.casefold(): unit.rstrip("s")
                 for unit, words in table.get("ago_units", {}).items() for word in words}
    since = re.compile(rf"(?<!\w)(?:{_alternation(table.get('since', []))})\s+$"
                       if table.get("since") else r"(?!x)x", re.IGNORECASE)
    references = tuple(r.casefold() for r in table.get("references", []))
    after_reference = re.compile(rf"\s(?:{_alternation(list(references))})(?!\w)"
                                 if references else r"(?!x)x", re.IGNORECASE)
    ago_counts = tuple(sorted(((w.casefold(), int(n)) for w, n in
                              table.get("ago_counts", {}).items()),
                             key=lambda item: -len(item[0])))
    return _Lexicon(pattern, months, weekdays, relative, language, ago_units, ago_counts, since,
                    references, after_reference)


def names_event(text: str, mention: DateMention, language: str = "en") -> bool:
    """Whether a date names an event told elsewhere ("Tuesday's attack", "Salı günkü
    saldırı") rather than dating what its sentence reports."""
    lex = _lexicon(language)
    return mention.text.casefold().endswith(lex.references) \
        or bool(lex.after_reference.match(text, mention.end))


def _int(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_yearless(month: int, day: int, published: date | None) -> date | None:
    """The nearest such day not after publication (a few days ahead allowed)."""
    if published is None:
        return None
    for year in (published.year + 1, published.year, published.year - 1, published.year - 2):
        found = _safe_date(year, month, day)
        if found and found <= published + FUTURE_SLACK:
            return found
    return None


def resolve_weekday(weekday: int, published: date | None) -> date | None:
    """The most recent such weekday on or before publication (the same day if published then)."""
    if published is None:
        return None
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _relative(unit: str, offset: int, published: date) -> tuple[date, date, str]:
    if unit == "weekend":
        saturday = published - timedelta(days=(published.weekday() - 5) % 7)
        if offset < 0 and published.weekday() >= 5:
            saturday -= timedelta(weeks=1)
        return saturday, min(saturday + timedelta(days=1), published), "day"
    if unit == "day":
        day = published + timedelta(days=offset)
        return day, day, "day"
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6), "week"
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 + offset
        first, last = _month_bounds(month_index // 12, month_index % 12 + 1)
        return first, last, "month"
    year = published.year + offset
    return date(year, 1, 1), date(year, 12, 31), "year"


_COARSER = {"day": "week", "week": "month", "month": "year", "year": "year"}


def _ago_count(lex: _Lexicon, text: str) -> int | None:
    """The count of "three days ago" (0 for "a few"), or None when the words do not say."""
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group(0))
    folded = f" {' '.join(text.casefold().split())} "
    return next((n for word, n in lex.ago_counts if f" {word} " in folded), None)


def _month_of(lex: _Lexicon, text: str) -> int:
    key = text.rstrip(".").casefold()
    return lex.months.get(key) or lex.months[re.sub(r"['’].*$", "", key)]


def _resolve(lex: _Lexicon, m: re.Match[str], published: date | None, day_first: bool
             ) -> tuple[date | None, date | None, str | None, bool] | None:
    g = m.groupdict()
    kind = m.lastgroup
    if kind == "iso":
        d = _safe_date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
        return (d, d, "day", False) if d else None
    if kind == "num":
        day, month = _day_month(int(g["num_a"]), int(g["num_b"]), g["num_s"], day_first)
        d = _safe_date(int(g["num_y"]), month, day)
        return (d, d, "day", False) if d else None
    if kind in ("drange", "mrange"):
        p = "dr" if kind == "drange" else "mr"
        month = _month_of(lex, g[f"{p}_m"])
        d1, d2 = _int(g[f"{p}_d1"]), _int(g[f"{p}_d2"])
        if not 1 <= d1 <= 31 or not 1 <= d2 <= 31 or d2 < d1:
            return None
        if g[f"{p}_y"]:
            start, end = _safe_date(_int(g[f"{p}_y"]), month, d1), \
                _safe_date(_int(g[f"{p}_y"]), month, d2)
        else:
            end = resolve_yearless(month, d2, published)
            start = _safe_date(end.year, month, d1) if end else None
        return (start, end, "day", False) if start and end else (None, None, None, False)
    if kind == "glued":
        d = _safe_date(int(g["gl_y"]), _month_of(lex, g["gl_m"]), int(g["gl_d"]))
        return (d, d, "day", False) if d else None
    if kind in ("dmy", "mdy"):
        month = _month_of(lex, g[f"{kind}_m"])
        day = _int(g[f"{kind}_d"])
        if not 1 <= day <= 31:
            return None
        if g[f"{kind}_y"]:
            d = _safe_date(_int(g[f"{kind}_y"]), month, day)
        else:
            d = resolve_yearless(month, day, published)
        return (d, d, "day", False) if d else (None, None, None, False)
    if kind == "my":
        first, last = _month_bounds(_int(g["my_y"]), _month_of(lex, g["my_m"]))
        return first, last, "month", False
    if kind == "mo":
        month = _month_of(lex, g["mo_m"])
        if published is None:
            return None, None, None, False
        # The nearest such month not after publication; "last April" in April is a year ago.
        strictly_before = g["mo_pre"].casefold() in ("last", "past", "прошлом", "минулому")
        year = published.year if month < published.month or (
            month == published.month and not strictly_before) else published.year - 1
        first, last = _month_bounds(year, month)
        return first, last, "month", g["mo_pre"].casefold() in ("since", "depuis", "seit", "منذ")
    if kind == "ago":
        if published is None:
            return None, None, None, False
        words = [w.casefold() for w in re.findall(r"[^\W\d_']+", g["ago_w"])]
        unit = next((lex.ago_units[w] for w in words if w in lex.ago_units), "day")
        count = _ago_count(lex, g["ago_w"])
        if count is not None:
            if count:
                return (*_relative(unit, -count, published), False)
            # "a few days ago": two to six of them, at the precision of the next unit up.
            first, _, _ = _relative(unit, -6, published)
            _, last, _ = _relative(unit, -2, published)
            return first, last, _COARSER[unit], False
        found = parse_relative(g["ago_w"], published, lex.language)
        if found is None:
            return None
        if unit == "day":
            return found, found, "day", False
        if unit == "week":
            monday = found - timedelta(days=found.weekday())
            return monday, monday + timedelta(days=6), "week", False
        if unit == "month":
            first, last = _month_bounds(found.year, found.month)
            return first, last, "month", False
        return date(found.year, 1, 1), date(found.year, 12, 31), "year", False
    if kind == "rel":
        if published is None:
            return None, None, None, False
        unit, offset = lex.relative[g["rel_w"].casefold()]
        start, end, precision = _relative(unit, offset, published)
        return start, end, precision, False
    if kind == "wd":
        key = g["wd_w"].casefold()
        weekday = lex.weekdays.get(key, lex.weekdays.get(re.sub(r"['’][^\W\d_]+$", "", key)))
        if weekday is None:
            return None
        d = resolve_weekday(weekday, published)
        return (d, d, "day", False) if d else (None, None, None, False)
    if kind == "yr":
        year = int(g["yr_y"])
        duration = g["yr_pre"].casefold() in ("since", "depuis", "seit", "منذ", "с", "з")
        return date(year, 1, 1), date(year, 12, 31), "year", duration
    return None


def _parts(lex: _Lexicon, m: re.Match[str]) -> tuple[tuple[int, int] | None, int | None]:
    """The month and day of a year-less date, or the weekday of a weekday expression."""
    g = m.groupdict()
    kind = m.lastgroup
    if kind in ("dmy", "mdy") and not g[f"{kind}_y"]:
        return (_month_of(lex, g[f"{kind}_m"]), _int(g[f"{kind}_d"])), None
    if kind in ("drange", "mrange"):
        p = "dr" if kind == "drange" else "mr"
        if not g[f"{p}_y"]:
            return (_month_of(lex, g[f"{p}_m"]), _int(g[f"{p}_d2"])), None
    if kind == "wd":
        key = g["wd_w"].casefold()
        return None, lex.weekdays.get(key, lex.weekdays.get(re.sub(r"['’][^\W\d_]+$", "", key)))
    return None, None


def _ambiguous_english(lex: _Lexicon, m: re.Match[str]) -> bool:
    """English month and weekday names are capitalised; "may" or "march" in lower case are verbs."""
    if lex.language != "en":
        return False
    for name in ("dr_m", "mr_m", "dmy_m", "mdy_m", "my_m", "mo_m", "wd_w", "gl_m"):
        value = m.group(name)
        if value:
            return not value[0].isupper()
    return False


def find_dates(text: str, published: date | None, language: str = "en",
               day_first: bool = True) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``published``."""
    lex = _lexicon(language)
    normalised = text.translate(_ARABIC_DIGITS)  # same length, so offsets still hold
    found: list[DateMention] = []
    for match in lex.pattern.finditer(normalised):
        if _ambiguous_english(lex, match):
            continue
        resolved = _resolve(lex, match, published, day_first)
        if resolved is None:
            continue
        start, end, precision, duration = resolved
        found.append(DateMention(match.start(), match.end(), text[match.start():match.end()],
                                 start, end, precision, duration, *_parts(lex, match)))
    found = _with_nights(text, _with_relative_years(text, _with_weekday_dates(text, found)))
    return _with_since(lex, text, found, published)


def _with_weekday_dates(text: str, found: list[DateMention]) -> list[DateMention]:
    """ "Samedi 7 avril", "on Tuesday, July 19, 2016", "у середу, 16 березня": the weekday
    names the date that follows it, so the date is the one mention (the weekday alone would
    be the last such day before publication)."""
    merged: list[DateMention] = []
    for mention in found:
        previous = merged[-1] if merged else None
        if previous is not None and previous.weekday is not None and mention.weekday is None \
                and mention.precision == "day" and any(c.isdigit() for c in mention.text) \
                and re.fullmatch(r"[\s,]{0,3}", text[previous.end:mention.start]):
            merged[-1] = replace(mention, start=previous.start, weekday=previous.weekday,
                                 text=text[previous.start:mention.end])
            continue
        merged.append(mention)
    return merged


def _with_since(lex: _Lexicon, text: str, found: list[DateMention], published: date | None
                ) -> list[DateMention]:
    """ "Killed since Tuesday": from that day to publication, not the one day. A longer run
    ("depuis le 3 mars" in November) is, like "since 2011", the start of a period, not an event."""
    if published is None:
        return found
    spanned = []
    for mention in found:
        before = lex.since.search(text, max(0, mention.start - 16), mention.start)
        if before and mention.precision == "day" and mention.date and mention.date < published:
            spanned_text = text[before.start():mention.end]
            mention = replace(mention, start=before.start(), text=spanned_text,
                              date_end=published) if published - mention.date <= SINCE_SPAN \
                else replace(mention, start=before.start(), text=spanned_text, duration=True)
        spanned.append(mention)
    return spanned


_JOINER = re.compile(r"[\s,]{0,3}(?:\w{1,3}[\s,]{1,2})?")  # "7 April of last year", "من"


def _relative_year(mention: DateMention) -> bool:
    """ "last year", "в прошлом году": a whole year given by no digits of its own."""
    return mention.precision == "year" and not mention.duration and not any(
        c.isdigit() for c in mention.text)


def _month_only(mention: DateMention) -> bool:
    """ "in April", "late March": a month written without its year."""
    return mention.precision == "month" and not any(c.isdigit() for c in mention.text)


def _with_relative_years(text: str, found: list[DateMention]) -> list[DateMention]:
    """A year-less date or month beside a relative year ("on April 7 last year", "last year on
    7 April", "7 апреля прошлого года", "in April last year") is that day or month of that
    year: one mention, not two."""
    merged: list[DateMention] = []
    i = 0
    while i < len(found):
        here = found[i]
        there = found[i + 1] if i + 1 < len(found) else None
        if there is not None and _JOINER.fullmatch(text[here.end:there.start]):
            day, year = (there, here) if _relative_year(here) else (here, there)
            if _relative_year(year) and year.date is not None and day.date is not None:
                span = text[here.start:there.end]
                if day.yearless:
                    exact = _safe_date(year.date.year, *day.yearless)
                    if exact is not None:
                        merged.append(DateMention(here.start, there.end, span, exact, exact,
                                                  "day", day.duration))
                        i += 2
                        continue
                elif _month_only(day):  # "в апреле прошлого года", "في نيسان من العام الماضي"
                    first, last = _month_bounds(year.date.year, day.date.month)
                    merged.append(DateMention(here.start, there.end, span, first, last,
                                              "month", day.duration))
                    i += 2
                    continue
        merged.append(here)
        i += 1
    return merged


# Between two days of one night: "Sunday to Monday", "Sonntag auf Montag", "dimanche à lundi".
_NIGHT_JOINER = re.compile(r"\s*(?:to|into|and|auf|zum|zu|und|à|au|et|на|до|إلى|الى|و|-|–)\s*",
                           re.IGNORECASE)
# After "overnight", "in der Nacht": the day the night belongs to ("into Monday", "von").
_NIGHT_LEAD = re.compile(r"[\s,]*(?:into|to|of|von|vom|zum|auf|de|du|с|з|على)?[\s,]*",
                         re.IGNORECASE)


def _with_nights(text: str, found: list[DateMention]) -> list[DateMention]:
    """ "The night of Sunday to Monday" is a range of two days; "overnight into Monday" and
    "in der Nacht von Sonntag auf Montag" are the days named, not the day of publication."""
    kept: list[DateMention] = []
    for mention in found:
        previous = kept[-1] if kept else None
        if previous is not None and previous.weekday is not None and mention.weekday is not None \
                and previous.date and mention.date \
                and _NIGHT_JOINER.fullmatch(text[previous.end:mention.start]):
            first = mention.date - timedelta(days=(mention.weekday - previous.weekday) % 7 or 7)
            if (mention.date - first).days == 1:
                kept[-1] = DateMention(previous.start, mention.end,
                                       text[previous.start:mention.end], first, mention.date,
                                       "day")
                continue
        if previous is not None and previous.precision == "day" and previous.weekday is None \
                and previous.yearless is None and not any(c.isdigit() for c in previous.text) \
                and mention.precision == "day" \
                and _NIGHT_LEAD.fullmatch(text[previous.end:mention.start]):
            kept[-1] = replace(mention, start=previous.start,  # "Overnight into Monday"
                               text=text[previous.start:mention.end])
            continue
        kept.append(mention)
    return kept


@cache
def _credits() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A photo's credit left in the text by a scraper ("... Hasakeh on Monday (AFP photo)
    BEIRUT", "REUTERS/Name"), from the caption cues of boilerplate.toml; and what may follow
    the date closing a Reuters-style caption ("... Syria July 1, 2016. REUTERS/Name", "...
    Latakia June 6 2015 (Reuters)"): a credit, or nothing."""
    cues = load_toml("boilerplate.toml")["captions"]["cues"]

    def alternation(forms: list[str]) -> str:
        return "|".join(re.escape(f) + (r"(?!\w)" if f[-1].isalnum() else "")
                        for f in sorted(forms, key=len, reverse=True))

    slashed = alternation([c for c in cues if c.endswith("/")])
    bracketed = alternation([c for c in cues if not c.endswith("/")])
    credit = re.compile(rf"\([^()]{{0,40}}?(?<!\w)(?:{bracketed})[^()]{{0,40}}\)"
                        rf"|(?<!\w)(?:{slashed})", re.IGNORECASE)
    tail = re.compile(rf"[\s.]*(?:\([^()]{{1,40}}\)|(?:{slashed})|$)", re.IGNORECASE)
    return credit, tail


_WORD_BEFORE = re.compile(r"(\w[\w'’-]*)[\s,]+$")


def caption_dates(sentence: str, offset: int, mentions: Sequence[DateMention],
                  language: str = "en") -> list[bool]:
    """Which of a sentence's dates belong to a photo caption, not to an event: those before a
    photo credit, and those up to a caption's closing date, written after the place with no
    preposition ("..., Syria July 1, 2016."). ``offset`` is where the sentence starts."""
    lex = _lexicon(language)
    credits, tail = _credits()
    end = 0
    credit = credits.search(sentence)
    if credit:
        end = credit.start()
    for mention in mentions:
        start, stop = mention.start - offset, mention.end - offset
        before = _WORD_BEFORE.search(sentence[:start])
        if mention.precision == "day" and re.search(r"(?:19|20)\d\d", mention.text) \
                and not mention.text[:1].islower() and before and before.group(1)[0].isupper() \
                and before.group(1).casefold() not in lex.weekdays \
                and before.group(1).casefold() not in lex.months \
                and tail.match(sentence, stop):
            end = max(end, stop)
    return [m.end - offset <= end for m in mentions]


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def lead_mention(mentions: Sequence[DateMention]) -> DateMention:
    """The date a sentence gives its event: its first, unless a finer one inside that period
    narrows it ("A year ago, on the night of July 28-29, 2022"; "in March, on the 16th")."""
    first = mentions[0]
    if first.date is None or first.date_end is None:
        return first
    rank = _PRECISION_RANK.get(first.precision or "", 0)
    finer = [m for m in mentions[1:] if m.date and m.date_end and not m.duration
             and _PRECISION_RANK.get(m.precision or "", 0) < rank
             and first.date <= m.date and m.date_end <= first.date_end]
    return min(finer, key=lambda m: _PRECISION_RANK.get(m.precision or "", 0)) if finer else first


# -- publication dates ----------------------------------------------------------------------
_ISO_STAMP = re.compile(r"^\s*((?:19|20)\d{2})-(\d{2})-(\d{2})")


def _dateparser_settings(base: date | None, day_first: bool) -> dict[str, Any]:
    anchor = datetime.combine(base or date(2000, 1, 1), datetime.min.time())
    return {
        "RELATIVE_BASE": anchor,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY" if day_first else "MDY",
        "REQUIRE_PARTS": ["day", "month", "year"],
    }


def _day_month(a: int, b: int, separator: str, day_first: bool) -> tuple[int, int]:
    """(day, month) of a numeric date's first two parts. Dotted and dashed dates are day-first
    everywhere; slashes follow the outlet's locale; a part above 12 is the day."""
    first_is_day = day_first or separator != "/"
    return (a, b) if (first_is_day and b <= 12) or a > 12 else (b, a)


_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})\b")
CENTURY_PIVOT = 50  # a two-digit year below this is 20xx ("4/5/17"), from it 19xx ("12/31/89")


def numeric_order(values: Iterable[str]) -> str | None:
    """The day-month order of a column of numeric dates, from the values that show it: a
    first part above 12 is a day ("17/4/17": DMY), a second part above 12 too ("4/17/17": MDY).
    None when no value shows it, or values show both."""
    seen = set()
    for value in values:
        found = _NUMERIC.match(value.strip())
        if found:
            first, second = int(found.group(1)), int(found.group(3))
            if first > 12 >= second:
                seen.add("DMY")
            elif second > 12 >= first:
                seen.add("MDY")
    return seen.pop() if len(seen) == 1 else None


# Dates that stand for "no date" in page metadata and exports: the Unix epoch, Go's zero time
# ("0001-01-01") and other out-of-range years are no publication dates.
PLACEHOLDER_DATES = frozenset({date(1970, 1, 1), date(1900, 1, 1)})
FIRST_YEAR = 1900


def parse_date(value: str, language: str | None = None, day_first: bool = True) -> date | None:
    """A full calendar date written in any common way ("Fri Apr 29 2016", "07.04.2017, 14:52",
    "2017-04-07T09:00:00Z", "4/5/17"); None when a day, month or year is missing, when it is
    relative ("yesterday", "3 hours ago": relative to nothing known), or a placeholder
    (1970-01-01, 0001-01-01, a year after next)."""
    found = _parse_date(value, language, day_first)
    if found is None or found in PLACEHOLDER_DATES \
            or not FIRST_YEAR <= found.year <= date.today().year + 1:
        return None
    return found


def _parse_date(value: str, language: str | None, day_first: bool) -> date | None:
    value = value.strip()
    if not value:
        return None
    stamp = _ISO_STAMP.match(value)
    if stamp:
        return _safe_date(int(stamp.group(1)), int(stamp.group(2)), int(stamp.group(3)))
    numeric = _NUMERIC.fullmatch(value.split()[0].rstrip(","))
    if numeric and len(numeric.group(4)) == 2:
        # "4/5/17": a two-digit year, which the finder of dates in running text never takes.
        year = int(numeric.group(4))
        year += 2000 if year < CENTURY_PIVOT else 1900
        day, month = _day_month(int(numeric.group(1)), int(numeric.group(3)), numeric.group(2),
                                day_first)
        return _safe_date(year, month, day)
    written = next(iter_full_dates(value, language or "en", day_first), None)
    if written is not None:
        return written
    import dateparser  # slow to import; only reached for unusual formats

    languages = [language] if language in LANGUAGES else None
    if languages and language != "en":
        languages.append("en")
    settings = _dateparser_settings(None, day_first)
    settings["PARSERS"] = ["timestamp", "custom-formats", "absolute-time"]  # nothing relative
    parsed = dateparser.parse(value[:80], languages=languages, settings=settings)
    return parsed.date() if parsed else None


def parse_relative(value: str, published: date, language: str = "en") -> date | None:
    """Relative expressions the lexicon does not list ("three days ago"), by dateparser."""
    import dateparser

    settings = _dateparser_settings(published, True)
    settings.pop("REQUIRE_PARTS")
    parsed = dateparser.parse(value, languages=[language] if language in LANGUAGES else None,
                              settings=settings)
    return parsed.date() if parsed else None


def iter_full_dates(text: str, language: str, day_first: bool = True) -> Iterator[date]:
    """Dates with day, month and year written out, in text order (for datelines)."""
    for mention in find_dates(text, None, language, day_first):
        if mention.precision == "day" and mention.date and mention.date == mention.date_end:
            yield mention.date


# -- inferring the publication date of an undated article ----------------------------------
YEARS = range(1990, 2031)  # the span in which undated articles are looked for
PAIR_DISTANCE = 400  # characters between a year-less date and the weekday that goes with it


@dataclass(frozen=True)
class Window:
    """A period that must contain the publication date (a named person's term of office)."""

    key: str  # one person: the article was written in one of their windows
    start: date
    end: date | None


def _allowed(day: date, windows: list[Window]) -> bool:
    by_key: dict[str, bool] = {}
    for window in windows:
        inside = window.start <= day and (window.end is None or day <= window.end + FUTURE_SLACK)
        by_key[window.key] = by_key.get(window.key, False) or inside
    return all(by_key.values())


def _years_fitting(pinned: list[tuple[int, int, int | None]], windows: list[Window],
                   years: range = YEARS) -> list[date]:
    candidates: list[date] = []
    for year in years:
        days = [_safe_date(year, month, day) for month, day, _ in pinned]
        if any(d is None for d in days):
            continue
        fits = all(weekday is None or d.weekday() == weekday  # type: ignore[union-attr]
                   for d, (_, _, weekday) in zip(days, pinned, strict=True))
        latest = max(d for d in days if d is not None)
        if fits and _allowed(latest, windows):
            candidates.append(latest)
    return candidates


def infer_publication(text: str, language: str, windows: list[Window],
                      extra: list[tuple[int, int]] | None = None) -> list[date]:
    """Candidate publication dates of an undated text, best first (CONTRACT.md).

    A year-less date that comes with its weekday ("On November 20th ... on Friday") allows
    only the years in which that day fell on that weekday; the terms of office of people the
    text names by office narrow them further. ``extra`` adds year-less dates known to be the
    publication day (an agency dateline: "MOSCOW, November 24. /TASS/"). Returns no candidate
    when the text pins down nothing, or leaves more than three.
    """
    mentions = find_dates(text, None, language)
    # (position, month, day): a dateline's date stands at the start of the text.
    yearless = [(0, m, d) for m, d in (extra or [])]
    yearless += [(m.start, *m.yearless) for m in mentions if m.yearless is not None]
    if not yearless:
        return []
    paired: dict[int, int] = {}  # each weekday goes with the nearest year-less date only
    for weekday in (m for m in mentions if m.weekday is not None):
        nearest = min(range(len(yearless)), key=lambda i: abs(yearless[i][0] - weekday.start))
        if abs(yearless[nearest][0] - weekday.start) <= PAIR_DISTANCE:
            paired.setdefault(nearest, weekday.weekday)  # type: ignore[arg-type]
    pinned = [(month, day, paired.get(i)) for i, (_, month, day) in enumerate(yearless)]
    # A text naming a year was not written long before it ("in March 2011", a related
    # headline's "Friday 2 May 2014"); a year ahead allows for announced events.
    named = [m.date.year for m in mentions if m.date is not None]
    years = range(max(named) - 1, YEARS.stop) if named else YEARS
    candidates = _years_fitting(pinned, windows, years)
    if not candidates and paired:
        # The weekday may belong to another day than the date: fall back on terms alone.
        candidates = _years_fitting([(m, d, None) for m, d, _ in pinned], windows, years)
    elif not windows and not paired:
        return []  # a bare year-less date allows every year
    if not 1 <= len(candidates) <= 3:
        return []
    # Earliest first: later years are often only "not excluded", because the terms of
    # office of people still in office have no end; all candidates are kept for the reader.
    return sorted(candidates)
