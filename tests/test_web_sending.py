"""Sending from the web desk to a real network (a local Bluesky server, dry run off): a reply goes
out once, whatever the team does with stale pages and impatient clicks — two approvers pressing
"approve and send" on the same reply, or the same form submitted twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.publish_servers import Answer, FakeBluesky
from tests.web_helpers import Desk
from tests.web_sending_helpers import sending_desk, signed_in

JSON = {"Accept": "application/json"}
CREATE = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def network() -> Iterator[FakeBluesky]:
    server = FakeBluesky(handle="fiori.bsky.social")
    with server:
        yield server


@pytest.fixture
def desk(network: FakeBluesky) -> Iterator[Desk]:
    with sending_desk(network) as d:
        yield d



def submitted_reply(desk: Desk, key: str, text: str) -> str:
    with signed_in(desk, "rita") as (rita, csrf):
        r = rita.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "text": text, "action": "submit"})
        assert r.json()["state"] == "submitted", r.text
        return str(r.json()["reply"])


def test_a_reply_is_published_for_real_once(desk: Desk, network: FakeBluesky) -> None:
    key = desk.keys["late"]
    reply = submitted_reply(desk, key, "Marco, ci dispiace: ti scriviamo in privato ora.")
    with signed_in(desk, "aldo") as (aldo, csrf):
        r = aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
        assert r.json()["publication"] == "sent", r.text
    assert network.count("POST", CREATE) == 1
    assert network.requests[-1].json()["record"]["text"] == (
        "Marco, ci dispiace: ti scriviamo in privato ora.")


def test_a_reply_the_network_refused_reads_not_published_on_its_page(
        desk: Desk, network: FakeBluesky) -> None:
    """A refused publication is recorded as failed: the page says so (it read "dry run:
    nothing was posted", as if the team had chosen a rehearsal)."""
    key = desk.keys["late"]
    reply = submitted_reply(desk, key, "Marco, ci dispiace: ti scriviamo in privato ora.")
    network.plan(CREATE, Answer(400, {"error": "InvalidRequest", "message": "bad record"}))
    with signed_in(desk, "aldo") as (aldo, csrf):
        aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
        page = aldo.get(f"/queue/{key}", headers={"Accept-Language": "en"}).text
    assert "not published: the network refused it" in page
    assert "dry run: nothing was posted" not in page


def test_a_second_approver_on_a_stale_page_cannot_send_the_same_reply_again(
        desk: Desk, network: FakeBluesky) -> None:
    """Aldo and Ada both have the submitted reply on screen; Aldo approves and sends it; Ada,
    whose page still shows it submitted, presses "approve and send" with the same form."""
    key = desk.keys["late"]
    text = "Marco, ci dispiace: ti scriviamo in privato ora."
    reply = submitted_reply(desk, key, text)
    form = {"text": text, "action": "send", "reply_id": reply}
    with signed_in(desk, "aldo") as (aldo, csrf):
        assert aldo.post(f"/queue/{key}/compose", headers=JSON,
                         data={"csrf": csrf, **form}).json()["publication"] == "sent"
    with signed_in(desk, "ada") as (ada, csrf):
        again = ada.post(f"/queue/{key}/compose", headers=JSON, data={"csrf": csrf, **form})
        assert again.status_code == 409, again.text
        assert "already published" in again.json()["error"]
    assert network.count("POST", CREATE) == 1
    replies = desk.workflow.repository.replies(brand="Fiori")
    assert [r.state for r in replies] == ["published"]


def test_the_same_compose_form_submitted_twice_sends_one_reply(desk: Desk,
                                                               network: FakeBluesky) -> None:
    """A double click on "approve and send" in a fresh composer posts the form twice; the page
    said which reply it had seen last (none), so the second post is refused, not sent."""
    key = desk.keys["late"]
    with signed_in(desk, "aldo") as (aldo, csrf):
        page = aldo.get(f"/queue/{key}").text
        assert 'name="last_reply" value=""' in page
        form = {"csrf": csrf, "text": "Marco, ci dispiace!", "action": "send", "last_reply": ""}
        first = aldo.post(f"/queue/{key}/compose", headers=JSON, data=form)
        second = aldo.post(f"/queue/{key}/compose", headers=JSON, data=form)
        assert first.json()["publication"] == "sent"
        assert second.status_code == 409, second.text
        assert "reload" in second.json()["error"]
        # reloaded, the page knows the reply: a deliberate follow-up is still possible
        page = aldo.get(f"/queue/{key}").text
        assert f'name="last_reply" value="{first.json()["reply"]}"' in page
        follow_up = aldo.post(f"/queue/{key}/compose", headers=JSON, data={
            **form, "text": "Aggiornamento: il pacco è partito.", "last_reply": first.json()["reply"]})
        assert follow_up.json()["publication"] == "sent", follow_up.text
    assert network.count("POST", CREATE) == 2


def test_a_reply_too_long_for_the_network_is_refused_before_it_is_submitted_or_sent(
        desk: Desk, network: FakeBluesky) -> None:
    key = desk.keys["late"]
    long = "Marco, ci dispiace davvero tanto." * 12  # 396 characters, Bluesky takes 300
    with signed_in(desk, "aldo") as (aldo, csrf):
        for action in ("submit", "send"):
            r = aldo.post(f"/queue/{key}/compose", headers=JSON,
                          data={"csrf": csrf, "text": long, "action": action})
            assert r.status_code == 400, r.text
            assert "396 characters" in r.json()["error"] and "300" in r.json()["error"]
        saved = aldo.post(f"/queue/{key}/compose", headers=JSON,  # a draft may be long: work on it
                          data={"csrf": csrf, "text": long, "action": "save"})
        assert saved.json()["state"] == "draft"
    assert network.requests == []
    assert [r.state for r in desk.workflow.repository.replies(brand="Fiori")] == ["draft"]


def test_a_second_approver_acting_on_a_reply_already_decided_is_told_of_the_conflict(
        desk: Desk, network: FakeBluesky) -> None:
    """Aldo approves; Ada's page still shows the reply submitted and she approves (or sends it
    back) too: the desk says the reply has moved on (409), not that Ada lacks the right (403)."""
    reply = submitted_reply(desk, desk.keys["late"], "Marco, ci dispiace!")
    with signed_in(desk, "aldo") as (aldo, csrf):
        assert aldo.post(f"/replies/{reply}/approve", headers=JSON,
                         data={"csrf": csrf}).json()["state"] == "approved"
    with signed_in(desk, "ada") as (ada, csrf):
        again = ada.post(f"/replies/{reply}/approve", headers=JSON, data={"csrf": csrf})
        assert again.status_code == 409, again.text
        assert "it is approved" in again.json()["error"]
        back = ada.post(f"/replies/{reply}/send-back", headers=JSON,
                        data={"csrf": csrf, "comment": "aspetta"})
        assert back.status_code == 409, back.text
    with signed_in(desk, "rita") as (rita, csrf):  # a real lack of the right is still 403
        denied = rita.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
        assert denied.status_code == 403
    assert network.requests == []


def test_reports_show_response_times_per_kind_and_person_against_the_targets(
        desk: Desk, network: FakeBluesky) -> None:
    """The team's first-response and approval times for the period, per kind (against the
    kind's target) and per person, on the Reports page and in its JSON twin. A rehearsal in
    dry run is no response; a reply published on the network is."""
    key = desk.keys["late"]  # a complaint posted two hours ago: the 30-minute target is missed
    reply = submitted_reply(desk, key, "Marco, ci dispiace: ti scriviamo ora.")
    desk.clock.advance(300)
    with signed_in(desk, "aldo") as (aldo, csrf):
        assert aldo.post(f"/replies/{reply}/send", headers=JSON,
                         data={"csrf": csrf}).json()["publication"] == "sent"
    with signed_in(desk, "vera") as (vera, _):
        summary = vera.get("/reports.json?from=2026-05-20&to=2026-05-28").json()
        page = vera.get("/reports?from=2026-05-20&to=2026-05-28").text
    complaint = summary["response"]["by_kind"]["complaint"]
    assert complaint["first_response"]["n"] == 1
    assert complaint["first_response"]["median_s"] == 7200 + 300
    assert complaint["first_response"]["within_target"] == 0.0
    assert complaint["approval"]["median_s"] == 300
    assert summary["response"]["by_person"]["aldo"]["approval"]["n"] == 1
    assert "Response times" in page and "2.1 h" in page and "5 min" in page
