"""Before the team has decided anything, the brand's own voice tells the brand from the word: posts
addressed to its handle or carrying its hashtag are the brand's by construction, and a mention is
scored by whether it sits nearer those posts or nearer everyday talk."""

from __future__ import annotations

import numpy as np
import pytest

from reale.config import BrandConfig
from reale.understand.relevance_prior import BrandPrior, anchor_pattern
from reale.understand.understander import Understander

MELA = BrandConfig(name="Mela", handles=("mela-mobile.bsky.social",), hashtags=("#MelaPhone",),
                   keywords=("mela", "Mela Mobile"))
# What people write to the phone maker (the anchors): support questions and complaints.
ADDRESSED = [
    "@mela-mobile.bsky.social il mio Mela 12 si spegne al 30% di batteria, aiuto",
    "@mela-mobile.bsky.social does the Mela 12 Pro support wireless charging?",
    "@mela-mobile.bsky.social the screen of my Mela 12 cracked after a week",
    "@mela-mobile.bsky.social quando arriva l'aggiornamento per il Mela Mini?",
    "My Mela 12 Pro shuts down at 30% battery every single day @mela-mobile.bsky.social",
    "@mela-mobile.bsky.social la fotocamera del Mela 12 Pro fa foto sfocate di notte",
    "@mela-mobile.bsky.social can I trade in my old Mela 10 for the new model?",
    "@mela-mobile.bsky.social l'app della banca non si apre più sul mio Mela",
    "The Mela 12 night photos are unreal #MelaPhone",
    "@mela-mobile.bsky.social my Mela keeps losing wifi after the update",
    "@mela-mobile.bsky.social il caricatore del Mela 12 si scalda troppo, è normale?",
    "Mela Mobile support kept me on hold for an hour, not great",
]
PHONE = ["Il nuovo Mela 12 ha una batteria che dura due giorni, impressionante",
         "Thinking of switching to the Mela 12, is the camera really that good?"]
FRUIT = ["Torta di mela della nonna, la ricetta non la do a nessuno",
         "Una mela al giorno toglie il medico di torno, dicono",
         "Crostata di mela e cannella per merenda, che profumo"]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander.load()


def prior_of(u: Understander) -> BrandPrior:
    prior = u.relevance_prior(MELA.name, MELA.handles, MELA.hashtags, MELA.keywords)
    assert prior is not None
    return prior


def test_what_makes_a_post_the_brands_by_construction() -> None:
    rx = anchor_pattern(MELA.handles, MELA.hashtags, MELA.keywords)
    assert rx is not None
    assert rx.search("ciao @Mela-Mobile.bsky.social, aiuto")  # any case
    assert rx.search("foto da urlo #melaphone")
    assert rx.search("Mela Mobile non risponde")  # the brand named in full
    assert not rx.search("una mela al giorno"), "a one-word keyword is what is ambiguous"
    assert not rx.search("@mela-mobile.bsky.social.fake.example is someone else")
    assert not rx.search("#MelaPhones is another tag")


def test_a_brand_with_nothing_of_its_own_gets_no_prior(u: Understander) -> None:
    assert anchor_pattern((), (), ("mela",)) is None
    assert u.relevance_prior("Mela", (), (), ("mela",)) is None


def test_hostile_handles_and_tags_are_matched_literally() -> None:
    rx = anchor_pattern(("a.b(c)*",), ("#x+y",), ("[mela] .*",))
    assert rx is not None
    assert rx.search("hi @a.b(c)* there") and rx.search("#x+y") and rx.search("[mela] .*")
    assert not rx.search("hi @aXb(c)) there") and not rx.search("mela anything")


def test_it_has_no_opinion_until_it_has_heard_enough_of_the_brand(u: Understander) -> None:
    prior = prior_of(u)
    for text in ADDRESSED[:prior.min_anchors - 1]:
        assert prior.update(text)
    assert prior.get(FRUIT[0]) is None, "nine anchors: no opinion yet"
    assert prior.get(ADDRESSED[0]) == 1.0, "an anchor is the brand's whatever the count"
    assert not prior.update(FRUIT[0]), "an ordinary mention is no anchor"
    assert len(prior) == prior.min_anchors - 1


def test_it_tells_the_phone_from_the_fruit(u: Understander) -> None:
    prior = prior_of(u)
    for text in ADDRESSED:
        prior.update(text)
    phone = prior.get_batch(PHONE)
    fruit = prior.get_batch(FRUIT)
    assert all(p is not None for p in phone + fruit)
    assert min(phone) > 0.9 and min(phone) > max(fruit), (phone, fruit)  # type: ignore[type-var]
    # The proverb still reads 0.6: a saying that only names the fruit is far from everyday
    # talk too. Only the team's decisions settle those (the learned model replaces the prior).
    assert fruit[0] < 0.3, "the cake is no opportunity (below the desk's relevance floor)"


def small_prior(u: Understander, remember: int, anchors: list[str] = (), embed=None) -> BrandPrior:  # type: ignore[assignment]
    """A prior that remembers ``remember`` anchors and speaks from as many, taught ``anchors``."""
    prior = BrandPrior("Mela", anchor_pattern(MELA.handles, (), ()),  # type: ignore[arg-type]
                       embed or u.embed_for_relevance, u.background,  # type: ignore[arg-type]
                       remember=remember, min_anchors=remember)
    for text in anchors:
        prior.update(text)
    return prior


def test_it_remembers_the_newest_anchors_each_once_and_survives_a_snapshot(u: Understander) -> None:
    prior = small_prior(u, 5, [*ADDRESSED[:4], ADDRESSED[0]])  # the same words again: once
    assert len(prior) == 4
    for text in ADDRESSED[4:8]:
        prior.update(text)
    assert prior.snapshot()["anchors"] == ADDRESSED[3:8]
    again = small_prior(u, 5)
    again.restore(prior.snapshot())
    assert again.get(FRUIT[0]) == pytest.approx(small_prior(u, 5, ADDRESSED[3:8]).get(FRUIT[0]),
                                                abs=1e-6)


def test_anchors_dropped_from_memory_are_dropped_from_the_comparison(u: Understander) -> None:
    calls: list[int] = []

    def embed(texts):  # the real encoder, counting what it is asked to embed
        calls.append(len(texts))
        return u.embed_for_relevance(texts)

    prior = small_prior(u, 3, ADDRESSED[:3], embed)
    prior.get(FRUIT[0])
    for text in ADDRESSED[3:5]:
        prior.update(text)
    prior.get(FRUIT[0])
    assert calls == [1, 3, 1, 2], "each scored text once, each anchor once (the new ones only)"
    fresh = small_prior(u, 3, ADDRESSED[2:5])
    assert prior.get(FRUIT[1]) == pytest.approx(fresh.get(FRUIT[1]), abs=1e-6)


def test_a_prior_embedded_elsewhere_takes_the_newer_anchors_with_their_vectors(
        u: Understander) -> None:
    """Kafka's background thread rebuilds a prior from the stored mentions and embeds it; the
    prior in use meanwhile took fresh anchors (some scored already): the rebuilt one takes them
    after its own, as if it had seen them in turn, and embeds only those never embedded."""
    calls: list[list[str]] = []

    def embed(texts):  # the real encoder, counting what it is asked to embed
        calls.append(list(texts))
        return u.embed_for_relevance(texts)

    rebuilt = small_prior(u, 5, ADDRESSED[:4], embed)
    rebuilt.embed()
    in_use = small_prior(u, 5, [ADDRESSED[3], ADDRESSED[4]], embed)
    in_use.embed()  # both embedded (as a score embeds them)
    in_use.update(ADDRESSED[5])  # not yet
    calls.clear()
    rebuilt.extend(in_use)
    assert rebuilt.snapshot()["anchors"] == ADDRESSED[1:6], "the oldest forgotten, each once"
    assert rebuilt.waiting() == 1 and calls == []
    score = rebuilt.get(FRUIT[1])
    assert calls == [[FRUIT[1]], [ADDRESSED[5]]], "only the anchor never embedded"
    assert score == pytest.approx(small_prior(u, 5, ADDRESSED[1:6]).get(FRUIT[1]), abs=1e-6)


def test_the_desk_reads_the_prior_until_the_team_has_kept_and_dismissed(u: Understander) -> None:
    from reale.run.wiring import Understanding

    understanding = Understanding((MELA,))
    for text in ADDRESSED:
        assert understanding.relevance("Mela", text) == 1.0  # each one teaches the prior
    fruit = understanding.relevance("Mela", FRUIT[0])
    assert fruit is not None and fruit < 0.5
    understanding.learn("Mela", FRUIT[1], False)
    assert understanding.relevance("Mela", FRUIT[0]) == fruit, "one kind of decision: still the prior"
    understanding.learn("Mela", PHONE[0], True)
    learned = understanding.relevance("Mela", FRUIT[0])
    assert learned is not None and learned != fruit
    assert np.isclose(learned, understanding.models["Mela"].predict(FRUIT[0]))


def test_a_restarted_runner_takes_its_anchors_back_from_the_store(u: Understander, tmp_path) -> None:
    from reale.events import Author, Mention, Post
    from reale.run.wiring import Understanding
    from reale.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'reale.sqlite'}")
    store.migrate()
    try:
        texts = [*ADDRESSED, *FRUIT]
        store.write_mentions([
            Mention(brand="Mela", query="mela", matched_at=1000.0 + i, post=Post(
                network="bluesky", uri=f"at://did:plc:a{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:a{i}"), text=text, created_at=1000.0 + i))
            for i, text in enumerate(texts)])
        before = Understanding((MELA,))
        for text in texts:
            before.relevance("Mela", text)
        after = Understanding((MELA,))  # a new process: nothing in memory
        assert after.relevance("Mela", FRUIT[0]) is None
        assert after.recall_anchors(store) == len(ADDRESSED), "the anchors, not the fruit"
        assert after.priors["Mela"].snapshot() == before.priors["Mela"].snapshot()
        assert after.relevance("Mela", FRUIT[0]) == pytest.approx(
            before.relevance("Mela", FRUIT[0]), abs=1e-6)
    finally:
        store.close()


def test_a_mention_just_labelled_is_not_embedded_again_for_its_relevance(u: Understander) -> None:
    texts = [*PHONE, *FRUIT]
    fresh = u.embed_for_relevance(texts)  # computed: nothing labelled yet
    u.annotate_batch(texts)
    encode, calls = u.encoder.encode, []

    def counted(batch):  # the real encoder, counting what it is asked to encode
        calls.append(len(batch))
        return encode(batch)

    u.encoder.encode = counted  # type: ignore[method-assign]
    try:
        again = u.embed_for_relevance([*texts, "something never labelled"])
    finally:
        u.encoder.encode = encode  # type: ignore[method-assign]
    assert calls == [1], "only the text the labelling did not see"
    assert np.allclose(again[:len(texts)], fresh, atol=1e-5)  # one batch's rounding to another's
