"""Reading inputs: formats detected by content, tables mapped, encodings repaired."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import FAKES, SHARED, require

from ingest.formats import InputError, decode, detect, read_file, resolve_columns

FEEDS = SHARED / "corpus" / "feed-rs-fixtures"


@pytest.mark.parametrize("content,expected", [
    ("<?xml version='1.0'?>\n<rss version='2.0'><channel></channel></rss>", "feed"),
    ("<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "feed"),
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ('{"text": "a"}\n{"text": "b"}\n', "jsonl"),
    ('[{"text": "a"}]', "json"),
    ("url,title,text\nhttp://x,T,body\n", "csv"),
    ("Damascus, SANA - Units of the army restored security, the agency said.\n", "text"),
    ("Kyiv, 5 May: one, two, three, four. Nothing tabular about it.\n", "text"),
])
def test_detect_by_content_not_extension(content: str, expected: str) -> None:
    assert detect(content, "misleading.txt") == expected


def test_rss_items_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "feed.bin"  # no telling extension
    path.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>TASS</title>
    <link>https://tass.com</link><item><title>One</title><link>https://tass.com/world/1</link>
    <pubDate>Fri, 07 Apr 2017 10:00:00 GMT</pubDate><description>&lt;p&gt;First body.&lt;/p&gt;
    </description></item><item><title>Two</title><link>https://tass.com/world/2</link>
    <description>Second body.</description></item></channel></rss>""")
    docs = read_file(path, "feed.bin")
    assert [d.source for d in docs] == ["feed.bin#1", "feed.bin#2"]
    assert docs[0].fields["published"] == "2017-04-07"
    assert docs[0].fields["outlet"] == "TASS"


@pytest.mark.parametrize("name", ["rss2/rss_2.0_kdist.xml", "atom/atom_example_1.xml"])
def test_real_feeds_parse(name: str) -> None:
    path = FEEDS / name
    if not path.exists():
        candidates = sorted((FEEDS / name.split("/")[0]).glob("*.xml"))
        path = require(candidates[0] if candidates else path)
    docs = read_file(path, path.name)
    assert docs and all(d.kind == "feed" and d.content for d in docs)


def test_table_columns_detected_and_mapped() -> None:
    assert resolve_columns(["Headline", "Body", "Site"], {}) == {
        "title": "Headline", "text": "Body", "outlet": "Site"}
    chosen = resolve_columns(["article_title", "article_content", "source", "date"],
                             {"published": ""})
    assert "published" not in chosen and chosen["text"] == "article_content"
    with pytest.raises(InputError, match="no text column"):
        resolve_columns(["a", "b"], {})
    with pytest.raises(InputError, match="no such column"):
        resolve_columns(["text"], {"title": "missing"})


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "dump.gz"
    rows = [{"content": "Body one.", "link": "https://example.org/a"}, {"content": "Two."}]
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode()))
    docs = read_file(path, "dump.gz")
    assert [d.content for d in docs] == ["Body one.", "Two."]
    assert docs[0].fields["url"] == "https://example.org/a"


def test_fakes_csv_is_read_whole_and_readable() -> None:
    docs = read_file(require(FAKES), "fakes.csv",
                     {"title": "article_title", "text": "article_content", "outlet": "source"})
    assert len(docs) >= 800
    text = " ".join(d.content for d in docs)
    assert "\ufffd" not in text and "â€" not in text  # no replacement chars, no mojibake


def test_decode_repairs_mojibake_and_strips_bom_and_nuls() -> None:
    assert decode("\ufeffcaf\u00c3\u00a9\x00".encode()) == "café"
    assert decode("Kiev’s".encode("cp1252")) == "Kiev’s"
