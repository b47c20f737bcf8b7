"""Aftermath: after the brand acts, reactions are counted against the conversation's own baseline,
and a backlash alert is raised — with the posts that show it — only when accusations, mockery or
negativity really rise."""

from __future__ import annotations

import pytest

from reale.clock import ManualClock
from reale.desk.aftermath import Aftermath
from reale.desk.aftermath_rules import AftermathParams, aftermath_params_from_config
from reale.desk.reactions import ReactionLabel, lexicon_labeller, with_sentiment
from reale.desk.tail_tests import binomial_sf, poisson_sf
from reale.errors import ConfigError, DeskError
from reale.events import Author, Deletion, Interaction, Post

T0 = 1_700_000_000.0
ORIGINAL = "x://tweet/100"
REPLY = "x://tweet/200"  # the brand's public answer
FRIENDLY = ["dai @minicar_it aiutalo!", "forza Luca", "RT please", "che sfortuna", "spero ti aiutino"]
ACCUSING = ["marchetta!", "pubblicità occulta bella e buona", "ma dai, è tutto pagato 😂",
            "bello spot, complimenti eh", "#adv?", "paid shill lol"]
BENIGN = ["grande Minicar!", "bel gesto", "che bello", "bravi", "thanks for helping him"]
_n = 0


def _post(text: str, at: float, parent: str = ORIGINAL, quote: bool = False) -> Post:
    global _n
    _n += 1
    root = ORIGINAL if parent in (ORIGINAL, REPLY) else parent
    link = {"quote_of": parent} if quote else {"reply_parent": parent, "reply_root": root}
    return Post(network="x", uri=f"x://tweet/r{_n}", author=Author(id=f"u{_n}", handle=f"user{_n}"),
                text=text, created_at=at, **link)  # type: ignore[arg-type]


def _desk(lang: str = "en") -> tuple[ManualClock, Aftermath, str]:
    clock = ManualClock(T0)
    after = Aftermath(clock, team_language=lang)
    watch_id = after.watch(brand="Minicar", original_uri=ORIGINAL, original_at=T0)
    for i in range(10):  # two hours of friendly baseline, one sour note
        text = "che schifo questa storia" if i == 5 else FRIENDLY[i % len(FRIENDLY)]
        after.update(_post(text, T0 + 720 * i))
    clock.set(T0 + 7200)
    after.acted(watch_id, REPLY)
    return clock, after, watch_id


def test_accusations_after_a_public_gift_raise_a_backlash_alert_with_evidence() -> None:
    clock, after, watch_id = _desk()
    alerts = []
    for i in range(24):
        t = T0 + 7200 + 60 * (i + 1)
        clock.set(t)
        text = ACCUSING[i % len(ACCUSING)] if i % 2 == 0 else BENIGN[i % len(BENIGN)]
        alerts += after.update(_post(text, t, parent=REPLY if i % 3 else ORIGINAL))
    assert len(alerts) == 1  # raised once, not at every post
    alert = alerts[0]
    assert alert.brand == "Minicar" and alert.watch_id == watch_id
    assert alert.count >= 5 and alert.share_after > 2 * alert.share_before
    assert alert.p_value < 0.01
    assert alert.evidence and all(e.accusation or e.mockery or e.negative for e in alert.evidence)
    assert alert.evidence[0].accusation
    assert alert.message.startswith("backlash: ") and "before: 10%" in alert.message
    status = after.get(watch_id)
    assert status.before.n == 10 and status.before.bad == 1
    assert status.after.accusation >= 6 and status.alerts == [alert]


def test_more_attention_at_the_same_tone_is_not_a_backlash() -> None:
    clock, after, _ = _desk()
    alerts = []
    for i in range(100):  # five times the traffic, the same one-in-ten sour share
        t = T0 + 7200 + 30 * (i + 1)
        clock.set(t)
        alerts += after.update(_post("che schifo" if i % 10 == 0 else BENIGN[i % 5], t, parent=REPLY))
    assert alerts == []


def test_a_handful_is_not_a_backlash() -> None:
    clock, after, watch_id = _desk()
    for _ in range(4):  # four accusations: a lot in share, under the minimum count
        clock.advance(60)
        assert after.update(_post("marchetta", clock.now(), parent=REPLY)) == []
    assert after.get(watch_id).after.bad == 4


def test_a_late_surge_shows_in_the_latest_window() -> None:
    clock, after, watch_id = _desk()
    for h in range(12):  # twelve quiet hours after acting
        clock.advance(3600)
        after.update(_post(BENIGN[h % 5], clock.now(), parent=REPLY))
        after.update(_post(BENIGN[(h + 1) % 5], clock.now(), parent=REPLY))
    alerts = []
    for i in range(8):
        clock.advance(120)
        alerts += after.update(_post(ACCUSING[i % len(ACCUSING)], clock.now(), parent=REPLY))
    # Over the whole period 8 bad in 32 is not yet significant; the latest hour alone is.
    assert alerts and alerts[0].reactions < after.get(watch_id).after.n
    assert alerts[0].reactions <= 10


def test_quotes_count_likes_do_not_and_unrelated_posts_are_ignored() -> None:
    _, after, watch_id = _desk()
    after.update(_post("pubblicità occulta", T0 + 7300, parent=REPLY, quote=True))
    like = Interaction(network="x", uri="x://like/1", kind="like", author=Author(id="z"),
                       subject=REPLY, created_at=T0 + 7301)
    quote = Interaction(network="x", uri="x://q/2", kind="quote", author=Author(id="q"),
                        subject=REPLY, text="paid", created_at=T0 + 7302)
    after.update(like)
    after.update(quote)
    after.update(_post("marchetta", T0 + 7303, parent="x://tweet/elsewhere"))
    status = after.get(watch_id)
    assert status.after.n == 2 and status.after.accusation == 2


def test_italian_message_and_an_injected_labeller() -> None:
    clock = ManualClock(T0)

    def everything_is_negative(text: str, lang: str) -> ReactionLabel:
        return ReactionLabel(negative=True, cues=("brutto",))

    after = Aftermath(clock, labeller=everything_is_negative, team_language="it")
    wid = after.watch(brand="B", original_uri=ORIGINAL, original_at=T0, action_uri=REPLY,
                      acted_at=T0)
    alerts = []
    for _ in range(6):
        clock.advance(30)
        alerts += after.update(_post("qualsiasi cosa", clock.now(), parent=REPLY))
    assert alerts and alerts[0].message.startswith("contraccolpo: ")
    assert "prima: nessuna reazione" in alerts[0].message and "«brutto»" in alerts[0].message
    assert after.get(wid).after.negative == 6


def test_a_failing_labeller_skips_the_post_and_counts_it() -> None:
    def broken(text: str, lang: str) -> ReactionLabel:
        raise ValueError("model not loaded")

    after = Aftermath(ManualClock(T0), labeller=broken)
    after.watch(brand="B", original_uri=ORIGINAL, action_uri=REPLY, acted_at=T0)
    assert after.update(_post("x", T0 + 1, parent=REPLY)) == []
    assert after.skipped == 1


def test_watches_expire_and_unknown_ids_are_refused() -> None:
    clock, after, watch_id = _desk()
    clock.advance(after.params.follow_for + 1)
    after.update(_post("marchetta", clock.now(), parent=REPLY))
    status = after.get(watch_id)
    assert not status.active and status.after.n == 0
    with pytest.raises(DeskError, match="no watch"):
        after.get("nope")
    with pytest.raises(DeskError, match="watch"):
        after.acted("nope", REPLY)


def test_history_seeds_the_baseline() -> None:
    after = Aftermath(ManualClock(T0 + 100))
    history = tuple(_post(FRIENDLY[i], T0 + i) for i in range(5))
    wid = after.watch(brand="B", original_uri=ORIGINAL, original_at=T0, history=history)
    assert after.get(wid).before.n == 5 and after.watches() == [wid]


def test_the_lexicon_in_both_languages() -> None:
    assert lexicon_labeller("Marchetta! 😂").accusation and lexicon_labeller("Marchetta! 😂").mockery
    assert lexicon_labeller("is this an ad?").accusation
    assert lexicon_labeller("#adv?").accusation
    assert lexicon_labeller("pubblicità occulta").accusation
    assert lexicon_labeller("Vergogna").negative
    for fine in ("spot on, well done", "I bought one too", "grazie Minicar", "sold out everywhere"):
        assert not lexicon_labeller(fine).bad, fine
    model = with_sentiment(lambda text, lang: -0.9 if "meh" in text else 0.5)
    assert model("meh", "en").negative and not model("paid", "en").negative
    assert model("paid", "en").accusation


def test_params_from_config() -> None:
    assert aftermath_params_from_config({"desk": {"aftermath": {"min_count": 8}}}).min_count == 8
    assert aftermath_params_from_config({}) == AftermathParams()
    with pytest.raises(ConfigError, match="alpha"):
        aftermath_params_from_config({"desk": {"aftermath": {"alpha": 2}}})


@pytest.mark.parametrize(("k", "mu"), [(5, 0.5), (3, 2.9), (10, 3.0), (100, 60.0), (1, 0.01)])
def test_poisson_tail_matches_scipy(k: int, mu: float) -> None:
    stats = pytest.importorskip("scipy.stats")
    assert poisson_sf(k, mu) == pytest.approx(stats.poisson.sf(k - 1, mu), rel=1e-9)


@pytest.mark.parametrize(("k", "n", "p"), [(5, 8, 0.2), (30, 100, 0.2), (900, 1000, 0.5), (1, 1, 0.3)])
def test_binomial_tail_matches_scipy(k: int, n: int, p: float) -> None:
    stats = pytest.importorskip("scipy.stats")
    assert binomial_sf(k, n, p) == pytest.approx(stats.binom.sf(k - 1, n, p), rel=1e-9)


def test_the_author_deleting_the_original_after_the_brand_replied_is_recorded_once() -> None:
    clock, after, watch_id = _desk()
    clock.set(T0 + 9000)
    assert after.deleted(Deletion(network="x", uri=REPLY, deleted_at=T0 + 8000)) == []
    (status,) = after.deleted(Deletion(network="x", uri=ORIGINAL, deleted_at=T0 + 8500))
    assert status.watch_id == watch_id and status.deleted_at == T0 + 8500
    assert status.acted_at is not None and status.deleted_at > status.acted_at
    assert after.deleted(Deletion(network="x", uri=ORIGINAL, deleted_at=T0 + 8900)) == []
    assert after.get(watch_id).deleted_at == T0 + 8500
    restored = Aftermath(clock)
    restored.restore(after.snapshot())
    assert restored.get(watch_id).deleted_at == T0 + 8500
