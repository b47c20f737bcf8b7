"""A reply's life through the desk's API, as the team lives it: a responder writes and submits,
an approver sends it back, approves and sends it (dry run); the case history tells the story and
exports it; reports export the period; admins manage the team and the watch-queries."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from reale.web.pdf import PdfDocument, text_width, wrap
from reale.web.views.reports import safe_cell
from tests.web_helpers import Desk, TestClient, build_desk, client_for, login

JSON = {"Accept": "application/json"}


@pytest.fixture
def desk() -> Desk:
    return build_desk()


def test_a_reply_goes_from_draft_to_dry_run_with_every_decision_recorded(desk: Desk) -> None:
    key = desk.keys["flowers"]
    for rita, csrf in client_for(desk, "rita"):
        page = rita.get(f"/queue/{key}.json").json()
        assert page["drafts"] and page["current"] is None
        r = rita.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "text": page["drafts"][0]["text"], "action": "submit"})
        reply = r.json()["reply"]
        assert r.json()["state"] == "submitted"
    desk.clock.advance(120)
    for aldo, csrf in client_for(desk, "aldo"):
        r = aldo.post(f"/replies/{reply}/send-back", headers=JSON,
                      data={"csrf": csrf, "comment": "più caldo, per favore"})
        assert r.json()["state"] == "sent_back"
    desk.clock.advance(60)
    for rita, csrf in client_for(desk, "rita"):
        rita.post(f"/queue/{key}/compose", data={"csrf": csrf, "reply_id": reply,
                                                 "text": "Grazie Giulia, ci hai fatto la giornata!",
                                                 "action": "submit"})
    desk.clock.advance(30)
    for aldo, csrf in client_for(desk, "aldo"):
        r = aldo.post(f"/replies/{reply}/send", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/queue/{key}?done=dry_run"
        assert "dry run" in aldo.get(r.headers["location"]).text
        case = aldo.get(f"/case/{key}.json").json()
    assert case["opportunity"]["status"] == "handled"
    assert case["published"]["text"] == "Grazie Giulia, ci hai fatto la giornata!"
    assert case["published"]["publication"]["state"] == "dry_run"
    steps = [(e["what"], e["actor"]) for e in case["timeline"]]
    assert steps == [("posted", "giulia.bsky.social"), ("draft", "rita"), ("submit", "rita"),
                     ("send_back", "aldo"), ("edit", "rita"), ("submit", "rita"),
                     ("approve_and_send", "aldo"), ("dry_run", "dry-run-bluesky"),
                     ("handled", "aldo")]
    sent_back = next(e for e in case["timeline"] if e["what"] == "send_back")
    assert sent_back["comment"] == "più caldo, per favore" and sent_back["role"] == "approver"
    assert key not in [o["key"] for o in client_json(desk, "/queue.json")["items"]]


def client_json(desk: Desk, path: str) -> dict:  # type: ignore[type-arg]
    for client, _ in client_for(desk, "vera"):
        return client.get(path).json()  # type: ignore[no-any-return]
    raise AssertionError


def test_an_approver_answers_in_real_time_in_one_step(desk: Desk) -> None:
    key = desk.keys["late"]
    for aldo, csrf in client_for(desk, "aldo"):
        r = aldo.post(f"/queue/{key}/compose", headers=JSON,
                      data={"csrf": csrf, "action": "send",
                            "text": "Marco, ci dispiace: ti scriviamo in privato ora."})
        assert r.json()["publication"] == "dry_run"
        history = desk.workflow.history(r.json()["reply"])
        assert [d.action for d in history] == ["draft", "approve_and_send"]
        assert history[-1].actor == "aldo"
        again = aldo.post(f"/replies/{r.json()['reply']}/send", headers=JSON, data={"csrf": csrf})
        assert again.status_code == 200 and again.json()["publication"] == "dry_run"


def test_dismissing_takes_an_opportunity_off_the_queue_with_its_reason(desk: Desk) -> None:
    key = desk.keys["car"]
    for rita, csrf in client_for(desk, "rita"):
        assert rita.post(f"/queue/{key}/dismiss", headers=JSON,
                         data={"csrf": csrf, "reason": "maybe"}).status_code == 400
        r = rita.post(f"/queue/{key}/dismiss", data={"csrf": csrf, "reason": "not_worth"},
                      follow_redirects=False)
        assert r.headers["location"] == "/queue?done=dismissed"
        assert key not in [o["key"] for o in rita.get("/queue.json").json()["items"]]
        case = rita.get(f"/case/{key}.json").json()
        assert case["opportunity"]["status"] == "not_worth"
        assert case["timeline"][-1]["what"] == "not_worth" and case["timeline"][-1]["actor"] == "rita"


def test_a_case_history_exports_as_html_pdf_and_json(desk: Desk) -> None:
    key = desk.keys["car"]
    for aldo, _ in client_for(desk, "aldo"):
        page = aldo.get(f"/case/{key}.json").json()
        h = aldo.get(f"/case/{key}/export.html")
        assert h.headers["content-disposition"] == f'attachment; filename="case-{key}.html"'
        assert "<script" not in h.text and "<link" not in h.text and "<style>" in h.text
        assert "script-src" not in h.headers["content-security-policy"]
        assert "regalatemi una Nova" in h.text and "transactional" in h.text
        pdf = aldo.get(f"/case/{key}/export.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        body = pdf.content
        assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
        assert b"(Case history) Tj" in body and b"regalatemi una Nova" in body
        xref = int(body[body.rindex(b"startxref") + 10:].split()[0])
        assert body[xref:xref + 4] == b"xref"
        j = aldo.get(f"/case/{key}/export.json")
        assert j.headers["content-disposition"].endswith(f'case-{key}.json"')
        exported = json.loads(j.content)
        assert exported["opportunity"]["key"] == key
        assert exported["timeline"] == page["timeline"]


def test_the_pdf_writer_wraps_text_and_breaks_pages() -> None:
    assert text_width("iiii", 10) < text_width("MMMM", 10)
    lines = wrap("parola " * 200, 10, 200)
    assert len(lines) > 10 and all(text_width(x, 10) <= 200 for x in lines)
    assert wrap("x" * 500, 10, 100)[0]  # one long word is cut, never an endless line
    doc = PdfDocument("t")
    for _ in range(120):
        doc.text("una riga (con parentesi) e \\ barre")
    out = doc.render()
    assert out.count(b"/Type /Page ") == 3 and b"\\(con parentesi\\)" in out


def test_reports_export_the_period_as_csv_and_json(desk: Desk) -> None:
    for vera, _ in client_for(desk, "vera"):
        summary = vera.get("/reports.json?from=2026-05-20&to=2026-05-28").json()
        assert summary["counts"]["mentions"] > 0
        r = vera.get("/reports/mentions.csv?from=2026-05-20&to=2026-05-28&brand=Fiori")
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) == vera.get("/reports.json?from=2026-05-20&to=2026-05-28&brand=Fiori"
                                     ).json()["counts"]["mentions"]
        assert {row["brand"] for row in rows} == {"Fiori"}
        times = [float(row["created_at"]) for row in rows]
        assert times == sorted(times)
        j = vera.get("/reports/opportunities.json?from=2026-05-20&to=2026-05-28").json()
        assert {o["key"] for o in j} == set(desk.keys.values())
        o = vera.get("/reports/opportunities.csv?from=2026-05-20&to=2026-05-28").text
        assert o.splitlines()[0].startswith("created_at,brand,kind,score")
        assert vera.get("/reports.json?from=2026-05-28&to=2026-05-01").status_code == 400
        assert vera.get("/reports.json?from=yesterday").status_code == 400


def test_spreadsheet_formulas_in_posts_are_exported_as_text() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("+1") == "'+1" and safe_cell("@cmd") == "'@cmd"
    assert safe_cell("ciao") == "ciao" and safe_cell(None) == "" and safe_cell(0.5) == "0.5"


def test_the_api_document_says_what_the_team_form_refuses_with_a_400(desk: Desk) -> None:
    doc = TestClient(desk.app).get("/openapi.json").json()
    said = json.dumps(doc["paths"]["/settings/users"])
    for field in ("letters, digits", "8 to 1,024 characters", "approver or admin"):
        assert re.search(re.escape(field) + r"[^\"]*\(else 400\)", said), field


def test_admins_manage_the_team_and_everyone_else_reads_it(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/settings/users", headers=JSON,
                     data={"csrf": csrf, "name": "nina", "password": "a long password",
                           "role": "responder"})
        assert r.status_code == 200
        assert ada.post("/settings/users", headers=JSON, data={
            "csrf": csrf, "name": "x", "password": "short", "role": "viewer"}).status_code == 400
        ada.post("/settings/users/nina", data={"csrf": csrf, "role": "approver"})
        team = {u["name"]: u["role"] for u in ada.get("/settings.json").json()["team"]}
        assert team["nina"] == "approver"
        assert ada.post("/settings/users/ada", headers=JSON,
                        data={"csrf": csrf, "role": "viewer"}).status_code == 409
        alone = ada.post("/settings/users", headers=JSON, data={  # the team's only admin
            "csrf": csrf, "name": "ada", "password": "a long password", "role": "viewer"})
        assert alone.status_code == 409 and "'ada' is the last active admin" in alone.json()["error"]
        assert ada.get("/me.json").json()["role"] == "admin"
    with TestClient(desk.app) as nina:
        login(nina, "nina", "a long password")
        assert nina.get("/me.json").json()["role"] == "approver"


def test_watch_queries_are_added_and_previewed(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/settings/queries", headers=JSON,
                     data={"csrf": csrf, "brand": "Fiori", "query": '"fiori di giulia"'})
        assert r.status_code == 200
        added = ada.get("/settings.json").json()["brands"][0]["added"]
        assert [q["query"] for q in added] == ['"fiori di giulia"'] and added[0]["by"] == "ada"
        assert ada.post("/settings/queries", headers=JSON, data={
            "csrf": csrf, "brand": "Nobody", "query": "x"}).status_code == 400
        ada.post(f"/settings/queries/{added[0]['id']}/delete", data={"csrf": csrf})
        assert ada.get("/settings.json").json()["brands"][0]["added"] == []
        preview = ada.post("/settings/preview", headers={"X-CSRF-Token": csrf},
                           json={"query": "fiori", "brand": "Fiori"}).json()
        settings = ada.get("/settings.json").json()
        if settings["match_available"]:
            assert preview["ok"] and preview["scanned"] >= preview["count"] >= 0
            bad = ada.post("/settings/preview", headers={"X-CSRF-Token": csrf},
                           json={"query": '("fiori" OR', "brand": "Fiori"}).json()
            assert not bad["ok"] and isinstance(bad["position"], int)
        else:
            assert preview == {"ok": False, "available": False, "error": preview["error"]}
            assert "reale.match" in preview["error"]


def test_json_bodies_work_like_forms_and_bad_bodies_get_clear_errors(desk: Desk) -> None:
    key = desk.keys["late"]
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{key}/compose", headers={"X-CSRF-Token": csrf, **JSON},
                      json={"text": "Ci pensiamo noi, Marco.", "action": "save"})
        assert r.status_code == 200 and r.json()["state"] == "draft"
        bad = rita.post(f"/queue/{key}/compose", content=b"{not json",
                        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"})
        assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]
        big = rita.post(f"/queue/{key}/compose", headers={"X-CSRF-Token": csrf, **JSON},
                        data={"text": "x" * 300_000})
        assert big.status_code == 413
        reply = r.json()["reply"]
        for text, reply_id in (("", ""), ("   ", ""), (" \n\t ", reply)):  # a client error
            empty = rita.post(f"/queue/{key}/compose", headers={"X-CSRF-Token": csrf, **JSON},
                              data={"text": text, "action": "save", "reply_id": reply_id})
            assert empty.status_code == 400
            assert empty.json()["error"] == "a reply needs some text: the text is empty"
        page = rita.post(f"/queue/{key}/compose", data={"csrf": csrf, "text": " "},
                         headers={"accept": "text/html"})
        assert page.status_code == 400 and "a reply needs some text" in page.text

        # JSON may escape half of a surrogate pair ("\ud800"): not text any store can hold
        for body in (b'{"text": "ciao \\ud800 mondo", "action": "save"}',
                     b'{"reason": "irrelevant", "comment": "\\udfff"}'):
            path = f"/queue/{key}/compose" if b"text" in body else f"/queue/{key}/dismiss"
            lone = rita.post(path, content=body, headers={
                "X-CSRF-Token": csrf, "Content-Type": "application/json", **JSON})
            assert lone.status_code == 400, lone.text
            assert "not valid Unicode" in lone.json()["error"]


def test_a_backlash_in_the_case_history_shows_the_posts_that_show_it(desk: Desk) -> None:
    """After the brand acted, accusations rose: the case history says so and quotes the
    reactions behind the alert (as text, never as HTML), on the page and in the export."""
    from reale.desk.aftermath import AftermathStatus, Counts
    from reale.desk.aftermath_rules import BacklashAlert, Evidence
    from reale.web.data import save_aftermath

    key = desk.keys["car"]
    opp_id, uri = desk.store.query("SELECT id, post_uri FROM opportunities WHERE key = ?", (key,))[0]
    now = desk.clock.now()
    evidence = (Evidence(uri="at://did:plc:m/app.bsky.feed.post/1", author="marta.bsky.social",
                         text="Che marchetta! <img src=x onerror=alert(1)>", created_at=now,
                         cues=("marchetta",), accusation=True),
                Evidence(uri="at://did:plc:l/app.bsky.feed.post/2", author="luca.bsky.social",
                         text="pubblicità occulta, e nessuno lo dice", created_at=now,
                         cues=("pubblicità occulta",), accusation=True))
    alert = BacklashAlert(watch_id="w1", brand="Auto", raised_at=now, count=12, reactions=20,
                          message="backlash: 12 accusing, mocking or negative reactions since "
                                  "the brand acted (60% of reactions; before: 5%): “marchetta”",
                          share_before=0.05, share_after=0.6, rate_before=1.0, rate_after=30.0,
                          p_value=1e-6, top_cues=("marchetta",), evidence=evidence)
    save_aftermath(desk.store, opp_id, AftermathStatus(
        watch_id="w1", brand="Auto", original_uri=uri, action_uri=None, followed_since=now - 600,
        acted_at=now - 300, before=Counts(n=20, bad=1), after=Counts(n=20, bad=12),
        alerts=[alert], active=True))
    for client, _ in client_for(desk, "vera"):
        for path in (f"/case/{key}", f"/case/{key}/export.html"):
            page = client.get(path).text
            assert "backlash: 12 accusing" in page, path
            assert "@marta.bsky.social" in page and "pubblicità occulta, e nessuno lo dice" in page
            assert "Che marchetta! &lt;img src=x onerror=alert(1)&gt;" in page, path
            assert "<img src=x" not in page, path
        pdf = client.get(f"/case/{key}/export.pdf").content
        assert b"@luca.bsky.social: pubblicit" in pdf


def test_an_old_case_keeps_its_reply_after_the_brand_has_answered_hundreds_more() -> None:
    """A case history presented months later still has its published reply, however many
    replies the brand wrote since (the page once looked only at the brand's newest 500)."""
    from reale.desk.records import Target

    desk = build_desk()
    key = desk.keys["late"]
    for aldo, csrf in client_for(desk, "aldo"):
        sent = aldo.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "action": "send", "text": "Marco, ci dispiace: ti scriviamo ora."})
        assert sent.json()["publication"] == "dry_run"
    for n in range(501):  # later answers to other people
        desk.clock.advance(60)
        desk.workflow.draft("rita", brand="Fiori", account="dry-run-bluesky",
                            target=Target(network="bluesky", uri=f"at://did:plc:o/post/{n}"),
                            text=f"Grazie {n}!", opportunity_id=f"Fiori|at://did:plc:o/post/{n}")
    case = client_json(desk, f"/case/{key}.json")
    assert case["published"]["text"] == "Marco, ci dispiace: ti scriviamo ora."
    page = client_json(desk, f"/queue/{key}.json")
    assert [r["text"] for r in page["replies"]] == ["Marco, ci dispiace: ti scriviamo ora."]


def test_a_stale_page_cannot_dismiss_an_opportunity_already_answered() -> None:
    """Aldo answered; Rita's page, loaded before, still offers "dismiss as irrelevant": the desk
    refuses (409) rather than file an answered case as irrelevant and learn that from it."""
    desk = build_desk()
    key = desk.keys["late"]
    for aldo, csrf in client_for(desk, "aldo"):
        aldo.post(f"/queue/{key}/compose", headers=JSON, data={
            "csrf": csrf, "action": "send", "text": "Marco, ci dispiace: ti scriviamo ora."})
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{key}/dismiss", headers=JSON,
                      data={"csrf": csrf, "reason": "irrelevant"})
        assert r.status_code == 409, r.text
        assert "already handled by aldo" in r.json()["error"]
    case = client_json(desk, f"/case/{key}.json")
    assert case["opportunity"]["status"] == "handled"
    assert [e["what"] for e in case["timeline"]][-1] == "handled"


def _dead_delivery(desk: Desk) -> int:
    """An opportunity alert whose webhook refused it for good: a dead-letter row in the outbox."""
    from reale.alerts.config import parse_alerts_config
    from reale.alerts.model import make_alert
    from reale.alerts.outbox import Outbox
    from reale.alerts.routing import route

    cfg = parse_alerts_config({"channels": [{"name": "ops", "kind": "webhook",
                                             "url": "http://127.0.0.1:9/hook",
                                             "secret_env": "HOOK_SECRET"}],
                               "rules": [{"name": "all", "channels": ["ops"]}]})
    alert = make_alert(id="a1", brand="Fiori", kind="opportunity", severity="high",
                       title="Complaint from @giulia.bsky.social", dedup_key="opportunity:o1",
                       created_at=desk.clock.now(), score=0.9)
    outbox = Outbox(desk.store)  # type: ignore[arg-type]
    outbox.enqueue(alert, route(alert, cfg, desk.clock.now()), desk.clock.now())
    row = outbox.list(("pending",))[0]
    outbox.mark_dead(row.id, "channel ops: HTTP 410 Gone", desk.clock.now())
    return row.id


def test_the_desk_lists_dead_alert_deliveries_and_an_admin_sends_one_again(desk: Desk) -> None:
    row_id = _dead_delivery(desk)
    for vera, csrf in client_for(desk, "vera"):
        page = vera.get("/alerts").text
        assert "Complaint from @giulia.bsky.social" in page and "HTTP 410 Gone" in page
        listed = vera.get("/alerts.json").json()
        assert listed["counts"]["dead"] == 1
        assert [(d["id"], d["state"], d["channel"]) for d in listed["items"]] == \
            [(row_id, "dead", "ops")]
        assert vera.post(f"/alerts/{row_id}/retry", headers=JSON,
                         data={"csrf": csrf}).status_code == 403
    for ada, csrf in client_for(desk, "ada"):
        assert ada.post(f"/alerts/{row_id}/retry", headers=JSON,
                        data={"csrf": csrf}).status_code == 200
        assert ada.get("/alerts.json").json()["items"][0]["state"] == "pending"
        assert ada.post("/alerts/999/retry", headers=JSON, data={"csrf": csrf}).status_code == 404
