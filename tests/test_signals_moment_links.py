"""One story, one verdict: a whole-stream moment whose posts belong to a concurrently alerted
moment that reads avoid (a town named only in an earthquake's posts) inherits avoid, with a reason
that names that moment; an unrelated moment of the same minute stays as it reads, a moment that
alerted long before or after is not linked, and a link never softens a read. On the demo's
simulated stream, through the embedded runner's signals stage, the earthquake scenario's town
reads avoid while the stadium blackout stays as it reads."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import msgspec

from reale.bench.signals_moments import play_story
from reale.clock import ManualClock
from reale.events import Post
from reale.run.demo import DemoSink
from reale.run.desksink import DeskStoreSink
from reale.signals.moment_links import MomentLinks, linked_read
from reale.signals.moment_scope import Example, MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.safety import SafetyConfig, SafetyRead
from reale.store import open_store
from reale.web import queries as web
from reale.web.data import write_moments
from reale.web.records import MomentRecord
from tests.test_kafka_moments_parts import FILLER, post

T0 = 1_767_225_600.0
HOUR = 3600.0
CFG = MomentConfig(warmup=HOUR)


def chatter(hours: float = 1.5) -> list[Post]:
    """A post every 30 s of words of its own, and "adesso" and "raga" now and then (the common
    words the bursts below share): the detector's baselines."""
    out = []
    for k in range(int(hours * HOUR / 30)):
        extra = " adesso" if k % 7 == 0 else " raga" if k % 11 == 0 else ""
        out.append(post(10_000 + k, f"{FILLER[k % 16]}{k} {FILLER[(k + 5) % 16]}x{k}{extra}",
                        T0 + 30.0 * k, lang="it"))
    return out


def spread(texts: Sequence[str], start: float, every: float, first: int) -> list[Post]:
    return [post(first + i, text, start + i * every, lang="it") for i, text in enumerate(texts)]


QUAKE = ["Scossa fortissima adesso, crolli e vittime in paese #terremoto",
         "Raga che paura, case crollate, ci sono morti #terremoto",
         "Un pensiero alle vittime, che tragedia #terremoto"]
TOWN = ["Non riesco a contattare i miei genitori a Valleverde, qualcuno ha notizie?",
        "Qualcuno sa qualcosa di Valleverde? Nessuno risponde al telefono",
        "Cerco mia zia, abita a Valleverde"]
NEWS = "Terremoto: crolli a Valleverde, ci sono vittime. Soccorsi al lavoro #terremoto"
BLACKOUT = ["Raga è saltata la luce allo stadio adesso, tutti con le torce #blackout",
            "Stadio al buio in diretta, adesso si ride #blackout",
            "Chi ha staccato la spina? #blackout"]


class Replay:
    """The whole-stream detector on a manual clock that follows the posts' times."""

    def __init__(self, safety: SafetyConfig | None = None) -> None:
        self.clock = ManualClock(T0)
        self.det = MomentDetector(CFG, self.clock, safety=safety)
        self.raised: list[MomentAlert] = []

    def run(self, posts: Sequence[Post]) -> list[MomentAlert]:
        out = []
        for p in sorted(posts, key=lambda p: p.created_at):
            self.clock.set(p.created_at)
            out += self.det.update(p, (GLOBAL,))
        self.raised += out
        return out

    def read(self, term: str) -> SafetyRead:
        [moment] = [a for a in self.det.joinable() if a.term == term]
        assert moment.safety is not None
        return moment.safety


def test_a_town_named_only_in_the_earthquake_posts_is_part_of_the_earthquake() -> None:
    replay = Replay()
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    # The quake and the cries for news from the town start together; the news naming the town
    # beside the quake's victims comes a few minutes later.
    replay.run([*spread(QUAKE * 5, start, 6.0, 0), *spread(TOWN * 3, start + 3, 8.0, 100),
                *spread([NEWS], start + 300, 1.0, 200), *spread(["ciao"], start + 400, 1.0, 300)])
    first = [a for a in replay.raised if a.term == "valleverde"]
    assert first[0].safety is not None and first[0].safety.verdict != "avoid"  # read alone
    town = replay.read("valleverde")
    assert town.verdict == "avoid" and town.linked_to == "#terremoto"
    assert town.reasons[0].startswith("part of the #terremoto moment (avoid): a name new to the "
                                      "stream, named in 1 of its")
    assert "vittime" in town.reasons[0]
    # raised again: the same moment (scope, term, time) with the stricter read
    assert [(a.at, a.safety.verdict if a.safety else "") for a in first] == [
        (first[0].at, first[0].safety.verdict), (first[0].at, "avoid")]
    assert replay.read("#terremoto").linked_to == ""  # the source reads avoid on its own


def test_a_moment_whose_posts_also_say_the_tragic_hashtag_inherits_avoid_at_once() -> None:
    # (one tragedy, one alert folds such a moment into the tragedy's: see
    # tests/test_signals_moment_fold.py; here the link alone, as without the fold)
    replay = Replay(SafetyConfig(fold_avoid=False))
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    amatrice = ["Crolli e vittime ad Amatrice, che tragedia #amatrice",
                "Case crollate, morti sotto le macerie #amatrice"]
    # the town's own hashtag (a hashtag is never folded into another one), beside the tragedy's
    asking = ["Qualcuno ha notizie? #sanlorenzo #amatrice", "Cerco mia zia #sanlorenzo",
              "Nessuno risponde al telefono #sanlorenzo #amatrice"]
    replay.run([*spread(amatrice * 6, start, 5.0, 0), *spread(asking * 3, start + 2, 6.0, 100)])
    read = replay.read("#sanlorenzo")
    assert read.verdict == "avoid" and read.linked_to == "#amatrice"
    assert read.reasons[0].startswith("part of the #amatrice moment (avoid): ")
    assert read.reasons[0].endswith("posts also say amatrice")
    first = next(a for a in replay.raised if a.term == "#sanlorenzo")
    assert first.safety is not None and first.safety.linked_to == "#amatrice"  # at once


def test_a_stadium_blackout_in_the_same_minute_as_an_earthquake_stays_independent() -> None:
    replay = Replay()
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    # both crowds write "adesso" and "raga"; no post carries both moments' terms
    replay.run([*spread(QUAKE * 5, start, 6.0, 0), *spread(BLACKOUT * 5, start + 2, 6.0, 100),
                *spread(["ciao"], start + 400, 1.0, 300)])
    assert replay.read("#terremoto").verdict == "avoid"
    blackout = replay.read("#blackout")
    assert blackout.verdict == "safe" and blackout.linked_to == ""
    assert not any(a.safety and a.safety.linked_to for a in replay.raised)


# -- the rule on its own ---------------------------------------------------------------------

def alert(term: str, at: float, verdict: str, *, linked_to: str = "", base: float = 0.01,
          window: float = 120.0) -> MomentAlert:
    read = SafetyRead(verdict=verdict, reasons=(f"read {verdict} on its own",),
                      linked_to=linked_to)
    return MomentAlert(scope=GLOBAL, term=term, at=at, count=8, window_seconds=window,
                       baseline_per_min=base, current_per_min=4.0, ratio=40.0, log10_p=-9.0,
                       examples=(Example("at://x", term),), cooccurring=(), safety=read)


def posts_saying(at: float, *terms: tuple[str, ...]) -> list[tuple[float, Sequence[str]]]:
    return [(at + i, t) for i, t in enumerate(terms)]


QUAKE_POSTS = posts_saying(T0, ("valleverde", "notizie", "#terremoto"),
                           ("valleverde", "genitori", "terremoto"), ("valleverde", "notizie"),
                           ("valleverde", "#terremoto", "case"), ("valleverde", "#terremoto"))


def test_four_of_five_posts_saying_the_tragic_term_link_a_caution_moment() -> None:
    town = alert("valleverde", T0 + 5, "caution", base=2.0)  # not new: the share decides
    quake = alert("#terremoto", T0, "avoid")
    read = linked_read(town, [quake], QUAKE_POSTS, T0 + 10)
    assert read is not None and read.verdict == "avoid" and read.linked_to == "#terremoto"
    assert read.reasons == ("part of the #terremoto moment (avoid): 4 of its 5 posts also say "
                            "terremoto", "read caution on its own")


def test_a_word_that_rose_with_a_tragic_moments_story_links_as_its_term_does() -> None:
    # "donate" rose with #earthquake and joined its story (no moment of its own); the Italian
    # call for blood ("donate il sangue, servono sacche") carries the word, not the hashtag
    blood = alert("servono sacche", T0 + 5, "safe", base=2.0)
    quake = alert("#earthquake", T0, "avoid")
    posts = posts_saying(T0, ("servono sacche", "donate", "sangue"), ("servono sacche", "donate"),
                         ("servono sacche", "donate", "ospedali"))
    assert linked_read(blood, [quake], posts, T0 + 10) is None  # its term alone: not linked
    read = linked_read(blood, [quake], posts, T0 + 10,
                       names_of=lambda a: [a.term, "donate"] if a.term == "#earthquake" else [])
    assert read is not None and read.verdict == "avoid" and read.linked_to == "#earthquake"
    assert read.reasons[0] == ("part of the #earthquake moment (avoid): 3 of its 3 posts also "
                               "say donate")


def test_a_link_needs_a_source_active_in_the_window() -> None:
    cfg = SafetyConfig()
    town = alert("valleverde", T0 + 5, "safe", base=2.0)
    stale = alert("#terremoto", T0 + 5 - cfg.link_window - 1, "avoid")
    assert linked_read(town, [stale], QUAKE_POSTS, T0 + 10) is None  # alerted long before it
    quake = alert("#terremoto", T0, "avoid")
    assert linked_read(town, [quake], QUAKE_POSTS, T0 + cfg.link_window + 1) is None  # over now
    assert linked_read(town, [quake], QUAKE_POSTS, T0 + 10) is not None
    # a moment's later posts are not its burst's: a word swept up by the quake long after its
    # own burst is not part of it
    late = posts_saying(T0 + 600, *(p for _, p in QUAKE_POSTS))
    assert linked_read(town, [quake], late, T0 + 610) is None


def test_a_link_never_softens_a_read_nor_passes_an_inherited_one_on() -> None:
    quake = alert("#terremoto", T0, "avoid")
    assert linked_read(alert("valleverde", T0, "avoid"), [quake], QUAKE_POSTS, T0 + 10) is None
    town = alert("valleverde", T0, "safe", base=2.0)
    assert linked_read(town, [alert("#terremoto", T0, "caution")], QUAKE_POSTS, T0 + 10) is None
    inherited = alert("#terremoto", T0, "avoid", linked_to="#sisma")
    assert linked_read(town, [inherited], QUAKE_POSTS, T0 + 10) is None
    # the moments tracker keeps the stricter read: once linked, raising it again changes nothing
    links = MomentLinks()
    out = links.update([town, quake], lambda term: QUAKE_POSTS if term == "valleverde" else [],
                       T0 + 10)
    assert [a.safety.verdict for a in out if a.safety] == ["avoid", "avoid"]
    assert links.update([], lambda term: QUAKE_POSTS, T0 + 20) == []
    assert msgspec.convert(links.state(), list[MomentAlert]) == list(links.moments.values())


# -- the simulator's earthquake, through the embedded runner's signals stage ----------------------

def test_the_demo_streams_valleverde_reads_avoid_as_part_of_the_earthquake(tmp_path: Path) -> None:
    out = io.StringIO()
    desk = DeskStoreSink(None, None, None, lambda: 0.0)
    run = play_story(7, sinks=[desk, DemoSink(out)])
    [key] = [k for k in run.final if k[0] == "valleverde"]
    first, final = run.first[key].safety, run.final[key].safety
    assert first is not None and first.verdict != "avoid"  # its own posts: no tragic word
    assert final is not None and final.verdict == "avoid" and final.linked_to == "#terremoto"
    assert final.reasons[0].startswith("part of the #terremoto moment (avoid): a name new to "
                                       "the stream, named in 1 of its")
    # the moments of the stadium blackout, alerted in the same minutes, stay as they read
    for term in ("#blackout", "#finalecoppa"):
        reads = [a.safety for k, a in run.final.items() if k[0] == term]
        assert reads and all(r is not None and not r.linked_to for r in reads), term
    # the web desk's row is the moment raised first, its read made stricter in place
    with open_store(f"sqlite:///{tmp_path / 'desk.db'}") as store:
        with store.transaction() as tx:
            write_moments(tx, [r for r in desk.take() if isinstance(r, MomentRecord)])
        [row] = [m for m in web.moments(store, scope="*") if m.alert.term == "valleverde"]
    assert row.alert.safety is not None and row.alert.safety.verdict == "avoid"
    assert row.alert.at == key[1]
    # the demo prints the moment, then its stricter read
    lines = [line for line in out.getvalue().splitlines() if "'valleverde'" in line]
    assert "safety: safe" in lines[0]
    assert lines[1].startswith("  ⚠ moment 'valleverde' now reads avoid: part of the #terremoto")


def test_the_moments_open_to_a_link_survive_a_restart() -> None:
    replay = Replay()
    start = T0 + 1.5 * HOUR
    replay.run(chatter())
    replay.run([*spread(QUAKE * 5, start, 6.0, 0), *spread(TOWN * 3, start + 3, 8.0, 100)])
    town = replay.read("valleverde")
    assert town.verdict != "avoid"
    again = Replay()
    again.det.restore(replay.det.snapshot())
    assert set(again.det.links.moments) == set(replay.det.links.moments) >= {"valleverde"}
    # the news naming the town comes after the restart: the town is still linked
    later = again.run([*spread([NEWS], start + 300, 1.0, 200), *spread(["ciao"], start + 400, 1.0, 300)])
    linked = [a for a in later if a.term == "valleverde"]
    assert linked and linked[-1].safety is not None and linked[-1].safety.verdict == "avoid"
