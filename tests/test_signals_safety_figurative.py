"""The moment safety read tells a dead phone from a death: product complaints and hyperbole
("my laptop died", "il mio è morto", "I'm dead 😂", "che disastro l'assistenza") do not make a
moment tragic, while real tragedies, CrisisLexT26's included, keep reading tragic."""

from __future__ import annotations

import doctest
import random

import pytest

import reale.signals.figurative
from reale.bench.safety import CHUNK, MELAFAIL_TERMS, complaint_moments, examples
from reale.signals.figurative import literal_cues, literal_hits
from reale.signals.safety import SafetyConfig, safety_read
from reale.understand.data import crisislex_related
from tests.conftest import DATA

EXAMPLES = examples()
BEFORE = SafetyConfig(figurative_rules=False)  # the read as it was before the rules


def _cues(text: str, config: SafetyConfig | None = None) -> tuple[str, ...]:
    read = safety_read([], [text], lambda texts: [{} for _ in texts], config)
    return read.tragic_terms + read.violent_terms


@pytest.mark.parametrize("text", [t for lang in ("en", "it") for t in EXAMPLES["figurative"][lang]])
def test_product_complaints_and_hyperbole_use_no_tragic_or_violent_word(text: str) -> None:
    assert _cues(text) == ()


@pytest.mark.parametrize("text", [t for lang in ("en", "it") for t in EXAMPLES["literal"][lang]])
def test_real_tragedies_keep_their_cue_words(text: str) -> None:
    assert _cues(text) != ()


def test_the_melafail_moment_is_a_product_complaint_not_a_tragedy() -> None:
    # `reale demo` finds #melafail with "morto" among its co-occurring terms, from "il mio è
    # morto dopo un mese": the term is read through the posts that use it, not on its own.
    for lang, posts in complaint_moments().items():
        terms = MELAFAIL_TERMS[lang]
        before = safety_read(terms, posts, config=BEFORE)
        assert before.verdict == "avoid", f"{lang}: the dead phone used to read as a death"
        read = safety_read(terms, posts)
        assert read.tragic_terms == () and read.verdict == "safe", (lang, read.reasons)


def test_a_term_used_literally_in_one_post_stays_a_tragic_term() -> None:
    posts = ["il mio è morto dopo un mese #MelaFail", "è morto un ragazzo in via Roma"]
    assert safety_read(["#melafail", "morto"], posts).verdict == "avoid"
    assert safety_read(["#melafail", "morto"], posts[:1]).verdict == "safe"


def test_a_moment_of_dead_phones_reads_safe_where_it_used_to_read_avoid() -> None:
    posts = ["my phone died again", "mine died after a month #MelaFail", "dead battery by noon",
             "È morto il telefono dopo l'aggiornamento", "RIP my laptop"]
    assert safety_read(["dead battery"], posts, config=BEFORE).verdict == "avoid"
    read = safety_read(["dead battery"], posts)
    assert read.verdict == "safe" and read.tragic_terms == ()


def test_a_device_near_a_death_does_not_hide_the_person_or_the_vehicle() -> None:
    assert literal_cues("tragic", "my phone died") == []
    assert literal_cues("tragic", "A man died when his phone exploded") == ["died"]
    assert literal_cues("tragic", "Train driver was on his phone at the time of the crash") == ["crash"]
    assert literal_cues("tragic", "Phone lines are dead after the earthquake") == ["earthquake"]


def test_the_writer_is_alive_so_a_death_said_of_oneself_is_a_figure_of_speech() -> None:
    assert literal_cues("tragic", "I'm dead 😂 this ad") == []
    assert literal_cues("tragic", "sono morta dal ridere") == []
    assert literal_cues("violent", "questo prezzo mi uccide") == []
    # ...but not when others die: "sono morti" is "they died"
    assert literal_cues("tragic", "Sono morti in tre nel crollo") == ["morti", "crollo"]


def test_a_verdict_word_counts_only_when_it_judges_a_service_and_nothing_else_is_grave() -> None:
    assert literal_cues("tragic", "Che disastro l'assistenza clienti") == []
    assert literal_cues("tragic", "What a disaster of a delivery") == []
    assert literal_cues("tragic", "What a tragedy, thoughts with the victims") == ["tragedy", "victims"]
    assert literal_cues("tragic", "Che tragedia il terremoto, e l'assistenza clienti è ferma") == [
        "tragedia", "terremoto"]
    # disaster news is full of aid words; they do not make "disaster" a verdict on a service
    assert literal_cues("tragic", "President declares disaster, support needed for relief") == [
        "disaster"]


def test_divisive_words_are_left_to_the_read_as_before() -> None:
    assert literal_hits("vote now, my phone died", ("tragic", "divisive")) == {
        "tragic": [], "divisive": ["vote"]}


def test_hostile_and_huge_posts_are_read_without_trouble() -> None:
    posts = ["my phone died " * 50_000, "\x00\ud800 <script>alert(1)</script>", "", "🙏" * 999,
             "il mio è morto " + "a" * 100_000]
    read = safety_read(["morto"], posts)
    assert read.verdict == "safe" and read.posts == len(posts)


def test_the_rules_doctests_run() -> None:
    assert doctest.testmod(reale.signals.figurative).failed == 0


@pytest.mark.skipif(not (DATA / "bursts" / "crisislex-t26").is_dir(), reason="needs shared data")
def test_crisislex_crises_read_the_same_with_the_rules() -> None:
    """Every 20-post moment of CrisisLexT26's crisis tweets keeps its verdict; at most 1 post in
    1,000 loses its cue words (an "I'm dead" fan tweet, "having a blast" in Vail)."""
    events = crisislex_related(DATA)
    posts = [p for ps in events.values() for p in ps]
    lost = [p for p in posts if _cues(p, BEFORE) and not _cues(p)]
    assert len(lost) <= len(posts) / 1000
    for name, ps in events.items():
        shuffled = random.Random(0).sample(ps, len(ps))
        for i in range(0, len(shuffled) - CHUNK + 1, CHUNK):
            chunk = shuffled[i:i + CHUNK]
            assert safety_read([], chunk).verdict == safety_read([], chunk, config=BEFORE).verdict, name
