"""The copies of deleted posts' words are found however many posts a batch erases (the tables
are read a hundred URIs at a time), and a message that is not JSON is left as it is."""

from __future__ import annotations

from reale.clock import ManualClock
from reale.signals.moment_types import Example, MomentAlert
from reale.store import open_store
from reale.web.copies import erase_copies, scrub
from reale.web.data import save_moment

T0 = 1_780_000_000.0


def test_a_moment_quoting_the_last_of_many_erased_posts_loses_its_text() -> None:
    uris = [f"at://did:plc:p{n:03d}/app.bsky.feed.post/1" for n in range(250)]
    with open_store("sqlite://:memory:", clock=ManualClock(T0)) as store:
        kept = save_moment(store, MomentAlert(
            scope="*", term="rose", at=T0, count=9, window_seconds=60, baseline_per_min=0.1,
            current_per_min=0.9, ratio=9.0, log10_p=-5.0,
            examples=(Example(uris[-1], "rose rosse"), Example("at://other/1", "gigli")),
            cooccurring=()))
        with store.transaction() as tx:
            tx.execute("INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key,"
                       " alert_id, event, state, severity, score, message, attempts, next_at,"
                       " created_at, last_error) VALUES ('d.hook', 'F', 'hook', 'r',"
                       " 'moment:x', 'a', 'alert.digest', 'held', 1, 0, 'not json', 0, 0, 0, '')")
            assert erase_copies(tx, dict.fromkeys(uris, T0)) == 1
        ((body,),) = store.query("SELECT body FROM moments WHERE id = ?", (kept.id,))
        assert "rose rosse" not in body and "gigli" in body
        assert store.query("SELECT message FROM alert_outbox") == [("not json",)]


def test_scrub_empties_only_the_words_of_the_posts_named() -> None:
    tree = {"evidence": [{"uri": "a", "text": "x", "author": "h"}, {"uri": "b", "text": "y"}],
            "examples": [["a", "z"], ["b", "w"]], "post_uri": "a", "display_name": "Ann"}
    assert scrub(tree, {"a"})
    assert tree == {"evidence": [{"uri": "a", "text": "", "author": "h"},
                                 {"uri": "b", "text": "y"}],
                    "examples": [["a", ""], ["b", "w"]], "post_uri": "a", "display_name": ""}
    assert not scrub(tree, {"a"})
