"""Alert rules in the desk: everyone reads them with where each came from; an admin adds, edits,
disables, reverts and deletes them, behind the desk's CSRF and role checks, with clear messages
for bad input; secrets never reach the page. On a real server, an edit made over HTTP changes
where the running dispatcher sends the next alert."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reale.alerts import AlertDispatcher, LocalReceiver
from reale.alerts.config import AlertsConfig, parse_alerts_config
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.clock import ManualClock
from reale.web.serving import serving
from tests.alerts_helpers import SECRET, T0, alert
from tests.web_helpers import PASSWORD, Desk, build_desk, client_for

JSON = {"accept": "application/json"}
HOOK_TOKEN = "T0KEN-never-shown-9f8e7d6c5b4a"


def alerts_config(hook: str = "http://127.0.0.1:9/hook", other: str = "http://127.0.0.1:9/other"
                  ) -> AlertsConfig:
    return parse_alerts_config({
        "channels": [{"name": "hook", "kind": "webhook", "url": hook, "secret_env": "HOOK_SECRET"},
                     {"name": "other", "kind": "webhook", "url": other,
                      "secret_env": "OTHER_SECRET"},
                     {"name": "team-chat", "kind": "slack", "url_env": "SLACK_URL"}],
        "rules": [{"name": "opps", "channels": ["other"], "kinds": ["opportunity"],
                   "min_score": 0.9},
                  {"name": "moments", "channels": ["team-chat"], "kinds": ["moment"]}]})


@pytest.fixture
def desk() -> Desk:
    return build_desk(seeded=False, alerts=alerts_config())


def rules_of(client: Any) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in client.get("/alerts/rules.json").json()["rules"]}


def test_everyone_reads_the_rules_with_their_source_and_only_admins_change_them(desk: Desk) -> None:
    for vera, csrf in client_for(desk, "vera"):
        listed = vera.get("/alerts/rules.json").json()
        assert [(r["name"], r["source"], r["active"]) for r in listed["rules"]] == [
            ("opps", "config", True), ("moments", "config", True)]
        assert [c["name"] for c in listed["channels"]] == ["hook", "other", "team-chat"]
        assert listed["admin"] is False
        page = vera.get("/alerts/rules").text
        assert "opps" in page and "reale.toml" in page and "/alerts/rules/opps/disable" not in page
        denied = vera.post("/alerts/rules/opps/disable", headers=JSON, data={"csrf": csrf})
        assert denied.status_code == 403 and "admin" in denied.json()["error"]


def test_an_admin_edits_disables_reverts_and_the_log_says_who(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/alerts/rules/opps", headers=JSON,
                     data={"csrf": csrf, "channels": "hook", "min_score": "0.5"})
        assert r.status_code == 200, r.text
        opps = rules_of(ada)["opps"]
        assert (opps["source"], opps["channels"], opps["min_score"], opps["kinds"], opps["by"]) == (
            "config, edited in the desk", ["hook"], 0.5, ["opportunity"], "ada")
        assert ada.post("/alerts/rules/moments/disable", headers=JSON,
                        data={"csrf": csrf}).status_code == 200
        assert rules_of(ada)["moments"]["active"] is False
        assert ada.post("/alerts/rules/moments/enable", headers=JSON,
                        data={"csrf": csrf}).status_code == 200
        assert ada.post("/alerts/rules/opps/revert", headers=JSON,
                        data={"csrf": csrf}).status_code == 200
        assert rules_of(ada)["opps"]["source"] == "config"
        assert rules_of(ada)["opps"]["min_score"] == 0.9
        history = ada.get("/alerts/rules.json").json()["history"]
        assert [(h["name"], h["action"], h["by"]) for h in history] == [
            ("opps", "reverted", "ada"), ("moments", "enabled", "ada"),
            ("moments", "disabled", "ada"), ("opps", "edited", "ada")]
        delete = ada.post("/alerts/rules/opps/delete", headers=JSON, data={"csrf": csrf})
        assert delete.status_code == 409 and "disable it" in delete.json()["error"]


def test_an_admin_adds_a_rule_from_the_html_form_and_deletes_it(desk: Desk) -> None:
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/alerts/rules", data={"csrf": csrf, "boxes": "1", "name": "fiori-night",
                                            "channel:hook": "on", "brand:Fiori": "on",
                                            "kind:backlash": "on", "kind:sla": "on",
                                            "min_severity": "high", "quiet_hours": "22:00-07:00",
                                            "timezone": "Europe/Rome", "digest_minutes": "0"},
                     follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/alerts/rules?done=rule_saved"
        made = rules_of(ada)["fiori-night"]
        assert (made["source"], made["brands"], made["kinds"], made["min_severity"]) == (
            "desk", ["Fiori"], ["backlash", "sla"], "high")
        assert "Rule saved" in ada.get(r.headers["location"]).text
        again = ada.post("/alerts/rules", headers=JSON, data={"csrf": csrf, "name": "fiori-night",
                                                              "channels": "hook"})
        assert again.status_code == 409
        assert ada.post("/alerts/rules/fiori-night/delete", headers=JSON,
                        data={"csrf": csrf}).status_code == 200
        assert "fiori-night" not in rules_of(ada)


@pytest.mark.parametrize(("fields", "message"), [
    ({"min_score": "lots"}, "min_score must be a number"),
    ({"min_score": "7"}, "min_score must be between 0 and 1"),
    ({"channels": "pager"}, "channel 'pager' is not configured (channels: hook, other, team-chat)"),
    ({"brands": "Nessuno"}, "brand 'Nessuno' is not in reale.toml"),
    ({"quiet_hours": "25:00-07:00"}, "are not HH:MM-HH:MM"),
])
def test_bad_input_is_refused_with_a_message_naming_the_field(desk: Desk, fields: dict[str, str],
                                                              message: str) -> None:
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/alerts/rules/opps", headers=JSON, data={"csrf": csrf, **fields})
        assert r.status_code == 400 and message in r.json()["error"]
        html = ada.post("/alerts/rules/opps", data={"csrf": csrf, **fields},
                        headers={"accept": "text/html"})
        assert html.status_code == 400 and "<html" in html.text
        assert message.replace("'", "&#39;") in html.text  # shown, escaped
        assert rules_of(ada)["opps"]["source"] == "config"  # nothing was stored


def test_a_change_without_the_csrf_token_is_refused(desk: Desk) -> None:
    for ada, _ in client_for(desk, "ada"):
        r = ada.post("/alerts/rules/opps/disable", headers=JSON, data={"csrf": "forged"})
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
        assert rules_of(ada)["opps"]["active"] is True


def test_the_page_names_channels_but_never_shows_their_secrets(monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    secret_url = f"https://hooks.slack.example/services/{HOOK_TOKEN}"
    cfg = parse_alerts_config({
        "channels": [{"name": "team-chat", "kind": "slack", "url": secret_url}],
        "rules": [{"name": "all", "channels": ["team-chat"]}]})
    desk = build_desk(seeded=False, alerts=cfg)
    for ada, _ in client_for(desk, "ada"):
        for path in ("/alerts/rules", "/alerts/rules.json"):
            body = ada.get(path).text
            assert "team-chat" in body and HOOK_TOKEN not in body and "hooks.slack" not in body


# -- the whole loop on a real server ---------------------------------------------------------------
class Running:
    """The dispatcher's ``run()`` on its own event loop in a thread, as ``reale run`` runs it."""

    def __init__(self, dispatcher: AlertDispatcher) -> None:
        self.dispatcher = dispatcher
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self._main, name="test-dispatcher", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.dispatcher.run(self.stop))
        self.loop.run_until_complete(self.dispatcher.aclose())

    def submit(self, a: Any) -> list[Any]:
        async def go() -> list[Any]:
            return self.dispatcher.submit(a)
        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(timeout=10)

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=15)


def wait_for(condition: Any, what: str, timeout: float = 15.0) -> None:
    """Wait for another thread's I/O (a delivery, a reload); never a wait for logic."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def sign_in(http: httpx.Client, name: str) -> str:
    token = http.get("/login.json").json()["csrf"]
    r = http.post("/login", data={"user": name, "password": PASSWORD, "csrf": token})
    assert r.status_code in (200, 303), r.text
    return str(http.get("/me.json").json()["csrf"])


@pytest.fixture
def receivers() -> Iterator[tuple[LocalReceiver, LocalReceiver]]:
    with LocalReceiver(secret=SECRET) as hook, LocalReceiver(secret=SECRET) as other:
        yield hook, other


def test_an_edit_over_http_routes_the_next_alert_by_the_new_rule(
        tmp_path: Path, receivers: tuple[LocalReceiver, LocalReceiver]) -> None:
    hook, other = receivers
    cfg = alerts_config(hook.url, other.url)
    desk = build_desk(f"sqlite:///{tmp_path}/reale.sqlite", seeded=False, alerts=cfg)
    secrets = {n: ChannelSecrets(url=r.url, secret=Secret(SECRET))
               for n, r in (("hook", hook), ("other", other))}
    secrets["team-chat"] = ChannelSecrets(url="http://127.0.0.1:9/chat")  # never used here
    dispatcher = AlertDispatcher(cfg, desk.store, secrets=secrets,
                                 rules=LiveRules(cfg, RuleStore(desk.store), interval=0.1))
    with serving(desk.app) as base, Running(dispatcher) as running, \
            httpx.Client(base_url=base, follow_redirects=False) as http:
        running.submit(alert(1, brand="Fiori", score=0.95))
        wait_for(lambda: len(other.accepted) == 1, "the first alert on the config's channel")
        csrf = sign_in(http, "ada")
        r = http.post("/alerts/rules/opps", headers={**JSON, "x-csrf-token": csrf},
                      json={"channels": ["hook"], "min_score": 0.5})
        assert r.status_code == 200, r.text
        wait_for(lambda: dispatcher.config.rules[0].channels == ("hook",), "the rules' reload")
        running.submit(alert(2, brand="Fiori", score=0.6))  # under the config's 0.9
        wait_for(lambda: len(hook.accepted) == 1, "the next alert on the desk's channel")
    got = hook.accepted[0]
    assert got.verified and got.json()["alert"]["id"] == "a00002" and got.json()["rule"] == "opps"
    assert len(other.accepted) == 1  # the edited rule no longer sends there


def test_two_admins_adding_one_name_at_once_get_the_rule_and_a_409(tmp_path: Path) -> None:
    desk = build_desk(f"sqlite:///{tmp_path}/reale.sqlite", seeded=False, alerts=alerts_config())
    with serving(desk.app) as base, httpx.Client(base_url=base) as one, \
            httpx.Client(base_url=base) as two:
        tokens = [sign_in(one, "ada"), sign_in(two, "ada")]  # two sessions, two browsers
        start = threading.Barrier(2)
        answers: list[httpx.Response] = []

        def add(http: httpx.Client, csrf: str, score: str) -> None:
            start.wait(timeout=10)
            answers.append(http.post("/alerts/rules", headers={**JSON, "x-csrf-token": csrf},
                                     data={"name": "night", "channels": "hook",
                                           "min_score": score}))

        threads = [threading.Thread(target=add, args=(http, csrf, score)) for http, csrf, score
                   in ((one, tokens[0], "0.3"), (two, tokens[1], "0.7"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
        refused = next(r for r in answers if r.status_code == 409).json()["error"]
        assert "a rule named 'night' exists already" in refused and "edit it" in refused
        listed = one.get("/alerts/rules.json").json()
        assert [r["name"] for r in listed["rules"]].count("night") == 1
        assert [h["action"] for h in listed["history"]] == ["added"]


def test_a_digest_size_edited_in_the_desk_sizes_the_running_dispatchers_next_digest() -> None:
    desk = build_desk(seeded=False, alerts=alerts_config())
    cfg = alerts_config()
    ticks, clock = [0.0], ManualClock(T0)
    dispatcher = AlertDispatcher(cfg, desk.store, clock=clock, senders={},
                                 rules=LiveRules(cfg, RuleStore(desk.store), interval=2.0,
                                                 monotonic=lambda: ticks[0]))
    for ada, csrf in client_for(desk, "ada"):
        r = ada.post("/alerts/rules/opps", headers=JSON,
                     data={"csrf": csrf, "min_score": "0.5", "digest_minutes": "15",
                           "digest_max_items": "2"})
        assert r.status_code == 200, r.text
        assert rules_of(ada)["opps"]["digest_max_items"] == 2
        assert 'name="digest_max_items"' in ada.get("/alerts/rules").text  # on the HTML form too
        bad = ada.post("/alerts/rules/opps", headers=JSON,
                       data={"csrf": csrf, "digest_max_items": "0"})
        assert bad.status_code == 400 and "digest_max_items must be between 1" in bad.json()["error"]
    asyncio.run(dispatcher.step())  # the running loop's step takes the edit up
    for n in range(4):
        assert [e.outcome for e in dispatcher.submit(alert(n, score=0.95, at=T0 + n))] == ["held"]
    clock.set(T0 + 900)  # the 15-minute boundary
    asyncio.run(dispatcher.step())
    digest = next(d for d in dispatcher.outbox.list(["pending", "dead"]) if d.event == "alert.digest")
    assert (len(digest.message.items), digest.message.more) == (2, 2)  # not the config's 5
    asyncio.run(dispatcher.aclose())


def test_an_admin_moves_a_rule_up_with_a_plain_form_and_the_dispatcher_routes_by_the_order() -> None:
    cfg = parse_alerts_config({
        "channels": [{"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook",
                      "secret_env": "HOOK_SECRET"}],
        "rules": [{"name": "slow", "channels": ["hook"], "kinds": ["opportunity"],
                   "digest_minutes": 15},
                  {"name": "now", "channels": ["hook"], "kinds": ["opportunity"]}]})
    desk = build_desk(seeded=False, alerts=cfg)
    ticks = [0.0]
    dispatcher = AlertDispatcher(cfg, desk.store, clock=ManualClock(T0), senders={},
                                 rules=LiveRules(cfg, RuleStore(desk.store), interval=2.0,
                                                 monotonic=lambda: ticks[0]))
    assert [e.outcome for e in dispatcher.submit(alert(1))] == ["held"]  # "slow" decides
    for vera, csrf in client_for(desk, "vera"):
        assert vera.post("/alerts/rules/now/up", headers=JSON,
                         data={"csrf": csrf}).status_code == 403
        assert "/alerts/rules/now/up" not in vera.get("/alerts/rules").text
    for ada, csrf in client_for(desk, "ada"):
        page = ada.get("/alerts/rules").text
        assert 'action="/alerts/rules/now/up"' in page  # a form: works without JavaScript
        assert 'action="/alerts/rules/slow/up"' not in page  # the first cannot go higher
        forged = ada.post("/alerts/rules/now/up", data={"csrf": "forged"})
        assert forged.status_code == 403
        r = ada.post("/alerts/rules/now/up", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/alerts/rules?done=rule_moved"
        assert "Rule moved" in ada.get(r.headers["location"]).text
        listed = ada.get("/alerts/rules.json").json()
        assert [(x["name"], x["position"], x["source"]) for x in listed["rules"]] == [
            ("now", 1, "config"), ("slow", 2, "config")]
        assert [(h["name"], h["action"], h["by"]) for h in listed["history"]] == [
            ("now", "moved up", "ada")]
        assert ada.post("/alerts/rules/ghost/down", headers=JSON,
                        data={"csrf": csrf}).status_code == 404
    ticks[0] = 2.5  # the dispatcher's next re-read
    asyncio.run(dispatcher.step())
    assert [r.name for r in dispatcher.config.rules] == ["now", "slow"]
    assert [e.outcome for e in dispatcher.submit(alert(2))] == ["queued"]  # "now" decides
    asyncio.run(dispatcher.aclose())
