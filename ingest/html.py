"""HTML pages and fragments: body text by trafilatura, metadata and captions from the markup."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
           "section", "article", "header", "footer", "ul", "ol", "table", "pre", "figure"}
_SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head",
         "figcaption"}


@dataclass
class Page:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None
    language: str | None = None
    captions: list[str] = field(default_factory=list)


def _parse(markup: str) -> Any:
    # Strip the XML declaration: lxml refuses str input that declares an encoding.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def visible_text(tree: Any, blocks: set[str], hidden: set[str], separator: str) -> str:
    """The text a reader sees in a parsed page: hidden elements left out, ``separator``
    around each block element."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        invisible = tag in hidden or node.get("hidden") is not None or \
            "display:none" in (node.get("style") or "").replace(" ", "")
        if not invisible:
            if tag in blocks:
                parts.append(separator)
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
            if tag in blocks:
                parts.append(separator)
        if node.tail:
            parts.append(node.tail)

    walk(tree)
    return "".join(parts)


def fragment_text(markup: str) -> str:
    """Visible text of an HTML fragment (a feed item, a table cell), one block per paragraph."""
    if "<" not in markup:
        return markup.strip()
    tree = _parse(f"<div>{markup}</div>")
    if tree is None:
        return re.sub(r"<[^>]+>", " ", markup).strip()
    text = re.sub(r"[ \t\u00a0]+", " ", visible_text(tree, _BLOCKS, _SKIP, "\n\n"))
    return "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())


def _meta(tree: Any, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f'//meta[@{attr}="{key}"]/@content')
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    return None


def _json_ld(tree: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        if isinstance(data, list):
            items = data
        elif isinstance(data, dict):
            items = data.get("@graph", [data])
        else:
            continue  # a string or a number: no metadata to take
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and "Article" in str(item.get("@type", "")):
                found.update({k: v for k, v in item.items() if k not in found})
    return found


def _ld_name(value: Any) -> str | None:
    """A JSON-LD name: a string, an object's "name", or each of a list's, joined."""
    if isinstance(value, list):
        names = [n for n in map(_ld_name, value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None


_COPYRIGHT = re.compile(r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}\s*[-–]\s*)?(\d{4})", re.I)


def _not_a_copyright(found: str | None, markup: str) -> str | None:
    """trafilatura's date, unless it is only a page footer's "© 2017" read as 1 January: a
    guess, which must not pass for the page's own date nor beat a --published hint."""
    if found and found[5:10] == "01-01" and found[:4] in _COPYRIGHT.findall(markup):
        return None
    return found


def read_page(markup: str) -> Page:
    """The article in an HTML page: trafilatura's body, the page's own metadata first."""
    tree = _parse(markup)
    extracted = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, date_extraction_params={"original_date": True,
                                                     "extensive_search": True},
    )
    doc: dict[str, Any] = {}
    if extracted is not None:
        doc = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    # Paragraphs separated by a blank line, as in every other input (trafilatura gives one
    # newline).
    text = "\n\n".join(line for line in str(doc.get("text") or "").split("\n") if line.strip())
    page = Page(text=text)
    if tree is None:
        return page
    ld = _json_ld(tree)
    captions = [re.sub(r"\s+", " ", c.text_content()).strip() for c in tree.xpath("//figcaption")]
    page.captions = [c for c in captions if c]
    # trafilatura keeps some captions in the body; they belong apart (their dates are not events).
    if page.captions:
        page.text = "\n\n".join(line for line in text.split("\n\n")
                                if line.strip() not in set(page.captions))
    page.title = _meta(tree, "og:title", "twitter:title") or _ld_name(ld.get("headline")) \
        or doc.get("title")
    page.author = _meta(tree, "author", "article:author") or _ld_name(ld.get("author")) \
        or doc.get("author")
    page.published = _meta(tree, "article:published_time", "datePublished", "pubdate",
                           "date", "dc.date", "DC.date.issued") \
        or (str(ld["datePublished"]) if ld.get("datePublished") else None) \
        or _not_a_copyright(doc.get("date"), markup)
    page.site_name = _meta(tree, "og:site_name", "application-name") \
        or _ld_name(ld.get("publisher")) or doc.get("sitename")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    page.url = _meta(tree, "og:url") or (str(canonical[0]) if canonical else None) \
        or doc.get("url")
    lang = tree.get("lang") or _meta(tree, "og:locale", "language")
    page.language = lang[:2].lower() if lang else None
    return page
