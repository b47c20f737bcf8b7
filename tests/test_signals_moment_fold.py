"""One tragedy, one alert: a whole-stream moment that reads avoid as it is first raised is one of
the names of the avoid moment whose story it is part of, not an alert of its own; no read is made
milder (a moment first read safe is raised, and re-read avoid, as before); a brand's complaint
wave or a merely angry crowd never folds into a tragedy; on the demo's stream the earthquake's
names fold into one moment."""

from __future__ import annotations

import msgspec

from reale.bench.signals_moments import play_story
from reale.signals.moment_fold import fold_target
from reale.signals.moment_stories import Stories
from reale.signals.moment_types import MomentAlert
from reale.signals.safety import SafetyConfig, SafetyRead
from tests.test_signals_moment_links import HOUR, QUAKE, T0, TOWN, Replay, chatter, spread

AMATRICE = ["Crolli e vittime ad Amatrice, che tragedia #amatrice",
            "Case crollate, morti sotto le macerie #amatrice"]
ASKING = ["Qualcuno ha notizie? #sanlorenzo #amatrice", "Cerco mia zia #sanlorenzo",
          "Nessuno risponde al telefono #sanlorenzo #amatrice"]


def test_a_moment_that_reads_avoid_at_once_is_named_by_the_tragedy_it_is_part_of() -> None:
    replay = Replay()
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    replay.run([*spread(AMATRICE * 6, start, 5.0, 0), *spread(ASKING * 3, start + 2, 6.0, 100)])
    assert not any(a.term == "#sanlorenzo" for a in replay.raised), "no alert of its own"
    [moment] = [a for a in replay.det.joinable() if a.term == "#amatrice"]
    assert "#sanlorenzo" in moment.also
    assert moment.safety is not None and moment.safety.verdict == "avoid"
    # raised once, then updated: the same moment (term, time) with a longer "also"
    assert {a.at for a in replay.raised if a.term == "#amatrice"} == {moment.at}


def test_a_moment_first_read_safe_is_raised_and_read_again_as_before() -> None:
    # The town's first posts carry no tragic word: it is raised with its own read, and the link
    # reads it avoid later (a fold then would leave its first, milder read standing).
    replay = Replay()
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    replay.run([*spread(QUAKE * 5, start, 6.0, 0), *spread(TOWN * 3, start + 3, 8.0, 100),
                *spread(["Terremoto: crolli a Valleverde, ci sono vittime. Soccorsi al lavoro #terremoto"],
                        start + 300, 1.0, 200), *spread(["ciao"], start + 400, 1.0, 300)])
    town = [a for a in replay.raised if a.term == "valleverde"]
    assert [a.safety.verdict for a in town if a.safety][-1] == "avoid"
    assert town[0].safety is not None and town[0].safety.verdict != "avoid"


def _alert(term: str, at: float, read: SafetyRead, owner: str = "") -> MomentAlert:
    return MomentAlert(scope="*", term=term, at=at, count=9, window_seconds=120.0,
                       baseline_per_min=0.01, current_per_min=4.5, ratio=40.0, log10_p=-9.0,
                       examples=(), cooccurring=(), also=(), safety=read, owner=owner)


TRAGIC = SafetyRead(verdict="avoid", reasons=("tragic",), tragic_terms=("terremoto",))
ANGRY = SafetyRead(verdict="avoid", reasons=("75% of its posts are fearful or angry",))


def _stories(*alerts: MomentAlert) -> Stories:
    s = Stories(cooldown=3600.0)
    for a in alerts:
        s.start(a, a.at)
    return s


def test_only_a_tragedy_read_avoid_on_its_own_takes_in_another_and_only_nearby_in_time() -> None:
    cfg = SafetyConfig()
    quake = _alert("#terremoto", T0, TRAGIC)
    stories = _stories(quake)
    assert fold_target(_alert("case crollate", T0 + 5, msgspec.structs.replace(
        TRAGIC, tragic_terms=("crollate",))), stories, cfg) == "#terremoto"
    # an angry crowd (no tragic word, no crisis talk) is no part of a tragedy
    assert fold_target(_alert("stesso problema", T0 + 5, ANGRY), stories, cfg) is None
    # a brand's own wave stays the brand's
    assert fold_target(_alert("#melafail", T0 + 5, TRAGIC, owner="Mela"), stories, cfg) is None
    # hours apart: another story
    assert fold_target(_alert("#alluvione", T0 + 2 * HOUR, TRAGIC), stories, cfg) is None
    # a moment read safe, or a config that keeps every moment apart
    assert fold_target(_alert("#blackout", T0 + 5, SafetyRead(verdict="safe", reasons=())), stories, cfg) is None
    assert fold_target(_alert("case crollate", T0 + 5, TRAGIC), stories,
                       SafetyConfig(fold_avoid=False)) is None
    # an avoid read inherited by a link folds into the moment it is linked to
    linked = msgspec.structs.replace(ANGRY, linked_to="#terremoto")
    assert fold_target(_alert("valleverde", T0 + 5, linked), stories, cfg) == "#terremoto"


def test_folding_lists_the_term_among_the_story_names_and_keeps_its_words_in_the_story() -> None:
    quake = _alert("#terremoto", T0, TRAGIC)
    quake = msgspec.structs.replace(quake, cooccurring=("case crollate",))
    stories = _stories(quake, _alert("case crollate", T0 + 1, TRAGIC))
    updated = stories.fold("case crollate", "#terremoto", T0 + 1)
    assert updated.also == ("case crollate",), "listed even when it was a co-occurring term"
    assert "case crollate" not in stories.open and stories.head_of("case crollate") == "#terremoto"


def test_on_the_demo_stream_the_earthquake_is_one_moment_with_its_names() -> None:
    run = play_story(3, brands=True)
    quake = {e.uri for e in run.truths["earthquake"].events}
    mine = [a for (scope, _, _), a in run.scoped.items()
            if scope == "*" and sum(e.uri in quake for e in a.examples) * 2 > len(a.examples)]
    read_avoid_at_once = [a for a in mine if a.term != "valleverde" and a.safety is not None
                          and a.safety.verdict == "avoid"]
    assert len(read_avoid_at_once) == 1, [a.term for a in mine]
    [head] = read_avoid_at_once
    assert {"#earthquake", "case crollate"} <= set(head.also)
    assert all(a.safety is not None and a.safety.verdict == "avoid" for a in mine)


def test_the_kafka_merge_stage_folds_as_the_embedded_detector_does() -> None:
    from reale.clock import ManualClock
    from reale.signals.moments import MomentDetector
    from tests.test_kafka_moments_parts import CFG, count_partitions, merged, post
    from tests.test_kafka_moments_parts import T0 as K0
    # one earthquake told in two languages, no post carrying both hashtags
    english = [post(i, f"#quake killed {i} people, tragedy and grief, the dead mourned", K0 + 4 * i)
               for i in range(12)]
    italian = [post(100 + i, f"#sisma crolli e vittime, morti sotto le macerie {i}", K0 + 1 + 4 * i, lang="it")
               for i in range(12)]
    later = [post(300 + j, f"#quake later {j}", K0 + 400) for j in range(3)]
    posts = [*english, *italian, *later]
    alerts = merged(count_partitions(posts))
    embedded = MomentDetector(CFG, ManualClock(K0 + 1000))
    seen = [a for p in sorted(posts, key=lambda p: p.created_at) for a in embedded.update(p)]
    for raised in (alerts, seen):
        terms = {a.term for a in raised}
        assert len(terms & {"#quake", "#sisma"}) == 1, terms
        last = raised[-1]
        assert {last.term, *last.also} >= {"#quake", "#sisma"}
        assert all(a.safety is not None and a.safety.verdict == "avoid" for a in raised)
