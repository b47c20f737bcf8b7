"""The live hub: events reach the clients whose filters accept them, in batches; a slow client
loses its oldest events (counted), never the server's memory."""

from __future__ import annotations

import asyncio
import json
import threading

import msgspec

from reale.web.hub import Filters, LiveHub, sse_frame, sse_stream
from reale.web.payloads import mention_payload, to_payload
from tests.web_helpers import T0, mention, opportunity_of, post


def _events(frame: bytes) -> dict[str, object]:
    head, data = frame.decode().split("\n", 1)
    assert head == "event: batch"
    assert data.startswith("data: ") and data.endswith("\n\n")
    return json.loads(data[len("data: "):])  # type: ignore[no-any-return]


def test_a_mention_reaches_a_client_as_the_same_json_the_pages_use() -> None:
    hub = LiveHub()
    sub = hub.subscribe()
    m = mention("Fiori", post(1, "ciao @fiori", at=T0))
    hub.publish("mention", m)
    got, dropped = sub.take(10)
    assert dropped == 0
    assert json.loads(got[0]) == json.loads(json.dumps(mention_payload(m)))


def test_filters_pick_brand_kind_language_and_sentiment() -> None:
    hub = LiveHub()
    fiori_it = hub.subscribe(Filters(brand="Fiori", lang="it"))
    complaints = hub.subscribe(Filters(kind="complaint"))
    negative = hub.subscribe(Filters(sentiment="negative"))
    hub.publish("mention", {"brand": "Fiori", "lang": "it", "text": "a"})
    hub.publish("mention", {"brand": "Fiori", "lang": "en", "text": "b",
                            "labels": {"sentiment": -0.9, "intent": "complaint"}})
    hub.publish("opportunity", opportunity_of("Auto", post(2, "@auto pessimo servizio", at=T0),
                                              complaint=0.9))
    assert [json.loads(e)["text"] for e in fiori_it.take(10)[0]] == ["a"]
    assert [json.loads(e)["type"] for e in complaints.take(10)[0]] == ["mention", "opportunity"]
    assert [json.loads(e)["text"] for e in negative.take(10)[0]] == ["b"]


def test_a_slow_client_keeps_the_newest_events_and_counts_what_it_lost() -> None:
    hub = LiveHub(queue_size=100)
    sub = hub.subscribe()
    for i in range(250):
        hub.publish("mention", {"brand": "Fiori", "text": str(i)})
    first, dropped = sub.take(60)
    assert dropped == 150
    assert [json.loads(e)["text"] for e in first] == [str(i) for i in range(150, 210)]
    rest, dropped_again = sub.take(60)
    assert dropped_again == 0 and len(rest) == 40 and len(sub) == 0
    stats = hub.stats
    assert (stats.published, stats.delivered, stats.dropped, stats.clients) == (250, 100, 150, 1)


def test_publishing_from_many_threads_loses_nothing_within_the_bound() -> None:
    hub = LiveHub(queue_size=10_000)
    sub = hub.subscribe()

    def pump(n: int) -> None:
        for i in range(500):
            hub.publish("mention", {"brand": "B", "text": f"{n}-{i}"})

    threads = [threading.Thread(target=pump, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got, dropped = sub.take(10_000)
    assert dropped == 0 and len({json.loads(e)["text"] for e in got}) == 2000


def test_the_stream_sends_batches_and_heartbeats_and_lets_go_of_the_client() -> None:
    hub = LiveHub(interval=1.0, heartbeat=3.0, max_batch=2)
    sub = hub.subscribe()
    now = [0.0]

    async def sleep(seconds: float) -> None:  # a fake clock: the stream never waits for real
        now[0] += seconds

    async def main() -> list[bytes]:
        frames = []
        stream = sse_stream(hub, sub, sleep, lambda: now[0])
        frames.append(await stream.__anext__())
        for i in range(3):
            hub.publish("mention", {"brand": "B", "text": str(i)})
        frames.append(await stream.__anext__())
        frames.append(await stream.__anext__())
        frames.append(await stream.__anext__())  # three quiet seconds later: a heartbeat
        await stream.aclose()
        return frames

    frames = asyncio.run(main())
    assert frames[0].startswith(b"retry: ")
    assert [e["text"] for e in _events(frames[1])["events"]] == ["0", "1"]  # type: ignore[index]
    assert [e["text"] for e in _events(frames[2])["events"]] == ["2"]  # type: ignore[index]
    assert frames[3] == b": ping\n\n"
    assert hub.stats.clients == 0


def test_a_frame_carries_the_dropped_count() -> None:
    assert _events(sse_frame([b'{"a":1}'], 7)) == {"events": [{"a": 1}], "dropped": 7}


def test_payloads_never_carry_unsafe_links() -> None:
    p = post(1, "x", at=T0)
    hostile = msgspec.structs.replace(
        p, links=("javascript:alert(1)", "https://ok.example/a", "data:x"))
    body = to_payload("mention", mention("B", hostile))
    assert body["links"] == ["https://ok.example/a"]
    assert body["url"] == "https://bsky.app/profile/did:plc:giulia/post/000001"


def test_an_opportunity_card_reaches_each_viewer_in_their_language() -> None:
    """One opportunity published once: an Italian viewer reads its reasons in Italian, an
    English one in English; a client that named no language gets them as stored (the team's)."""
    from reale.desk.opportunity_reasons import render_reasons

    hub = LiveHub()
    italian, english, unsaid = hub.subscribe(lang="it"), hub.subscribe(lang="en"), hub.subscribe()
    opp = opportunity_of("Auto", post(2, "@auto.bsky.social mi prestate una Nova?", at=T0),
                         intent="request", intent_confidence=0.9)
    hub.publish("opportunity", opp)
    got = {name: json.loads(sub.take(10)[0][0])
           for name, sub in (("it", italian), ("en", english), ("unsaid", unsaid))}
    assert "chiede qualcosa al brand" in got["it"]["reasons"]
    assert got["it"]["reasons"] == list(render_reasons(opp.reason_codes, "it"))
    assert got["en"]["reasons"] == got["unsaid"]["reasons"] == list(opp.reasons)  # team: English
    assert "asks the brand for something" in got["en"]["reasons"]
    assert {k: v for k, v in got["it"].items() if k != "reasons"} == \
        {k: v for k, v in got["en"].items() if k != "reasons"}
