"""Article metadata: outlet, title, author, publication date, language."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import COUNTERPOINT, REPO

from ingest.articles import Hints, build_article, strip_site_suffix
from ingest.formats import RawDocument
from ingest.outlets import by_domain, by_name, registry

BODY = ("Five people were killed and twelve wounded when a rocket struck a crowded market in "
        "the city centre, a local official said, adding that rescue work was still going on.")


def article(text: str, kind: str = "text", **fields: str) -> dict[str, object]:
    return build_article(RawDocument("x", kind, text, dict(fields)), Hints()).record()


@pytest.mark.parametrize("text,slug", [
    (f"MOSCOW, April 7. /TASS/. {BODY}", "tass"),
    (f"KYIV (Reuters) - {BODY}", "reuters"),
    (f"Damascus, SANA - {BODY}", "sana"),
    (f"{BODY}\n\n(c) RT", "rt"),
    (f"Support SouthFront\n\n{BODY}\n\nSupport SouthFront", "southfront"),
    (f"BEIRUT (AP) — {BODY}", "associated-press"),
    (f"ANKARA (AA) - {BODY}", "anadolu-agency"),
    (f"{BODY} Reuters reported the same toll.", None),  # an outlet cited is not the outlet
])
def test_outlet_from_text_cues(text: str, slug: str | None) -> None:
    assert article(text)["outlet"] == slug


def test_outlet_from_metadata_and_domain() -> None:
    assert article(BODY, url="https://www.reuters.com/world/x")["outlet"] == "reuters"
    assert article(BODY, outlet="Syrian Arab News Agency")["outlet"] == "sana"
    unknown = article(BODY, url="https://news.example-monitor.org/2022/04/08/strike")
    assert unknown["outlet"] == "example-monitor" and unknown["published"] == "2022-04-08"
    assert unknown["published_basis"] == "url"


def test_registry_covers_the_conflicts_and_fakes_sources() -> None:
    assert len(registry()) >= 80
    for source in ("ahram", "manar", "alalam", "alaraby", "dailysabah", "sana", "sputnik",
                   "etilaf", "trt", "jordantimes", "reuters", "arabiya", "nna", "asharqalawsat",
                   "tass"):
        assert by_name(source) is not None, source
    assert by_domain("https://en.mil.ru/en/news_page/") is not None
    kinds = {o.kind for o in registry().values()}
    assert {"state-affiliated", "wire-agency", "independent", "ngo"} <= kinds


def test_users_extend_the_registry(tmp_path: Path) -> None:
    (tmp_path / "outlets.csv").write_text(
        "slug,name,domains,aliases,country,kind,languages,date_order\n"
        "idlib-voice,Idlib Voice,idlibvoice.example,صوت إدلب,SY,independent,ar|en,DMY\n",
        encoding="utf-8")
    code = ("from ingest.outlets import by_domain, by_name; "
            "print(by_domain('https://idlibvoice.example/a').slug, by_name('صوت إدلب').slug, "
            "by_name('tass').slug)")
    result = subprocess.run([COUNTERPOINT[0], "-c", code], cwd=REPO, capture_output=True,
                            text=True, env={**os.environ, "COUNTERPOINT_DATA": str(tmp_path)})
    assert result.stdout.split() == ["idlib-voice", "idlib-voice", "tass"], result.stderr


@pytest.mark.parametrize("title,expected", [
    ("Strike hits base | Reuters", "Strike hits base"),
    ("Reuters - Strike hits base", "Strike hits base"),
    ("Kiev's forces fired Tochka-U – Russian MoD", "Kiev's forces fired Tochka-U – Russian MoD"),
    ("Syria - the war goes on", "Syria - the war goes on"),
])
def test_site_suffix_removed_only_for_the_outlet(title: str, expected: str) -> None:
    assert strip_site_suffix(title, by_name("reuters"), "Reuters") == expected


@pytest.mark.parametrize("opening,published", [
    ("Fri Apr 29 2016", "2016-04-29"), ("Published June 4 2016", "2016-06-04"),
    ("Date of publication 26 November 2017", "2017-11-26"),
    ("Tuesday 4 April 2017", "2017-04-04"), ("07.04.2017, 14:52", "2017-04-07"),
    ("8 Apr, 2022 13:07", "2022-04-08"), ("Monday 14 Dec 2015", "2015-12-14"),
])
def test_datelines_give_publication_date_and_leave_the_text(opening: str,
                                                            published: str) -> None:
    record = article(f"{opening} {BODY}", kind="table")
    assert record["published"] == published and record["published_basis"] == "text"
    assert str(record["text"]).startswith("Five people")


@pytest.mark.parametrize("text", [
    "Air strikes killed 85 civilians in Manbij on Tuesday, July 19, 2016.",
    "Shelling killed 30 people in the city on 6 May 2014.",
])
def test_a_sentence_ending_with_its_date_is_not_a_dateline(text: str) -> None:
    record = article(text, kind="table")
    assert record["text"] == text and record["published_basis"] != "text"


def test_a_weekday_led_dateline_may_run_into_a_figure() -> None:
    record = article("Car bombs kill 18 in Hama AFP Friday 2 May 2014 10 children among "
                     "18 dead as air raid hits school. Suicide bombers blew up two vehicles "
                     "on Friday.", kind="table")
    assert record["published"] == "2014-05-02" and record["published_basis"] == "text"


def test_a_named_year_bounds_an_inferred_publication() -> None:
    # "June 3" with a Thursday fits 2004, 2010 and 2021 under Assad; "2014" rules out the first two.
    text = ("Voters go to the polls on June 3, officials said on Thursday. The war began "
            "in March 2011, President Bashar al-Assad said in May 2014.")
    record = article(text, kind="table")
    assert record["published_basis"] == "inferred"
    assert all(c >= "2013" for c in record["published_candidates"])


def test_metadata_wins_over_hint_and_hint_over_guess() -> None:
    doc = RawDocument("x", "table", BODY, {"published": "2017-04-07"})
    hinted = Hints(published=__import__("datetime").date(2020, 1, 1), outlet="TASS")
    record = build_article(doc, hinted).record()
    assert record["published"] == "2017-04-07" and record["published_basis"] == "metadata"
    assert record["outlet"] == "tass"  # no outlet in the input: the hint
    bare = build_article(RawDocument("x", "text", BODY), hinted).record()
    assert bare["published"] == "2020-01-01" and bare["published_basis"] == "given"


@pytest.mark.parametrize("text,language", [
    (BODY, "en"),
    ("В результате удара по вокзалу погибли пятьдесят человек, сообщили местные власти.", "ru"),
    ("Унаслідок удару по вокзалу загинули п'ятдесят людей, повідомила місцева влада.", "uk"),
    ("Cinquante personnes ont été tuées dans la frappe contre la gare, selon les autorités.",
     "fr"),
    ("Bei dem Angriff auf den Bahnhof wurden fünfzig Menschen getötet, teilten Behörden mit.",
     "de"),
    ("قتل خمسون شخصا في الهجوم على محطة القطار بحسب السلطات المحلية في المدينة", "ar"),
    ("İstasyona düzenlenen saldırıda elli kişi hayatını kaybetti, yetkililer açıkladı.", "tr"),
])
def test_language_detected_offline(text: str, language: str) -> None:
    assert article(text)["language"] == language


@pytest.mark.parametrize("declared,text,expected", [
    ("ua", "Унаслідок удару по вокзалу загинули п'ятдесят людей, повідомила місцева влада.",
     "uk"),
    ("EN-us", BODY, "en"),
    ("English", BODY, "en"),
    ("klingon", BODY, "en"),  # no language: detected
    # Declared in a language of another script: the text says which.
    ("en", "В результате удара по вокзалу погибли пятьдесят человек, сообщили местные власти.",
     "ru"),
])
def test_a_declared_language_is_normalised(declared: str, text: str, expected: str) -> None:
    assert article(text, language=declared)["language"] == expected


def test_a_site_named_by_its_domain_is_the_outlet_its_urls_give() -> None:
    by_url = article(BODY, url="https://www.example-news.com/world/1")["outlet"]
    assert by_url == "example-news"
    assert article(BODY, outlet="www.example-news.com")["outlet"] == by_url


@pytest.mark.parametrize("url,expected", [
    ("https://www.theguardian.com/world/2024/mar/12/strike", "2024-03-12"),
    ("https://example.com/2022/04/08/strike", "2022-04-08"),
    ("https://example.com/2024/02/31/strike", None),  # no such day
])
def test_a_date_in_the_url(url: str, expected: str | None) -> None:
    text = "Shelling killed two people in Kharkiv, the regional governor said."
    assert article(text, url=url)["published"] == expected


def test_an_html_page_s_paragraphs_are_separated_by_a_blank_line() -> None:
    page = ("<html><head><title>Strike</title></head><body><article><p>Russian forces struck an "
            "energy facility in the Kharkiv region on Tuesday night, the governor said.</p><p>The "
            "attack involved at least six drones and two ballistic missiles, the air force "
            "said.</p></article></body></html>")
    text = str(article(page, kind="html")["text"])
    assert text.count("\n\n") == 1 and "\n\n\n" not in text


def test_a_title_suffix_running_into_a_date_names_the_outlet() -> None:
    page = ("<html><head><title>Обстрел Белгорода - РИА Новости, 14.03.2024</title></head><body>"
            "<p>Украинские военные обстреляли Белгород в четверг, погибли два человека, "
            "сообщил губернатор области.</p></body></html>")
    assert article(page, kind="html")["outlet"] == "ria-novosti"


def test_only_http_links_are_kept() -> None:
    assert article(BODY, url="javascript:alert(1)")["url"] is None
    assert article(BODY, url="https://tass.com/world/1")["url"] == "https://tass.com/world/1"


@pytest.mark.parametrize("given,expected", [
    ("https://www.facebook.com/bbcnews", None),
    ("Mark Pilgrim (f8dy@example.com)", "Mark Pilgrim"),
    ("Tom Perry", "Tom Perry"),
    ("editor@kyivindependent.com (Olena Goncharova)", "Olena Goncharova"),
    ("Lisa Kaczke; Trevor J Mitchell", "Lisa Kaczke, Trevor J Mitchell"),
    ("Detroit News wire services Published", "Detroit News wire services"),
])
def test_an_author_is_a_name(given: str, expected: str | None) -> None:
    assert article(BODY, kind="table", author=given)["author"] == expected


def test_a_long_channel_title_gives_way_to_the_domain_for_the_slug() -> None:
    record = article(BODY, kind="table", outlet="RSS Feed do Site Inovação Tecnológica",
                     url="https://www.inovacaotecnologica.com.br/noticias/1")
    assert record["outlet"] == "inovacaotecnologica"
    assert record["outlet_name"] == "RSS Feed do Site Inovação Tecnológica"
    assert article(BODY, kind="table", outlet="Il Giornale",
                   url="https://www.ilgiornale.it/news/1")["outlet"] == "il-giornale"
