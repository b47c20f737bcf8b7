"""Other stages raise alerts from plain fields: an opportunity, a moment, a backlash, a
response-time target, a source. The builders pick titles, severities, desk links and the keys
that make a second report of the same thing an update, not a repeat."""

from __future__ import annotations

import random

import pytest

from reale.alerts.emit import AlertFactory
from reale.errors import AlertError
from reale.web.records import short_key
from tests.alerts_helpers import T0, config, dispatcher, hook_secrets, webhook_channel

F = AlertFactory("https://desk.example/", random.Random(1))


def test_an_opportunity_from_the_desk() -> None:
    a = F.opportunity({"id": "opp 7", "brand": "Acme", "score": 0.91, "kind": "complaint",
                       "reasons": ["addresses @acme directly", {"text": "second complaint today"}],
                       "post": {"text": "my order never came", "url": "https://bsky.app/x",
                                "author": {"handle": "anna.bsky.social", "followers": 120}}}, T0)
    assert a.title == "Complaint from @anna.bsky.social" and a.severity == "high"
    assert a.dedup_key == "opportunity:opp 7"
    assert a.link == f"https://desk.example/queue/{short_key('opp 7')}"  # the desk's own page
    assert a.reasons == ("addresses @acme directly", "second complaint today")
    assert a.post_text == "my order never came" and a.post_url == "https://bsky.app/x"


def test_severity_follows_the_score_unless_given() -> None:
    assert F.opportunity({"id": 1, "brand": "A", "score": 0.65}, T0).severity == "medium"
    assert F.opportunity({"id": 1, "brand": "A", "score": 0.2, "severity": "urgent"}, T0).severity == "urgent"


def test_a_moment_a_backlash_an_sla_and_a_source() -> None:
    m = F.moment({"brand": "Acme", "term": "#blackout", "rate": 120, "baseline": 4,
                  "examples": [{"text": "lights out!", "author": "fan"}], "safety": {"verdict": "safe"}}, T0)
    assert m.title == "Moment: #blackout is rising (30x its usual rate)" and m.severity == "high"
    assert m.body == "Safety read: safe." and m.post_text == "lights out!"
    b = F.backlash({"id": "case-3", "brand": "Acme", "ratio": 3.5, "posts": ["#ad much?"]}, T0)
    assert b.severity == "urgent" and b.dedup_key == "backlash:case-3" and b.post_text == "#ad much?"
    soon = F.sla({"opportunity_id": "o1", "brand": "Acme", "kind": "complaint", "due_at": T0 + 600}, T0)
    late = F.sla({"opportunity_id": "o1", "brand": "Acme", "kind": "complaint", "due_at": T0 - 90}, T0)
    assert soon.title == "Response-time target in 10 min: complaint" and soon.severity == "high"
    assert late.title == "Response-time target missed by 90 s: complaint" and late.severity == "urgent"
    s = F.source({"source": "jetstream", "state": "lagging", "lag_seconds": 300, "since": T0}, T0)
    assert s.brand == "" and s.title == "Source jetstream is lagging (5 min behind)"
    # an outage starting in the same second is another alert; catching up updates the lagging one
    down = F.source({"source": "jetstream", "state": "down", "since": T0}, T0)
    back = F.source({"source": "jetstream", "state": "caught up", "since": T0}, T0 + 60)
    assert down.dedup_key != s.dedup_key and back.dedup_key == s.dedup_key


def test_a_moment_read_again_as_part_of_a_tragedy_says_so_in_its_title() -> None:
    first = F.moment({"term": "valleverde", "rate": 19, "baseline": 0.1, "safety": "caution",
                      "id": "*:valleverde:1700000000"}, T0)
    again = F.moment({"term": "valleverde", "rate": 19, "baseline": 0.1, "safety": "avoid",
                      "linked_to": "#terremoto", "id": "*:valleverde:1700000000:avoid"}, T0)
    assert first.title == "Moment: valleverde is rising (190x its usual rate)"
    assert again.title == "Moment: valleverde now reads avoid, part of the #terremoto moment"
    assert again.body == "Safety read: avoid." and again.dedup_key != first.dedup_key


def test_every_link_opens_a_page_the_web_desk_serves() -> None:
    from reale.web.table import SPECS

    opp = "Acme|at://did:plc:abc/app.bsky.feed.post/3k"  # an opportunity id, as the desk makes it
    key = short_key(opp)
    links = {
        F.opportunity({"id": opp, "brand": "Acme", "score": 0.9}, T0).link: f"/queue/{key}",
        F.sla({"opportunity_id": opp, "brand": "Acme", "due_at": T0}, T0).link: f"/queue/{key}",
        F.backlash({"id": opp, "brand": "Acme"}, T0).link: f"/case/{key}",
        F.moment({"brand": "Acme", "term": "#blackout"}, T0).link: "/moments",
        F.source({"source": "jetstream"}, T0).link: "/live",
    }
    assert links == {f"https://desk.example{path}": path for path in links.values()}
    served = {spec.path.replace("{key}", key) for spec in SPECS}
    assert set(links.values()) <= served
    assert F.opportunity({"id": key, "brand": "A"}, T0).link.endswith(f"/queue/{key}")  # a key stays


def test_missing_fields_get_a_clear_error() -> None:
    with pytest.raises(AlertError, match="an opportunity alert needs brand"):
        F.opportunity({"id": "x"}, T0)
    with pytest.raises(AlertError, match="needs term, label or terms"):
        F.moment({"brand": "A"}, T0)


def test_hostile_fields_are_cleaned() -> None:
    a = F.opportunity({"id": "1", "brand": "A\x00", "text": "x" * 100_000 + "\ud800",
                       "author": {"weird": True}, "url": "javascript:alert(1)"}, T0)
    assert a.brand == "A" and len(a.post_text) == 2000 and a.author == "" and a.post_url == ""


def test_a_missed_target_updates_the_earlier_warning_instead_of_repeating_it() -> None:
    from reale.clock import ManualClock
    clock = ManualClock(T0)
    cfg = config([webhook_channel()], [{"name": "r", "channels": ["hook"]}])
    d = dispatcher(cfg, clock, hook_secrets("http://127.0.0.1:9/hook"))
    sla = {"opportunity_id": "o1", "brand": "Acme", "due_at": T0 + 300}
    assert [e.outcome for e in d.raise_sla_alert(sla)] == ["queued"]
    clock.advance(60)
    assert [e.outcome for e in d.raise_sla_alert(sla)] == ["duplicate"]  # still "about to"
    clock.advance(300)
    assert [e.outcome for e in d.raise_sla_alert(sla)] == ["update"]  # now missed: urgent
    assert d.stats.submitted == 3 and d.stats.duplicates == 1


def test_a_brands_own_moment_says_whose_it_is_and_a_storys_later_terms_are_its_other_names() -> None:
    m = F.moment({"term": "#melafail", "rate": 16, "baseline": 0.5, "safety": "avoid",
                  "owner": "Mela", "also": ["stesso problema", "rispondete"],
                  "id": "*:#melafail:1700000000"}, T0)
    assert m.title == "Moment: #melafail is rising (32x its usual rate), Mela's own mentions"
    assert m.body == "Safety read: avoid. Also named: stesso problema, rispondete."
    # the same moment updated with a later term keeps its id: the channels drop it as a repeat
    again = F.moment({"term": "#melafail", "rate": 16, "baseline": 0.5, "safety": "avoid",
                      "owner": "Mela", "also": ["stesso problema", "rispondete", "sara"],
                      "id": "*:#melafail:1700000000"}, T0)
    assert again.dedup_key == m.dedup_key
