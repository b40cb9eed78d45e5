"""Date expressions resolved against the publication date: (text, language, published) ->
(date_text, date, date_end, precision). Traps must give no date at all."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.dates import find_dates, parse_date

CASES = [
    # English: weekdays on or before publication, year-less dates, relative words, ranges
    ("On November 20th, sorties were flown.", "en", "2015-11-21",
     "On November 20th", "2015-11-20", "2015-11-20", "day"),
    ("missiles were launched on Friday.", "en", "2015-11-21",
     "on Friday", "2015-11-20", "2015-11-20", "day"),
    ("the strike on Friday", "en", "2017-04-07", "on Friday", "2017-04-07", "2017-04-07", "day"),
    ("yesterday's strike", "en", "2022-04-09", "yesterday's", "2022-04-08", "2022-04-08", "day"),
    ("It happened last week.", "en", "2017-05-10", "last week", "2017-05-01", "2017-05-07",
     "week"),
    ("fighting in March", "en", "2017-05-10", "in March", "2017-03-01", "2017-03-31", "month"),
    ("fighting in December", "en", "2017-05-10", "in December", "2016-12-01", "2016-12-31",
     "month"),
    ("on the night of 6 to 7 April", "en", "2017-04-08",
     "on the night of 6 to 7 April", "2017-04-06", "2017-04-07", "day"),
    ("between 3 and 5 May", "en", "2017-05-10", "between 3 and 5 May", "2017-05-03",
     "2017-05-05", "day"),
    ("On December 30 the convoy left.", "en", "2017-01-02", "On December 30", "2016-12-30",
     "2016-12-30", "day"),
    ("talks set for April 10", "en", "2017-04-07", "April 10", "2017-04-10", "2017-04-10", "day"),
    ("on April 7, 2017", "en", "2020-01-01", "on April 7, 2017", "2017-04-07", "2017-04-07",
     "day"),
    ("in April 2017", "en", "2020-01-01", "in April 2017", "2017-04-01", "2017-04-30", "month"),
    ("released 07.04.2017", "en", "2020-01-01", "07.04.2017", "2017-04-07", "2017-04-07", "day"),
    ("2017-04-07 report", "en", "2020-01-01", "2017-04-07", "2017-04-07", "2017-04-07", "day"),
    # Russian and Ukrainian
    ("удар в пятницу", "ru", "2017-04-07", "в пятницу", "2017-04-07", "2017-04-07", "day"),
    ("7 апреля 2017 года", "ru", "2020-01-01", "7 апреля 2017 года", "2017-04-07", "2017-04-07",
     "day"),
    ("вчера вечером", "ru", "2017-04-08", "вчера", "2017-04-07", "2017-04-07", "day"),
    ("8 АПР 2022", "ru", "2022-04-08", "8 АПР 2022", "2022-04-08", "2022-04-08", "day"),
    ("в п'ятницю", "uk", "2022-04-09", "в п'ятницю", "2022-04-08", "2022-04-08", "day"),
    ("8 квітня", "uk", "2022-04-09", "8 квітня", "2022-04-08", "2022-04-08", "day"),
    # French, German, Turkish
    ("le 16 mars", "fr", "2022-03-18", "le 16 mars", "2022-03-16", "2022-03-16", "day"),
    ("la semaine dernière", "fr", "2022-03-18", "la semaine dernière", "2022-03-07",
     "2022-03-13", "week"),
    ("am 8. April 2022", "de", "2022-04-09", "am 8. April 2022", "2022-04-08", "2022-04-08",
     "day"),
    ("gestern", "de", "2022-04-09", "gestern", "2022-04-08", "2022-04-08", "day"),
    ("8 Nisan'da", "tr", "2022-04-09", "8 Nisan'da", "2022-04-08", "2022-04-08", "day"),
    # Arabic, with the Levantine month names dateparser does not know
    ("في 7 نيسان 2017", "ar", "2017-04-08", "7 نيسان 2017", "2017-04-07", "2017-04-07", "day"),
    ("يوم الجمعة", "ar", "2017-04-08", "يوم الجمعة", "2017-04-07", "2017-04-07", "day"),
    ("في ٧ أبريل", "ar", "2017-04-08", "٧ أبريل", "2017-04-07", "2017-04-07", "day"),
]

TRAPS = [
    ("only 23 missiles reached the base", "en"),
    ("There are now ten warships.", "en"),
    ("at 14:52 local time", "en"),
    ("a 152mm shell", "en"),
    ("The soldiers may go home.", "en"),
    ("They march on.", "en"),
    ("She is 23 years old.", "en"),
    ("23 ракеты", "ru"),
]


@pytest.mark.parametrize("text,language,published,date_text,start,end,precision", CASES)
def test_resolves(text: str, language: str, published: str, date_text: str, start: str,
                  end: str, precision: str) -> None:
    found = find_dates(text, date.fromisoformat(published), language)
    assert [(m.text, *m.iso, m.precision) for m in found] == [(date_text, start, end, precision)]


@pytest.mark.parametrize("text,language", TRAPS)
def test_no_date_in_numbers_times_and_verbs(text: str, language: str) -> None:
    assert find_dates(text, date(2017, 4, 7), language) == []


def test_durations_are_marked() -> None:
    (mention,) = find_dates("fighting since 2011", date(2017, 1, 1), "en")
    assert mention.duration and mention.precision == "year" and mention.iso[0] == "2011-01-01"


def test_unknown_publication_leaves_relative_dates_unresolved() -> None:
    (mention,) = find_dates("on Friday", None, "en")
    assert mention.date is None and mention.precision is None


@pytest.mark.parametrize("value,expected", [
    ("Fri Apr 29 2016", "2016-04-29"), ("Published June 4 2016", "2016-06-04"),
    ("Date of publication 26 November 2017", "2017-11-26"), ("07.04.2017, 14:52", "2017-04-07"),
    ("8 Apr, 2022 13:07", "2022-04-08"), ("Monday 14 Dec 2015", "2015-12-14"),
    ("2017-04-07T09:00:00Z", "2017-04-07"), ("Tuesday 4 April 2017", "2017-04-04"),
    ("Fri, 07 Apr 2017 10:00:00 GMT", "2017-04-07"), ("last Friday", None), ("", None),
])
def test_parse_publication_date(value: str, expected: str | None) -> None:
    parsed = parse_date(value, "en")
    assert (parsed.isoformat() if parsed else None) == expected


@pytest.mark.parametrize("day_first,expected", [(True, "2017-07-04"), (False, "2017-04-07")])
def test_slashed_dates_follow_the_outlet_locale(day_first: bool, expected: str) -> None:
    (mention,) = find_dates("on 04/07/2017", None, "en", day_first=day_first)
    assert mention.iso[0] == expected


def _table() -> list[dict[str, str]]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "date_cases.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("case", _table(), ids=lambda c: f"{c['language']}-{c['rule']}")
def test_date_table(case: dict[str, str]) -> None:
    """Over 200 cases in seven languages (tests/data/date_cases.csv), traps included."""
    found = [m for m in find_dates(case["text"], date.fromisoformat(case["published"]),
                                   case["language"]) if m.precision]
    if not case["date_text"]:
        assert found == [], [m.text for m in found]
        return
    assert [(m.text, *m.iso, m.precision) for m in found] == [
        (case["date_text"], case["date"], case["date_end"], case["precision"])]


def test_date_table_covers_every_language_and_rule() -> None:
    table = _table()
    assert len(table) >= 200
    for language in ("en", "ru", "uk", "fr", "de", "ar", "tr"):
        assert sum(1 for c in table if c["language"] == language) >= 20
    assert sum(1 for c in table if c["rule"].startswith("trap")) >= 30


@pytest.mark.parametrize("text,published,expected", [
    ("A year ago, on the night of July 28-29, 2022, an explosion tore through a barrack.",
     "2023-07-29", ("2022-07-28", "2022-07-29")),
    ("In March, on the 16th, a bomb hit the theatre; on March 16 it burned.", "2022-04-10",
     ("2022-03-16", "2022-03-16")),
    ("On Friday, a week after the talks in March, missiles hit the base.", "2017-04-08",
     ("2017-04-07", "2017-04-07")),
    ("Last week the army advanced; in 2016 it had retreated.", "2017-05-10",
     ("2017-05-01", "2017-05-07")),
])
def test_a_finer_date_inside_the_first_narrows_it(text: str, published: str,
                                                   expected: tuple[str, str]) -> None:
    from ingest.dates import lead_mention

    mentions = find_dates(text, date.fromisoformat(published), "en")
    assert lead_mention(mentions).iso == expected
