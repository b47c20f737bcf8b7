"""Moments: a term whose rate jumps above its own baseline raises one explained alert, quickly;
a stationary stream stays quiet; whole-stream moments carry a safety read."""

from __future__ import annotations

from collections.abc import Sequence

from reale.bench.signals_streams import Burst, StreamSpec, rank_for_rate, stream, term_rate
from reale.clock import ManualClock
from reale.events import Author, Post
from reale.signals.moment_scope import MomentAlert, MomentConfig, ScopeDetector
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.safety import lexicon_labeller, safety_read

HOUR = 3600.0
SPEC = StreamSpec(posts_per_min=6)


class _Replay:
    """A detector on a manual clock that follows the posts' own times, as in a replay."""

    def __init__(self, config: MomentConfig | None = None, **kw: object) -> None:
        self.clock = ManualClock()
        self.det = MomentDetector(config or MomentConfig(), self.clock, **kw)  # type: ignore[arg-type]


def _run(replay: _Replay, posts: list[Post], scopes: Sequence[str] = ("brand",)
         ) -> list[MomentAlert]:
    alerts = []
    for p in posts:
        replay.clock.set(p.created_at)
        alerts += replay.det.update(p, scopes)
    return alerts


def test_a_tenfold_jump_is_alerted_within_two_minutes_with_an_explanation() -> None:
    rank = rank_for_rate(SPEC, 1.0)
    term, base = f"kw{rank}", term_rate(SPEC, rank)
    onset = 3 * HOUR
    posts = stream(SPEC, onset + 900, seed=7, bursts=(Burst(term, onset, 600, 9 * base),))
    alerts = _run(_Replay(), posts)
    assert [a.term for a in alerts] == [term]  # one alert: the cool-down holds the rest back
    a = alerts[0]
    assert 0 < a.at - onset <= 120
    assert 0.5 < a.baseline_per_min < 2.0 and a.current_per_min > 4 * a.baseline_per_min
    assert a.count >= 5 and a.log10_p <= -6
    assert len(a.examples) == 3 and all(term in e.text for e in a.examples)
    assert a.cooccurring  # the words seen alongside it


def test_a_stationary_stream_raises_at_most_one_false_alert_in_two_days() -> None:
    assert len(_run(_Replay(), stream(SPEC, 2 * 86400, seed=11))) <= 1  # the target: one a day


def test_nothing_is_alerted_during_warm_up() -> None:
    posts = stream(SPEC, 1800, seed=1, bursts=(Burst("surge", 600, 600, 20.0),))
    assert _run(_Replay(), posts) == []


def test_a_new_hashtag_out_of_nowhere_is_a_moment() -> None:
    posts = stream(SPEC, 2 * HOUR + 300, seed=3,
                   bursts=(Burst("#blackout", 2 * HOUR, 300, 15.0),))
    alerts = _run(_Replay(), posts)
    assert [a.term for a in alerts] == ["#blackout"]
    assert alerts[0].baseline_per_min < 0.01  # the floor: it had never been seen


def test_cool_down_then_escalation_or_a_fresh_alert_after_it() -> None:
    cfg = MomentConfig(cooldown=HOUR, escalation=3.0)
    det = ScopeDetector("b", cfg)
    det.update(0.0, ["warm"], _ex())
    t = HOUR + 10.0
    alerts = []
    for rate, minutes in ((10, 10), (12, 10), (60, 5)):  # per minute
        for _ in range(rate * minutes):
            t += 60.0 / rate
            alerts += det.update(t, ["storm"], _ex())
    assert len(alerts) == 2  # the 12/min plateau is held back; 60/min escalates
    assert alerts[1].current_per_min >= 3 * alerts[0].current_per_min
    t += 2 * HOUR
    quiet = sum(len(det.update(t + i * 600.0, ["storm"], _ex())) for i in range(6))
    assert quiet == 0


def _ex() -> object:
    from reale.signals.moment_scope import Example
    return Example("sim://x", "storm")


def test_broken_or_hostile_timestamps_do_not_fast_forward_the_windows() -> None:
    replay = _Replay()
    posts = stream(SPEC, 2 * HOUR, seed=4)
    _run(replay, posts)
    scope = replay.det._scopes["brand"]
    before = scope.cur
    for t in (float("nan"), float("inf"), 1e15, 0.0):
        replay.det.update(Post(network="sim", uri="sim://bad", author=Author(id="x"),
                               text="kw1 kw2 kw3", created_at=t), ("brand",))
    assert scope.cur == before


def test_exact_counters_stay_bounded_on_a_wide_vocabulary() -> None:
    det = ScopeDetector("*", MomentConfig(max_hot=50, promote_at=2))
    for i in range(20_000):
        det.update(i * 0.5, [f"w{i % 5000}", f"v{i % 7000}", "common"], _ex())  # type: ignore[arg-type]
    assert len(det.hot) <= 50 + 100  # pruned at each bucket roll


def test_a_restart_mid_stream_keeps_the_baseline() -> None:
    rank = rank_for_rate(SPEC, 1.0)
    term, base = f"kw{rank}", term_rate(SPEC, rank)
    posts = stream(SPEC, 3 * HOUR + 600, seed=5, bursts=(Burst(term, 3 * HOUR, 600, 9 * base),))
    before = [p for p in posts if p.created_at < 2 * HOUR]
    after = [p for p in posts if p.created_at >= 2 * HOUR]
    first = _Replay()
    _run(first, before)
    second = _Replay()
    second.det.restore(first.det.snapshot())
    alerts = _run(second, after)
    assert [a.term for a in alerts] == [term]  # no warm-up again, no false alarm from a cold start


def _posts(texts: list[str], t0: float) -> list[Post]:
    return [Post(network="sim", uri=f"sim://m/{i}", author=Author(id=f"u{i}"), text=text,
                 created_at=t0 + i * 4.0) for i, text in enumerate(texts)]


def test_whole_stream_moments_come_with_a_safety_read_from_the_injected_labeller() -> None:
    seen: list[list[str]] = []

    def labeller(texts: Sequence[str]) -> list[dict[str, str]]:
        seen.append(list(texts))
        return lexicon_labeller(texts)

    replay = _Replay(labeller=labeller)
    det = replay.det
    _run(replay, stream(SPEC, HOUR + 60, seed=2, scope="bg"), scopes=(GLOBAL,))
    joke = ["The stadium lights went out lol #blackout", "power outage at the game haha #blackout",
            "best halftime ever, no lights #blackout"] * 4
    alerts = _run(replay, _posts(joke, HOUR + 120), scopes=(GLOBAL,))
    assert alerts and alerts[0].term == "#blackout"
    read = det.joinable()[0].safety
    assert read is not None and read.verdict == "safe" and seen
    quake = ["Forte scossa di terremoto a Modena, ci sono vittime #terremoto",
             "Paura a San Felice, crollata la chiesa #terremoto",
             "Morti e feriti, che tragedia #terremoto"] * 4
    alerts = _run(replay, _posts(quake, HOUR + 400), scopes=(GLOBAL,))
    tragic = next(a for a in alerts if a.term == "#terremoto").safety
    assert tragic is not None and tragic.verdict == "avoid"
    assert any("tragic" in r for r in tragic.reasons)


def test_safety_reads_tell_joke_tragedy_and_controversy_apart() -> None:
    assert safety_read(["#blackout"], ["lights out at the superbowl lol"]).verdict == "safe"
    shooting = safety_read(["#shooting"], ["Shooting downtown, stay inside", "so scared right now"])
    assert shooting.verdict == "avoid" and shooting.violent_terms
    vote = safety_read(["#elezioni"], ["Domani si vota #elezioni", "Andate a votare", "Voto!"])
    assert vote.verdict == "caution" and "divisive" in vote.reasons[0]
    angry = safety_read(["#fail"], ["what a disgrace, furious", "shame on them, outrage",
                                    "I hate this", "ok"])
    assert angry.verdict == "avoid" and angry.anger_share >= 0.5
