"""Reading input files: decoding, format detection by content, one RawDocument per article."""

from __future__ import annotations

import csv
import gzip
import html
import io
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import charset_normalizer
import ftfy

from . import dates

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused: a scraped article is never this big
MAX_FIELD = 5 * 1024 * 1024  # one CSV cell
ORDER_SAMPLE = 2000  # rows read to tell a date column's day-month order
CSV_SAMPLE = 20000  # characters read to tell a table from a text
MAX_TEXT_NODE = 2 * 1024 * 1024  # one run of text in HTML or XML
_WIDE_ENCODINGS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]

# Column names other projects use for the contract's article fields (CONTRACT.md, input formats).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article_content", "article_text", "full_text",
             "maintext", "story", "article", "article_body", "content_text", "content_html",
             "description"),
    "title": ("title", "headline", "article_title", "heading"),
    "outlet": ("outlet", "source", "site", "domain", "publisher", "source_name", "media"),
    "published": ("published", "date", "pubdate", "publication_date", "published_at",
                  "date_published", "datetime", "pub_date", "publishedat"),
    "url": ("url", "link", "href", "article_url"),
    "author": ("author", "byline", "authors", "creator"),
    "language": ("language", "lang"),
}


# Keys under which a JSON object holds its list of articles.
ARTICLE_LISTS = frozenset({"articles", "items", "data", "results", "documents", "entries"})


class InputError(ValueError):
    """An input that cannot be read; the message is the one-line reason."""


_TAG = re.compile(r"<[^>]+>")
_HTML_ENTITY = re.compile(r"&(?:amp|quot|apos|lt|gt|nbsp|#\d{2,5}|#x[0-9a-f]{2,4});", re.IGNORECASE)
_FEED_END = re.compile(rb"</(?:\w+:)?(?:rss|feed|RDF)>\s*$")


class PartialInput(InputError):
    """Part of an input could not be read: a reason, and the documents that could."""

    def __init__(self, reason: str, documents: list[RawDocument]) -> None:
        super().__init__(reason)
        self.documents = documents


@dataclass
class RawDocument:
    """One article as found in an input, before cleaning and extraction."""

    source: str
    kind: str  # text | html | feed | table
    content: str  # plain text, or HTML for html pages and feed items
    fields: dict[str, str] = field(default_factory=dict)  # metadata the input itself states
    content_is_html: bool = False


def decode(data: bytes) -> str:
    """Bytes to clean text: detected encoding, mojibake repaired, NULs and BOMs removed."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _repair(data.decode("utf-16", errors="replace"))
    wide = _utf16_without_bom(data)
    if wide:
        return _repair(data.decode(wide, errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if _mostly_utf8(data):
            # Stray bytes in a UTF-8 file: drop them rather than misread the whole file.
            return _repair(data.decode("utf-8", errors="ignore"))
        # Without a BOM, UTF-16/32 guesses on short Latin text are nearly always wrong.
        best = charset_normalizer.from_bytes(data, cp_exclusion=_WIDE_ENCODINGS).best()
        if best is None:
            raise InputError("undecodable bytes (no text encoding fits)") from None
        turkish = _turkish(data) if best.encoding in _CENTRAL_EUROPEAN else None
        text = turkish or str(best)
    return _repair(text)


# Turkish in cp1254 is often taken for a Central European code page: the same bytes are
# "ş ı ğ" in one and "ţ ý đ" in the other.
_CENTRAL_EUROPEAN = frozenset({"cp1250", "iso8859_2", "cp1257", "iso8859_13", "mac_latin2"})
_TURKISH_LETTERS = re.compile(r"[ışğİŞĞ]")
_CENTRAL_LETTERS = re.compile(r"[ţýđŢÝĐ]")


def _turkish(data: bytes) -> str | None:
    """The text as cp1254 when that reads as Turkish, not as a Central European language."""
    try:
        text = data.decode("cp1254")
    except UnicodeDecodeError:
        return None
    guessed = data.decode("cp1250", errors="replace")
    turkish = len(_TURKISH_LETTERS.findall(text))
    return text if turkish > 2 * len(_CENTRAL_LETTERS.findall(text)) \
        and len(_CENTRAL_LETTERS.findall(guessed)) >= turkish // 2 else None


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for text whose every other byte is NUL, as Latin and
    Cyrillic text saved as UTF-16 with no byte-order mark is; None otherwise."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few invalid bytes: valid multi-byte sequences, under 0.2% errors."""
    decoded = data.decode("utf-8", errors="replace")
    errors = decoded.count("\ufffd")
    multibyte = sum(1 for char in decoded if ord(char) > 127) - errors
    return multibyte > 0 and errors <= max(4, len(data) // 500)


def _repair(text: str) -> str:
    text = text.replace("\x00", "").replace("\ufeff", "")
    # Quotes stay as written: a sentence must match its source character for character.
    # Entities are left for each format's reader: "&quot;" turned into '"' before a CSV or
    # JSON is parsed breaks its quoting.
    return str(ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False,
                             unescape_html=False))


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if sample.count(b"\x00") > len(sample) // 10:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"file too large ({size // 2**20} MB > {MAX_BYTES // 2**20} MB cap)")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                data = handle.read(MAX_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise InputError(f"broken gzip data ({exc})") from None
        if len(data) > MAX_BYTES:
            raise InputError("file too large once decompressed")
    if not data.strip():
        raise InputError("empty file")
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and not _utf16_without_bom(data):
        raise InputError("binary content, not text")
    return data


_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_ROOT = re.compile(r"<(!doctype html|html|head|body|article|div|p|meta|title)\b",
                        re.IGNORECASE)


def detect(text: str, name: str = "", mapping: Mapping[str, str] | None = None) -> str:
    """A decoded input's format, judged by content: feed, html, jsonl, json, csv or text."""
    head = text.lstrip()[:4096]
    if head.startswith("<"):
        if _FEED_ROOT.search(head):
            return "feed"
        if _HTML_ROOT.search(head):
            return "html"
    if head.startswith(("{", "[")):
        first = head.splitlines()[0].strip()
        if head.startswith("[") and _parses_json(text):
            return "json"
        if first.startswith("{") and _holds_articles(first):
            return "json"  # a minified API dump: {"status": "ok", "articles": [...]} on one line
        if first.startswith("{") and _parses_json(first):
            return "jsonl"
        if head.startswith("{") and _parses_json(text):
            return "json"  # one object holding the list ({"articles": [...]})
        if head.startswith("{") and _json_stream(text):
            return "jsonl"  # objects written over several lines each
    if _looks_like_csv(text, mapping or {}):
        return "csv"
    if _HTML_ROOT.search(head[:200]) and head.count("</p>") + head.count("</div>") >= 2:
        return "html"
    return "text"


def _json_stream(text: str) -> list[Any]:
    """The values of a text of JSON values one after another, however laid out; [] when it
    is not one."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return values
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            return []
        values.append(value)


def _holds_articles(line: str) -> bool:
    """Whether a line is one JSON object holding a list of articles under a known key."""
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and any(
        k.lower() in ARTICLE_LISTS and isinstance(v, list) for k, v in value.items())


def _parses_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _csv_dialect(sample: str) -> type[csv.Dialect]:
    """The delimiter sniffed from a header line, with standard quoting: a header alone says
    nothing of quotes doubled inside a quoted field, which the sniffer then turns off."""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _looks_like_csv(text: str, mapping: Mapping[str, str]) -> bool:
    """A table: a header whose records below have as many fields. With a column name we know
    ("text", "title", a --map column) one such record is enough; a header of unknown names
    needs four, so that a navigation line ("Home | World | Media") over a story is no table,
    while a table we cannot read is refused by name rather than read as one long story."""
    body, dialect = _table_start(text.lstrip())
    first = body.split("\n", 1)[0].strip()
    if not first or len(first) > 2000:
        return False
    header = next(csv.reader([first], dialect), [])
    names = [h.strip().lower() for h in header]
    try:
        records = list(csv.reader(io.StringIO(body[:CSV_SAMPLE]), dialect))[1:]
    except csv.Error:
        return False
    if len(body) > CSV_SAMPLE:
        records = records[:-1]  # the sample's last record may be cut short
    records = [r for r in records if r]
    if len(names) >= 5 and len(records) >= 4 and all(len(r) == len(names) for r in records):
        return True  # a table with no header (a GDELT export): refused for want of a text
    if len(names) < 2 or any(len(n) > 60 for n in names):
        return False
    wanted = {c.lower() for c in mapping.values() if c}
    known = {alias for aliases in COLUMN_ALIASES.values() for alias in aliases}
    if set(names) & (known | wanted):
        return all(len(r) == len(names) for r in records[:1])
    return len(names) >= 3 and len(records) >= 2 and all(
        len(r) == len(names) for r in records[:4])


def resolve_columns(columns: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Which input column feeds which article field: --map first, then the common names.

    ``--map published=`` (an empty column) switches a field's auto-detection off.
    """
    lower = {c.strip().lower(): c for c in columns}
    chosen: dict[str, str] = {}
    for fieldname, aliases in COLUMN_ALIASES.items():
        if fieldname in mapping:
            column = mapping[fieldname]
            if column and column.lower() not in lower:
                raise InputError(f"--map {fieldname}={column}: no such column")
            if column:
                chosen[fieldname] = lower[column.lower()]
            continue
        for alias in aliases:
            if alias in lower:
                chosen[fieldname] = lower[alias]
                break
    if "text" not in chosen:
        listed = ", ".join(columns[:12])
        raise InputError(f"no text column (columns: {listed}); use --map text=COLUMN")
    return chosen


class _LeftOut:
    """The rows or lines of a table left out, by reason, to name in one line."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, str], list[int]] = {}

    def add(self, unit: str, reason: tuple[str, str], number: int) -> None:
        """``reason`` said of one and of several: ("holds no text", "hold no text")."""
        self.found.setdefault((unit, *reason), []).append(number)

    def check(self, documents: list[RawDocument]) -> list[RawDocument]:
        """The documents, or PartialInput naming what was left out beside them."""
        if not self.found or not documents:
            return documents
        parts = []
        for (unit, one, several), numbers in self.found.items():
            shown = ", ".join(map(str, numbers[:5])) + (" ..." if len(numbers) > 5 else "")
            parts.append(f"{unit} {shown} {one}" if len(numbers) == 1
                         else f"{unit}s {shown} {several}")
        raise PartialInput(f"{'; '.join(parts)}, left out; {len(documents)} articles read",
                           documents)


def _table_documents(source: str, rows: Iterator[Mapping[str, Any]], columns: list[str],
                     mapping: Mapping[str, str], left_out: _LeftOut) -> Iterator[RawDocument]:
    chosen = resolve_columns(columns, mapping)
    # A column of numeric dates is written one way throughout: "4/17/17" in it says that
    # "4/5/17" is 5 April, not 4 May.
    head = list(itertools.islice(rows, ORDER_SAMPLE))
    order = dates.numeric_order(str(row.get(chosen["published"]) or "") for row in head) \
        if "published" in chosen else None
    for number, row in enumerate(itertools.chain(head, rows), start=1):
        if row.get(None):  # type: ignore[call-overload]
            # a stray quote or delimiter: more cells than the header has columns
            left_out.add("row", ("holds more cells than the header",
                                "hold more cells than the header"), number)
            continue
        values = {f: _unescaped(_cell(row.get(col))) for f, col in chosen.items()}
        text = values.pop("text")
        if not text:
            left_out.add("row", ("holds no text", "hold no text"), number)
            continue
        fields = {k: v for k, v in values.items() if v}
        if order and "published" in fields:
            fields["date_order"] = order
        is_html = bool(re.search(r"</(p|div|br)>|<br\s*/?>", text[:2000], re.IGNORECASE))
        yield RawDocument(f"{source}#{number}", "table", text, fields, content_is_html=is_html)


_EXCEL_SEP = re.compile(r"\A\ufeff?sep=(.)\r?\n")  # Excel's first line naming the delimiter


def _unescaped(value: str) -> str:
    """Text with HTML entities ("&quot;", "&amp;") as the characters they stand for, unless
    it is markup, which its own reader unescapes."""
    return html.unescape(value) if _HTML_ENTITY.search(value) and "<" not in value else value


def _cell(value: Any) -> str:
    """A table cell as text: JSON lists joined ("John Simpson, Lyse Doucet"), objects by
    their name ({"name": "Anadolu"})."""
    if isinstance(value, list):
        return ", ".join(filter(None, (_cell(v) for v in value)))
    if isinstance(value, dict):
        return _cell(value.get("name") or value.get("title") or value.get("url") or "")
    return str(value if value is not None else "").strip()


def _table_start(text: str) -> tuple[str, type[csv.Dialect]]:
    """A table's text from its header on, and its dialect: the delimiter Excel's "sep=;" line
    names (the line is dropped), else the one sniffed from the header. Blank lines before the
    header are no header."""
    text = text.lstrip("\r\n\t ")
    excel = _EXCEL_SEP.match(text)
    if excel:
        text = text[excel.end():]
    dialect = _csv_dialect(text[:CSV_SAMPLE].split("\n", 1)[0])
    if excel:
        dialect.delimiter = excel.group(1)
    return text, dialect


def read_csv(source: str, text: str, mapping: Mapping[str, str]) -> list[RawDocument]:
    csv.field_size_limit(MAX_FIELD)
    text, dialect = _table_start(text)
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = list(reader.fieldnames or [])
    left_out = _LeftOut()
    try:
        documents = list(_table_documents(source, iter(reader), columns, mapping, left_out))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})") from None
    return left_out.check(documents)


def read_jsonl(source: str, text: str, mapping: Mapping[str, str], whole: bool = False
               ) -> list[RawDocument]:
    rows: list[dict[str, Any]] = []
    left_out = _LeftOut()
    if whole:
        data = json.loads(text)
        if isinstance(data, dict):
            # {"articles": [...]} (NewsAPI), {"items": [...]} (JSON Feed): the list inside
            data = next((v for k, v in data.items() if k.lower() in ARTICLE_LISTS
                         and isinstance(v, list)), data)
        if not isinstance(data, list):
            raise InputError("JSON file is not a list of article objects")
        rows = [r for r in data if isinstance(r, dict)]
    elif not _parses_json(next((ln for ln in text.splitlines() if ln.strip()), "")) \
            and (stream := _json_stream(text)):
        rows = [r for r in stream if isinstance(r, dict)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                left_out.add("line", ("is not valid JSON", "are not valid JSON"), number)
                continue
            if isinstance(value, dict):
                rows.append(value)
            else:
                left_out.add("line", ("is not a JSON object", "are not JSON objects"), number)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    # The good lines are kept; the others are named.
    return left_out.check(list(_table_documents(source, iter(rows), columns, mapping,
                                                left_out)))


def _feed_text(value: Any) -> str:
    return str(value or "").strip()


_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_HUGE_TEXT = re.compile(rf">[^<]{{{MAX_TEXT_NODE},}}")


def check_markup(text: str) -> None:
    """Refuse markup that attacks the parser: entity declarations (entity expansion, external
    entities) and text nodes so large that parsing them would exhaust memory."""
    if _ENTITY_DECLARATION.search(text[:200_000]):
        raise InputError("XML entity declarations refused (entity expansion or external entity)")
    if _HUGE_TEXT.search(text):
        raise InputError(f"a field over {MAX_TEXT_NODE // 2**20} MB (huge field) refused")


def read_feed(source: str, data: bytes) -> list[RawDocument]:
    """The items of a feed. One cut short (a broken download) gives the items before the cut
    and says so (PartialInput): the item at the cut may have lost its text."""
    import feedparser  # imported lazily: only feeds need it

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise InputError(f"feed without items{f' ({reason})' if reason else ''}")
    documents = list(_feed_items(source, parsed))
    if not _FEED_END.search(data[-400:]):
        raise PartialInput(f"feed ends early (no closing tag); {len(documents)} items read, "
                           "the last may be incomplete", documents)
    return documents


def _feed_items(source: str, parsed: Any) -> Iterator[RawDocument]:
    channel = parsed.feed
    outlet = _feed_text(channel.get("title"))
    channel_link = _feed_text(channel.get("link"))
    for number, entry in enumerate(parsed.entries, start=1):
        body = ""
        for content in entry.get("content", []):
            if len(_feed_text(content.get("value"))) > len(body):
                body = _feed_text(content.get("value"))
        summary = _feed_text(entry.get("summary"))
        if len(summary) > len(body):
            body = summary
        if not body and not _feed_text(entry.get("title")):
            continue  # nothing at all; a headline alone is still an article
        link = _feed_text(entry.get("link"))
        author = (entry.get("author_detail") or {}).get("name") or entry.get("author")
        fields = {
            # A title in CDATA keeps its entities ("Strikes &amp; shelling"), and some keep
            # markup ("Bombardements <em>russes</em>"): it is plain text.
            "title": _TAG.sub("", html.unescape(_feed_text(entry.get("title")))),
            # "/news/strike": relative to the channel's site
            "url": urljoin(channel_link, link) if link and channel_link else link,
            # "editor@site.com (Olena Goncharova)": the name
            "author": _feed_text(author),
            "outlet": outlet,
            "outlet_url": channel_link,
            "language": _feed_text(channel.get("language")),
        }
        # dict.get: feedparser's own get maps a missing "updated" to "published", and warns
        stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        if stamp:
            fields["published"] = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}"
        else:  # "13.05.2024 10:00", which feedparser does not read: ours may
            fields["published"] = _feed_text(dict.get(entry, "published")
                                             or dict.get(entry, "updated"))
        yield RawDocument(f"{source}#{number}", "feed", body,
                          {k: v for k, v in fields.items() if v}, content_is_html=True)


def read_file(path: Path, source: str, mapping: Mapping[str, str] | None = None
              ) -> list[RawDocument]:
    """All articles in one file. Raises InputError with a one-line reason."""
    mapping = mapping or {}
    data = read_bytes(path)
    text = decode(data)
    kind = detect(text, path.name, mapping)
    if kind in ("feed", "html"):
        check_markup(text)
    if kind == "feed":
        return read_feed(source, data)
    if kind in ("csv", "jsonl", "json"):
        rows = read_csv(source, text, mapping) if kind == "csv" \
            else read_jsonl(source, text, mapping, whole=kind == "json")
        if not rows:
            raise InputError("a table with no row that holds a text")
        return rows
    if kind == "html":
        return [RawDocument(source, "html", text, content_is_html=True)]
    return [RawDocument(source, "text", _unescaped(text))]


def walk(paths: list[Path]) -> Iterator[Path]:
    """Files under the given paths, recursively, in a stable order; hidden files skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in rel) \
                        and child.name.lower() not in ("readme.md", "source.md"):
                    yield child
        else:
            yield path
