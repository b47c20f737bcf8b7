"""How much is asked: a bulk ask is worth its quantity, not one unit. A number counts only when
it counts the thing or the people it is for, a bulk word stands for about ten, and no post is
read as asking for more than fifty."""

from __future__ import annotations

import pytest

from reale.desk import groups
from reale.desk.quantity import (
    BULK_UNITS,
    GROUP_SIZES,
    MAX_UNITS,
    Quantity,
    quantity_of,
    read_number,
)
from reale.desk.realness import Assessment, explain
from reale.desk.situation import situation_from_dict

BRIO = {"name": "Brio", "handle": "caffebrio.bsky.social",
        "products": {"capsule Classico": 4, "capsule Intenso": 4.5}}


def _appeal(text: str, *, action: str = "", kind: str = "gift",
            lang: str | None = None) -> Assessment:
    post: dict[str, object] = {"text": text, "author": {"handle": "anna", "followers": 300}}
    if lang:
        post["lang"] = lang
    return explain(situation_from_dict({
        "brand": BRIO, "post": post, "action": {"kind": kind, "text": action, "public": True},
        "context": {"ask": True}}))


def test_the_audits_office_stock_is_ten_capsules_not_one() -> None:
    a = _appeal("@caffebrio.bsky.social una scorta di capsule Classico per l'ufficio? Siamo in dieci")
    v = a.reading.valuation
    assert (v.eur, v.units, v.evidence) == (40.0, 10, "capsule Classico")
    assert "chiede circa 10 × 4 € (capsule Classico, «siamo in dieci»): circa 40 € in tutto" in (
        a.verdict.reasons)


def test_english_bulk_words_and_unit_prices_with_cents() -> None:
    a = _appeal("@caffebrio.bsky.social could you send capsule Intenso for the whole team?")
    assert a.reading.valuation.eur == 45.0
    assert any(r.startswith("asks for about 10 × €4.50 (capsule Intenso, “for the whole team”)")
               for r in a.verdict.reasons)


@pytest.mark.parametrize(("text", "units"), [
    ("dieci capsule", 10), ("10 capsule", 10), ("mandateci 24 confezioni di capsule", 24),
    ("a dozen capsule", 12), ("una cassa di capsule", BULK_UNITS), ("una scorta", BULK_UNITS),
    ("per tutto l'ufficio", BULK_UNITS), ("for the whole team", BULK_UNITS),
    ("siamo in dieci", 10), ("we're 6 in the office", 6), ("for 12 people", 12),
    ("ne servono per 15 colleghi", 15), ("a year's supply", MAX_UNITS),
    ("1000 capsule", MAX_UNITS),
])
def test_what_counts_as_a_quantity(text: str, units: int) -> None:
    q = quantity_of(text, ["capsule"])
    assert q is not None and q.units == units, q


@pytest.mark.parametrize("text", [
    "cliente da 10 anni, mi mandate una capsule?", "ordine n. 10 mai arrivato, una capsule?",
    "il 10 maggio ho comprato una capsule", "10% di sconto su una capsule", "una capsule", "",
    "@brio10 una capsule", "in case you wonder: one capsule",
])
def test_a_number_that_counts_no_thing_and_no_one_is_not_a_quantity(text: str) -> None:
    assert quantity_of(text, ["capsule"]) is None


def test_the_number_in_a_products_name_counts_nothing() -> None:
    mela = {"name": "Mela", "products": {"Mela 12 Pro": 1099}}
    a = explain(situation_from_dict({
        "brand": mela, "post": {"text": "mandatemi un Mela 12 Pro", "author": {"handle": "x"}},
        "action": {"kind": "gift"}}))
    assert (a.reading.valuation.eur, a.reading.valuation.units) == (1099.0, 1)


def test_a_box_is_one_box_and_a_quantity_in_the_action_is_what_the_brand_gives() -> None:
    box = _appeal("@caffebrio.bsky.social a box of pods for the whole team?")
    assert (box.reading.valuation.eur, box.reading.valuation.units) == (25.0, 1)
    stickers = _appeal("@caffebrio.bsky.social ciao!", action="ti mandiamo 20 adesivi", lang="it")
    assert (stickers.reading.valuation.eur, stickers.reading.valuation.units) == (40.0, 20)
    assert any(r.startswith("il brand dà circa 20 × 2 € (adesivi, «20 adesivi»)")
               for r in stickers.verdict.reasons)


def test_more_asked_for_never_reads_less_transactional() -> None:
    one = _appeal("@caffebrio.bsky.social mandatemi una capsule Classico")
    many = _appeal("@caffebrio.bsky.social mandatemi una scorta di capsule Classico")
    year = _appeal("@caffebrio.bsky.social mandatemi a year's supply of capsule Classico")
    assert one.verdict.risk < many.verdict.risk < year.verdict.risk
    assert year.verdict.verdict == "transactional"


# --- groups: a number next to a group noun, or a collective noun's typical size -------------------


@pytest.mark.parametrize(("text", "units", "said"), [
    ("capsule per i miei 30 colleghi", 30, "30 colleghi"), ("for our team of 12", 12, "team of 12"),
    ("per i miei 25 studenti", 25, "25 studenti"), ("siamo una classe di ventidue", 22, "classe di ventidue"),
    ("a class of 18", 18, "class of 18"), ("per il mio team di 8", 8, "team di 8"),
    ("for my 3 kids", 3, "3 kids"), ("famiglia di cinque", 5, "famiglia di cinque"),
    ("a group of twenty students", 20, "twenty students"),
])
def test_a_number_next_to_a_group_counts_the_group(text: str, units: int, said: str) -> None:
    assert quantity_of(text, ["capsule"]) == Quantity(units, said)


@pytest.mark.parametrize(("text", "units", "said"), [
    ("capsule per i miei studenti", GROUP_SIZES["studenti"], "i miei studenti"),
    ("capsule for my class", GROUP_SIZES["class"], "my class"),
    ("capsule per la mia classe", GROUP_SIZES["classe"], "la mia classe"),
    ("capsule for the whole office", BULK_UNITS, "for the whole office"),
    ("the whole office runs on it", BULK_UNITS, "the whole office"),
    ("capsule per tutta la squadra", BULK_UNITS, "per tutta la squadra"),
    ("capsule per tutti i miei colleghi", BULK_UNITS, "tutti i miei colleghi"),
    ("ai miei alunni", 25, "ai miei alunni"), ("for my family", 4, "my family"),
    ("per il mio ufficio", BULK_UNITS, "per il mio ufficio"),
    ("everyone in my office", BULK_UNITS, "everyone in my office"),
    ("capsule per la nostra scuola", MAX_UNITS, "per la nostra scuola"),
])
def test_a_group_named_by_its_collective_noun_counts_its_typical_size(text: str, units: int, said: str) -> None:
    assert GROUP_SIZES["classe"] == 25 and GROUP_SIZES["famiglia"] == 4
    assert quantity_of(text, ["capsule"]) == Quantity(units, said)


def test_a_number_said_beats_the_groups_typical_size() -> None:
    assert quantity_of("capsule per la mia classe di 18", ["capsule"]) == Quantity(18, "classe di 18")
    assert quantity_of("10 capsule per la mia classe", ["capsule"]) == Quantity(10, "10 capsule")


@pytest.mark.parametrize("text", [
    # followers are reach (who would see the answer), not people the brand gives to
    "capsule a tutti i miei follower", "ho 5000 follower, mandatemi una capsule",
    "for all my followers", "a capsule for my 10k followers", "una capsule per i miei 800 follower",
    # someone else's group, a place things are sent to, a year, a quality
    "your team is great, a capsule?", "the team at support never answers", "a capsule to my office",
    "una capsule nel mio ufficio", "the class of 2019 says hi, a capsule?", "world-class capsule",
    "first class capsule", "alla nostra scuola una capsule",
])
def test_followers_someone_elses_group_and_a_place_are_no_quantity(text: str) -> None:
    assert quantity_of(text, ["capsule"]) is None


# --- numbers of a hundred and more, in words and in digits ------------------------------------------


@pytest.mark.parametrize(("said", "number"), [
    ("duecento", 200), ("trecento", 300), ("mille", 1000), ("duemila", 2000),
    ("centocinquanta", 150), ("milleduecento", 1200), ("duemilacinquecento", 2500),
    ("novecentonovantanove", 999), ("centotré", 103),
    ("two hundred", 200), ("a thousand", 1000), ("two hundred and fifty", 250),
    ("one hundred twenty-two", 122), ("ten thousand", 10_000),
    ("1.000", 1000), ("1,000", 1000), ("1k", 1000), ("2,5k", 2500), ("12", 12), ("ventidue", 22),
])
def test_number_words_above_ninety_nine_are_read(said: str, number: int) -> None:
    assert read_number(said) == number


@pytest.mark.parametrize("text", [
    "duecento capsule", "trecento capsule", "mille capsule", "duemila capsule", "two hundred capsule",
    "a thousand capsule", "1.000 capsule", "1,000 capsule", "1k capsule", "siamo in duecento",
])
def test_a_hundred_and_more_is_the_cap(text: str) -> None:
    q = quantity_of(text, ["capsule"])
    assert q is not None and q.units == MAX_UNITS and q.evidence == text, q


def test_two_hundred_is_not_two() -> None:
    assert quantity_of("two hundred capsule", ["capsule"]) == Quantity(MAX_UNITS, "two hundred capsule")


@pytest.mark.parametrize("text", [
    "1,5 capsule", "10.5 capsule", "il 1.000° cliente, una capsule?",
    # thanks, not a thousand people
    "grazie mille ragazzi, mi mandate una capsule?", "mille grazie amici, una capsule?",
    # a year in words, as in digits
    "the class of two thousand and nineteen says hi, a capsule?",
])
def test_decimals_ordinals_and_thanks_are_no_thousands(text: str) -> None:
    assert quantity_of(text, ["capsule"]) is None


# --- more groups: each with its typical size (reale.desk.groups), in both languages ----------------


@pytest.mark.parametrize(("text", "units", "said"), [
    ("capsule per il mio coro", groups.CHOIR, "il mio coro"),
    ("capsule for my choir", groups.CHOIR, "my choir"),
    ("capsule per i nostri cori", MAX_UNITS, "i nostri cori"),
    ("capsule for my book club", BULK_UNITS, "my book club"),
    ("capsule per il mio club del libro", BULK_UNITS, "il mio club del libro"),
    ("capsule per la mia squadra di calcetto", BULK_UNITS, "la mia squadra di calcetto"),
    ("capsule per la nostra squadra di calcio", groups.FOOTBALL, "la nostra squadra di calcio"),
    ("capsule for our volleyball team", groups.COURT, "our volleyball team"),
    ("capsule for our scout group", groups.TROOP, "our scout group"),
    ("capsule ai miei scout", groups.TROOP, "ai miei scout"),
    ("capsule per il mio condominio", BULK_UNITS, "per il mio condominio"),
    ("capsule for the whole apartment building", BULK_UNITS, "the whole apartment building"),
    ("capsule per tutti i miei amici", groups.CIRCLE, "tutti i miei amici"),
    ("capsule per i miei coinquilini", groups.FLAT, "i miei coinquilini"),
    ("capsule for my flatmates", groups.FLAT, "my flatmates"),
    ("capsule per i miei genitori", groups.PAIR, "i miei genitori"),
    ("capsule per le mie classi", MAX_UNITS, "le mie classi"),
    ("capsule for a choir of 30", 30, "choir of 30"), ("capsule per 30 coristi", 30, "30 coristi"),
    ("my class would love some capsule", GROUP_SIZES["class"], "my class"),
    ("il mio coro ne vorrebbe tanto, mandateci capsule", groups.CHOIR, "il mio coro"),
    ("send my team some capsule", BULK_UNITS, "my team"),
    ("could you send a few capsule to my class?", GROUP_SIZES["class"], "my class"),
    ("capsule per il nostro piccolo coro", groups.CHOIR, "il nostro piccolo coro"),
    ("capsule for my lovely team", BULK_UNITS, "my lovely team"),
    ("capsule per tutti i miei cari colleghi", BULK_UNITS, "tutti i miei cari colleghi"),
    ("capsule per i ragazzi del mio coro", groups.CHOIR, "mio coro"),
    ("capsule for the kids of my class", GROUP_SIZES["class"], "my class"),
    ("my team and i would love some capsule", BULK_UNITS, "my team"),
    ("il mio coro e io vorremmo delle capsule", groups.CHOIR, "il mio coro"),
])
def test_more_groups_count_their_typical_size(text: str, units: int, said: str) -> None:
    assert quantity_of(text, ["capsule"]) == Quantity(units, said)


@pytest.mark.parametrize("text", [
    # a group named, not asked for: the writer's team won, their class is in a sentence
    "la mia squadra ha vinto, mi mandate una capsule?", "my team is great, a capsule?",
    "my class loves you! send me a capsule", "nella mia classe nessuno beve caffè, una capsule?",
    "il mio coro canta sabato, una capsule?", "una capsule nel mio condominio",
    "il direttore del mio coro beve solo capsule, me ne mandate una?",
    "send me a capsule, I'm going to my class", "talk to my team about it, a capsule?",
    # subscribers are reach, as followers are
    "ho 5000 iscritti, mi mandate una capsule?",
    # not a group of people at all: a favourite, a social class, a quality, school
    "la mia classe preferita è la 3b, mi mandate una capsule?", "capsule per la mia classe preferita",
    "la mia squadra del cuore ha vinto, una capsule?", "capsule per il mio team preferito",
    "la classe operaia va in paradiso, una capsule?", "tutta la classe operaia beve capsule",
    "what a class act, a capsule please", "in classe nessuno beve caffè, una capsule?",
])
def test_a_group_named_but_not_asked_for_is_no_quantity(text: str) -> None:
    assert quantity_of(text, ["capsule"]) is None
