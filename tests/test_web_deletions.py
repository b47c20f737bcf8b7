"""A post its author deleted, as the web desk shows it: its open opportunity is closed with the
status "deleted by its author" / "cancellato dall'autore", the live page shows that instead of
its text, and a reply to it can be neither approved nor sent (a clear 409), whether the reply
was pending or already approved. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from reale.events import Deletion
from reale.run.aftermath import AftermathStage
from reale.run.desksink import DeskStoreSink
from reale.web.data import register_writers
from tests.web_helpers import Desk, build_desk, client_for

JSON = {"Accept": "application/json"}


@pytest.fixture
def desk(store_url: str) -> Desk:
    d = build_desk(store_url)  # on SQLite, then on PostgreSQL
    register_writers(d.store)  # as the runner that writes the stream does
    return d


def post_uri(desk: Desk, key: str) -> str:
    ((uri,),) = desk.store.query("SELECT post_uri FROM opportunities WHERE key = ?", (key,))
    return str(uri)


def delete(desk: Desk, key: str) -> str:
    uri = post_uri(desk, key)
    result = desk.store.write_batch([Deletion(network="bluesky", uri=uri,
                                              deleted_at=desk.clock.now() - 5)])
    assert result.deleted == 1
    return uri


def test_an_open_opportunity_on_a_deleted_post_is_closed_and_its_words_are_gone(
        desk: Desk) -> None:
    key = desk.keys["late"]
    delete(desk, key)
    for vera, _ in client_for(desk, "vera"):
        page = vera.get(f"/queue/{key}.json").json()
        assert page["opportunity"]["status"] == "deleted" and page["opportunity"]["text"] == ""
        assert key not in [o["key"] for o in vera.get("/queue.json").json()["items"]]
        html = vera.get(f"/queue/{key}").text
        assert "deleted by its author" in html and "non è mai arrivato" not in html
        live = vera.get("/live.json").json()["items"]
        gone = [i for i in live if i["uri"] == post_uri(desk, key)]
        assert gone and gone[0]["deleted"] is True and gone[0]["text"] == ""
        assert "deleted by its author" in vera.get("/live").text
    for gino, _ in client_for(desk, "vera"):
        italian = gino.get(f"/queue/{key}", headers={"accept-language": "it"})
        assert "cancellato dall&#39;autore" in italian.text


def test_a_pending_reply_to_a_deleted_post_cannot_be_approved(desk: Desk) -> None:
    key = desk.keys["flowers"]
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "text": "Grazie Giulia!", "action": "submit"})
        reply = r.json()["reply"]
    uri = delete(desk, key)
    for aldo, csrf in client_for(desk, "aldo"):
        r = aldo.post(f"/replies/{reply}/approve", headers=JSON, data={"csrf": csrf})
        assert r.status_code == 409
        assert f"its author deleted the post it answers ({uri})" in r.text
        r = aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
        assert r.status_code == 409 and "deleted" in r.text
    assert desk.workflow.repository.get_reply(reply).state == "submitted"  # type: ignore[union-attr]


def test_an_approved_reply_to_a_post_deleted_since_is_not_published(desk: Desk) -> None:
    key = desk.keys["flowers"]
    for rita, csrf in client_for(desk, "rita"):
        reply = rita.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "text": "Grazie Giulia!", "action": "submit"}).json()["reply"]
    for aldo, csrf in client_for(desk, "aldo"):
        assert aldo.post(f"/replies/{reply}/approve", headers=JSON,
                         data={"csrf": csrf}).json()["state"] == "approved"
        delete(desk, key)
        r = aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
        assert r.status_code == 409 and "its author deleted the post it answers" in r.text
    assert desk.workflow.repository.get_publication(reply) is None


def test_the_case_shows_that_the_author_deleted_the_post_after_the_brand_replied(
        desk: Desk) -> None:
    key = desk.keys["flowers"]
    uri = post_uri(desk, key)
    stage = AftermathStage(desk.clock, desk.store, [])
    sink = DeskStoreSink(None, None, None, desk.clock.now)
    stage.sinks.append(sink)
    watch_id = stage.aftermath.watch(brand="Fiori", original_uri=uri)
    stage.aftermath.acted(watch_id, "at://did:plc:fiori/app.bsky.feed.post/reply", desk.clock.now())
    desk.clock.advance(600)
    stage.react([Deletion(network="bluesky", uri=uri, deleted_at=desk.clock.now())])
    desk.store.write_batch(sink.take())
    for vera, _ in client_for(desk, "vera"):
        case = vera.get(f"/case/{key}.json").json()
        assert case["aftermath"]["deleted_at"] == desk.clock.now()
        page = vera.get(f"/case/{key}").text
        assert "the post deleted by its author" in page and "after the brand&#39;s reply" in page


def test_an_alert_about_a_deleted_post_still_held_or_pending_is_not_sent(desk: Desk) -> None:
    key = desk.keys["late"]
    ((opp_id,),) = desk.store.query("SELECT id FROM opportunities WHERE key = ?", (key,))
    with desk.store.transaction() as tx:
        for n, state in enumerate(("held", "pending", "sent")):
            tx.execute("INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key,"
                       " alert_id, event, state, severity, score, message, attempts, next_at,"
                       " created_at, last_error) VALUES (?, 'Fiori', 'hook', 'r', ?, ?,"
                       " 'alert.created', ?, 2, 0.9, '{}', 0, 0, 0, '')",
                       (f"a{n}.hook", f"opportunity:{opp_id}", f"a{n}", state))
    delete(desk, key)
    states = dict(desk.store.query("SELECT state, last_error FROM alert_outbox"))
    assert states == {"dead": "not sent: the author deleted the post", "sent": ""}
    assert len(desk.store.query("SELECT 1 FROM alert_outbox WHERE state = 'dead'")) == 2
