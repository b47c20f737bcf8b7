"""A post its author deleted, said in the reader's words: an Italian approver is refused in
Italian, and a stale page's dismissal says the author deleted the post, not that someone decided
the opportunity. On SQLite and PostgreSQL."""

from __future__ import annotations

import random

import msgspec

from reale.alerts.admin import build_test_message
from tests.test_web_deletions import JSON, delete, desk
from tests.web_helpers import Desk, client_for

__all__ = ["desk"]  # the fixture, shared with tests/test_web_deletions.py


def test_an_italian_approver_is_told_in_italian_that_the_post_was_deleted(desk: Desk) -> None:
    key = desk.keys["flowers"]
    for rita, csrf in client_for(desk, "rita"):
        reply = rita.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "text": "Grazie Giulia!", "action": "submit"}).json()["reply"]
    uri = delete(desk, key)
    italian = {**JSON, "accept-language": "it"}
    for aldo, csrf in client_for(desk, "aldo"):
        r = aldo.post(f"/replies/{reply}/approve", headers=italian, data={"csrf": csrf})
        assert r.status_code == 409
        assert (f"non si può approvare la risposta {reply}: il suo autore ha cancellato il post "
                f"a cui risponde ({uri})") in r.text
        assert "ritira la risposta" in r.text and "its author deleted" not in r.text


def test_dismissing_from_a_stale_page_says_the_author_deleted_the_post(desk: Desk) -> None:
    key = desk.keys["late"]
    delete(desk, key)
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{key}/dismiss", headers=JSON,
                      data={"csrf": csrf, "reason": "not_worth"})
        assert r.status_code == 409
        assert r.json()["error"] == ("its author deleted this post meanwhile: there is nothing "
                                     "left to decide; reload the page to see it")
        r = rita.post(f"/queue/{key}/dismiss", headers={**JSON, "accept-language": "it"},
                      data={"csrf": csrf, "reason": "not_worth"})
        assert r.json()["error"] == ("l'autore ha cancellato questo post nel frattempo: non "
                                     "c'è più nulla da decidere; ricarica la pagina per vederlo")


def test_no_reply_is_written_to_a_post_its_author_deleted(desk: Desk) -> None:
    key = desk.keys["flowers"]
    delete(desk, key)
    for rita, csrf in client_for(desk, "rita"):
        for action in ("save", "submit"):
            r = rita.post(f"/queue/{key}/compose", headers={**JSON, "accept-language": "it"},
                          data={"csrf": csrf, "text": "Grazie Giulia!", "action": action})
            assert r.status_code == 409
            assert r.json()["error"] == ("l'autore ha cancellato questo post: non c'è più nulla "
                                         "a cui rispondere")
    assert desk.store.query("SELECT id FROM desk_replies") == []


def test_the_page_of_a_deleted_post_offers_no_composer_but_withdrawing_its_reply(
        desk: Desk) -> None:
    """The refusal asks to withdraw the reply: the page says why nothing can be answered and
    offers exactly that, in the reader's language."""
    key = desk.keys["flowers"]
    for rita, csrf in client_for(desk, "rita"):
        reply = rita.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "text": "Grazie Giulia!", "action": "submit"}).json()["reply"]
    delete(desk, key)
    for rita, csrf in client_for(desk, "rita"):
        page = rita.get(f"/queue/{key}", headers={"accept-language": "it"}).text
        assert 'id="compose-form"' not in page
        assert "non c&#39;è più nulla a cui rispondere" in page
        assert f'action="/replies/{reply}/withdraw"' in page and ">Ritira la risposta<" in page
        r = rita.post(f"/replies/{reply}/withdraw", headers=JSON, data={"csrf": csrf})
        assert r.json()["state"] == "withdrawn"
        page = rita.get(f"/queue/{key}").text
        assert "/withdraw" not in page and "there is nothing left to answer" in page


def test_the_alerts_page_says_why_an_alert_was_not_sent_in_the_readers_words(desk: Desk) -> None:
    key = desk.keys["late"]
    ((opp_id,),) = desk.store.query("SELECT id FROM opportunities WHERE key = ?", (key,))
    message = build_test_message("hook", "http://127.0.0.1:8765", 0.0, random.Random(1))
    with desk.store.transaction() as tx:
        tx.execute("INSERT INTO alert_outbox (delivery_id, brand, channel, rule, dedup_key,"
                   " alert_id, event, state, severity, score, message, attempts, next_at,"
                   " created_at, last_error) VALUES ('a0.hook', 'Fiori', 'hook', 'r', ?, 'a0',"
                   " 'alert.created', 'held', 2, 0.9, ?, 0, 0, 0, '')",
                   (f"opportunity:{opp_id}", msgspec.json.encode(message).decode()))
    delete(desk, key)
    for aldo, _ in client_for(desk, "aldo"):
        italian = aldo.get("/alerts", headers={"accept-language": "it"}).text
        assert "non inviato: l&#39;autore ha cancellato il post" in italian
        assert "the author deleted the post" not in italian
        assert "not sent: the author deleted the post" in aldo.get("/alerts").text
