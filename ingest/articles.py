"""From a RawDocument to an Article: clean text, outlet, title, author, language, published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from . import boilerplate, dates, offices, outlets
from .formats import RawDocument
from .html import fragment_text, read_page
from .lexicons import load_toml
from .models import Article


@dataclass(frozen=True)
class Hints:
    """What the user told ingest (--outlet, --published, --lang): used where the input is silent."""

    outlet: str | None = None
    published: date | None = None
    language: str | None = None


# "/2022/04/08/", and "/2024/mar/12/" (The Guardian's month names)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2]|[a-z]{3})[/-](0?[1-9]|[12]\d|3[01])"
                       r"(?:/|-|$)", re.IGNORECASE)
_URL_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PREPOSITION = re.compile(r"^(?:on|in|at|since|from|by|le|am|в|во|у|с|з|في|منذ)\s", re.I)
_POSTED = re.compile(r"(?:posted|published|updated)\s*$", re.I)
# "MOSCOW, April 7. /TASS/." or "МОСКВА, 8 апреля. /ТАСС/.": place, year-less date, agency.
_AGENCY_DATELINE = re.compile(
    r"^\s*(?P<place>[^\W\d_][^\n,()/]{1,40}?),\s*(?P<date>[^\n/()]{3,30}?)[\s.]*"
    r"/(?P<agency>[^/\n]{2,25})/\.?\s*")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")


def safe_url(value: str | None) -> str | None:
    """Only http(s) URLs are kept: anything else (javascript:, data:) is dropped."""
    if not value:
        return None
    value = value.strip()
    return value if urlsplit(value).scheme in ("http", "https") else None


SITE_NAME_WORDS = 4  # a longer site or channel name gives way to the domain for the slug


_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}", re.IGNORECASE)
_SCRIPT_RANGES = {"cyrillic": ("\u0400", "\u04ff"), "arabic": ("\u0600", "\u06ff")}


def normalise_language(value: str | None) -> str | None:
    """An ISO 639-1 code for a language as inputs give it ("en-US", "EN", "ua", "English",
    "rus"), or None when it names none."""
    key = (value or "").strip().casefold()
    base = re.split(r"[-_]", key)[0]
    aliases: dict[str, str] = _languages()["aliases"]
    key = aliases.get(key) or aliases.get(base) or base
    return key if len(key) == 2 and key.isalpha() and key.isascii() else None


@cache
def _languages() -> dict[str, Any]:
    return load_toml("languages.toml")


def _script_contradicts(text: str, language: str) -> bool:
    """Whether most letters of the text are in a script the language is not written in."""
    letters = [c for c in text[:3000] if c.isalpha()]
    if len(letters) < 20:
        return False
    for script, (low, high) in _SCRIPT_RANGES.items():
        share = sum(low <= c <= high for c in letters) / len(letters)
        written_in = language in _languages()["scripts"][script]
        if (share > 0.5) != written_in and (share > 0.5 or share < 0.05):
            return True
    return False


def detect_language(text: str) -> str | None:
    import py3langid

    sample = text[:3000]
    if len(sample.strip()) < 20:
        return None
    code, _score = py3langid.classify(sample)
    # Codes outside ISO 639-1 ("pcm", "bcl") are guesses on text that is no prose.
    return str(code) if len(str(code)) == 2 else None


def _person(author: str | None) -> str | None:
    """An author as a name: a profile link ("https://www.facebook.com/bbcnews") is none, and an
    e-mail address beside a name ("Mark Pilgrim (f8dy@example.com)") is dropped."""
    if not author or re.match(r"\s*(?:https?://|www\.)", author):
        return None
    author = re.sub(r"\s*[(<]?[\w.+-]+@[\w-]+\.[\w.-]+[)>]?", "", author).strip(" ,;")
    # "(Olena Goncharova)", "Lisa Kaczke; Trevor J Mitchell", "... wire services Published"
    author = re.sub(r"\s+(?:Published|Updated)$", "", author.strip("()")).strip()
    return ", ".join(p.strip() for p in author.split(";") if p.strip()) or None


def strip_site_suffix(title: str, outlet: outlets.Outlet | None, outlet_name: str | None) -> str:
    """'Headline | Reuters' -> 'Headline': only an outlet's name is cut, never a headline's part."""
    names = {n.casefold() for n in ([outlet.name, *outlet.aliases, *outlet.domains]
                                     if outlet else [])}
    if outlet_name:
        names.add(outlet_name.casefold())

    def is_site(part: str) -> bool:
        return part.strip().casefold() in names

    separators = list(_TITLE_SEPARATORS.finditer(title))
    start, end = 0, len(title)
    for sep in reversed(separators):
        if not is_site(title[sep.end():end]):
            break
        end = sep.start()
    for sep in separators:
        if sep.end() > end or not is_site(title[start:sep.start()]):
            break
        start = sep.end()
    return title[start:end].strip()


def _leading_dateline(text: str, language: str, day_first: bool) -> tuple[date | None, str]:
    """A publication date opening the text ("Wed 05 Apr 2017 ...", "Published June 4 2016")."""
    head = text[:200]
    previous_end, previous_text = -10, ""
    for mention in dates.find_dates(head, None, language, day_first):
        prefix = head[:mention.start]
        # "Thursday 27 November 2014" opens a dateline; "on Tuesday, July 19, 2016" is prose.
        after_weekday = mention.start - previous_end <= 2 and not (
            _PREPOSITION.match(previous_text) and not _POSTED.search(head[:previous_end]))
        previous_end, previous_text = mention.end, mention.text
        if re.search(r"[.!?]\s", prefix) or "\n" in prefix.strip():
            break  # past the first sentence: dates there are the story's
        if not (mention.precision == "day" and mention.date and mention.date == mention.date_end):
            continue  # a weekday before the date ("Thursday 27 November 2014") belongs to it
        if _PREPOSITION.match(mention.text) and not _POSTED.search(prefix):
            break  # "On August 21 2013 the regime fired": an event date, not a dateline
        rest = text[mention.end:]
        rest = re.sub(r"^[\s,]*(?:\d{1,2}[:.]\d{2}(?:\s*(?:GMT|UTC|[AP]M))?)?", "", rest)
        rest = rest.lstrip(" ,.:-–—|\n")
        # A weekday-led date may run into a headline or a body opening with a figure
        # ("AFP Friday 2 May 2014 10 children among ...").
        opens = rest[:1].isupper() or (rest[:1] and rest[:1] in "\"“«(") or (
            rest[:1].isdigit() and mention.weekday is not None)
        if len(prefix.split()) > 4 and not after_weekday and not opens:
            break  # mid-sentence ("... killed 30 on 6 May 2014 when"), not a dateline
        # What precedes a dateline in the headline zone is headline and agency name.
        return mention.date, rest
    return None, text


def _strip_repeated_title(text: str, title: str) -> str:
    """A text that opens with its own headline (a line of its own, or run into the first
    sentence as in many dumps) loses it; a text that is only its headline keeps it."""
    wanted = [c.casefold() for c in title if c.isalnum()]
    if not wanted:
        return text
    # Compared on letters and digits only: dumps often lose the title's punctuation.
    matched = 0
    for i, char in enumerate(text):
        if matched == len(wanted):
            if char.isalnum():
                return text  # the headline's words run on: not a repeated title
            remainder = text[i:].lstrip(" .:-–—\n\"'”")
            if remainder[:1].islower() and not any(c in text[i:len(text) - len(remainder)]
                                                   for c in ".:-–—\n"):
                return text  # "Gaza health officials said": the sentence, not the headline
            return remainder or text
        if char.isalnum():
            if char.casefold() != wanted[matched]:
                return text
            matched += 1
    return text


def build_article(doc: RawDocument, hints: Hints) -> Article:
    fields = dict(doc.fields)
    captions: list[str] = []
    datelines: list[str] = []
    title: str | None = fields.get("title")
    author: str | None = fields.get("author")
    site_name: str | None = fields.get("outlet")
    url = safe_url(fields.get("url"))
    language = normalise_language(fields.get("language"))
    published_value = fields.get("published")
    cue_text: list[str] = []

    if doc.kind == "html":
        page = read_page(doc.content)
        # A page with no line of prose (a menu, an empty app shell) holds no article.
        text = page.text if any(boilerplate.is_sentence_line(line)
                                for line in page.text.splitlines()) else ""
        captions = page.captions
        title = title or page.title
        author = author or page.author
        site_name = site_name or page.site_name
        url = url or safe_url(page.url)
        language = language or normalise_language(page.language)
        published_value = published_value or page.published
        cue_text = []
    else:
        raw = fragment_text(doc.content) if doc.content_is_html else doc.content
        cleaned = boilerplate.clean(raw)
        text = cleaned.text
        captions = cleaned.captions
        title = title or cleaned.title
        author = author or cleaned.author
        datelines = cleaned.datelines
        cue_text = cleaned.dropped

    if language and _script_contradicts(text, language):
        language = None  # lang="en" on a page in Cyrillic: the text says which
    language = language or normalise_language(hints.language) or detect_language(text) or "en"

    # Outlet: the input's own metadata or URL, else the hint, else cues in the text.
    outlet = outlets.by_name(site_name) if site_name else None
    if outlet is None and url:
        outlet = outlets.by_domain(url)
    if outlet is None and fields.get("outlet_url"):
        outlet = outlets.by_domain(fields["outlet_url"])
    slug: str | None = outlet.slug if outlet else None
    name: str | None = outlet.name if outlet else None
    if slug is None and site_name and outlets.slugify(site_name) and not (
            url and len(site_name.split()) > SITE_NAME_WORDS):
        # A long channel title ("RSS Feed do Site Inovação Tecnológica") names no outlet as
        # well as its domain does; a site named by its domain ("tagesschau.de") is slugged as
        # its domain is, so that its pages and its feed are one outlet.
        slug, name = outlets.slugify(site_name), site_name
        if _DOMAIN.fullmatch(site_name.strip()):
            slug = outlets.domain_slug(f"https://{site_name.strip()}") or slug
    if slug is None and hints.outlet:
        hinted = outlets.by_name(hints.outlet)
        slug = hinted.slug if hinted else outlets.slugify(hints.outlet) or None
        name = hinted.name if hinted else hints.outlet
        outlet = hinted
    if slug is None:
        outlet = outlets.from_cues(cue_text, text)
        if outlet:
            slug, name = outlet.slug, outlet.name
    if slug is None and url:
        slug = outlets.domain_slug(url)
        name = site_name or urlsplit(url).hostname
    day_first = (outlet.date_order != "MDY") if outlet else language != "en"

    # Publication date: metadata, a dateline in the text, the URL, the hint.
    published: date | None = None
    basis: str | None = None
    if published_value:
        # A table's date column may show its own order ("4/17/17": month first).
        order = fields.get("date_order")
        published = dates.parse_date(published_value, language,
                                     order == "DMY" if order else day_first)
        basis = "metadata" if published else None
    for line in datelines:
        if published is not None:
            break
        published = next(dates.iter_full_dates(line, language, day_first), None)
        basis = "text" if published else None
    if title:
        text = _strip_repeated_title(text, title)
    agency_line = _AGENCY_DATELINE.match(text)
    agency_date: dates.DateMention | None = None
    if agency_line and outlets.by_name(agency_line.group("agency").strip()):
        stated = dates.find_dates(agency_line.group("date"), published, language, day_first)
        if stated:
            # Its date is the day of publication, never an event's: keep it out of the text.
            agency_date = stated[0]
            text = text[agency_line.end():]
    lead_date, rest = _leading_dateline(text, language, day_first)
    if lead_date is not None:
        text = rest  # a dateline opening the text is not part of the article, nor an event
        if published is None:
            published, basis = lead_date, "text"
    if published is None and url:
        in_url = _URL_DATE.search(urlsplit(url).path)
        month = in_url.group(2).casefold() if in_url else ""
        if in_url and (month.isdigit() or month in _URL_MONTHS):
            number = int(month) if month.isdigit() else _URL_MONTHS.index(month) + 1
            try:
                published, basis = date(int(in_url.group(1)), number, int(in_url.group(3))), "url"
            except ValueError:  # "/2024/02/31/": no such day
                published = None
    if published is None and hints.published:
        published, basis = hints.published, "given"
    candidates: list[date] = []
    if published is None:
        # A guess comes last: what the text pins down (a weekday with its date, the terms
        # of office of people it names by office).
        windows = [dates.Window(t.person, t.start, t.end) for t in offices.terms_named(text)]
        extra = [agency_date.yearless] if agency_date and agency_date.yearless else []
        candidates = dates.infer_publication(text, language, windows, extra)
        if candidates:
            published, basis = candidates[0], "inferred"

    if title:
        title = strip_site_suffix(re.sub(r"\s+", " ", title).strip(), outlet, name)
        text = _strip_repeated_title(text, title)
    if not text.strip() and title and doc.kind != "html":
        # A feed item or a row that is only its headline is still an article; a page with no
        # prose (a menu, an app shell) is none.
        text = title
    return Article(
        source=doc.source, text=text.strip(), url=url, outlet=slug, outlet_name=name,
        title=title or None, author=_person(author),
        published=published.isoformat() if published else None, published_basis=basis,
        published_candidates=[c.isoformat() for c in candidates],
        language=language, captions=captions,
    )
