"""Accounts and the desk's defences: roles enforced on every action, CSRF on every state change,
login rate limits, session cookies, and post text that stays text whatever it contains."""

from __future__ import annotations

import html

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reale.desk.roles import Role
from reale.web.payloads import safe_href
from reale.web.render import close_bidi, environment
from reale.web.table import SPECS
from tests.web_helpers import PASSWORD, TEAM, Desk, TestClient, build_desk, client_for, login

ROLES = ("viewer", "responder", "approver", "admin")
NAMES = {role: name for name, role in TEAM.items()}


@pytest.fixture
def desk() -> Desk:
    return build_desk()


def _url(path: str, desk: Desk) -> str:
    return (path.replace("{key}", desk.keys["late"]).replace("{reply_id}", "r99999")
            .replace("{name}", "vera").replace("{query_id}", "1"))


def test_every_state_change_refuses_a_missing_or_wrong_csrf_token(desk: Desk) -> None:
    for client, csrf in client_for(desk, "ada"):
        for spec in SPECS:
            if "POST" not in spec.methods:
                continue
            url = _url(spec.path, desk)
            assert client.post(url, data={}).status_code == 403, url
            bad = client.post(url, data={"csrf": csrf + "x"})
            assert bad.status_code == 403, url
            assert "CSRF" in bad.text
        other_origin = client.post(f"/queue/{desk.keys['late']}/dismiss",
                                   data={"csrf": csrf, "reason": "irrelevant"},
                                   headers={"Origin": "https://evil.example"})
        assert other_origin.status_code == 403
        assert client.get("/queue.json").json()["items"][0]["key"] == desk.keys["late"]


def test_each_action_needs_its_role_on_the_server(desk: Desk) -> None:
    """The roles matrix: every POST route, tried by every role with a valid token."""
    clients = {}
    for role in ROLES:
        client = TestClient(desk.app, base_url="http://127.0.0.1:8765")
        clients[role] = (client, login(client, NAMES[role]))
    for spec in SPECS:
        if "POST" not in spec.methods or spec.role is None or spec.name == "logout":
            continue
        needed = spec.role
        for role in ROLES:
            client, csrf = clients[role]
            r = client.post(_url(spec.path, desk), data={"csrf": csrf},
                            headers={"Accept": "application/json"})
            allowed = Role(role).at_least(needed)
            if allowed:
                assert r.status_code != 403, (spec.path, role, r.text)
            else:
                assert r.status_code == 403, (spec.path, role, r.status_code)
    for client, _ in clients.values():
        client.close()


def test_a_viewer_cannot_approve_or_send_through_the_api(desk: Desk) -> None:
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{desk.keys['car']}/compose",
                      data={"csrf": csrf, "text": "Grazie del pensiero!", "action": "submit"},
                      headers={"Accept": "application/json"})
        reply_id = r.json()["reply"]
    for vera, csrf in client_for(desk, "vera"):
        for action in ("approve", "send", "send-back", "submit", "withdraw"):
            r = vera.post(f"/replies/{reply_id}/{action}", data={"csrf": csrf, "comment": "x"},
                          headers={"Accept": "application/json"})
            assert r.status_code == 403, action
        r = vera.post(f"/queue/{desk.keys['car']}/compose",
                      data={"csrf": csrf, "text": "sent by a viewer", "action": "send"})
        assert r.status_code == 403
        page = vera.get(f"/queue/{desk.keys['car']}").text
        assert "data-approve" not in page and "/approve" not in page
    assert desk.workflow.repository.get_publication(reply_id) is None
    assert desk.workflow.repository.get_reply(reply_id).state == "submitted"  # type: ignore[union-attr]


def test_a_responder_can_draft_but_only_an_approver_sends(desk: Desk) -> None:
    for rita, csrf in client_for(desk, "rita"):
        r = rita.post(f"/queue/{desk.keys['car']}/compose",
                      data={"csrf": csrf, "text": "Grazie!", "action": "send"},
                      headers={"Accept": "application/json"})
        assert r.status_code == 403
        assert "approver" in r.json()["error"]


def test_logins_are_rate_limited_per_user_and_per_address(desk: Desk) -> None:
    with TestClient(desk.app) as client:
        def attempt(user: str, password: str) -> int:
            token = client.get("/login.json").json()["csrf"]
            return client.post("/login", data={"user": user, "password": password,
                                               "csrf": token}).status_code

        assert [attempt("aldo", "wrong") for _ in range(5)] == [401] * 5
        assert attempt("aldo", PASSWORD) == 429  # even the right password waits now
        assert attempt("rita", PASSWORD) == 200  # another user is not locked out
        desk.clock.advance(901)
        assert attempt("aldo", PASSWORD) == 200
        for i in range(20):
            attempt(f"nobody{i}", "guess")
        assert attempt("vera", PASSWORD) == 429  # the address has used up its attempts
        r = client.post("/login", data={"user": "vera", "password": PASSWORD,
                                        "csrf": client.get("/login.json").json()["csrf"]})
        assert int(r.headers["retry-after"]) > 0


def test_a_wrong_password_and_an_unknown_user_look_the_same(desk: Desk) -> None:
    with TestClient(desk.app) as client:
        token = client.get("/login.json").json()["csrf"]
        a = client.post("/login", data={"user": "aldo", "password": "nope", "csrf": token})
        b = client.post("/login", data={"user": "ghost", "password": "nope", "csrf": token})
        assert a.status_code == b.status_code == 401
        assert a.text == b.text


def test_the_session_cookie_is_httponly_samesite_and_expires(desk: Desk) -> None:
    with TestClient(desk.app, base_url="https://desk.example") as client:
        token = client.get("/login.json").json()["csrf"]
        r = client.post("/login", data={"user": "vera", "password": PASSWORD, "csrf": token},
                        follow_redirects=False)
        cookie = r.headers["set-cookie"]
        assert "reale_session=" in cookie and "HttpOnly" in cookie
        assert "SameSite=lax" in cookie and "Secure" in cookie
        assert client.get("/me.json").status_code == 200
        desk.clock.advance(4 * 3600 + 1)  # idle longer than idle_hours
        assert client.get("/me.json").status_code == 401


def test_a_forged_or_foreign_session_cookie_is_ignored(desk: Desk) -> None:
    with TestClient(desk.app) as client:
        client.cookies.set("reale_session", "abc.def")
        assert client.get("/me.json").status_code == 401


def test_logging_in_never_redirects_off_site(desk: Desk) -> None:
    with TestClient(desk.app) as client:
        for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
            token = client.get("/login.json").json()["csrf"]
            r = client.post("/login", data={"user": "vera", "password": PASSWORD, "csrf": token,
                                            "next": target}, follow_redirects=False)
            assert r.headers["location"] == "/live"


def test_a_disabled_account_loses_its_session_at_once(desk: Desk) -> None:
    for vera, _ in client_for(desk, "vera"):
        assert vera.get("/me.json").status_code == 200
        for ada, csrf in client_for(desk, "ada"):
            assert ada.post("/settings/users/vera", data={"csrf": csrf, "disabled": "1"},
                            follow_redirects=False).status_code == 303
        assert vera.get("/me.json").status_code == 401


HOSTILE = ('<script>alert(1)</script> <img src=x onerror="alert(2)"> '
           '"><svg onload=alert(3)> javascript:alert(4)')


def test_hostile_post_text_is_shown_never_run_on_every_page() -> None:
    from reale.web.data import save_opportunity
    from tests.web_helpers import mention, opportunity_of, post

    desk = build_desk()
    p = post(900, HOSTILE, at=desk.clock.now() - 30, author="mallory", name="<b>Mallory</b>")
    desk.store.write_mentions([mention("Fiori", p)])
    key = save_opportunity(desk.store, opportunity_of("Fiori", p, complaint=0.9)).key
    for client, _ in client_for(desk, "aldo"):
        for path in ("/live", "/queue", f"/queue/{key}", f"/case/{key}", f"/case/{key}/export.html"):
            body = client.get(path).text
            assert "<script>alert" not in body and "<img src=x" not in body, path
            assert "<svg onload" not in body and "<b>Mallory" not in body, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
@example("mallory\u202eevil")  # an open override, closed at the end
@example("\u2066")  # an open isolate, once drawn by the random search and failing
def test_any_text_is_escaped_by_the_templates(text: str) -> None:
    out = environment().from_string("{{ x }}").render(x=text)
    # shown exactly as written (only a direction it leaves open is closed at its end) …
    assert html.unescape(out) == close_bidi(text)
    assert close_bidi(text).startswith(text)
    assert not any(c in out for c in "<>\"'")  # … and never able to open a tag or attribute


@given(st.text(max_size=100))
def test_only_http_links_survive(url: str) -> None:
    safe = safe_href(url)
    if safe is not None:
        assert safe.lower().startswith(("http://", "https://"))
        assert not any(c in safe for c in "<>\"' \n")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                                 "vbscript:x", "//evil.example", "/relative", "http://",
                                 "https://ok.example/\"onmouseover=x"])
def test_dangerous_links_are_dropped(url: str) -> None:
    assert safe_href(url) is None



@pytest.mark.parametrize("text,closed", [
    ("mallory\u202eevil", "mallory\u202eevil\u202c"),  # an override left open: closed
    ("a\u202ab\u2066c", "a\u202ab\u2066c\u2069\u202c"),  # nested: innermost first
    ("a\u2067b\u202ec\u2069d", "a\u2067b\u202ec\u2069d"),  # the isolate's end closes both
    ("x\u202cy\u2069", "x\u202cy\u2069"), ("ciao", "ciao")])  # stray closers: nothing to add
def test_a_direction_a_post_leaves_open_is_closed_where_it_ends(text: str, closed: str) -> None:
    assert environment().from_string("{{ x }}").render(x=text) == closed
