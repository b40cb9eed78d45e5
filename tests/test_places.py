"""Geocoding guards: words that are place names somewhere but not here."""

from __future__ import annotations

import pytest

from ingest import places


def _names(text: str, language: str = "en") -> list[str]:
    return [loc["name"] for loc in places.locate(text, None, language)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("USS Ross and USS Porter fired TOW missiles at Homs.", "en", ["Homs"]),  # acronyms
    ("ROME (Reuters) - talks on Syria", "en", ["Rome", "Syria"]),  # a dateline in capitals
    ("USA and UK diplomats met", "en", ["United States", "United Kingdom"]),  # listed ones
    ("По данным САНА, в Хомсе погибли девять человек.", "ru", ["Homs"]),  # the agency
    ("Ein Angriff auf Kramatorsk", "de", ["Kramatorsk"]),  # a common German word
    ("Sur le terrain à Alep, les combats continuent.", "fr", ["Aleppo"]),
    ("İdlib kırsalında çatışma", "tr", ["Idlib"]),  # Turkish dotted capital I
    ("in al-Hassakeh in north-eastern Syria", "en", ["Al-Hasakah", "Syria"]),
    ("near ar-Raqqa, Syrian forces advanced", "en", ["Raqqa"]),
    # Transliterations and misspellings: articles, hyphens and doubled letters folded away.
    ("Daesh killed 33 men in Deir el-Zour.", "en", ["Deir ez-Zor"]),
    ("Alepo was shelled again.", "en", ["Aleppo"]),
    ("Russian jets and Sergei Shoigu", "en", []),
    # A country's embassy or consulate is not the country.
    ("Ankara'da yüzlerce kişi İsrail Büyükelçiliği önünde toplandı.", "tr", ["Ankara"]),
    ("Protesters gathered outside the embassy of Israel in London.", "en", ["London"]),
    ("Протестующие собрались у посольства России в Лондоне.", "ru", ["London"]),
    ("Israel struck Gaza overnight.", "en", ["Israel", "Gaza Strip"]),
    # Seas and straits, in no country; a lower-case word may lead a name ("mer Rouge").
    ("Houthis attacked a ship in the Red Sea.", "en", ["Red Sea"]),
    ("Un navire a été touché dans le golfe d'Aden.", "fr", ["Gulf of Aden"]),
    ("Des drones ont visé un cargo en mer Rouge.", "fr", ["Red Sea"]),
    ("Дрон атаковал танкер в Черном море у Одессы.", "ru", ["Black Sea", "Odesa"]),
    ("هاجم الحوثيون سفينة في البحر الأحمر", "ar", ["Red Sea"]),
    ("Kızıldeniz'de bir gemiye saldırı düzenlendi.", "tr", ["Red Sea"]),
    # A hyphenated modifier and a first name are not places.
    ("Missiles hit a Marshall Islands-flagged bulk carrier in the Red Sea.", "en", ["Red Sea"]),
    ("The US-led coalition struck Raqqa.", "en", ["Raqqa"]),
    ("Херсон обстріляли, повідомив президент Володимир Зеленський.", "uk", ["Kherson"]),
    ("Президент Владимир Путин заявил, что ВСУ обстреляли Белгород.", "ru", ["Belgorod"]),
    ("Drones struck Vladimir, Russia, overnight.", "en", ["Vladimir", "Russia"]),
    # A bare "Congo" in the news of war is the Democratic Republic's.
    ("Vingt civils ont été tués dimanche dans l'est du Congo.", "fr", ["DR Congo"]),
    ("Congo-Brazzaville held elections.", "en", ["Republic of the Congo"]),
])
def test_places_found_and_words_left_alone(text: str, language: str,
                                           expected: list[str]) -> None:
    assert _names(text, language) == expected


def test_capital_is_not_a_small_foreign_namesake() -> None:
    # Damascus, Maryland is bigger in geonames than an untwinned shipped row would be.
    located = places.locate("Mortar shells slammed into central Damascus on Tuesday.")
    assert [(loc["name"], loc["country"], loc["admin1"]) for loc in located] == \
        [("Damascus", "SY", "Damascus")]


def test_weak_foreign_matches_need_the_story_to_be_about_their_country() -> None:
    # "Bustan" and "Bashar" resemble Busan and Bawshar; "Nov" is one of Huambo's names.
    text = "Bashar al-Assad's forces shelled Bustan al-Qasr in Aleppo on Nov 3."
    assert set(_names(text)) <= {"Aleppo", "Bustan al-Qasr"}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("About 10 rockets were launched toward Israel from a cemetery in Gaza.", "en",
     ["Gaza"]),
    ("Troops advanced towards the city of Kramatorsk.", "en", []),
    ("Warplanes took off from Shayrat and struck positions near Palmyra.", "en", ["Palmyra"]),
    ("Колонна двигалась в сторону Харькова из Белгорода.", "ru", ["Белгорода"]),
    ("أطلقت صواريخ باتجاه إسرائيل من غزة.", "ar", ["غزة"]),
    ("Gazze'den İsrail'e doğru roket atıldı.", "tr", ["Gazze'den"]),
    ("Des tirs vers l'Ukraine depuis Belgorod.", "fr", ["Belgorod"]),
    ("Raketen flogen aus Gaza in Richtung Israel.", "de", ["Gaza"]),
])
def test_a_direction_is_not_where_it_happened(text: str, language: str,
                                               expected: list[str]) -> None:
    found = places.find(text, language)
    assert [f.text for f in places.without_directions(found, text)] == expected


@pytest.mark.parametrize(("text", "language", "precision"), [
    ("Warplanes struck positions in the eastern Homs desert.", "en", "admin1"),
    ("Clashes in Aleppo's eastern countryside.", "en", "admin1"),
    ("Fighting in the Idlib countryside.", "en", "admin1"),
    ("Halep kırsalı", "tr", "admin1"),
    ("Shells hit Aleppo city.", "en", "place"),
    ("Shells hit Aleppo on Friday.", "en", "place"),
])
def test_a_region_word_after_a_name(text: str, language: str, precision: str) -> None:
    (location,) = places.locate(text, None, language)
    assert location["precision"] == precision
