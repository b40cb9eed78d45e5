"""Events from the seed and from short texts: type, date, places, actors, figures, claims."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import SEED, require

from ingest import Hints, build_article
from ingest.claims import find_claims
from ingest.events import extract
from ingest.figures import find_figures
from ingest.formats import RawDocument, read_file
from ingest.models import Event
from ingest.places import locate


def _extract(text: str, published: str, language: str) -> list[Event]:
    """The events of a one-article text with its publication date and language."""
    doc = RawDocument("x", "text", text, {"published": published, "language": language})
    return extract(build_article(doc, Hints()))


@pytest.fixture(scope="module")
def seed_events() -> list[dict[str, Any]]:
    path = require(SEED) / "southfront-russian-sorties.txt"
    article = build_article(read_file(path, str(path))[0], Hints())
    assert article.published == "2015-11-20" and article.published_basis == "inferred"
    return [e.record() for e in extract(article)]


def test_seed_events_together(seed_events: list[dict[str, Any]]) -> None:
    dated = [e for e in seed_events if e["date"] == "2015-11-20"]
    assert dated and all(e["date_precision"] == "day" for e in dated)
    places = {(loc["name"], loc["precision"]) for e in dated for loc in e["locations"]}
    assert {("Raqqa", "admin1"), ("Idlib", "admin1"), ("Aleppo", "admin1")} <= places
    figures = {(f["kind"], f["low"]) for e in dated for f in e["figures"]}
    assert {("missiles", 18), ("killed", 600)} <= figures
    roles = {(a["role"], a["name"]) for e in dated for a in e["actors"]}
    assert {("actor1", "Military Forces of Russia"), ("actor2", "Islamic State")} <= roles
    assert any("Sergei Shoigu" in e["claimed_by"] for e in dated)
    assert not any(str(e["date"]).startswith("2013") for e in seed_events)


@pytest.mark.parametrize("text,language,expected", [
    ("At least 50 people were killed and about 100 injured.", "en",
     [("killed", 50, None), ("injured", 100, 100)]),
    ("between 20 and 30 civilians were killed, dozens wounded", "en",
     [("killed", 20, 30), ("injured", 24, 99)]),
    ("more than 70 people died", "en", [("killed", 71, None)]),
    ("4,000 people were at the station when the missile struck.", "en", []),
    ("A 23-year-old man was hit by a 152mm shell at 14:52.", "en", []),
    ("The US fired 59 Tomahawk missiles, but only 23 reached the base.", "en",
     [("missiles", 59, 59), ("missiles", 23, 23)]),
    ("погибли 52 человека, более 100 ранены", "ru", [("killed", 52, 52), ("injured", 101, None)]),
    ("загинули п'ятдесят людей", "uk", [("killed", 50, 50)]),
    ("Cinquante prisonniers ont été tués et soixante-treize autres blessés", "fr",
     [("killed", 50, 50), ("injured", 73, 73)]),
    ("mindestens 52 Menschen getötet", "de", [("killed", 52, None)]),
    # An article counts one only before what is counted; durations and ranges with no
    # "between" (probes of 2026-11-26).
    ("Un drone turc a tué deux membres du PKK.", "fr", [("killed", 2, 2)]),
    ("Un civil a été tué.", "fr", [("killed", 1, 1)]),
    ("binnen 24 Stunden mehr als 100 Menschen getötet", "de", [("killed", 101, None)]),
    ("20 to 30 people were killed", "en", [("killed", 20, 30)]),
    ("20 ila 30 sivil öldü.", "tr", [("killed", 20, 30)]),
    ("قتل ما بين 20 و30 مدنيا", "ar", [("killed", 20, 30)]),
    ("أطلق حزب الله عشرات الصواريخ على مواقع إسرائيلية", "ar", [("missiles", 24, 99)]),
    ("مقتل 9 مدنيين بينهم 4 أطفال", "ar", [("killed", 9, 9)]),
    ("en az 50 kişi hayatını kaybetti", "tr", [("killed", 50, None)]),
    # The casualty verb before a qualified number, and the next one's after it.
    ("A car bomb hit the convoy, killing at least 100 people and wounding several others.",
     "en", [("killed", 100, None), ("injured", 3, 9)]),
    # Who they were gives way to what befell them.
    ("The ministry said 40 prisoners were killed and 75 were wounded.", "en",
     [("killed", 40, 40), ("injured", 75, 75)]),
    # An apposition between the count and its verb.
    ("Nine civilians, four of them children, died when missiles fell.", "en",
     [("killed", 9, 9)]),
    ("Other activists put the death toll at more than 70.", "en", [("killed", 71, None)]),
    ("Some 500 were injured in the attack.", "en", [("injured", 500, 500)]),
    ("Police arrested 20 people in the raid.", "en", [("detained", 20, 20)]),
    # People are no missiles; nor is what follows a preposition.
    ("Two rockets hit the station, where thousands of people had gathered.", "en",
     [("missiles", 2, 2)]),
    ("The US fired 59 Tomahawk missiles from two warships.", "en", [("missiles", 59, 59)]),
    ("قتل العشرات وأصيب المئات بحالات اختناق", "ar", [("killed", 24, 99), ("injured", 200, 999)]),
    # "une centaine" is about a hundred; "une frappe" is a strike, not one more dead.
    ("Une centaine de soldats ont été tués.", "fr", [("killed", 100, 100)]),
    ("Onze personnes ont été tuées jeudi dans une frappe sur un immeuble.", "fr",
     [("killed", 11, 11)]),
    ("des frappes sur Rafah, tuant au moins 14 personnes", "fr", [("killed", 14, None)]),
    ("استشهد 14 فلسطينيا جراء قصف", "ar", [("killed", 14, 14)]),
    ("hava saldırısında 14 Filistinliyi öldürdü", "tr", [("killed", 14, 14)]),
    # Collective numerals: "двое", "четверо", "семеро".
    ("погибли двое мирных жителей, еще четверо получили ранения", "ru",
     [("killed", 2, 2), ("injured", 4, 4)]),
    ("загинули двоє людей, ще семеро поранені", "uk", [("killed", 2, 2), ("injured", 7, 7)]),
    ("Gunmen abducted 12 aid workers in northern Mali.", "en", [("detained", 12, 12)]),
    ("Au moins 30 personnes ont été tuées dans une attaque contre un village.", "fr",
     [("killed", 30, None)]),
    # Counts the probes of the fourth session found lost: a verb of abduction or arrest
    # before a qualified number, active verbs, Arabic duals, Turkish "more than" after the
    # number and a part of the toll ("3'ü çocuk": three of them children).
    ("Gunmen abducted at least 20 people in Tripoli on Sunday.", "en", [("detained", 20, None)]),
    ("Боевики похитили 12 человек в Триполи.", "ru", [("detained", 12, 12)]),
    ("Silahlı kişiler Trablus'ta 12 kişiyi kaçırdı.", "tr", [("detained", 12, 12)]),
    ("أدى القصف إلى استشهاد شخصين.", "ar", [("killed", 2, 2)]),
    ("سقط صاروخين على القرية", "ar", [("missiles", 2, 2)]),
    ("Mogadişu'da 20'den fazla kişi yaralandı.", "tr", [("injured", 21, None)]),
    ("Saldırıda 50'yi aşkın kişi öldü.", "tr", [("killed", 51, None)]),
    ("İdlib'de dün 3'ü çocuk 6 sivil öldü.", "tr", [("killed", 6, 6)]),
])
def test_figures(text: str, language: str, expected: list[tuple[str, int, int | None]]) -> None:
    assert [(f.kind, f.low, f.high) for f in find_figures(text, language)] == expected


@pytest.mark.parametrize("text,expected", [
    ("Five killed in Alepo, Syria.", [("Aleppo", "SY", "place"), ("Syria", "SY", "country")]),
    ("удар по вокзалу в Краматорске", [("Kramatorsk", "UA", "place")]),
    ("غارة على خان شيخون", [("Khan Shaykhun", "SY", "place")]),
    ("Israel strikes Lebanon", [("Israel", "IL", "country"), ("Lebanon", "LB", "country")]),
    ("Sergei Shoigu said so.", []),
])
def test_places(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(p["name"], p["country"], p["precision"]) for p in locate(text)] == expected


@pytest.mark.parametrize("text,language,expected", [
    ("Only 23 missiles reached the base, the Russian Defence Ministry said.", "en",
     ["Russian Ministry of Defence"]),
    ("По данным Минобороны РФ, до базы долетели лишь 23 ракеты.", "ru",
     ["Russian Ministry of Defence"]),
    ("The strike killed nine people, according to Minister Shoigu.", "en", ["Sergei Shoigu"]),
    ("The army shelled the town on Friday.", "en", []),
])
def test_claims(text: str, language: str, expected: list[str]) -> None:
    assert find_claims(text, language)[0] == expected


# Who a sentence attributes its account to, in each language: registry actors and
# office-holders, generic sources ("local sources", "yerel kaynaklar"), a country's officials as
# its government, capitals and countries as speakers; and sentences in the outlet's own voice.
@pytest.mark.parametrize("text,language,expected", [
    ("Local sources said nine civilians, four of them children, died.", "en", ["Local sources"]),
    ("The attack, which local opposition officials say killed more than 100 civilians, came at "
     "dawn.", "en", ["Local opposition officials"]),
    ("US officials claim the missiles hit aircraft and radars.", "en",
     ["Government of the United States"]),
    ("Two U.S. officials said the convoy was struck near Urum al-Kubra.", "en",
     ["Government of the United States"]),
    ("Turkish officials said the jet had been warned 10 times.", "en", ["Government of Turkey"]),
    ("Warplanes struck the town again, pro-government sources reported.", "en",
     ["Pro-government sources"]),
    ("Russia's Defence Ministry said Syrian air defences had shot down 71 missiles.", "en",
     ["Russian Ministry of Defence"]),
    ("Damascus denied using chemical weapons, while Russia said a Syrian airstrike had hit a "
     "depot.", "en", ["Government of Syria", "Government of Russia"]),
    ("According to Maj. Gen. Igor Konashenkov, only 23 missiles reached the airbase.", "en",
     ["Russian Ministry of Defence"]),
    ("At least 58 people were killed on Tuesday, the Syrian Observatory for Human Rights said.",
     "en", ["Syrian Observatory for Human Rights"]),
    ("The White Helmets and the US-funded Syrian American Medical Society (SAMS) claimed that 40 "
     "people were killed.", "en", ["White Helmets", "Syrian American Medical Society"]),
    ("Fifteen people were wounded, according to regional governor Oleksiy Kuleba.", "en",
     ["Oleksiy Kuleba"]),
    ("An informed source said the talks had failed.", "en", ["Informed source"]),
    ("Sources in Syria said 10 people died.", "en", ["Sources"]),
    ("If confirmed, the attack would be the deadliest this year.", "en", []),
    ("Russian forces shelled the town on Friday, killing five civilians.", "en", []),
    ("Witnesses saw the missile hit the building on Monday.", "en", []),
    ("Reuters could not independently verify the reports.", "en", []),
    ("Российские военные ранее сообщили, что сирийская авиация нанесла удар.", "ru",
     ["Military Forces of Russia"]),
    ("По данным сирийской оппозиции, погибли более 70 человек.", "ru", ["Syrian opposition"]),
    ("По данным агентства САНА, погибли девять мирных жителей.", "ru", ["SANA"]),
    ("Командование сирийской армии сообщило, что погибли шесть военнослужащих.", "ru",
     ["Syrian Army General Command"]),
    ("Бомбардировщик был сбит, сообщили в Министерстве обороны России.", "ru",
     ["Russian Ministry of Defence"]),
    ("По данным украинской стороны, погибли 10 человек.", "ru", ["Government of Ukraine"]),
    ("Российская армия нанесла удар по Харькову в пятницу.", "ru", []),
    ("Місцеві мешканці повідомили про вибухи.", "uk", ["Local residents"]),
    ("За даними Генштабу ЗСУ, ворог втратив 10 танків.", "uk",
     ["General Staff of the Armed Forces of Ukraine"]),
    ("Російське міністерство оборони стверджує, що колонію обстріляли з HIMARS.", "uk",
     ["Russian Ministry of Defence"]),
    ("Російські війська обстріляли Харків у п'ятницю.", "uk", []),
    ("Selon des sources locales, l'attaque a fait dix morts.", "fr", ["Local sources"]),
    ("Moscou affirme que la défense antiaérienne syrienne a intercepté 71 missiles.", "fr",
     ["Government of Russia"]),
    ("Au moins 40 personnes ont été tuées, selon les Casques blancs et l'ONG médicale SAMS.",
     "fr", ["White Helmets", "Syrian American Medical Society"]),
    ("L'armée russe a bombardé la ville vendredi.", "fr", []),
    ("Bei dem Angriff sind nach ukrainischen Angaben mindestens 52 Menschen getötet worden.", "de",
     ["Government of Ukraine"]),
    ("Nach Angaben aus Moskau wurde einer der beiden Piloten getötet.", "de",
     ["Government of Russia"]),
    ("Laut Augenzeugen wurden zehn Menschen getötet.", "de", ["Witnesses"]),
    ("Das Theater wurde am Mittwoch weitgehend zerstört.", "de", []),
    ("وفي وقت لاحق اليوم، أفاد مصدر مطلع بالتوصل إلى اتفاق.", "ar", ["Informed source"]),
    ("وتزامن الهجوم مع غارات أدت إلى سقوط قتلى، بحسب ناشطين.", "ar", ["Activists"]),
    ("وقال مسؤولون أمريكيون إن الضربة استهدفت مخزنا.", "ar", ["Government of the United States"]),
    ("قصفت القوات الروسية مدينة حلب يوم الجمعة.", "ar", []),
    ("Yerel kaynaklara göre saldırıda en az 7 kişi öldü.", "tr", ["Local sources"]),
    ("Rus Savunma Bakanlığı, pilotlardan Yarbay Oleg Peşkov'un hayatını kaybettiğini açıkladı.",
     "tr", ["Russian Ministry of Defence"]),
    ("ABD'li yetkililer saldırının bir depoyu hedef aldığını söyledi.", "tr",
     ["Government of the United States"]),
    ("Rus uçakları Halep'i bombaladı.", "tr", []),
])
def test_claim_sources(text: str, language: str, expected: list[str]) -> None:
    assert find_claims(text, language)[0] == expected


# What "the ministry", "the groups", "генерал", "по его словам" or a bare surname refer to: the
# organisation or person the article named before (the text before the sentence).
@pytest.mark.parametrize("context,text,language,expected", [
    ("Turkey's Health Minister Recep Akdag said sarin was used.\n",
     "According to Akdag, 32 people were wounded.", "en", ["Recep Akdag"]),
    ("Russia's Defence Ministry said only 23 missiles hit.\n",
     "The ministry says the strike destroyed six jets.", "en", ["Russian Ministry of Defence"]),
    ("In a joint statement, the Syrian Civil Defense and the Syrian American Medical Society said "
     "500 people were treated.\n", "The groups said a helicopter dropped a barrel bomb.", "en",
     ["White Helmets", "Syrian American Medical Society"]),
    ("Удар нанесен, сообщил официальный представитель Минобороны России генерал-майор Игорь "
     "Конашенков.\n", "Как отметил генерал, такие боеприпасы применялись и раньше.", "ru",
     ["Russian Ministry of Defence"]),
    ("Удар нанесен, сообщил официальный представитель Минобороны России генерал-майор Игорь "
     "Конашенков.\n", "По его словам, удар был нанесен днем.", "ru",
     ["Russian Ministry of Defence"]),
    ("Das russische Verteidigungsministerium meldete Angriffe.\n",
     "Wie ein Sprecher des Ministeriums mitteilte, wurden zehn Menschen getötet.", "de",
     ["Russian Ministry of Defence"]),
    ("", "The ministry says the strike destroyed six jets.", "en", []),
])
def test_claims_refer_back(context: str, text: str, language: str, expected: list[str]) -> None:
    assert find_claims(text, language, context=context)[0] == expected


def test_claim_names() -> None:
    """A registry name as a source has no "ABBR: " prefix; registry_names maps it back."""
    from ingest.claims import registry_names

    claimed, denial = find_claims("The World Health Organization said patients showed symptoms.")
    assert claimed == ["World Health Organization"] and not denial
    assert "WHO: World Health Organization" in registry_names(claimed)
    assert find_claims("Moscow denied the strike.", "en") == (["Government of Russia"], True)


def test_claim_spans() -> None:
    """Where a sentence names its sources: a capital that speaks is a source there, not the
    place of the event."""
    from ingest.claims import claim_spans

    sentence = "Moscow says Ukrainian rockets hit the prison; Kyiv says Russian forces shelled it."
    spans = claim_spans(sentence, "en")
    assert [(sentence[s:e], name) for s, e, name in spans] == [
        ("Moscow", "Government of Russia"), ("Kyiv", "Government of Ukraine")]


def test_a_new_paragraph_goes_back_to_the_event_at_its_place() -> None:
    """After a paragraph of background on another day and town, an undated paragraph naming
    the main event's region takes the main event's date, not the background's."""
    text = ("The United States fired 59 missiles at the Shayrat air base in Homs on Friday.\n\n"
            "The Tuesday attack in Khan Shaykhun in Idlib killed at least 70 people.\n\n"
            "The governor of Homs said the strike killed six soldiers.\n\n"
            "Russia said the strike was an act of aggression.")
    events = {e.sentence[:12]: e for e in _extract(text, "2017-04-07", "en")}
    assert events["The United S"].date == "2017-04-07"
    assert events["The Tuesday "].date == "2017-04-04"
    governor = events["The governor"]
    assert (governor.date, governor.date_inherited) == ("2017-04-07", True)
    # No place of its own: it goes on with the paragraph before it.
    assert events["Russia said "].date == "2017-04-07"


def test_after_an_aside_on_an_earlier_event_the_story_goes_on() -> None:
    """ "Tuesday's attack" names an event told before: the sentences after that aside go on
    with the story, not with Tuesday."""
    text = ("The United States launched 59 cruise missiles at a Syrian air base on Thursday "
            "night, officials said.\n\nThe strike was in retaliation for Tuesday's chemical "
            "weapons attack on the town of Khan Sheikhoun, which killed 72 people.\n\n"
            "The missiles targeted the Shayrat air base in Homs province.\n\n"
            "Officials said the base was the one from which warplanes took off to carry out "
            "Tuesday's attack.\n\nSyria's army said six people were killed in the strike.")
    events = _extract(text, "2017-04-06", "en")
    assert [e.date for e in events] == ["2017-04-06", "2017-04-04", "2017-04-06", "2017-04-04",
                                        "2017-04-06"]


def test_the_side_a_strike_hit_striking_is_another_event() -> None:
    """ "Russia has said the Syrian air force hit a rebel depot", after the US strike on a
    Syrian base, is the attack the article laid on the Syrian air force before."""
    text = ("The United States launched 59 cruise missiles at a Syrian air base on Thursday "
            "night, officials said.\n\nOfficials said the base was the one from which Syrian "
            "warplanes took off to carry out Tuesday's attack on Khan Sheikhoun.\n\n"
            "The missiles targeted the Shayrat air base in Homs province."
            "\n\nRussia has said the Syrian air force hit a rebel depot containing chemical "
            "munitions.")
    events = _extract(text, "2017-04-06", "en")
    assert [e.date for e in events] == ["2017-04-06", "2017-04-04", "2017-04-06", "2017-04-04"]
    # Two sides fighting each other are one battle: the one attacked fights back in it.
    battle = ("Rebels attacked army positions near Hama on Monday, killing four soldiers.\n\n"
              "The army shelled rebel positions in Hama in response.")
    assert [e.date for e in _extract(battle, "2017-04-06", "en")] == ["2017-04-03"] * 2


@pytest.mark.parametrize("text,language,names", [
    ("Officials said warplanes took off from the base to carry out Tuesday's attack.", "en",
     True),
    ("On Tuesday, warplanes took off from the base.", "en", False),
    ("Salı günkü saldırıda 72 kişi öldü.", "tr", True),
    ("Salı günü 72 kişi öldü.", "tr", False),
])
def test_a_date_that_names_an_event(text: str, language: str, names: bool) -> None:
    from ingest.dates import find_dates, names_event

    (mention,) = find_dates(text, date(2017, 4, 7), language)
    assert names_event(text, mention, language) is names


def test_a_sentence_placing_nothing_is_where_the_event_of_its_day_was() -> None:
    text = ("Missiles hit the Shayrat air base in Homs on Thursday night.\n\n"
            "The strike answered Tuesday's chemical attack on Khan Sheikhoun in Idlib.\n\n"
            "The missiles also destroyed six MiG-23 jets at the Shayrat air base in Homs.\n\n"
            "Officials said the base was where the warplanes took off for Tuesday's attack.")
    events = _extract(text, "2017-04-07", "en")
    last = events[-1]
    assert last.date == "2017-04-04"
    assert [loc["name"] for loc in last.locations] == ["Khan Shaykhun", "Idlib"]
    assert all(loc["inherited"] for loc in last.locations)


@pytest.mark.parametrize("weapon,expected", [
    # The same weapon as the unplaced lead and unlike the background: back to the lead.
    ("The missiles, fired from two destroyers, targeted the Shayrat air base in Homs province.",
     "2017-04-06"),
    # Another weapon: it goes on with the event before it, as before.
    ("A car bomb exploded at the Shayrat air base in Homs province.", "2017-04-04"),
])
def test_an_undated_sentence_goes_back_to_an_unplaced_lead(weapon: str, expected: str) -> None:
    text = ("The United States launched 59 cruise missiles at a Syrian air base on Thursday "
            "night, officials said.\n\nThe strike was in retaliation for Tuesday's chemical "
            "weapons attack on the town of Khan Sheikhoun, which killed 72 people.\n\n"
            f"{weapon}")
    events = _extract(text, "2017-04-06", "en")
    assert [e.date for e in events] == ["2017-04-06", "2017-04-04", expected]


@pytest.mark.parametrize("text,expected", [
    ("WASHINGTON/BEIRUT (Reuters) - The United States fired 59 missiles at the Shayrat air base "
     "in Homs on Friday.", {"Shayrat Air Base", "Homs"}),
    ("(Jerusalem) – An explosion killed dozens at al-Ahli Arab Hospital in Gaza City on "
     "October 17, 2023.", {"al-Ahli Arab Hospital", "Gaza City"}),
    # The dateline is the only town named: it stays.
    ("KHAN SHEIKHUN, Syria (AP) — A suspected chemical attack killed 58 people on Tuesday.",
     {"Khan Shaykhun"}),
])
def test_the_bureau_in_a_dateline_is_not_the_place(text: str, expected: set[str]) -> None:
    (event,) = _extract(text, "2023-10-18", "en")
    towns = {loc["name"] for loc in event.locations if loc["precision"] != "country"}
    assert towns == expected


def _lead_dates(text: str, published: str, language: str = "en") -> tuple[str | None, ...]:
    (event,) = _extract(text, published, language)[:1]
    return event.date, event.date_end


@pytest.mark.parametrize("text,published,language,expected", [
    # The day the monitor told of it is not the day of the killings.
    ("At least 48 people were killed in a village last week, a monitoring group said on "
     "Saturday.", "2015-02-23", "en", ("2015-02-16", "2015-02-22")),
    ("Officials told reporters at a briefing on Tuesday that missiles struck the base on "
     "Monday.", "2016-09-21", "en", ("2016-09-19", "2016-09-19")),
    ("Le ministère a déclaré jeudi que la frappe avait tué 12 personnes mardi.", "2017-04-07",
     "fr", ("2017-04-04", "2017-04-04")),
    # The telling is all the sentence dates: it stands in for the event's day.
    ("The Observatory said on Friday that 19 people were killed by air strikes.", "2014-10-10",
     "en", ("2014-10-10", "2014-10-10")),
    # "said that on Friday": the complementiser hands the day back to the event.
    ("Activists said that on Friday air strikes killed 19 people in Hama, a monitor reported "
     "on Sunday.", "2014-10-12", "en", ("2014-10-10", "2014-10-10")),
])
def test_the_day_of_telling_gives_way_to_the_event_day(
        text: str, published: str, language: str, expected: tuple[str, str]) -> None:
    assert _lead_dates(text, published, language) == expected


@pytest.mark.parametrize("text,expected", [
    # A Reuters caption ends with its place and date, no preposition: not the event's date.
    ("A fighter walks in the silos of Manbij in Aleppo Governorate, Syria July 1, 2016. "
     "Air strikes killed at least 85 civilians on Tuesday.", ("2016-07-19", "2016-07-19")),
    ("A soldier runs near destroyed buildings in Hasakeh on Monday (AFP photo) BEIRUT Thirteen "
     "civilians were killed in air strikes on Wednesday.", ("2016-07-20", "2016-07-20")),
    # A date that closes a sentence after a weekday is prose, not a caption.
    ("Air strikes killed 85 civilians in Manbij on Tuesday, July 19, 2016.",
     ("2016-07-19", "2016-07-19")),
])
def test_caption_dates_are_not_event_dates(text: str, expected: tuple[str, str]) -> None:
    assert _lead_dates(text, "2016-07-20") == expected


def test_a_period_reaching_past_publication_ends_there() -> None:
    """What an article reports "this week" had happened by the day it was published."""
    text = "Two civilians were killed in Aleppo in strikes this week."
    assert _lead_dates(text, "2016-09-16") == ("2016-09-12", "2016-09-16")


@pytest.mark.parametrize("text,language,expected", [
    ("Two Israeli F-15 jets fired eight missiles at the T-4 airbase.", "en",
     [("Military Forces of Israel", "Israeli F-15 jets")]),
    ("Ракеты, выпущенные американскими эсминцами, долетели до сирийской авиабазы.", "ru",
     [("Military Forces of the United States", "американскими эсминцами"),
      ("Military Forces of Syria", "сирийской авиабазы")]),
    ("Удары по позициям армии России.", "ru", [("Military Forces of Russia", "армии России")]),
    ("Les avions russes ont frappé Idleb.", "fr", [("Military Forces of Russia", "avions russes")]),
    ("Die israelischen Kampfflugzeuge griffen an.", "de",
     [("Military Forces of Israel", "israelischen Kampfflugzeuge")]),
    ("قصف شنته طائرات النظام السوري", "ar",
     [("Military Forces of Syria", "طائرات النظام السوري")]),
    ("Rus savaş uçakları İdlib'i vurdu.", "tr",
     [("Military Forces of Russia", "Rus savaş uçakları")]),
    ("The attack was carried out by Assad regime warplanes.", "en",
     [("Military Forces of Syria", "Assad regime warplanes")]),
    # Where adjectives precede their noun, a demonym after it belongs to the next noun.
    ("Troops attacked Ukrainian positions.", "en",
     [("Military Forces of Ukraine", "Ukrainian positions")]),
    ("US officials said the talks would go on.", "en", []),
    # A people named before a preposition is not whose strikes they were.
    ("Israeli forces killed 20 Palestinians in overnight strikes on Rafah.", "en",
     [("Military Forces of Israel", "Israeli forces")]),
    # Arabic adjectives follow the noun: "الروسية" belongs to the ministry before.
    ("أعلنت وزارة الدفاع الروسية إسقاط 15 طائرة مسيرة أوكرانية", "ar",
     [("Military Forces of Ukraine", "طائرة مسيرة أوكرانية")]),
])
def test_forces_named_by_noun_and_country(text: str, language: str,
                                          expected: list[tuple[str, str]]) -> None:
    from ingest.forces import find

    assert [(m.actor.name, m.text) for m in find(text, language)] == expected


@pytest.mark.parametrize("text,expected", [
    # The force holds the event word: it acts.
    ("The attack was carried out by Assad regime warplanes.",
     {"actor1": "Military Forces of Syria"}),
    ("Russia said a Syrian airstrike had hit a depot of Hayat Tahrir al-Sham.",
     {"actor1": "Military Forces of Syria", "actor2": "Hayat Tahrir al-Sham"}),
])
def test_forces_take_roles(text: str, expected: dict[str, str]) -> None:
    (event,) = _extract(text, "2017-04-07", "en")
    assert {a["role"]: a["name"] for a in event.actors if a["role"] != "associated"} == expected


@pytest.mark.parametrize("text,language,expected", [
    # Fighters are no fight: "боевики", "бійці", "Kämpfer", "combattants".
    ("Боевики «Азова» в среду взорвали здание театра.", "ru", "Remote explosive/landmine/IED"),
    ("У Міноборони РФ заявили, що театр підірвали бійці полку «Азов».", "uk",
     "Remote explosive/landmine/IED"),
    ("Kämpfer des Asow-Regiments hätten das Theater gesprengt.", "de",
     "Remote explosive/landmine/IED"),
    ("Бои продолжаются у Бахмута.", "ru", "Armed clash"),
    ("Des combattants ont été tués dans les combats.", "fr", "Armed clash"),
    ("2439 военных сдались в плен.", "ru", "Other"),
    # A warplane is no fight: "Kampfflugzeuge" begins like "Kampf".
    ("Am 3. März griffen israelische Kampfflugzeuge Ziele im Libanon an.", "de",
     "Air/drone strike"),
    ("Die Armee hat in der Nacht Ziele im Südlibanon angegriffen.", "de",
     "Shelling/artillery/missile attack"),
    # Bombs are dropped; "killing" and "opened fire" are attacks on their own.
    ("An aircraft most likely dropped two 500-kilogram bombs on the theatre.", "en",
     "Air/drone strike"),
    ("Gunmen opened fire on a bus near Palmyra.", "en", "Attack"),
    # Verb forms and weapons the probes of 2026-11-26 found missing.
    ("Російські окупанти викрали мера Мелітополя.", "uk", "Abduction/forced disappearance"),
    ("Бійці вбили від 20 до 30 цивільних.", "uk", "Attack"),
    ("In Berlin demonstrierten am Samstag Tausende Menschen.", "de", "Peaceful protest"),
    ("اختطف مسلحون من تنظيم داعش 11 راعيا", "ar", "Abduction/forced disappearance"),
    ("خرج آلاف المتظاهرين في صنعاء", "ar", "Peaceful protest"),
    ("İstanbul'da binlerce kişi Gazze'ye destek için yürüdü.", "tr", "Peaceful protest"),
    ("В пятницу израильская авиация нанесла удары по окрестностям Дамаска.", "ru",
     "Air/drone strike"),
    ("Odessa'ya düzenlenen İHA saldırısında iki kişi yaralandı.", "tr", "Air/drone strike"),
    ("Azez'de bomba yüklü araçla düzenlenen saldırıda 5 kişi öldü.", "tr",
     "Remote explosive/landmine/IED"),
    ("A drone killed two fighters in Sinjar.", "en", "Air/drone strike"),
    ("Zwei Zivilisten kamen ums Leben.", "de", "Attack"),
    # People protesting is the act, whatever the protest is about.
    ("Thousands protested in Tel Aviv, demanding a deal to free the hostages.", "en",
     "Peaceful protest"),
    ("Ankara'da yüzlerce kişi saldırıyı protesto etti.", "tr", "Peaceful protest"),
    ("Police shot dead two protesters on Friday.", "en", "Attack"),
    ("Gunmen burst into a wedding, killing 12 guests.", "en", "Attack"),
    ("Rus savaş uçakları köyleri yoğun şekilde bombaladı.", "tr", "Air/drone strike"),
    ("Самолет был поражен на высоте 6 тыс. метров.", "ru", "Shelling/artillery/missile attack"),
    ("Ракета влучила в житловий будинок.", "uk", "Shelling/artillery/missile attack"),
    ("Police fired tear gas to disperse thousands of protesters in Bamako.", "en",
     "Protest with intervention"),
    ("La police a dispersé la foule à coups de gaz lacrymogène.", "fr",
     "Protest with intervention"),
    ("Hamas militants seized more than 150 hostages on Saturday.", "en",
     "Abduction/forced disappearance"),
    ("Türk ordusu Irak'ın kuzeyinde hava harekâtı düzenledi.", "tr", "Air/drone strike"),
    ("Un berger a été tué samedi par une mine près de Syrte.", "fr",
     "Remote explosive/landmine/IED"),
    ("Ein Hirte ist nahe Sirte auf eine Landmine getreten.", "de",
     "Remote explosive/landmine/IED"),
    ("قتل راع بلغم أرضي قرب سرت.", "ar", "Remote explosive/landmine/IED"),
    ("Bir çoban kara mayınına basarak öldü.", "tr", "Remote explosive/landmine/IED"),
    ("Вчора росіяни скинули на Запоріжжя керовані авіабомби.", "uk", "Air/drone strike"),
    ("Eş-Şebab militanları bir askeri üsse saldırdı.", "tr",
     "Shelling/artillery/missile attack"),
    ("Mogadişu'da cuma günü bir kafeye bombalı saldırı düzenlendi.", "tr",
     "Remote explosive/landmine/IED"),
])
def test_event_types(text: str, language: str, expected: str) -> None:
    from ingest.events import classify

    typed = classify(text, language)
    assert typed is not None and typed[1] == expected


@pytest.mark.parametrize("text,expected", [
    # The country of a named town is no second place of the event...
    ("Missiles hit the Shayrat air base in Homs, Syria, on Friday.",
     {"Shayrat Air Base", "Homs"}),
    # ... another country is: the event crosses a border.
    ("Turkey shot down a Russian warplane over Latakia on Tuesday.", {"Turkey", "Latakia"}),
    ("Turkey shot down a Russian warplane near Yayladagi on Tuesday.", {"Yayladagi"}),
    # Placed only by countries, it keeps them.
    ("Syria said Israeli jets struck on Tuesday.", {"Syria"}),
])
def test_a_country_is_a_place_only_beside_no_town_of_its_own(text: str,
                                                             expected: set[str]) -> None:
    (event,) = _extract(text, "2017-04-07", "en")
    assert {loc["name"] for loc in event.locations} == expected


def test_an_undated_sentence_is_an_account_only_when_it_tells_something() -> None:
    """With no date of its own, a sentence that counts nothing, cites no one, names no place
    and no party only comments on the event before it."""
    text = ("Missiles struck the Shayrat air base in Homs on Friday. The number of casualties "
            "from the strike is contested. Syria's army said six soldiers were killed in the "
            "strike. Hezbollah fighters attacked the base later.")
    events = _extract(text, "2017-04-07", "en")
    assert [e.sentence[:12] for e in events] == ["Missiles str", "Syria's army", "Hezbollah fi"]
    assert all(e.date == "2017-04-07" for e in events)
    assert [e.date_inherited for e in events] == [False, True, True]


def test_a_force_that_starts_at_the_event_word_acts() -> None:
    text = "Une frappe russe a touché un immeuble de Zaporijjia jeudi."
    (event,) = _extract(text, "2023-03-10", "fr")
    assert {a["role"]: a["name"] for a in event.actors} == {"actor1": "Military Forces of Russia"}


@pytest.mark.parametrize("text,language", [
    ("Die israelische Armee hat in der Nacht Ziele der Hisbollah im Südlibanon angegriffen.",
     "de"),
    ("İsrail ordusu dün gece Güney Lübnan'da Hizbullah hedeflerini vurdu.", "tr"),
])
def test_where_the_verb_ends_the_clause_the_subject_acts(text: str, language: str) -> None:
    (event,) = _extract(text, "2024-01-20", language)
    assert {a["role"]: a["name"] for a in event.actors if a["role"] != "associated"} == {
        "actor1": "Military Forces of Israel", "actor2": "Hezbollah"}


@pytest.mark.parametrize("text,expected", [
    # A surname after a title and a given name is a person, not a town.
    ("Pentagon spokesman Capt. Jeff Davis said missiles hit the Shayrat air base.",
     ["Shayrat Air Base"]),
    ("The Minister visited Aleppo on Friday.", ["Aleppo"]),
])
def test_a_surname_after_a_title_is_no_place(text: str, expected: list[str]) -> None:
    assert [loc["name"] for loc in locate(text, None, "en")] == expected


def test_the_lead_is_the_first_paragraph_of_prose() -> None:
    # A dateline line of its own ("حمص-سانا") does not make the story's first paragraph the
    # second: its undated lead still tells of the day before publication or so.
    text = ("حمص-سانا\nشنت الولايات المتحدة عدواناً سافراً بعدد من الصواريخ على مطار الشعيرات "
            "في ريف حمص.\nوأفاد مراسل سانا بأن صاروخين سقطا على قرية الشعيرات ما أدى إلى استشهاد "
            "خمسة مدنيين.")
    events = _extract(text, "2017-04-07", "ar")
    assert len(events) == 2 and events[0].date == "2017-04-06"
    assert events[0].date_end == "2017-04-07" and events[1].date_inherited


def test_a_sentence_that_goes_on_with_an_event_takes_its_places_marked_inherited() -> None:
    text = ("The Russian airstrike on the Mariupol Drama Theater on March 16 killed 600 people."
            "\n\nRussia has denied bombing the theater, and its defense ministry has claimed the "
            "building was blown up by fighters of Ukraine's Azov regiment.")
    strike, denial = _extract(text, "2022-12-22", "en")
    assert [loc["name"] for loc in strike.locations] == ["Mariupol Drama Theatre"]
    assert not any(loc.get("inherited") for loc in strike.locations)
    # "Ukraine's" owns the regiment: no place of the denial, which is the strike's.
    assert [(loc["name"], loc["inherited"]) for loc in denial.locations] == [
        ("Mariupol Drama Theatre", True)]
    assert (denial.date, denial.stance) == ("2022-03-16", "denies")


@pytest.mark.parametrize("text,expected", [
    ("Houthi forces attacked a cargo ship in the Red Sea on Tuesday.", ["Red Sea"]),
    # Launched from the sea at a place on land: the place struck.
    ("On Friday, warships in the eastern Mediterranean fired 59 missiles at the Shayrat air "
     "base in Homs.", ["Shayrat Air Base", "Homs"]),
])
def test_a_sea_is_the_place_only_when_nothing_on_land_is_named(text: str,
                                                                expected: list[str]) -> None:
    (event,) = _extract(text, "2024-01-12", "en")
    assert [loc["name"] for loc in event.locations] == expected


@pytest.mark.parametrize("text,language", [
    ("Russia struck Kharkiv with missiles on Sunday.", "en"),
    ("On Sunday, Russia fired 40 missiles at Kharkiv.", "en"),
    ("La Russie a frappé Kharkiv dimanche.", "fr"),
    ("Russland griff am Sonntag Charkiw an.", "de"),
])
def test_a_country_that_strikes_acts_and_is_not_the_place(text: str, language: str) -> None:
    (event,) = _extract(text, "2024-11-18", language)
    assert [loc["name"] for loc in event.locations] == ["Kharkiv"]
    assert {"role": "actor1", "name": "Military Forces of Russia"} in [
        {k: a[k] for k in ("role", "name")} for a in event.actors]


def test_a_country_that_only_frames_the_sentence_does_not_act() -> None:
    (event,) = _extract("Missiles fired from Russia hit Kharkiv on Sunday.", "2024-11-18", "en")
    assert not any(a["role"] == "actor1" for a in event.actors)


@pytest.mark.parametrize("text,language,actor1", [
    # The agent after the event word: a genitive, an instrumental.
    ("Bei einem Luftangriff der israelischen Armee sind gestern in Rafah vier Menschen "
     "getötet worden.", "de", "Military Forces of Israel"),
    ("Dix soldats ont été tués hier lors d'une embuscade des shebab près de Mogadiscio.", "fr",
     "Al-Shabaab"),
    ("Минобороны Азербайджана сообщило об обстреле армянскими военными позиций в Лачине в "
     "четверг.", "ru", "Military Forces of Armenia"),
    # A source telling of its own act.
    ("Хусити заявили, що вчора атакували судно в Червоному морі.", "uk", "Houthis"),
    ("Houthi spokesman Yahya Saree said his forces targeted a ship in the Gulf of Aden "
     "yesterday.", "en", "Houthis"),
    ("أعلن الحوثيون أنهم استهدفوا سفينة في خليج عدن أمس.", "ar", "Houthis"),
])
def test_who_acted(text: str, language: str, actor1: str) -> None:
    (event,) = _extract(text, "2024-10-08", language)
    assert [a["name"] for a in event.actors if a["role"] == "actor1"] == [actor1]


@pytest.mark.parametrize("text,language,expected", [
    ("Thousands protested in London on Saturday against the war in Gaza.", "en", ["London"]),
    ("İstanbul'da binlerce kişi pazar günü Gazze'ye destek için yürüdü.", "tr", ["Istanbul"]),
    ("خرج آلاف المتظاهرين في مدينة مأرب يوم الجمعة للتنديد بالحصار المفروض على تعز.", "ar",
     ["Marib"]),
    # No place before the cause: the place after it is the protest's.
    ("Thousands protested against the government in Damascus on Friday.", "en", ["Damascus"]),
])
def test_what_a_protest_is_about_is_not_where_it_was(text: str, language: str,
                                                       expected: list[str]) -> None:
    (event,) = _extract(text, "2024-04-02", language)
    assert [loc["name"] for loc in event.locations] == expected


def test_arabic_vowel_marks_are_looked_through_and_kept() -> None:
    (event,) = _extract("قُتل 15 مدنياً في قصف على الفاشر يوم الأحد.", "2024-05-13", "ar")
    assert event.sentence.startswith("قُتل 15 مدنياً")  # the sentence as written
    assert [(f["kind"], f["low"], f["text"]) for f in event.figures] == [
        ("killed", 15, "قُتل 15 مدنياً")]
    assert [loc["name"] for loc in event.locations] == ["El Fasher"]


def test_a_sea_named_without_a_vessel_is_where_the_strike_came_from() -> None:
    text = ("On Friday, Russian jets struck IS positions in Raqqa.\n\nEighteen cruise missiles "
            "were launched from both the Caspian and the Mediterranean Seas on Friday.")
    _, missiles = _extract(text, "2015-11-21", "en")
    assert [(loc["name"], loc.get("inherited")) for loc in missiles.locations] == [
        ("Raqqa", True)]


def test_a_deck_and_summary_points_are_not_the_lead() -> None:
    """A headline-case deck with no full stop and a summary's bullet points stand above the
    lead: the points are accounts of the event the lead dates, not of the day before
    publication."""
    text = ("Evidence Points to Misfired Rocket but Full Investigation Needed\n"
            "- The blast at al-Ahli Arab Hospital appears to have been caused by a rocket.\n"
            "- The death toll remains disputed.\n"
            "(Jerusalem) – The explosion that killed hundreds at al-Ahli Arab Hospital in Gaza "
            "City on October 17, 2023, was most likely caused by a rocket, Human Rights Watch "
            "said today.")
    events = _extract(text, "2023-11-26", "en")
    assert [(e.sentence[:12], e.date, e.date_inherited) for e in events] == [
        ("- The blast ", "2023-10-17", True), ("(Jerusalem) ", "2023-10-17", False)]


def test_a_german_ordinal_day_does_not_end_the_sentence() -> None:
    from ingest import sentences

    text = ("Ukrainische Streitkräfte haben die Krim-Brücke in der Nacht auf den 17. Juli mit "
            "Seedrohnen angegriffen. Die Zahl der Toten stieg auf 17. Die Armee schwieg.")
    assert [s.text[:12] for s in sentences.split(text)] == [
        "Ukrainische ", "Die Zahl der", "Die Armee sc"]


@pytest.mark.parametrize("text,language,expected,denies", [
    ("Росія заперечила свою причетність до удару.", "uk", [], True),
    ("Die israelische Armee hat Berichte über einen Angriff zurückgewiesen.", "de", [], True),
    ("Trois civils ont été tués, a rapporté Ukrainska Pravda.", "fr", ["Ukrainska Pravda"],
     False),
    ("Сирійські війська обстріляли Ідліб, повідомила служба «Білі каски».", "uk",
     ["White Helmets"], False),
    ("Kämpfer der Hamas haben Israel angegriffen und Dutzende Menschen verschleppt, sagte ein "
     "Armeesprecher.", "de", ["Army spokesperson"], False),
    # An office named before no one: the office told it.
    ("Missiles struck Kharkiv overnight, killing 12 people, the regional governor said.", "en",
     ["Regional governor"], False),
    ("Air strikes hit a prison in Saada, killing 70, the Houthi-run health ministry said.", "en",
     ["Houthi-run health ministry"], False),
    # The probes of the fourth session: plural inverted verbs, the police, a date or a
    # genitive before the source, and a present-tense denial.
    ("In Odessa wurden 16 Menschen getötet, teilten die Behörden mit.", "de",
     ["Authorities"], False),
    ("Zwei Menschen starben, sagte die Polizei.", "de", ["Police"], False),
    ("На Харківщині трактор підірвався на міні, повідомила поліція.", "uk", ["Police"], False),
    ("Sudan'ın El Faşir kentinde en az 30 kişi öldü, BM açıkladı.", "tr", ["United Nations"],
     False),
    ("Позавчора в Запоріжжі загинули четверо людей, повідомила Запорізька обласна військова "
     "адміністрація.", "uk", ["Regional military administration"], False),
    ("Удар по Одесі, повідомив голова Одеської ОВА Олег Кіпер.", "uk", ["Олег Кіпер"], False),
    ("Israels Armee bestreitet, das Krankenhaus beschossen zu haben.", "de", [], True),
    ("In Idlib wurden zwölf Zivilisten getötet, berichtet die Syrische Beobachtungsstelle für "
     "Menschenrechte.", "de", ["Syrian Observatory for Human Rights"], False),
    ("Un pétrolier a été attaqué au large d'Hodeïda, selon l'agence britannique UKMTO.", "fr",
     ["United Kingdom Maritime Trade Operations"], False),
])
def test_claims_and_denials_from_the_probes(text: str, language: str, expected: list[str],
                                            denies: bool) -> None:
    claimed, denial = find_claims(text, language)
    assert set(expected) <= set(claimed) and bool(denial) is denies


def test_a_sentence_that_only_denies_or_attributes_tells_of_the_event_before() -> None:
    text = ("Missiles hit the railway station in Kramatorsk on Friday, killing 50 people. "
            "That is what governor Pavlo Kyrylenko said. Russia's Defence Ministry denied its "
            "forces were responsible.")
    events = _extract(text, "2022-04-09", "en")
    assert len(events) == 2
    strike, denial = events
    assert "Pavlo Kyrylenko" in strike.claimed_by and strike.stance == "asserts"
    assert denial.stance == "denies" and denial.claimed_by == ["Russian Ministry of Defence"]
    assert (denial.date, denial.event_type) == (strike.date, strike.event_type)
    assert denial.date_inherited


@pytest.mark.parametrize("text,language,expected", [
    # Both sides of a fight, in order, after "between".
    ("Heavy fighting between the Sudanese army and the RSF erupted in Khartoum on Saturday.",
     "en", ("Military Forces of Sudan", "Rapid Support Forces")),
    ("De violents combats entre l'armée soudanaise et les FSR ont éclaté samedi à Khartoum.",
     "fr", ("Military Forces of Sudan", "Rapid Support Forces")),
    ("اندلعت اشتباكات عنيفة يوم السبت بين الجيش السوداني وقوات الدعم السريع في الخرطوم.", "ar",
     ("Military Forces of Sudan", "Rapid Support Forces")),
    # Arabic opens the clause with its verb; "مواقع" (positions of) marks the one acted on.
    ("قصفت المدفعية التركية مواقع قوات سوريا الديمقراطية في ريف الحسكة يوم الأحد.", "ar",
     ("Military Forces of Turkey", "Syrian Democratic Forces")),
    ("أعلن المرصد السوري مقتل 7 عناصر من قوات سوريا الديمقراطية بانفجار عبوة ناسفة يوم الأحد.",
     "ar", (None, "Syrian Democratic Forces")),
    # A source that tells of its own act is its actor too.
    ("Yemen's Houthi rebels said they launched a drone attack on Jeddah on Friday.", "en",
     ("Houthis", None)),
    ("قالت جماعة الحوثي إنها استهدفت سفينة في البحر الأحمر يوم الجمعة.", "ar", ("Houthis", None)),
    ("Le groupe État islamique a revendiqué l'attentat suicide de vendredi à Kaboul.", "fr",
     ("Islamic State", None)),
])
def test_who_acts_and_who_is_acted_on(text: str, language: str,
                                      expected: tuple[str | None, str | None]) -> None:
    (event, *_) = _extract(text, "2023-04-16", language)
    roles = {a["role"]: a["name"] for a in event.actors}
    assert (roles.get("actor1"), roles.get("actor2")) == expected


@pytest.mark.parametrize("text,expected", [
    ("أفادت وكالة سانا بأن عدوانا جويا إسرائيليا استهدف مطار دمشق الدولي.", ["SANA"]),
    ("أعلنت وزارة الدفاع الروسية، حسبما نقلت وكالة تاس، أن الدفاعات أسقطت 10 طائرات.",
     ["Russian Ministry of Defence", "TASS"]),
])
def test_arabic_outlets_are_sources_without_capitals(text: str, expected: list[str]) -> None:
    assert find_claims(text, "ar")[0] == expected


def test_the_state_that_acts_is_not_where_it_acts() -> None:
    (event,) = _extract("A US drone strike killed two Kataib Hezbollah commanders in eastern "
                        "Baghdad on Friday.", "2020-01-04", "en")
    assert [loc["name"] for loc in event.locations] == ["Baghdad"]
    # Named alone, the state stays: there is nowhere else to put the event.
    (alone,) = _extract("US drones struck on Friday, killing two commanders.", "2020-01-04",
                        "en")
    assert [loc["name"] for loc in alone.locations] == ["United States"]
