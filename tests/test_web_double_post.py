"""The desk never answers the same post twice by accident: a script or JSON client that writes a
reply without saying which reply it saw last (``last_reply``) is refused (409) once the
opportunity has a reply approved or published, unless it says it means another (``another=1``);
a second reply drafted in parallel cannot be submitted, approved or sent past the first."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reale.web.serving import serving
from tests.publish_servers import FakeBluesky
from tests.web_helpers import Desk, build_desk
from tests.web_sending_helpers import sending_desk, signed_in

JSON = {"Accept": "application/json"}
CREATE = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def network() -> Iterator[FakeBluesky]:
    with FakeBluesky(handle="fiori.bsky.social") as server:
        yield server


@pytest.fixture
def desk(network: FakeBluesky) -> Iterator[Desk]:
    with sending_desk(network) as d:
        yield d



def compose(client: httpx.Client, csrf: str, key: str, text: str, action: str,
            **extra: str) -> httpx.Response:
    return client.post(f"/queue/{key}/compose", headers=JSON,
                       data={"csrf": csrf, "text": text, "action": action, **extra})


def test_a_script_without_last_reply_cannot_answer_an_answered_post_again(
        desk: Desk, network: FakeBluesky) -> None:
    key = desk.keys["late"]
    with signed_in(desk, "aldo") as (aldo, csrf):
        first = compose(aldo, csrf, key, "Marco, ci dispiace!", "send")
        assert first.json()["publication"] == "sent", first.text
        again = compose(aldo, csrf, key, "Marco, ci dispiace davvero!", "send")
        assert again.status_code == 409, again.text
        assert first.json()["reply"] in again.json()["error"]  # it names the reply that went out
        assert "another=1" in again.json()["error"]  # and says how to mean a further reply
        drafted = compose(aldo, csrf, key, "Una bozza in più", "save")
        assert drafted.status_code == 409, drafted.text
    assert network.count("POST", CREATE) == 1
    assert len(desk.workflow.repository.replies(brand="Fiori", limit=50)) == 1


def test_another_1_writes_and_sends_a_further_reply(desk: Desk, network: FakeBluesky) -> None:
    key = desk.keys["late"]
    with signed_in(desk, "aldo") as (aldo, csrf):
        assert compose(aldo, csrf, key, "Marco, ci dispiace!", "send").status_code == 200
        follow = compose(aldo, csrf, key, "Aggiornamento: il pacco è partito.", "send",
                         another="1")
        assert follow.json()["publication"] == "sent", follow.text
    assert network.count("POST", CREATE) == 2


def test_a_second_draft_written_in_parallel_cannot_pass_the_approved_first(
        desk: Desk, network: FakeBluesky) -> None:
    """Rita and Aldo each draft a reply before either is approved; Aldo's goes out; Rita's can
    then be neither submitted nor approved and sent: the error names Aldo's reply."""
    key = desk.keys["late"]
    with signed_in(desk, "rita") as (rita, rcsrf), signed_in(desk, "aldo") as (aldo, acsrf):
        ritas = compose(rita, rcsrf, key, "Ciao Marco, controlliamo subito.", "save").json()["reply"]
        aldos = compose(aldo, acsrf, key, "Marco, ci dispiace!", "send").json()["reply"]
        submit = rita.post(f"/replies/{ritas}/submit", headers=JSON, data={"csrf": rcsrf})
        assert submit.status_code == 409 and aldos in submit.json()["error"], submit.text
        send = compose(aldo, acsrf, key, "Ciao Marco, controlliamo subito.", "send",
                       reply_id=ritas)
        assert send.status_code == 409 and aldos in send.json()["error"], send.text
    assert network.count("POST", CREATE) == 1


def test_the_page_flow_with_last_reply_is_unchanged(desk: Desk, network: FakeBluesky) -> None:
    """The HTML form says which reply it saw last: a fresh page answers once; a reloaded page,
    which shows the published reply, may deliberately write another (and says so)."""
    key = desk.keys["late"]
    with signed_in(desk, "aldo") as (aldo, csrf):
        assert 'name="last_reply" value=""' in aldo.get(f"/queue/{key}").text
        first = compose(aldo, csrf, key, "Marco, ci dispiace!", "send", last_reply="")
        assert first.json()["publication"] == "sent", first.text
        page = aldo.get(f"/queue/{key}").text
        assert f'name="last_reply" value="{first.json()["reply"]}"' in page
        assert 'name="another" value="1"' in page  # the composer now writes "another reply"
        follow = compose(aldo, csrf, key, "Il pacco è partito.", "send",
                         last_reply=first.json()["reply"], another="1")
        assert follow.json()["publication"] == "sent", follow.text
    assert network.count("POST", CREATE) == 2


def test_in_dry_run_the_same_guard_holds() -> None:
    d = build_desk()  # no network account: every reply is a dry run
    key = d.keys["late"]
    with serving(d.app) as url:
        d.url = url  # type: ignore[attr-defined]
        with signed_in(d, "aldo") as (aldo, csrf):
            first = compose(aldo, csrf, key, "Marco, ci dispiace!", "send")
            assert first.json()["publication"] == "dry_run", first.text
            again = compose(aldo, csrf, key, "Marco, ci dispiace!", "send")
            assert again.status_code == 409 and first.json()["reply"] in again.json()["error"]
            other = compose(aldo, csrf, key, "Il pacco è partito.", "send", another="1")
            assert other.json()["publication"] == "dry_run", other.text
