"""Reading inputs: formats detected by content, tables mapped, encodings repaired."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import FAKES, SHARED, require

from ingest.formats import (
    InputError,
    RawDocument,
    decode,
    detect,
    read_file,
    resolve_columns,
)

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


def test_stray_bytes_in_utf8_do_not_garble_the_file() -> None:
    text = "Удар по вокзалу в Краматорске — 8 апреля. " * 20
    data = text.encode("utf-8")
    data = data[:100] + b"\x81\xfe" + data[100:]
    decoded = decode(data)
    assert "Краматорске — 8 апреля" in decoded and "\ufffd" not in decoded


# -- bad inputs: each named with a one-line reason, nothing else lost --------------------------

def _ingest_one(tmp_path: Path, name: str, content: bytes) -> tuple[list[str], int]:
    from ingest import Store, ingest

    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    (folder / "good.txt").write_text("Damascus, SANA - Five people were killed on Friday when "
                                     "a rocket struck a market in the city, a source said.\n")
    errors: list[str] = []
    summary = ingest([folder], Store(tmp_path / "store"), on_error=errors.append)
    return errors, summary.articles_added


LOL = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">'
                 for i in range(1, 10))
       + ']><rss version="2.0"><channel><title>x</title><item><title>&lol9;</title>'
         "<description>&lol9;</description></item></channel></rss>")
XXE = ('<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<rss version="2.0"><channel><title>x</title><item><title>t</title>'
       "<description>Body &xxe; text.</description></item></channel></rss>")


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.html", b"  \n\n ", "empty file"),
    ("photo.jpg", bytes(range(256)) * 64, "binary content"),
    ("lol.xml", LOL.encode(), "entity declarations refused"),
    ("xxe.rss", XXE.encode(), "entity declarations refused"),
    ("huge.xml", b'<rss version="2.0"><channel><title>x</title><item><title>'
     + b"A" * (3 * 2**20) + b"</title></item></channel></rss>", "huge field"),
    ("broken.xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>x<item><ti',
     "feed without items"),
    ("nocol.csv", b"headline,teaser\nA,B\n", "no text column"),
    ("header.csv", b"title,text,published\n", "no row that holds a text"),
    ("broken.gz", b"\x1f\x8b\x08\x00garbage", "broken gzip"),
])
def test_bad_input_is_named_and_skipped(tmp_path: Path, name: str, content: bytes,
                                        reason: str) -> None:
    errors, added = _ingest_one(tmp_path, name, content)
    assert len(errors) == 1 and name in errors[0] and reason in errors[0], errors
    assert "\n" not in errors[0]
    assert added == 1  # the good file beside it is stored


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    from ingest.formats import MAX_BYTES

    errors, added = _ingest_one(tmp_path, "big.txt", b"word " * (MAX_BYTES // 5 + 10))
    assert len(errors) == 1 and "too large" in errors[0] and added == 1


def test_truncated_html_keeps_what_is_there(tmp_path: Path) -> None:
    page = (b"<!DOCTYPE html><html><head><title>Strike | Agency</title></head><body><article>"
            b"<p>Five people were killed on Friday when a rocket struck a market in the city, "
            b"officials said in a statement carried by state media and read on television.</p>"
            b"<p>The second paragraph is cut off in the mid")
    errors, added = _ingest_one(tmp_path, "cut.html", page)
    assert errors == [] and added == 2


@pytest.mark.parametrize("name,content", [
    # Go's zero time in JSON-LD (real on Gannett pages): the URL's date is used instead.
    ("zero.html", b'<html lang="en"><head><title>Strike on Kharkiv</title>'
     b'<link rel="canonical" href="https://example.com/2024/05/15/strike">'
     b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"Strike on '
     b'Kharkiv","datePublished":"0001-01-01T00:00:00Z"}</script></head><body><article><p>'
     b"Russian forces struck an energy facility in the Kharkiv region on Tuesday night, "
     b"killing two workers and injuring five others, the governor said.</p></article></body>"
     b"</html>"),
    ("far.csv", b'title,text,published\nB,"Israeli strikes killed 12 people in Rafah on 3 '
     b'January, the Gaza health ministry said on Friday.",9999-12-31\n'),
    ("relative.csv", b"title,text,published\nB,Shelling killed two people in Kharkiv on "
     b"Tuesday.,yesterday\n"),
])
def test_a_placeholder_or_relative_publication_date_is_no_date(tmp_path: Path, name: str,
                                                                content: bytes) -> None:
    from ingest import Store

    errors, added = _ingest_one(tmp_path, name, content)
    assert errors == [] and added == 2
    published = {a["source"].rsplit("/", 1)[-1].split("#")[0]: a["published"]
                 for a in Store(tmp_path / "store").records("articles")}
    assert published[name] == ("2024-05-15" if name == "zero.html" else None)


@pytest.mark.parametrize("name,content", [
    # A minified API dump: one object, on one line, holding the article list.
    ("newsapi.json", b'{"status": "ok", "articles": [{"title": "Strikes in Rafah", "content": '
     b'"Israeli air strikes killed 12 people in Rafah on Tuesday."}]}\n'),
    ("blank_first.csv",
     b'\n\ntitle,text\nA,"Russian forces shelled Sumy on Monday, killing two."\n'),
])
def test_tables_as_exported(tmp_path: Path, name: str, content: bytes) -> None:
    errors, added = _ingest_one(tmp_path, name, content)
    assert errors == [] and added == 2


def test_escaped_cells_of_an_export_are_unescaped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('title,text\nA,"Shelling &amp; air strikes killed two, &quot;officials&quot; '
                    'said."\n', encoding="utf-8")
    assert read_file(path, "t.csv")[0].content == \
        'Shelling & air strikes killed two, "officials" said.'


def test_entities_in_a_json_line_do_not_break_it(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"title": "Strikes &amp; shelling", "text": "The army said &quot;six '
                    'were killed&quot; in Homs."}\n', encoding="utf-8")
    (doc,) = read_file(path, "t.jsonl")
    assert doc.fields["title"] == "Strikes & shelling"
    assert doc.content == 'The army said "six were killed" in Homs.'


def test_a_title_is_cut_from_the_text_only_where_it_stands_as_one() -> None:
    from ingest.articles import _strip_repeated_title

    text = "Gaza health officials said Israeli strikes killed 12 people in Rafah."
    assert _strip_repeated_title(text, "Gaza") == text  # the sentence's own first word
    assert _strip_repeated_title("Strikes kill 12\nAir strikes killed 12.", "Strikes kill 12") \
        == "Air strikes killed 12."
    # Run into the text, as in many dumps: the story begins after it.
    assert _strip_repeated_title("Strikes kill 12 BEIRUT (Reuters) - Air strikes killed 12.",
                                 "Strikes kill 12") == "BEIRUT (Reuters) - Air strikes killed 12."


FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Kyiv Independent</title>'
        "<link>https://kyivindependent.com/</link>"
        "<item><title>Russian missiles hit Kharkiv &amp;lt;b&amp;gt;5 killed&amp;lt;/b&amp;gt;"
        "</title><link>/news/kharkiv</link><pubDate>13.05.2024 10:00</pubDate>"
        "<author>editor@kyivindependent.com (Olena Goncharova)</author>"
        "<description>Russian missiles hit Kharkiv on Monday, killing five people.</description>"
        "</item><item><title>Second</title><link>https://kyivindependent.com/2</link>"
        "<description>Drones struck Odesa on Sunday, the governor said.</description></item>"
        "</channel></rss>")


def test_feed_items_as_feeds_write_them(tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_text(FEED, encoding="utf-8")
    first = read_file(path, "f.xml")[0].fields
    assert first["title"] == "Russian missiles hit Kharkiv 5 killed"
    assert first["url"] == "https://kyivindependent.com/news/kharkiv"
    assert first["author"] == "Olena Goncharova"
    assert first["published"] == "13.05.2024 10:00"  # read by parse_date in build_article


def test_a_feed_cut_short_is_named_and_its_items_kept(tmp_path: Path) -> None:
    cut = FEED[:FEED.index("Drones struck")]
    errors, added = _ingest_one(tmp_path, "cut.xml", cut.encode())
    assert len(errors) == 1 and "cut.xml" in errors[0] and "feed ends early" in errors[0]
    assert added == 3  # both items (the second headline-only) and the good file


def test_a_page_with_no_prose_is_no_article(tmp_path: Path) -> None:
    page = (b'<html lang="en"><head><title>Nothing here</title></head><body><nav><ul><li>'
            b'<a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav><main>'
            b'<div id="app"></div></main></body></html>')
    errors, added = _ingest_one(tmp_path, "shell.html", page)
    assert len(errors) == 1 and "shell.html: no article text found" in errors[0]
    assert added == 1


@pytest.mark.parametrize("name,content,reason", [
    ("ragged.csv", b'id,title,text,published\n1,A,"Shelling killed two in Sumy on '
     b'Monday.",2024-05-13\n2,B,Drones hit Odesa on Sunday, the governor said.,2024-05-13\n',
     "row 2 holds more cells"),
    ("nulls.json", b'[{"title": "Null text", "content": null}, '
     b'{"title": "B", "content": "Drones hit Odesa on Sunday."}]', "row 1 holds no text"),
    ("lists.jsonl", b'{"text": "Drones hit Odesa on Sunday."}\n["not", "an", "object"]\n',
     "line 2 is not a JSON object"),
])
def test_rows_left_out_are_named(tmp_path: Path, name: str, content: bytes,
                                 reason: str) -> None:
    errors, added = _ingest_one(tmp_path, name, content)
    assert len(errors) == 1 and name in errors[0] and reason in errors[0], errors
    assert added == 2  # the good row and the good file beside


def test_a_broken_jsonl_line_is_named_and_the_good_ones_kept(tmp_path: Path) -> None:
    content = (b'{"text": "Shelling killed five people in Aleppo on Friday."}\n{"text": broken\n'
               b'{"text": "Air strikes killed seven people in Idlib on Friday."}\n')
    errors, added = _ingest_one(tmp_path, "bad.jsonl", content)
    assert len(errors) == 1 and "bad.jsonl" in errors[0] and "line 2 is not valid JSON" in errors[0]
    assert added == 3  # both good lines, and the good file beside


def test_doubled_quotes_in_a_multiline_csv_field(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('url,title,text,language\nhttp://x/1,"Syria: ""60 killed""",'
                    '"Line one ""quoted""\nline two",en\nhttp://x/2,B,Second body.,en\n',
                    encoding="utf-8")
    docs = read_file(path, "t.csv")
    assert [d.fields.get("title") for d in docs] == ['Syria: "60 killed"', "B"]
    assert docs[0].content == 'Line one "quoted"\nline two' and docs[0].fields["language"] == "en"


def test_an_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("sep=;\ntitle;text\nA;Air strikes killed nine civilians, a monitor said.\n")
    (doc,) = read_file(path, "t.csv")
    assert doc.content.endswith("a monitor said.") and doc.fields["title"] == "A"


def test_a_date_column_shows_its_own_order_and_two_digit_years(tmp_path: Path) -> None:
    from ingest import Hints, build_article

    path = tmp_path / "t.csv"
    path.write_text("title,text,date\nA,Shelling hit Aleppo.,4/5/17\nB,Strikes hit Idlib.,"
                    "4/17/17\nC,Clashes in Hama.,12/31/89\n")
    published = [build_article(d, Hints()).published for d in read_file(path, "t.csv")]
    assert published == ["2017-04-05", "2017-04-17", "1989-12-31"]


@pytest.mark.parametrize("data", [
    "Five people were killed in Kramatorsk on Friday.".encode("utf-16"),  # with a BOM
    "Five people were killed in Kramatorsk on Friday.".encode("utf-16-le"),
    "Погибли пять человек.".encode("utf-16"),
])
def test_utf16_text_is_read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    (doc,) = read_file(path, "t.txt")
    assert doc.content.startswith(("Five people", "Погибли"))


@pytest.mark.parametrize("content,kind", [
    # A navigation line over a story is not a table header.
    ("Home | World | Politics | Business | Media | Video\nKYIV (Reuters) - Five people were "
     "killed on Friday when a missile hit a station, officials said.\nRescuers searched the "
     "rubble.\n", "text"),
    # A table of unknown columns, or with no header at all, is a table to refuse by name.
    ("headline_txt,body_txt,src_name\nA,Body one.,X\nB,Body two.,Y\n", "csv"),
    ("1\t20160102\t201601\t2016\tENV\n2\t20160103\t201601\t2016\tGOV\n"
     "3\t20160104\t201601\t2016\tMIL\n4\t20160105\t201601\t2016\tREB\n"
     "5\t20160106\t201601\t2016\tCVL\n", "csv"),
])
def test_tables_are_told_by_their_structure(content: str, kind: str) -> None:
    assert detect(content, "x.txt") == kind


def test_json_ld_that_is_not_an_object_is_ignored() -> None:
    from ingest.html import read_page

    page = read_page('<html><head><script type="application/ld+json">"just a string"</script>'
                     '</head><body><article><p>Five people were killed on Friday when a rocket '
                     'struck a market in the city, officials said.</p></article></body></html>')
    assert "Five people" in page.text


def test_a_footer_copyright_year_is_no_publication_date() -> None:
    from ingest.html import read_page

    page = read_page("<html><body><article><p>Five people were killed on Friday when a rocket "
                     "struck a market in the city, officials said in a statement.</p></article>"
                     "<footer>© 2017 Example News</footer></body></html>")
    assert page.published is None


def test_json_objects_holding_articles_and_objects_over_several_lines(tmp_path: Path) -> None:
    from ingest import Hints, build_article

    wrapped = tmp_path / "newsapi.json"
    wrapped.write_text(json.dumps({"status": "ok", "articles": [
        {"title": "Strikes kill 9", "content": "Air strikes killed nine civilians in Idlib.",
         "author": ["Tom Perry", "Ellen Francis"], "source": {"name": "Reuters"}}]}, indent=2))
    (doc,) = read_file(wrapped, "newsapi.json")
    article = build_article(doc, Hints())
    assert doc.fields["author"] == "Tom Perry, Ellen Francis" and article.outlet == "reuters"
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(json.dumps({"text": "Shelling killed five people."}, indent=2) + "\n"
                      + json.dumps({"text": "Air strikes killed seven people."}, indent=2))
    assert len(read_file(pretty, "pretty.jsonl")) == 2


def _one_feed_item(tmp_path: Path, item: str) -> RawDocument:
    """The one document of an RSS feed holding ``item``."""
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>TASS</title>'
                    f"<item>{item}</item></channel></rss>")
    (doc,) = read_file(path, "feed.xml")
    return doc


def test_a_feed_item_with_only_a_headline_is_kept(tmp_path: Path) -> None:
    from ingest import Hints, build_article

    doc = _one_feed_item(tmp_path, "<title>Five killed in shelling of Donetsk</title>"
                                   "<link>https://tass.com/world/1</link>")
    assert build_article(doc, Hints()).text == "Five killed in shelling of Donetsk"


def test_agency_credits_and_rights_lines_leave_the_text() -> None:
    from ingest.boilerplate import clean

    story = ("KYIV (Reuters) - Five people were killed on Friday when a missile hit the railway "
             "station in Kramatorsk, regional officials said.\n\nRescuers were still searching "
             "the rubble of the waiting hall late in the evening, the officials said.\n\n"
             "Reporting by Tom Balmforth; Editing by Andrew Osborn\n\n"
             "Copyright 2022 The Associated Press. All rights reserved.\n")
    text = clean(story).text
    assert "Rescuers were still searching" in text
    assert "Editing by" not in text and "All rights reserved" not in text


def test_a_paragraph_after_an_ad_block_mid_story_is_kept() -> None:
    from ingest.boilerplate import clean

    story = ("Russian strike kills two in Kharkiv\n\nRussian forces struck an energy facility "
             "in the Kharkiv region on Tuesday night, killing two workers and injuring five "
             "others, regional governor Oleh Syniehubov said on Wednesday.\n\nThe attack "
             "involved at least six Shahed drones and two ballistic missiles, the Ukrainian Air "
             "Force said.\n\nAdvertisement\n\nSubscribe to our newsletter\n\nRussia's defence "
             "ministry said on Wednesday it had struck \"energy infrastructure used by the "
             "Ukrainian military\".\n")
    text = clean(story).text
    assert text.endswith("used by the Ukrainian military\".")  # the other side's account
    assert "Advertisement" not in text and "Subscribe" not in text


def test_turkish_in_cp1254_is_not_read_as_central_european() -> None:
    text = ("Rus savaş uçakları Palmira yakınında 12 mevziyi vurdu. Rusya Savunma Bakanlığı, "
            "Suriye'de İŞİD'e ait mevzilerin imha edildiğini açıkladı. Saldırıda ağır "
            "silahlar ve sığınaklar yıkıldı.\n")
    assert decode(text.encode("cp1254")) == text


def test_every_json_ld_author_is_kept() -> None:
    from ingest.html import read_page

    ld = json.dumps({"@type": "NewsArticle", "headline": "Strike", "author": [
        {"@type": "Person", "name": "Tom Perry"}, {"@type": "Person", "name": "Ellen Francis"}]})
    page = read_page(f'<html><head><script type="application/ld+json">{ld}</script></head>'
                     "<body><article><p>Five people were killed on Friday when a rocket struck "
                     "a market in the city, officials said.</p></article></body></html>")
    assert page.author == "Tom Perry, Ellen Francis"


def test_a_feed_title_in_cdata_is_plain_text(tmp_path: Path) -> None:
    doc = _one_feed_item(tmp_path, "<title><![CDATA[Strikes &amp; shelling in Idlib]]></title>"
                                   "<description>Five people were killed.</description>")
    assert doc.fields["title"] == "Strikes & shelling in Idlib"
