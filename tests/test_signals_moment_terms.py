"""One moment, one alert: a name bursting as two words alerts as the pair, the carrier words of a
moment's posts fold into it, a hashtag is never swallowed by a word, and one thread's chatter
("Congrats!" under a viral post) is not a moment."""

from __future__ import annotations

from reale.bench.signals_streams import StreamSpec, stream
from reale.clock import ManualClock
from reale.events import Author, Post
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector

HOUR = 3600.0
ONSET = 2 * HOUR  # after the hour of warm-up


def _posts(texts: list[str], start: float, every: float, *, reply_to: str = "",
           tag: str = "") -> list[Post]:
    """One post per ``every`` seconds from ``start``, cycling through ``texts``."""
    return [Post(network="sim", uri=f"sim://{tag or 'x'}{start}/{i}", author=Author(id=f"a{i}"),
                 text=texts[i % len(texts)], created_at=start + every * i,
                 hashtags=tuple(w[1:] for w in texts[i % len(texts)].split() if w[0] == "#"),
                 reply_root=reply_to or None, reply_parent=reply_to or None)
            for i in range(int(600 / every))]


def moments(alerts: list[MomentAlert]) -> list[MomentAlert]:
    """The moments raised, in order, each as last updated (a story's later terms update its
    moment: the same scope, term and time, with a longer ``also``)."""
    latest: dict[tuple[str, str, float], MomentAlert] = {}
    for a in alerts:
        latest[(a.scope, a.term, a.at)] = a
    return list(latest.values())


def _alerts(extra: list[Post], config: MomentConfig | None = None) -> list[MomentAlert]:
    """Whole-stream moments over 3 hours of everyday background with ``extra`` posts mixed in."""
    background = stream(StreamSpec(posts_per_min=6.0), 3 * HOUR, seed=5)
    clock = ManualClock()
    det = MomentDetector(config or MomentConfig(), clock)
    alerts: list[MomentAlert] = []
    for p in sorted([*background, *extra], key=lambda p: p.created_at):
        clock.set(p.created_at)
        alerts += det.update(p, (GLOBAL,))
    return moments(alerts)


CARRIERS = ["Ma cosa sta succedendo con {t}?", "Tutti parlano di {t} stamattina",
            "{t} ovunque oggi, qualcuno mi spiega?", "Seguo da ore la storia di {t}"]


def test_a_two_word_name_alerts_once_as_the_pair_not_as_its_words() -> None:
    burst = _posts([c.format(t="stadio olimpico") for c in CARRIERS], ONSET, every=8.0)
    alerts = _alerts(burst)
    assert [a.term for a in alerts] == ["stadio olimpico"]
    assert 0 < alerts[0].at - ONSET <= 120
    assert {"stadio", "olimpico"} <= set(alerts[0].cooccurring)  # its words explain it


def test_the_words_around_a_bursting_term_fold_into_its_alert() -> None:
    burst = _posts([c.format(t="grandinata") for c in CARRIERS], ONSET, every=8.0)
    assert [a.term for a in _alerts(burst)] == ["grandinata"]
    unfolded = _alerts(burst, MomentConfig(fold_share=0.0))
    assert len(unfolded) > 1 and "grandinata" in [a.term for a in unfolded]  # "succedendo", ...


def test_a_hashtag_is_never_folded_into_a_word() -> None:
    first = _posts(["Luce saltata allo stadio"], ONSET, every=8.0)  # "stadio" alerts ...
    then = _posts(["Blackout allo stadio #blackout"], ONSET + 900, every=6.0, tag="b")
    terms = [a.term for a in _alerts(first + then)]
    assert terms[0] in {"stadio", "luce saltata", "saltata", "luce"}
    assert "#blackout" in terms  # ... and the hashtag that follows is its own moment


def test_a_hashtag_written_as_a_plain_word_is_the_same_moment() -> None:
    tagged = _posts(["Blackout allo stadio durante la finale #blackout",
                     "Stadio al buio, torce accese #blackout"], ONSET, every=6.0)
    plain = _posts(["Venti minuti di blackout in una finale, solo in Italia"], ONSET + 90,
                   every=5.0, tag="p")
    terms = [a.term for a in _alerts(tagged + plain)]
    assert terms == ["#blackout"]  # "venti minuti" is the same moment, told without the tag
    unfolded = [a.term for a in _alerts(tagged + plain, MomentConfig(fold_share=0.0))]
    assert "venti minuti" in unfolded


def test_a_new_hashtag_within_an_alerted_hashtags_moment_is_its_own_moment() -> None:
    final = _posts(["Finale in tv, divano e pizza #FinaleCoppa", "Che tensione #FinaleCoppa",
                    "Stadio pieno #FinaleCoppa"], ONSET, every=6.0)
    # the blackout's first posts still carry the final's hashtag; its crowd then does not
    first = _posts(["Blackout allo stadio, gioco sospeso #blackout #FinaleCoppa"], ONSET + 400,
                   every=4.0, tag="o")[:6]
    crowd = _posts(["Stadio al buio, torce accese #blackout", "Chi ha staccato la spina #blackout",
                    "Blackout in finale, mai visto #blackout"], ONSET + 424, every=5.0, tag="c")
    terms = [a.term for a in _alerts(final + first + crowd)]
    assert terms[0] == "#finalecoppa" and "#blackout" in terms


def test_one_threads_chatter_is_not_a_moment_but_the_same_words_across_the_network_are() -> None:
    under_one_post = _posts(["Congrats!! 🎉"], ONSET, every=6.0, reply_to="sim://viral/1")
    assert _alerts(under_one_post) == []
    everywhere = _posts(["Congrats!! 🎉"], ONSET, every=6.0)
    assert [a.term for a in _alerts(everywhere)] == ["congrats"]
    every_reply_counts = MomentConfig(max_threads=0)
    assert [a.term for a in _alerts(under_one_post, every_reply_counts)] == ["congrats"]


def test_the_conversation_memory_stays_bounded() -> None:
    from reale.signals.moment_scope import THREAD_TERMS, Example, ScopeDetector

    scope = ScopeDetector("*", MomentConfig(max_threads=100))
    for i in range(5_000):  # 5,000 threads, and one thread that keeps changing the subject
        scope.update(float(i), [f"w{i}", f"v{i}"], Example("u", "t"), thread=f"root{i % 1000}")
        scope.update(float(i), [f"x{i}"], Example("u", "t"), thread="chatty")
    sizes = scope.sizes()
    assert sizes["threads"] <= 100 and sizes["thread_terms"] <= THREAD_TERMS


def test_a_brands_own_name_spikes_with_its_mentions_but_the_moment_behind_it_still_alerts() -> None:
    clock = ManualClock()
    det = MomentDetector(MomentConfig(), clock)
    chatter = _posts(["Volta dealers open on Sunday", "my Volta needs a wash"], 0.0, every=120.0)
    chatter += _posts(["Volta dealers open on Sunday"], 600.0, every=120.0, tag="c")
    burst = _posts([c.format(t="Volta recall") for c in CARRIERS], ONSET, every=8.0, tag="r")
    alerts: list[MomentAlert] = []
    for p in sorted([*chatter, *burst], key=lambda p: p.created_at):
        clock.set(p.created_at)
        alerts += det.update(p, ("Volta",))
    assert "volta recall" in [a.term for a in alerts]  # not folded into the name's spike
    assert set(a.term for a in alerts) <= {"volta", "volta recall"}
