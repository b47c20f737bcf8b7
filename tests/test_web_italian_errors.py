"""The desk's error paths in Italian: an alert rule's form refused, a watch-query that does not
parse, a network that refuses a reply, a store that cannot answer. Each lower layer raises its
refusal with a stable code and values (``RealeError.code``); the desk words it in the viewer's
language, keeps the HTTP status, and leaves no part of the page marked English but what a network
wrote. English readers read exactly what they read before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reale.alerts.config import RuleConfig, parse_alerts_config
from reale.alerts.rulestore import RuleStore
from reale.desk.records import Target
from reale.errors import DeskError
from reale.web.error_words import ERRORS, say
from reale.web.routing import problem
from tests.desk_helpers import team
from tests.publish_servers import Answer, FakeBluesky
from tests.web_helpers import Desk, build_desk, client_for
from tests.web_sending_helpers import sending_desk, signed_in

JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}
SRC = Path(__file__).parents[1] / "src" / "reale"
CREATE = "/xrpc/com.atproto.repo.createRecord"


def _italian(client: Any, csrf: str) -> None:
    assert client.post("/me/language", data={"csrf": csrf, "lang": "it"},
                       headers=JSON).status_code == 200


def main_of(page: str) -> str:
    return page.split("<main")[1].split("</main>")[0]


@pytest.fixture
def desk() -> Desk:
    return build_desk(seeded=False, alerts=parse_alerts_config({
        "channels": [{"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook",
                      "secret_env": "HOOK_SECRET"}],
        "rules": [{"name": "opps", "channels": ["hook"], "kinds": ["opportunity"]}]}))


@pytest.mark.parametrize(("fields", "english", "italian"), [
    ({"min_score": "lots"}, "min_score must be a number, got 'lots'",
     "min_score deve essere un numero, non 'lots'"),
    ({"min_score": "7"}, "min_score must be between 0 and 1, got '7'",
     "min_score deve essere tra 0 e 1, non '7'"),
    ({"channels": "pager"}, "channel 'pager' is not configured (channels: hook)",
     "il canale 'pager' non è configurato (canali: hook)"),
    ({"brands": "Nessuno"}, "brand 'Nessuno' is not in reale.toml",
     "il brand 'Nessuno' non è in reale.toml"),
    ({"kinds": "gossip"}, "kind 'gossip' is not one of", "il tipo 'gossip' non è uno tra"),
    ({"min_severity": "huge"}, "min_severity must be one of low, medium, high, urgent",
     "min_severity deve essere uno tra low, medium, high, urgent"),
    ({"digest_minutes": "2.5"}, "digest_minutes must be a whole number",
     "digest_minutes deve essere un numero intero"),
    ({"quiet_hours": "25:00-07:00"}, "quiet hours '25:00-07:00' are not HH:MM-HH:MM",
     "le ore di silenzio '25:00-07:00' non sono nella forma HH:MM-HH:MM"),
    ({"quiet_hours": "07:00-07:00"}, "start and end at the same time",
     "iniziano e finiscono alla stessa ora"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'",
     "fuso orario sconosciuto 'Mars/Olympus'"),
    ({"channels": ""}, "a rule needs at least one channel",
     "regola 'opps': una regola ha bisogno di almeno un canale"),
])
def test_a_refused_rule_form_reads_in_the_viewers_language(
        desk: Desk, fields: dict[str, str], english: str, italian: str) -> None:
    for ada, csrf in client_for(desk, "ada"):
        said_en = ada.post("/alerts/rules/opps", headers=JSON, data={"csrf": csrf, **fields})
        _italian(ada, csrf)
        said_it = ada.post("/alerts/rules/opps", headers=JSON, data={"csrf": csrf, **fields})
        page = ada.post("/alerts/rules/opps", headers=HTML, data={"csrf": csrf, **fields})
    assert said_en.status_code == said_it.status_code == page.status_code == 400
    assert english in said_en.json()["error"]
    assert italian in said_it.json()["error"], said_it.json()
    assert italian.replace("'", "&#39;") in page.text
    assert 'lang="en"' not in main_of(page.text)


def test_a_rule_name_taken_by_another_admin_is_said_in_italian(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        _italian(ada, csrf)
        made = ada.post("/alerts/rules", headers=JSON, data={"csrf": csrf, "name": "notte",
                                                              "channels": "hook"})
        again = ada.post("/alerts/rules", headers=HTML, data={"csrf": csrf, "name": "notte",
                                                               "channels": "hook"})
    assert made.status_code == 200 and again.status_code == 409
    assert "esiste già una regola di nome &#39;notte&#39;" in again.text
    assert 'lang="en"' not in main_of(again.text)


def test_a_rule_whose_channel_is_gone_says_why_in_italian(desk: Desk) -> None:
    RuleStore(desk.store).add("vecchia", RuleConfig(name="vecchia", channels=("pager",)),  # type: ignore[arg-type]
                              by="ada", at=desk.clock.now())
    for vera, csrf in client_for(desk, "vera"):
        english = vera.get("/alerts/rules").text
        _italian(vera, csrf)
        italian = vera.get("/alerts/rules").text
        twin = vera.get("/alerts/rules.json").json()
    assert "channel pager is not configured any more" in english
    assert "il canale pager non è più configurato" in italian
    assert "is not configured any more" not in italian
    problems = {r["name"]: r["problem"] for r in twin["rules"]}
    assert problems["vecchia"] == "channel pager is not configured any more"  # the API's words


@pytest.mark.parametrize(("query", "italian"), [
    ("gelato AND", "qui va un termine, una frase o &#39;(&#39;, ma la query è finita alla "
                   "posizione 10"),
    ("(gelato", "manca &#39;)&#39; alla posizione 7"),
    ('"gelato', "la frase che inizia alla posizione 0 non è chiusa"),
    ("-gelato", "per escludere un termine scrivi &#39;NOT gelato&#39;"),
    ("g*", "un carattere jolly vuole almeno 2 lettere prima di &#39;*&#39;"),
])
def test_a_watch_query_that_does_not_parse_is_refused_in_italian(query: str, italian: str) -> None:
    desk = build_desk(seeded=False)
    for ada, csrf in client_for(desk, "ada"):
        english = ada.post("/settings/queries", headers=HTML,
                           data={"csrf": csrf, "brand": "Fiori", "query": query})
        _italian(ada, csrf)
        page = ada.post("/settings/queries", headers=HTML,
                        data={"csrf": csrf, "brand": "Fiori", "query": query})
    assert english.status_code == page.status_code == 400
    assert " at position " in english.text
    assert italian in page.text, main_of(page.text)
    assert 'lang="en"' not in main_of(page.text)


def test_the_query_preview_keeps_its_english_error_and_adds_the_viewers_message() -> None:
    desk = build_desk(seeded=False)
    for ada, csrf in client_for(desk, "ada"):
        english = ada.post("/settings/preview", headers=JSON,
                           data={"csrf": csrf, "query": "gelato AND", "brand": "Fiori"}).json()
        _italian(ada, csrf)
        italian = ada.post("/settings/preview", headers=JSON,
                           data={"csrf": csrf, "query": "gelato AND", "brand": "Fiori"}).json()
        too_long = ada.post("/settings/preview", headers=JSON,
                            data={"csrf": csrf, "query": "x" * 5000, "brand": "Fiori"}).json()
    expected = "expected a term, a phrase or '(', found the end of the query at position 10"
    assert english["error"] == italian["error"] == expected  # machine-stable, as before
    assert english["code"] == italian["code"] == "q.term_at_end"
    assert (english["message"], english["message_lang"]) == (expected, "en")
    assert italian["message"] == ("qui va un termine, una frase o '(', ma la query è finita "
                                  "alla posizione 10")
    assert italian["message_lang"] == "it" and italian["position"] == 10
    assert too_long["message"].startswith("una query deve avere") and not too_long["ok"]


def submitted_reply(desk: Any) -> str:
    """Rita (a responder) submits a reply to the late delivery for approval; its id."""
    with signed_in(desk, "rita") as (rita, csrf):
        return str(rita.post(f"/queue/{desk.keys['late']}/compose", headers=JSON, data={
            "csrf": csrf, "text": "Marco, ci dispiace: ti scriviamo ora.",
            "action": "submit"}).json()["reply"])


@pytest.fixture
def network() -> Iterator[FakeBluesky]:
    with FakeBluesky(handle="fiori.bsky.social") as server:
        yield server


def test_a_network_refusing_the_reply_is_said_to_the_approver_in_italian(
        network: FakeBluesky) -> None:
    with sending_desk(network) as desk:
        reply = submitted_reply(desk)
        network.plan(CREATE, Answer(400, {"error": "InvalidRequest", "message": "bad record"}))
        with signed_in(desk, "aldo") as (aldo, csrf):
            _italian(aldo, csrf)
            refused = aldo.post(f"/replies/{reply}/send", headers=HTML, data={"csrf": csrf})
    assert refused.status_code == 502
    # the network's own words stay as written, set apart as English inside the Italian sentence
    assert ('<p>bluesky si è rifiutato di creare il post (400: <span lang="en">bad record</span>)'
            '</p>') in refused.text, main_of(refused.text)
    assert main_of(refused.text).count('lang="en"') == 1


def test_a_networks_hostile_words_inside_an_italian_refusal_never_become_html(
        network: FakeBluesky) -> None:
    with sending_desk(network) as desk:
        reply = submitted_reply(desk)
        hostile = Answer(400, {"message": '<img src=x onerror="alert(1)">&amp;'})
        network.plan(CREATE, hostile, hostile)
        with signed_in(desk, "aldo") as (aldo, csrf):
            _italian(aldo, csrf)
            page = aldo.post(f"/replies/{reply}/send", headers=HTML, data={"csrf": csrf})
            asked = aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
    assert page.status_code == 502
    assert ('(400: <span lang="en">&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;amp;</span>)'
            in page.text), main_of(page.text)
    assert "<img" not in page.text
    assert asked.json()["error"].endswith('(400: <img src=x onerror="alert(1)">&amp;)')


def test_the_last_reason_a_publisher_gave_up_on_is_said_in_italian() -> None:
    import asyncio

    from reale.clock import ManualClock
    from reale.errors import PublishError
    from reale.publish.base import Account
    from reale.publish.factory import publisher_for
    from tests.desk_helpers import T0, get_approved, sleeper

    async def publish(server: FakeBluesky) -> PublishError:
        clock = ManualClock(T0)
        wf = team(clock)
        account = Account(name="brand-bluesky", network="bluesky", url=server.url,
                          handle="brand.bsky.social", secret="app-pass-1234", dry_run=False,
                          retries=2)
        pub = publisher_for(account, gate=wf, clock=clock, sleep=sleeper(clock))
        approved = get_approved(wf, account="brand-bluesky", text="Ciao!", target=Target(
            network="bluesky", uri=parent))
        try:
            with pytest.raises(PublishError) as caught:
                await pub.publish(approved)
        finally:
            await pub.aclose()
        return caught.value

    parent = "at://did:plc:author00000000000000000/app.bsky.feed.post/3k"
    with FakeBluesky(handle="brand.bsky.social") as server:
        server.posts[parent] = {"uri": parent, "cid": "bafyparent",
                                "record": {"$type": "app.bsky.feed.post", "text": "ciao"}}
        server.plan(CREATE, *[Answer(503, {"error": "x"})] * 3)
        error = asyncio.run(publish(server))
    said, lang = problem(502, error).said_html("it")
    assert lang == "it" and "non è partita dopo 3 tentativi (errore del server 503)" in said
    assert "after 3 attempts (server error 503)" in str(error)  # the log's words, as before


def test_the_publishers_gate_refuses_in_italian() -> None:
    from reale.desk.approval import ApprovedReply
    from reale.errors import ApprovalRequired

    wf = team()

    def refusal(act: Any) -> tuple[str, str]:
        with pytest.raises(ApprovalRequired) as caught:
            act()
        return problem(403, caught.value).said("it")

    assert refusal(lambda: wf.verify("a reply")) == (
        "un str non si pubblica: si può inviare solo una risposta approvata (ApprovedReply)",
        "it")
    assert refusal(lambda: ApprovedReply(reply=None, decision_id="d", approved_by="aldo",  # type: ignore[arg-type]
                                         approved_at=0.0, seal="")) == (
        "un'approvazione può venire solo da ApprovalWorkflow.approve(): invia la risposta per "
        "approvazione e falla approvare da un approvatore", "it")


def test_the_model_endpoints_failures_are_said_in_italian() -> None:
    import asyncio

    from reale.desk.llm import LlmConfig, complete
    from tests.publish_servers import FakeChat

    def failure(cfg: LlmConfig) -> DeskError:
        with pytest.raises(DeskError) as caught:
            asyncio.run(complete(cfg, [{"role": "user", "content": "ciao"}]))
        return caught.value

    with FakeChat() as chat:
        wrong_key = failure(LlmConfig(url=chat.url, model="tiny-chat", key="sk-wrong", timeout=5))
    gone = failure(LlmConfig(url=chat.url, model="tiny-chat", timeout=5))  # the server stopped
    said, lang = problem(409, wrong_key).said_html("it")
    assert lang == "it" and said.startswith("l&#39;endpoint del modello linguistico ")
    assert ' ha risposto 401: <span lang="en">{&#34;error&#34;' in said
    assert problem(409, gone).said("it") == (
        f"l'endpoint del modello linguistico {chat.url}/v1/chat/completions non ha risposto: "
        "ConnectError", "it")


def test_a_network_asking_to_slow_down_is_said_to_the_approver_in_italian(
        network: FakeBluesky) -> None:
    with sending_desk(network) as desk:
        reply = submitted_reply(desk)
        network.plan(CREATE, Answer(429, {"error": "RateLimitExceeded"},
                                    {"Retry-After": "3600"}))
        with signed_in(desk, "aldo") as (aldo, csrf):
            _italian(aldo, csrf)
            refused = aldo.post(f"/replies/{reply}/send", headers=JSON, data={"csrf": csrf})
    assert refused.status_code == 502
    assert refused.json()["error"] == ("fiori-bsky: bluesky chiede di rallentare per 3600 s "
                                       "(oltre max_wait); riprova più tardi")


def test_a_store_that_cannot_answer_is_said_in_italian_and_its_detail_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    desk = build_desk(seeded=False)
    for rita, csrf in client_for(desk, "rita"):
        _italian(rita, csrf)
        with desk.store.transaction() as tx:  # a table the rules page reads is gone: it fails
            tx.execute("DROP TABLE alert_rules")
        page = rita.get("/alerts/rules", headers=HTML)
        asked = rita.get("/alerts/rules.json")
    assert page.status_code == asked.status_code == 503, page.text
    assert ("l&#39;archivio ha rifiutato questa lettura o scrittura; il dettaglio è nel log "
            "del server") in page.text
    assert asked.json()["error"].startswith("l'archivio ha rifiutato")
    assert 'lang="en"' not in main_of(page.text)
    assert any("alert_rules" in r.getMessage() for r in caplog.records)


def test_the_teams_and_the_replies_refusals_read_in_italian() -> None:
    desk = build_desk()
    key = desk.keys["late"]
    for rita, csrf in client_for(desk, "rita"):
        _italian(rita, csrf)
        reply = rita.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "action": "submit", "text": "Marco, ci dispiace."}).json()["reply"]
    for aldo, csrf in client_for(desk, "aldo"):
        _italian(aldo, csrf)
        no_comment = aldo.post(f"/replies/{reply}/send-back", headers=HTML,
                               data={"csrf": csrf, "comment": " "})
    for ada, csrf in client_for(desk, "ada"):
        _italian(ada, csrf)
        short = ada.post("/settings/users", headers=HTML, data={
            "csrf": csrf, "name": "nuovo", "password": "corta", "role": "viewer"})
        role = ada.post("/settings/users", headers=JSON, data={
            "csrf": csrf, "name": "nuovo", "password": "una password lunga", "role": "boss"})
        own = ada.post("/settings/users/ada", headers=JSON, data={"csrf": csrf, "role": "viewer"})
        named = ada.post("/settings/users", headers=JSON, data={
            "csrf": csrf, "name": "due parole", "password": "una password lunga", "role": "viewer"})
        boss = ada.post("/settings/users", headers=HTML, data={
            "csrf": csrf, "name": "nuovo", "password": "una password lunga", "role": "boss"})
    assert no_comment.status_code == 400
    assert ("per rimandare indietro una risposta serve un commento che dica cosa cambiare"
            in no_comment.text)
    assert 'lang="en"' not in main_of(no_comment.text)
    # what the admin wrote wrongly is a 400, as every form's mistake; changing oneself a 409
    assert (short.status_code, role.status_code, own.status_code) == (400, 400, 409)
    assert named.status_code == boss.status_code == 400
    assert named.json()["error"].startswith("un nome utente ha da 1 a 64 caratteri")
    assert "ruolo sconosciuto &#39;boss&#39;" in boss.text
    assert "una password deve avere almeno" in short.text and 'lang="en"' not in main_of(short.text)
    assert role.json()["error"] == ("ruolo sconosciuto 'boss': scegli tra osservatore, "
                                    "redattore, approvatore o amministratore")
    assert own.json()["error"] == ("il tuo ruolo o il tuo account si cambiano dalla sessione di "
                                   "un altro amministratore")


def test_the_workflows_refusals_carry_codes_the_desk_says_in_italian() -> None:
    wf = team()
    target = Target(network="bluesky", uri="at://did:plc:x/app.bsky.feed.post/1", cid="bafy")

    def refusal(act: Any) -> tuple[str, str]:
        with pytest.raises(DeskError) as caught:
            act()
        assert caught.value.code, caught.value
        return problem(409, caught.value).said("it")

    draft = wf.draft("rita", brand="Fiori", account="fiori", target=target, text="Ci dispiace.",
                     lang="it", kind="complaint")
    assert refusal(lambda: wf.approve("rita", draft.id)) == (
        "'rita' è redattore: solo un approvatore o superiore può approvare", "it")
    assert refusal(lambda: wf.submit("nessuno", draft.id)) == (
        "'nessuno' non fa parte del team: un amministratore deve aggiungerlo prima che possa "
        "inviare per approvazione", "it")
    assert refusal(lambda: wf.approve("aldo", draft.id)) == (
        f"non si può approvare la risposta {draft.id}: è bozza (si può solo se è in attesa di "
        "approvazione)", "it")
    assert refusal(lambda: wf.send_back("aldo", draft.id, "")) == (
        "per rimandare indietro una risposta serve un commento che dica cosa cambiare", "it")
    wf.submit("rita", draft.id)
    wf.approve("aldo", draft.id)
    second = wf.draft("rita", brand="Fiori", account="fiori", target=target, text="Di nuovo.",
                      lang="it", kind="complaint")
    assert refusal(lambda: wf.submit("rita", second.id)) == (
        f"non si può inviare per approvazione la risposta {second.id}: la risposta {draft.id} "
        "allo stesso post è già approvata; per rispondere di nuovo di proposito scrivi una "
        "nuova risposta che lo dica (another=1)", "it")
    edit = wf.withdraw
    assert refusal(lambda: edit("aldo", "no-such-reply")) == (
        "nessuna risposta con id 'no-such-reply'", "it")


CODE = re.compile(r'code="([\w.]+)"|"(q\.\w+)"|f?"(pub\.what\.)\{action\}"')


def test_every_code_a_lower_layer_raises_has_the_desks_words_in_both_languages() -> None:
    raised: set[str] = set()
    for part in ("match", "alerts", "publish", "desk", "web"):
        for path in (SRC / part).rglob("*.py"):
            for m in CODE.finditer(path.read_text(encoding="utf-8")):
                raised.add(m[1] or m[2] or m[3])
    codes = {c for c in raised if not c.endswith(".")} - {"act.", "st."}
    assert len(codes) >= 40, sorted(codes)
    missing = sorted(c for c in codes if c not in ERRORS)
    assert not missing, missing
    actions = [k for k in ERRORS if k.startswith("pub.what.")]
    for path in (SRC / "publish").glob("*.py"):
        for action in re.findall(r'_refuse\([^)]*?"[^"]*",\s*"(\w+)"', path.read_text()):
            assert f"pub.what.{action}" in actions, action
    assert say("q.at", "it", position=3, error={"key": "q.paren"}) == "manca ')' alla posizione 3"
    # a value named like HTTPProblem's own arguments could not reach it
    for key, (english, _) in ERRORS.items():
        assert not {"status", "message", "key"} & set(re.findall(r"\{(\w+)\}", english)), key


def test_the_alerts_page_shows_an_alerts_italian_title_and_marks_one_without_it() -> None:
    import random

    from reale.alerts.emit import AlertFactory
    from reale.alerts.model import make_alert
    from reale.alerts.outbox import Outbox
    from reale.alerts.routing import route

    desk = build_desk(seeded=False)
    cfg = parse_alerts_config({"channels": [{"name": "ops", "kind": "webhook",
                                             "url": "http://127.0.0.1:9/hook",
                                             "secret_env": "HOOK_SECRET"}],
                               "rules": [{"name": "all", "channels": ["ops"]}]})
    now = desk.clock.now()
    worded = AlertFactory("http://127.0.0.1:8765", random.Random(1)).opportunity(
        {"id": "Fiori|at://1", "brand": "Fiori", "kind": "complaint", "author": "giulia",
         "score": 0.9}, now)
    bare = make_alert(id="a2", brand="Fiori", kind="moment", severity="low",
                      title="Moment: tulips", dedup_key="moment:x", created_at=now)
    outbox = Outbox(desk.store)  # type: ignore[arg-type]
    for alert in (worded, bare):
        outbox.enqueue(alert, route(alert, cfg, now), now)
    for ada, csrf in client_for(desk, "ada"):
        _italian(ada, csrf)
        page = ada.get("/alerts").text
        twin = ada.get("/alerts.json").json()
    assert "<td>Lamentela di @giulia<" in page and "Complaint from" not in page
    assert '<span lang="en">Moment: tulips</span>' in page
    assert {i["title"] for i in twin["items"]} == {"Complaint from @giulia", "Moment: tulips"}


def test_the_rules_history_says_what_was_done_in_italian(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        _italian(ada, csrf)
        for action in ("disable", "enable"):
            assert ada.post(f"/alerts/rules/opps/{action}", headers=JSON,
                            data={"csrf": csrf}).status_code == 200
        assert ada.post("/alerts/rules", headers=JSON, data={
            "csrf": csrf, "name": "notte", "channels": "hook"}).status_code == 200
        assert ada.post("/alerts/rules/notte/up", headers=JSON, data={"csrf": csrf}).status_code == 200
        history = main_of(ada.get("/alerts/rules").text).split('class="small">')[-1]
    assert "<li>notte: spostata in su · ada" in history
    assert "<li>notte: aggiunta · ada" in history
    assert "<li>opps: attivata · ada" in history and "<li>opps: disattivata · ada" in history
    assert not re.search(r": (added|enabled|disabled|moved up) ·", history), history


def test_a_refusal_that_is_not_about_a_role_does_not_blame_the_role() -> None:
    desk = build_desk(seeded=False)
    for ada, csrf in client_for(desk, "ada"):
        english = ada.post("/settings/users", headers=HTML, data={"csrf": "stale"})
        _italian(ada, csrf)
        italian = ada.post("/settings/users", headers=HTML, data={"csrf": "stale"})
    for vera, csrf in client_for(desk, "vera"):
        _italian(vera, csrf)
        role = vera.post("/settings/users", headers=HTML, data={"csrf": csrf})
    assert english.status_code == italian.status_code == role.status_code == 403
    assert "<h1>Not allowed</h1>" in english.text and "role" not in main_of(english.text)
    assert "<h1>Non consentito</h1>" in italian.text and "ruolo" not in main_of(italian.text)
    assert "<h1>Il tuo ruolo non lo consente.</h1>" in role.text


def test_a_reply_that_moved_on_in_the_store_is_refused_with_the_workflows_code() -> None:
    """The served desk's repository (on the store) refuses a stale transition with the same
    code as the SQL one, so the desk says it from the code, not by matching the English."""
    import msgspec

    from reale.desk.records import Decision
    from reale.desk.store_repository import StoreDeskRepository

    desk = build_desk(seeded=False)
    repo = StoreDeskRepository(desk.store)  # type: ignore[arg-type]
    wf = team()
    draft = wf.draft("rita", brand="Fiori", account="fiori", text="Ci dispiace.", lang="it",
                     kind="complaint", target=Target(network="bluesky", uri="at://x/1", cid="b"))
    repo.insert_reply(draft, Decision(id="d1", reply_id=draft.id, action="draft", actor="rita",
                                      role="responder", at=0.0))
    submitted = msgspec.structs.replace(draft, state="submitted")
    with pytest.raises(DeskError) as caught:  # the stored reply is a draft, not approved
        repo.transition(submitted, "approved", Decision(
            id="d2", reply_id=draft.id, action="submit", actor="rita", role="responder", at=1.0))
    assert caught.value.code == "desk.moved_on"
    assert problem(409, caught.value).said("it") == (
        f"la risposta {draft.id} non è più approvata: ricarica e riprova", "it")
