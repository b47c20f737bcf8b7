"""A post its author deleted, as the web desk shows it: its open opportunity is closed with the
status "deleted by its author" / "cancellato dall'autore", the live page shows that instead of
its text, and a reply to it can be neither approved nor sent (a clear 409), whether the reply
was pending or already approved. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import msgspec
import pytest

from reale.alerts.model import Alert, Message
from reale.desk.aftermath import AftermathStatus, Counts
from reale.desk.aftermath_rules import BacklashAlert, Evidence
from reale.events import Deletion
from reale.run.aftermath import AftermathStage
from reale.run.desksink import DeskStoreSink
from reale.signals.moment_types import Example, MomentAlert
from reale.web.data import register_writers, save_aftermath, save_moment
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


def test_the_report_exports_mark_a_deleted_post_in_the_readers_language(desk: Desk) -> None:
    key = desk.keys["late"]
    uri = delete(desk, key)
    period = "from=2026-05-20&to=2026-05-28"
    for vera, _ in client_for(desk, "vera"):
        for what, uri_column in (("mentions", "uri"), ("opportunities", "post_uri")):
            header, *rows = list(csv.reader(io.StringIO(vera.get(
                f"/reports/{what}.csv?{period}").text)))
            texts = {r[header.index(uri_column)]: r[header.index("text")] for r in rows}
            assert texts[uri] == "[deleted by its author]"
            assert all(t != "[deleted by its author]" for u, t in texts.items() if u != uri)
            italian = vera.get(f"/reports/{what}.json?{period}",
                               headers={"accept-language": "it"}).json()
            assert {o[uri_column]: o["text"] for o in italian}[uri] == "[cancellato dall'autore]"
            english = vera.get(f"/reports/{what}.json?{period}&lang=en",
                               headers={"accept-language": "it"}).json()
            assert {o[uri_column]: o["text"] for o in english}[uri] == "[deleted by its author]"


LATE_TEXT = "il mio ordine non è mai arrivato"
REPLY_TEXT = "pure io aspetto da giorni"


def outbox_row(desk: Desk, n: int, state: str, message: Message) -> None:
    alert = message.alert or message.items[0]
    with desk.store.transaction() as tx:
        tx.execute("INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key,"
                   " alert_id, event, state, severity, score, message, attempts, next_at,"
                   " created_at, last_error) VALUES (?, 'Fiori', 'hook', 'r', ?, ?, ?, ?, 2,"
                   " 0.9, ?, 0, 0, 0, '')",
                   (f"c{n}.hook", alert.dedup_key, alert.id, message.event, state,
                    msgspec.json.encode(message).decode()))


def test_the_words_kept_elsewhere_are_erased_with_the_post(desk: Desk) -> None:
    key = desk.keys["late"]
    uri = post_uri(desk, key)
    ((opp_id, late_text),) = desk.store.query(
        "SELECT id, text FROM opportunities WHERE key = ?", (key,))
    ((reply_uri,),) = desk.store.query("SELECT uri FROM posts WHERE text = ?", (REPLY_TEXT,))
    now = desk.clock.now()
    moment = save_moment(desk.store, MomentAlert(
        scope="Fiori", term="ordine", at=now - 60, count=9, window_seconds=600,
        baseline_per_min=0.1, current_per_min=0.9, ratio=9.0, log10_p=-5.0,
        examples=(Example(uri, late_text), Example("at://did:plc:o/app.bsky.feed.post/1",
                                                   "ordine arrivato, grazie")),
        cooccurring=("arrivato",)))
    about_post = Alert(id="a1", brand="Fiori", kind="opportunity", severity="high",
                       title="Complaint", dedup_key=f"opportunity:{opp_id}", created_at=now,
                       post_text=late_text, author="@marco.bsky.social")
    quoting = Alert(id="a2", brand="Fiori", kind="moment", severity="high", title="ordine",
                    dedup_key=f"moment:Fiori:{moment.id}", created_at=now, post_text=late_text,
                    author="marco.bsky.social")
    other = Alert(id="a3", brand="Fiori", kind="moment", severity="low", title="fiori",
                  dedup_key="moment:Fiori:other", created_at=now, post_text="fiori belli",
                  author="gina.bsky.social")
    outbox_row(desk, 1, "sent", Message(event="alert.created", brand="Fiori", alert=about_post))
    outbox_row(desk, 2, "held", Message(event="alert.created", brand="Fiori", alert=quoting))
    outbox_row(desk, 3, "held", Message(event="alert.digest", brand="Fiori",
                                        items=(other, about_post)))
    evidence = Evidence(uri=reply_uri, author="anna.bsky.social", text=REPLY_TEXT,
                        created_at=now - 7000, negative=True)
    save_aftermath(desk.store, key, AftermathStatus(
        watch_id="w1", brand="Fiori", original_uri=uri, action_uri=None, followed_since=now,
        acted_at=None, before=Counts(), after=Counts(n=1, bad=1), active=True,
        alerts=[BacklashAlert(watch_id="w1", brand="Fiori", raised_at=now, message="backlash",
                              count=1, reactions=1, share_before=0.0, share_after=1.0,
                              rate_before=0.0, rate_after=1.0, p_value=0.01, top_cues=(),
                              evidence=(evidence,))]))
    delete(desk, key)
    desk.store.write_batch([Deletion(network="bluesky", uri=reply_uri, deleted_at=now)])
    everything = " ".join(str(r) for table, col in (
        ("moments", "body"), ("alert_outbox", "message"), ("aftermath", "body"),
        ("opportunities", "body"), ("posts", "raw")) for r in desk.store.query(
            f"SELECT {col} FROM {table}"))
    assert LATE_TEXT not in everything and REPLY_TEXT not in everything
    assert "marco.bsky.social" not in " ".join(
        str(r) for r in desk.store.query("SELECT message FROM alert_outbox"))
    assert "ordine arrivato, grazie" in everything and "fiori belli" in everything
    assert "gina.bsky.social" in everything  # alerts about other posts keep their words
    # a moment stored after the deletion keeps the deleted example without its text
    later = save_moment(desk.store, MomentAlert(
        scope="Fiori", term="ritardo", at=now, count=5, window_seconds=600,
        baseline_per_min=0.1, current_per_min=0.5, ratio=5.0, log10_p=-3.0,
        examples=(Example(uri, late_text),), cooccurring=()))
    ((body,),) = desk.store.query("SELECT body FROM moments WHERE id = ?", (later.id,))
    assert LATE_TEXT not in body and uri in body
