"""Cleaning text copied out of a browser: keep the article, drop the page around it.

Each line is judged by features (length, closing punctuation, position relative to the
article's paragraphs, repetition, link-like words from ingest/data/boilerplate.toml in seven
languages), never by a list of sites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import outlets
from .lexicons import load_toml

_TERMINAL = (*".!?…:;»\"”’)]", "'")
# Costs of non-prose lines inside the article span, in words of prose (bench/extraction.py
# measures the effect: F1 moves by under 0.03 across costs of 1-6 and 5-15).
LINE_COST = 3.0
FURNITURE_COST = 15.0
_SENTENCE_END = (".", "!", "?", "…", ":", ";", "。", "؟")
_MONEY_OR_NUMBER = re.compile(r"^[\s\d.,:%$€£₽₴+\-–/()x×]*$")
_MENU_SEPARATORS = re.compile(r"\s[|•·»/]\s|\s{3,}|\t")
_YEAR_END = re.compile(r"(?:,|\s)\s*(?:19|20)\d{2}\)?$")
_FULL_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b")
_AUTHORS_JOIN = re.compile(r"\s+(?:and|und|et|и|і|та|ve|y|e|و)\s+|\s*&\s*")
_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright\b)", re.IGNORECASE)


@dataclass
class CleanText:
    text: str
    title: str | None = None
    author: str | None = None
    captions: list[str] = field(default_factory=list)
    datelines: list[str] = field(default_factory=list)  # lines that may date the page
    dropped: list[str] = field(default_factory=list)  # removed lines, kept for outlet cues


def _words(line: str) -> int:
    return len(line.split())


@cache
def _vocabulary() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str],
                           re.Pattern[str]]:
    lexicon = load_toml("boilerplate.toml")
    widgets = sorted({w for words in lexicon["widgets"].values() for w in words}, key=len,
                     reverse=True)

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    widget = re.compile(rf"^(?:{alternation(widgets)})(?:\b|$|\W)", re.IGNORECASE)
    byline = re.compile(
        rf"^(?:{alternation(lexicon['bylines']['prefixes'])})\s+(?P<name>[^\d,;|]{{3,60}})$",
        re.IGNORECASE)
    published = re.compile(rf"^(?:{alternation(lexicon['published']['prefixes'])})\b",
                           re.IGNORECASE)
    caption = re.compile(rf"(?:^|\W)(?:{alternation(lexicon['captions']['cues'])})(?:\W|$)",
                         re.IGNORECASE)
    notice = re.compile(rf"(?<!\w)(?:{alternation(lexicon['notices']['words'])})", re.IGNORECASE)
    return widget, byline, published, caption, notice


def is_sentence_line(line: str) -> bool:
    """A line that reads as article prose: several words and closing punctuation."""
    words = _words(line)
    if len(_MENU_SEPARATORS.findall(line)) >= 2:
        return False
    # 'He called it "a stab in the back"' closes a headline; 'in the back."' closes a sentence.
    closed = line.rstrip().rstrip("\"”»’')]").endswith(_SENTENCE_END)
    return (words >= 8 and closed) or words >= 25


def _is_furniture(line: str, widget: re.Pattern[str], notice: re.Pattern[str]) -> bool:
    return bool(widget.match(line) or (notice.search(line) and _words(line) < 60))


def _is_caption(line: str, cue: re.Pattern[str]) -> bool:
    """A picture's caption: a photo cue, or a described scene ending in a year ("..., 2013")."""
    if cue.search(line) and _words(line) >= 4:
        return True
    return _words(line) >= 6 and not line.endswith(_TERMINAL) and bool(_YEAR_END.search(line))


def _article_span(lines: list[str], widget: re.Pattern[str], notice: re.Pattern[str]
                  ) -> tuple[int, int]:
    """The densest run of prose lines (a maximum-sum segment, as in Finn et al.'s Body Text
    Extraction): prose lines count their words, other lines cost a little, furniture a lot,
    so comments and teasers after a stretch of share buttons and menus fall outside."""
    best, best_span = 0.0, (0, len(lines) - 1)
    running, start = 0.0, 0
    after_furniture = False
    for i, line in enumerate(lines):
        if not line:
            continue
        furniture = _is_furniture(line, widget, notice)
        if furniture:
            # A block of furniture costs once: an ad and a newsletter line mid-story are one
            # interruption, not two.
            value = 0.0 if after_furniture else -FURNITURE_COST
        elif is_sentence_line(line):
            value = float(_words(line))
        else:
            value = -(LINE_COST + _words(line))
        after_furniture = furniture
        if running <= 0:
            running, start = 0.0, i
        running += value
        if running > best:
            best, best_span = running, (start, i)
    return best_span


def clean(raw: str) -> CleanText:
    widget, byline, published, caption, notice = _vocabulary()
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in raw.splitlines()]
    body_rows = [i for i, ln in enumerate(lines)
                 if is_sentence_line(ln) and not _is_furniture(ln, widget, notice)]
    result = CleanText(text="")
    if not body_rows:
        result.text = "\n".join(ln for ln in lines if ln)
        return result
    first, last = _article_span(lines, widget, notice)
    counts: dict[str, int] = {}
    for ln in lines:
        if ln:
            counts[ln.lower()] = counts.get(ln.lower(), 0) + 1

    # The title: an unpunctuated line before the first paragraph that is not furniture (menus,
    # the site's own name, section labels, captions); a repeated one, else the longest.
    candidates = [ln for ln in lines[:first] if ln and 3 <= _words(ln) <= 40
                  and not ln.endswith((".", ":")) and not _is_furniture(ln, widget, notice)
                  and not _MONEY_OR_NUMBER.match(ln) and not published.match(ln)
                  and not byline.match(ln) and not _MENU_SEPARATORS.search(ln)
                  and not _is_caption(ln, caption) and outlets.by_name(ln) is None
                  and not re.search(r"\d{1,2}[.:/]\d{2}", ln)]
    if candidates:
        # Pages print the headline twice, or first among lines of headline length; section
        # labels ("Krieg in der Ukraine") are shorter, standfirsts come after it.
        repeated = [ln for ln in candidates if counts[ln.lower()] > 1 and _words(ln) >= 5]
        headline_like = [ln for ln in candidates if _words(ln) >= 5]
        result.title = (repeated or headline_like or [max(candidates, key=len)])[0]

    kept: list[str] = []
    in_related = False
    for i, ln in enumerate(lines):
        if not ln:
            continue
        match = byline.match(ln)
        if match and _words(ln) <= 8 and result.author is None:
            result.author = _AUTHORS_JOIN.sub(", ", match.group("name").strip())
            result.dropped.append(ln)
            continue
        if published.match(ln) and _words(ln) <= 16:
            result.datelines.insert(0, ln)
            result.dropped.append(ln)
            continue
        if i < first and _words(ln) <= 14 and re.search(r"\d", ln):
            result.datelines.append(ln)
        if result.title and ln.lower() == result.title.lower():
            continue
        if i < first or i > last:
            if i < first and _is_caption(ln, caption):
                result.captions.append(ln)
            else:
                result.dropped.append(ln)
            continue
        if is_sentence_line(ln) and not _is_furniture(ln, widget, notice):
            in_related = False
            kept.append(ln)
            continue
        # A short or unpunctuated line inside the article.
        if _is_furniture(ln, widget, notice) or _MONEY_OR_NUMBER.match(ln) \
                or _COPYRIGHT.match(ln) \
                or _MENU_SEPARATORS.search(ln):
            in_related = in_related or bool(re.match(r"^(read|see|related|more|читайте|"
                                                     r"lire|lesen|اقرأ|ilgili)", ln, re.I))
            result.dropped.append(ln)
            continue
        if in_related:
            result.dropped.append(ln)
            continue
        if _words(ln) <= 8 and _FULL_DATE.search(ln):
            result.datelines.append(ln)  # "Datum 24.11.2015": the page's date, not article text
            result.dropped.append(ln)
            continue
        if caption.search(ln) or (_words(ln) >= 6 and not ln.endswith(_TERMINAL)):
            result.captions.append(ln)
            continue
        kept.append(ln)  # a sub-heading or a short sentence
    result.text = "\n\n".join(kept)
    return result
