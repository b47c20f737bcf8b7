"""One story, one alert per scope: a story's later terms update its moment ("also named") instead
of raising new alerts; a moment is named by its hashtag or phrase rather than a common word; a
brand's complaint told in several ways is one moment in its scope; and a whole-stream moment made
of one brand's mentions is that brand's: not one to join, and not raised twice."""

from __future__ import annotations

from collections.abc import Sequence

from reale.bench.signals_streams import StreamSpec, stream
from reale.clock import ManualClock
from reale.events import Author, Post
from reale.signals.moment_links import source_of
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moment_stories import Stories
from reale.signals.moments import GLOBAL, MomentDetector

HOUR = 3600.0
ONSET = 2 * HOUR  # after the hour of warm-up


def _posts(texts: Sequence[str], start: float, every: float, *, n: int = 60,
           tag: str = "") -> list[Post]:
    """``n`` posts, one every ``every`` seconds from ``start``, cycling through ``texts``."""
    return [Post(network="sim", uri=f"sim://{tag or 'x'}{start}/{i}", author=Author(id=f"a{i}"),
                 text=texts[i % len(texts)], created_at=start + every * i,
                 hashtags=tuple(w[1:] for w in texts[i % len(texts)].split() if w[0] == "#"))
            for i in range(n)]


class _Desk:
    """Posts through a detector on a clock that follows them; each post goes to the whole stream
    and, when it names ``brand`` (a word of it), to the brand's scope, as the signals stage
    does with the matcher's mentions. Keeps every moment as last raised."""

    def __init__(self, brand: str = "Mela", config: MomentConfig | None = None) -> None:
        self.brand = brand
        self.clock = ManualClock()
        self.det = MomentDetector(config or MomentConfig(), self.clock)
        self.raised: list[MomentAlert] = []

    def play(self, posts: list[Post]) -> None:
        for p in sorted(posts, key=lambda p: p.created_at):
            self.clock.set(p.created_at)
            self.raised += self.det.update(p, (GLOBAL,))
            if self.brand.lower() in p.text.lower():
                self.raised += self.det.update(p, (self.brand,))

    def moments(self, scope: str) -> list[MomentAlert]:
        """The scope's moments in the order raised, each as last updated."""
        latest: dict[tuple[str, float], MomentAlert] = {}
        for a in self.raised:
            if a.scope == scope:
                latest[(a.term, a.at)] = a
        return list(latest.values())


def _background(hours: float = 3.0) -> list[Post]:
    return stream(StreamSpec(posts_per_min=6.0), hours * HOUR, seed=5)


PILE_ON = ["Raga mai più Mela, il mio è morto dopo un mese #MelaFail",
           "Il servizio clienti Mela è un muro di gomma #MelaFail"]
SAME_PROBLEM = ["Stesso problema col Mela 12 Pro, tre settimane che aspetto la riparazione"]
ANSWER_HER = ["@mela-mobile.bsky.social rispondete a Sara, non è l'unica"]
CHATTER = ["Mela 12 o aspetto il prossimo modello?", "Il mio Mela va benissimo"]


def _complaint(start: float = ONSET) -> list[Post]:
    """A complaint snowballing against Mela: the hashtag, then two other ways of telling it that
    share only the brand's name, over everyday chatter about Mela from the start."""
    return (_posts(CHATTER, 0.0, every=240.0, n=int(start / 240.0), tag="c")
            + _posts(PILE_ON, start, every=6.0, tag="p")
            + _posts(SAME_PROBLEM, start + 60, every=7.0, n=40, tag="s")
            + _posts(ANSWER_HER, start + 120, every=7.0, n=40, tag="r"))


def test_a_complaint_told_three_ways_is_one_moment_in_the_brands_scope() -> None:
    desk = _Desk()
    desk.play(_background() + _complaint())
    [moment] = desk.moments("Mela")
    assert moment.term == "#melafail"
    # the later ways of telling it update the moment, by their phrase ("stesso problema",
    # not its word "aspetto"), rather than raising alerts of their own
    assert {"stesso problema", "rispondete"} <= set(moment.also)
    assert "aspetto" not in moment.also


def test_a_new_story_of_the_brand_after_the_first_has_died_down_is_a_new_moment() -> None:
    desk = _Desk()
    later = _posts(["Mela richiama il Mela Mini: batterie difettose #MelaRecall"],
                   ONSET + 2 * HOUR, every=6.0, tag="m")
    desk.play(_background(5.0) + _complaint() + later)
    assert [m.term for m in desk.moments("Mela")] == ["#melafail", "#melarecall"]


def test_a_whole_stream_moment_made_of_one_brands_mentions_is_that_brands() -> None:
    desk = _Desk()
    desk.play(_background() + _complaint())
    [first, *rest] = desk.moments(GLOBAL)
    assert first.term == "#melafail" and first.owner == "Mela"
    assert first.safety is not None and first.safety.verdict == "avoid"
    assert first.safety.reasons[0].startswith("Mela's own mentions:")
    assert "not a moment to join" in first.safety.reasons[0]
    # never offered as a moment to join, never the source of a "same story" link
    assert not source_of(first)
    # its other ways of telling it are the brand's too: the brand's scope raised the story
    # already, so the whole stream raises them no more
    assert rest == [] and desk.det.owned_quiet >= 1


def test_a_moment_of_the_whole_stream_that_names_no_brand_is_still_one_to_join() -> None:
    desk = _Desk()
    desk.play(_background() + _posts(["Stadio al buio, torce accese #blackout",
                                      "Chi ha staccato la spina #blackout"], ONSET, every=6.0))
    [moment] = desk.moments(GLOBAL)
    assert moment.owner == "" and moment.safety is not None and moment.safety.verdict == "safe"


def test_a_common_word_rising_with_a_hashtags_posts_joins_its_moment_silently() -> None:
    # "stadio" is everyday football talk; the blackout's posts are most of its rise, not most
    # of its posts: it is the blackout's word, not a moment of its own
    football = _posts(["Allo stadio stasera con gli amici", "Che atmosfera allo stadio"], 0.0,
                      every=20.0, n=int(3 * HOUR / 20.0), tag="f")
    blackout = _posts(["È saltata la luce allo stadio #blackout",
                       "Blackout allo stadio, tutti al buio #blackout",
                       "Torce accese ovunque #blackout"], ONSET, every=5.0)
    desk = _Desk()
    desk.play(_background() + football + blackout)
    [moment] = desk.moments(GLOBAL)
    assert moment.term == "#blackout" and "stadio" not in moment.also


def test_a_word_and_its_phrase_from_the_same_posts_are_one_moment_named_by_the_phrase() -> None:
    desk = _Desk(brand="nobody")
    desk.play(_background() + _posts(["Tre settimane che aspetto la riparazione, stesso problema"],
                                     ONSET, every=8.0))
    [moment] = desk.moments(GLOBAL)
    assert " " in moment.term  # a phrase of the posts ("stesso problema", "aspetto riparazione")


def test_a_hashtag_whose_growth_is_a_newer_storys_posts_does_not_alert_again() -> None:
    final = _posts(["Finale in tv, divano e pizza #FinaleCoppa", "Che tensione #FinaleCoppa"],
                   ONSET, every=6.0)
    # the blackout's crowd writes both hashtags: the final's grows, but with the blackout's posts
    blackout = _posts(["Chi ha staccato la spina? #blackout #FinaleCoppa",
                       "Al buio in finale #blackout #FinaleCoppa"], ONSET + 700, every=1.5,
                      n=200, tag="b")
    desk = _Desk(brand="nobody")
    desk.play(_background() + final + blackout)
    assert [m.term for m in desk.moments(GLOBAL)] == ["#finalecoppa", "#blackout"]


def test_the_open_stories_survive_a_restart() -> None:
    desk = _Desk()
    desk.play(_background() + [p for p in _complaint() if p.created_at < ONSET + 90])
    restarted = _Desk()
    restarted.det.restore(desk.det.snapshot())
    rest = [p for p in _complaint() if p.created_at >= ONSET + 90]
    restarted.play([p for p in _background() if p.created_at >= ONSET + 90] + rest)
    # the brand's story goes on after the restart: its later terms update the same moment
    assert [m.term for m in restarted.moments("Mela")] == ["#melafail"]
    assert restarted.moments("Mela")[0].at == desk.moments("Mela")[0].at


def test_the_stories_stay_bounded_and_close_after_the_cool_down() -> None:
    stories = Stories(cooldown=60.0, max_stories=3, max_also=2)
    for i in range(10):
        stories.start(_alert(f"#t{i}", float(i)), float(i))
    assert sorted(stories.open) == ["#t7", "#t8", "#t9"]  # the least recent went
    for term in ("a b", "c d", "e f"):
        stories.join("#t9", term, 9.0, name=True)
    assert stories.open["#t9"].alert.also == ("a b", "c d")  # at most max_also names
    stories.close(100.0, active=lambda head: head == "#t8")  # still bursting: kept open
    assert list(stories.open) == ["#t8"] and stories.head_of("a b") is None


def _alert(term: str, at: float) -> MomentAlert:
    return MomentAlert(scope=GLOBAL, term=term, at=at, count=5, window_seconds=120.0,
                       baseline_per_min=0.1, current_per_min=3.0, ratio=20.0, log10_p=-8.0,
                       examples=(), cooccurring=())
