"""A whole-stream moment made of one watched brand's mentions is that brand's (it reads avoid:
no brand joins a brand's complaint wave), on the Kafka runner as on the embedded one: the
``moments`` role's count stage matches each post with the matcher's watch-queries and counts,
per term, the posts each brand's scope would count; the merge stage applies the embedded rule
(``reale.signals.moments.owner_of``) to those counts. And a brand's wave is not raised at all
while the brand's scope has the story already: the brand stage publishes its brands' stories,
the merge stage reads them. No broker here: the stages' pure state (and a store for the last)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from reale.clock import ManualClock
from reale.config import BrandConfig
from reale.events import Author, Mention, Post
from reale.match import Matcher
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.moment_counts import (
    BrandsOf,
    TermCounts,
    conversation_source,
    decode_partial,
)
from reale.run.kafka.moment_merge import MomentMerge
from reale.run.kafka.moments import MomentCountStage, MomentMergeStage
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import NamedBlob
from reale.run.kafka.snapshots import register as register_snapshots
from reale.signals.brand_stories import (
    BrandStories,
    decode_stories,
    encode_stories,
    marks_of,
    open_at,
)
from reale.signals.moment_links import source_of
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.settings import SignalsConfig
from reale.store import open_store
from tests.kafka_helpers import Consumed as Record

T0 = 1_767_225_600.0  # a bucket boundary
CFG = MomentConfig(warmup=0.0)
GRACE = 30.0
VOLTA = BrandConfig(name="Volta", handles=("volta-auto.bsky.social",), keywords=("volta",))
MATCHER = Matcher.from_brands((VOLTA,))
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris",
         "juniper", "kestrel", "lagoon", "meadow", "nectar", "orchid", "prairie")


def post(i: int, text: str, at: float) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:u{i}"), text=text, created_at=at, langs=("en",),
                hashtags=tuple(w[1:] for w in text.split() if w.startswith("#")))


def brands_of(p: Post) -> list[str]:
    return [m.brand for m in MATCHER.match(p)]


def stream(t0: float = T0) -> list[Post]:
    """An hour of quiet chatter; then a complaint wave addressed to Volta by its handle (the
    brand's name is no term of the posts: only the matcher knows they are Volta's); then a
    stadium blackout, two of whose twelve posts happen to tag Volta."""
    quiet = [post(5000 + k, "quiet weather report", t0 + 30.0 * k) for k in range(120)]
    wave = [post(100 + i, f"@volta-auto.bsky.social brakes failed again {WORDS[i]} #brakegate",
                 t0 + 3600 + 5.0 * i) for i in range(12)]
    blackout = [post(200 + i, ("@volta-auto.bsky.social " if i < 2 else "")
                     + f"stadium lights out {WORDS[i]} #blackout", t0 + 4200 + 5.0 * i)
                for i in range(12)]
    later = [post(300 + j, f"evening {WORDS[j]}", t0 + 4800 + j) for j in range(3)]
    return sorted([*quiet, *wave, *blackout, *later], key=lambda p: p.created_at)


def embedded(posts: Iterable[Post]) -> list[MomentAlert]:
    """As the embedded signals stage: every post to the whole stream, then to each brand it
    mentions (the matcher's mentions)."""
    clock = ManualClock(T0)
    det = MomentDetector(CFG, clock)
    raised: list[MomentAlert] = []
    for p in posts:
        clock.set(p.created_at)
        raised += det.update(p, (GLOBAL,))
        for brand in brands_of(p):
            raised += det.update(p, (brand,))
    return [a for a in raised if a.scope == GLOBAL]


def on_kafka(posts: Iterable[Post], partitions: int = 3, cut: float = math.inf) -> list[MomentAlert]:
    """As the moments role: posts counted per ``posts`` partition (by author), partials merged;
    beside it the brand stage counts each mention in its brand's scope and publishes the
    brand's stories, which the merge stage reads before raising a brand's wave. At ``cut``
    (a post time) both moments stages are restored from their snapshots into fresh states."""
    states = [TermCounts(CFG, GRACE, brands_of) for _ in range(partitions)]
    merge = MomentMerge(CFG, GRACE)
    brand_clock = ManualClock(T0)
    brand_stage = MomentDetector(CFG, brand_clock)  # as a brand stage partition's signals
    published: dict[str, BrandStories] = {}
    raised: list[MomentAlert] = []
    for offset, p in enumerate(posts):
        brand_clock.set(p.created_at)
        for brand in brands_of(p):
            brand_stage.update(p, (brand,))
            scope = brand_stage.scope(brand)
            assert scope is not None
            published[brand] = decode_stories(encode_stories(
                marks_of(brand, scope, published.get(brand))))
        if p.created_at >= cut:
            cut = math.inf
            states, merge = restored(states, merge)
        part = zlib.crc32(p.author.id.encode()) % partitions
        states[part].update(p, part, offset, now=p.created_at)
        for _, value in states[part].take():
            merge.add(decode_partial(value))
        raised += merge.close(stories=published.get)
    return raised


def restored(states: Sequence[TermCounts], merge: MomentMerge
             ) -> tuple[list[TermCounts], MomentMerge]:
    again = [TermCounts(CFG, GRACE, brands_of) for _ in states]
    for new, old in zip(again, states, strict=True):
        new.restore(old.snapshot())
    merge_again = MomentMerge(CFG, GRACE)
    merge_again.restore(merge.snapshot())
    assert merge_again.owned_quiet == merge.owned_quiet
    return again, merge_again


def second_wave(t0: float = T0) -> list[Post]:
    """The stream, with a second Volta wave (a recall) five minutes after the first, while the
    brand's scope still has the first one's story open."""
    recall = [post(400 + i, f"@volta-auto.bsky.social recall notice {WORDS[i]} #voltarecall",
                   t0 + 3900 + 5.0 * i) for i in range(12)]
    return sorted([*stream(t0), *recall], key=lambda p: p.created_at)


def owners(alerts: Sequence[MomentAlert]) -> dict[str, str]:
    """Each whole-stream moment's owner, as first raised."""
    out: dict[str, str] = {}
    for a in alerts:
        out.setdefault(a.term, a.owner)
    return out


def test_the_same_stream_gives_the_same_owners_on_both_runners() -> None:
    posts = stream()
    expected = {"#brakegate": "Volta", "#blackout": ""}
    assert owners(embedded(posts)) == expected
    assert owners(on_kafka(posts)) == expected


def test_a_brands_second_wave_is_not_raised_on_either_runner_while_its_story_is_open() -> None:
    """The recall is Volta's wave too, but Volta's scope has had the brake story open since the
    first wave: it is Volta's story already, not a whole-stream moment, on both runners."""
    posts = second_wave()
    expected = {"#brakegate": "Volta", "#blackout": ""}
    assert owners(embedded(posts)) == expected
    assert owners(on_kafka(posts)) == expected


def test_a_quiet_wave_stays_quiet_across_the_merge_stages_snapshot() -> None:
    """Restored just after the recall was kept quiet (the blackout's first post closes its
    bucket), the merge stage keeps what it kept quiet and raises the same moments."""
    expected = {"#brakegate": "Volta", "#blackout": ""}
    assert owners(on_kafka(second_wave(), cut=T0 + 4201)) == expected


def merged_alone(posts: Iterable[Post],
                 counted_by: BrandsOf | None = None) -> list[MomentAlert]:
    """The moments role with no brand stage beside it: posts counted per partition (by author),
    each post's brands by ``counted_by`` (None: no brand counts), partials merged."""
    states = [TermCounts(CFG, GRACE, counted_by) for _ in range(3)]
    merge = MomentMerge(CFG, GRACE)
    raised: list[MomentAlert] = []
    for offset, p in enumerate(posts):
        part = zlib.crc32(p.author.id.encode()) % 3
        states[part].update(p, part, offset, now=p.created_at)
        for _, value in states[part].take():
            merge.add(decode_partial(value))
        raised += merge.close()
    return raised


def test_without_the_brands_stories_kafka_would_raise_the_second_wave() -> None:
    """What the published stories change: a merge stage that reads none raises the recall."""
    assert owners(merged_alone(second_wave(), brands_of))["#voltarecall"] == "Volta"


def test_a_brands_wave_on_kafka_reads_avoid_with_the_reason_first() -> None:
    [wave] = [a for a in on_kafka(stream()) if a.term == "#brakegate"]
    assert wave.safety is not None and wave.safety.verdict == "avoid"
    assert wave.safety.reasons[0].startswith("Volta's own mentions:")
    assert not source_of(wave)  # never the source of a "same story" link


def test_without_the_brand_counts_the_wave_would_be_offered_to_join() -> None:
    """What the brand counts change: counted without the matcher, the wave is nobody's."""
    assert owners(merged_alone(stream()))["#brakegate"] == ""


def test_the_brand_counts_survive_the_snapshots_of_both_stages() -> None:
    posts = stream()
    cut = next(i for i, p in enumerate(posts) if p.created_at >= T0 + 3600 + 30)  # mid-wave
    counts, merge = TermCounts(CFG, GRACE, brands_of), MomentMerge(CFG, GRACE)
    raised: list[MomentAlert] = []

    def feed(items: Sequence[Post], start: int) -> None:
        for offset, p in enumerate(items, start):
            counts.update(p, 0, offset, now=p.created_at)
            for _, value in counts.take():
                merge.add(decode_partial(value))
            raised.extend(merge.close())

    feed(posts[:cut], 0)
    counts2, merge2 = TermCounts(CFG, GRACE, brands_of), MomentMerge(CFG, GRACE)
    counts2.restore(counts.snapshot())
    merge2.restore(merge.snapshot())
    counts, merge = counts2, merge2
    feed(posts[cut:], cut)
    assert owners(raised) == {"#brakegate": "Volta", "#blackout": ""}


def test_the_count_stage_counts_a_brands_posts_as_its_scope_does(tmp_path: Path) -> None:
    """Through the stage: original posts from ``posts``, and a thread of replies to Volta from
    ``interactions``, counted for the brand once per conversation (as its scope counts them)."""
    root = "at://did:plc:star/app.bsky.feed.post/root"
    wave = [p for p in stream() if "#brakegate" in p.text][:3]
    thread = [msgspec.structs.replace(p, uri=f"{p.uri}r", reply_root=root, reply_parent=root)
              for p in wave]
    records = [Record("posts", 0, i, codec.encode(p)) for i, p in enumerate(wave)]
    records += [Record("interactions", 0, i, codec.encode_conversation(p))
                for i, p in enumerate(thread)]
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        stage = MomentCountStage(KafkaSettings(), store, ManualClock(T0 + 3600),
                                 snapshot_interval=0.0, matcher=lambda: MATCHER)
        out = stage.process(records, T0 + 3600)
    partials = [decode_partial(r.value) for r in out.records if r.key == b"#brakegate"]
    assert {(p.source, p.count, p.brands) for p in partials} == {
        (0, 3, (("Volta", 3),)),  # three posts of the wave
        (conversation_source(0), 1, (("Volta", 1),))}  # three replies of one conversation



def test_the_brand_stage_publishes_the_stories_the_merge_stage_reads(tmp_path: Path) -> None:
    """Through the stages and the store: the brand stage counts the first wave's mentions and
    stores Volta's stories (only when they change); the merge stage reads them back and would
    not raise a Volta wave rising in a later bucket, but would one rising with the story."""
    settings = KafkaSettings()
    clock = ManualClock(T0)
    wave = [p for p in stream() if "#brakegate" in p.text]
    quiet = [p for p in stream() if p.created_at < T0 + 3600]
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        register_snapshots(store)
        brands = BrandStage(settings, store, clock, group=settings.group("brands"),
                            snapshot_interval=3600.0, signals=SignalsConfig(moments=CFG))
        merge = MomentMergeStage(settings, store, clock, signals=SignalsConfig(moments=CFG))
        rows: list[NamedBlob] = []
        for i, p in enumerate([*quiet, *wave]):
            clock.set(p.created_at)
            mentions = [Mention(brand=b, query="volta", post=p) for b in brands_of(p)]
            out = brands.process([Record("mentions", 0, i, codec.encode(m)) for m in mentions],
                                 clock.now())
            rows += [r for r in out.items if isinstance(r, NamedBlob) and ":stories:" in r.name]
            store.write_batch(out.items)
        assert rows and {r.name for r in rows} == {"kafka:reale-brands:stories:Volta"}
        assert len(rows) < len(wave)  # written when the stories changed, not per mention
        published = merge.stories("Volta")
        assert published is not None and [m.head for m in published.stories] == ["#brakegate"]
        [story] = published.stories
        assert story.closed is None and T0 + 3600 <= story.opened <= T0 + 3660
        later = math.floor(story.opened / CFG.bucket) + 2
        assert open_at(published, later * CFG.bucket, CFG.cooldown)
        assert not open_at(published, math.floor(story.opened / CFG.bucket) * CFG.bucket,
                           CFG.cooldown)
        assert merge.stories("Nobody") is None
