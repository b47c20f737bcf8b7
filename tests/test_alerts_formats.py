"""What each channel receives: the versioned webhook body and its signature, Slack's Block Kit,
Mattermost's attachment and the e-mail, with hostile post text made harmless in each."""

from __future__ import annotations

import email
import json
import re
import time
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reale.alerts.mail import build_email
from reale.alerts.mattermost import mattermost_payload, md_escape
from reale.alerts.model import Message, clean_text, make_alert
from reale.alerts.slack import slack_escape, slack_payload
from reale.alerts.webhook import SCHEMA, sign, signed_headers, verify, webhook_body
from tests.alerts_helpers import SECRET, T0

HOSTILE = "<!channel> <script>alert(1)</script> & <http://evil.example|click> **bold** @here"


def hostile_alert(**kw: object) -> Message:
    a = make_alert(id="a1", brand="Acme & Co", kind="opportunity", severity="high",
                   title="Complaint from @anna <b>", dedup_key="opportunity:1", created_at=T0,
                   post_text=HOSTILE + "\nsecond line", author="@anna<x>", score=0.91,
                   reasons=["asks @Acme directly <b>", "top 2% of mentioners"],
                   link="https://desk.example/opportunities/1", **kw)  # type: ignore[arg-type]
    return Message(event="alert.created", brand="Acme & Co", rule="r", alert=a)


def test_webhook_body_carries_the_whole_alert_in_a_versioned_schema() -> None:
    msg = hostile_alert()
    body = json.loads(webhook_body(msg, delivery_id="a1.hook", channel="hook", sent_at=T0 + 1))
    assert body["schema"] == SCHEMA == "reale.alert/1"
    assert body["event"] == "alert.created" and body["delivery_id"] == "a1.hook"
    assert body["alert"]["post"] == {"text": HOSTILE + "\nsecond line", "author": "@anna<x>",
                                     "url": ""}
    assert body["alert"]["update_of"] is None and body["items"] == []
    assert set(body["alert"]) == {"id", "brand", "kind", "severity", "title", "body", "post",
                                  "reasons", "score", "link", "dedup_key", "created_at", "update_of"}


def test_a_receiver_verifies_the_signature_as_documented() -> None:
    body = webhook_body(hostile_alert(), delivery_id="d", channel="hook", sent_at=T0)
    headers = signed_headers(SECRET, body, delivery_id="d", event="alert.created", now=T0)
    assert headers["X-Reale-Timestamp"] == str(int(T0))
    assert verify(SECRET, headers, body, now=T0 + 10)
    assert not verify("wrong-secret", headers, body, now=T0)
    assert not verify(SECRET, headers, body + b" ", now=T0)  # the body was changed
    assert not verify(SECRET, headers, body, now=T0 + 301)  # a replay, too late
    # Written out by hand, as a receiver in another language would:
    import hashlib
    import hmac
    mac = hmac.new(SECRET.encode(), f"{int(T0)}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Reale-Signature"] == f"sha256={mac}" == sign(SECRET, str(int(T0)), body)


def mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" else []
        return own + [t for v in node.values() for t in mrkdwn_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in mrkdwn_texts(v)]
    return []


def test_slack_message_has_header_quote_reasons_and_a_button() -> None:
    payload = slack_payload(hostile_alert())
    kinds = [b["type"] for b in payload["blocks"]]
    assert kinds == ["header", "section", "section", "context", "actions"]
    header, facts, quote, context, actions = payload["blocks"]
    assert header["text"] == {"type": "plain_text", "text": "Complaint from @anna <b>"}
    assert facts["text"]["text"].startswith("*Acme &amp; Co* · opportunity · high · score 0.91")
    assert quote["text"]["text"].startswith("> &lt;!channel&gt; &lt;script&gt;")
    assert "\n> second line\n— @anna&lt;x&gt;" in quote["text"]["text"]
    assert [e["text"] for e in context["elements"]] == ["asks @Acme directly &lt;b&gt;",
                                                        "top 2% of mentioners"]
    assert actions["elements"][0]["url"] == "https://desk.example/opportunities/1"
    for text in [payload["text"], *mrkdwn_texts(payload["blocks"])]:
        assert "<" not in text.replace("<https://", "") and "&amp;lt;" not in text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_no_post_text_reaches_slack_unescaped(text: str) -> None:
    a = make_alert(id="x", brand=text, kind="moment", severity="low", title=text, dedup_key="k",
                   created_at=0.0, post_text=text, author=text, reasons=[text], body=text)
    for msg in (Message(event="alert.created", brand=text, alert=a),
                Message(event="alert.digest", brand=text, items=(a,), more=2)):
        payload = slack_payload(msg)
        for t in [payload["text"], *mrkdwn_texts(payload["blocks"])]:
            assert "<" not in t.replace("<http", "") and len(t) <= 3000
        assert slack_escape(clean_text(text, 10_000)).count("&") >= clean_text(text, 10_000).count("&")


def test_updates_say_so_because_incoming_webhooks_cannot_edit() -> None:
    a = hostile_alert().alert
    assert a is not None
    msg = Message(event="alert.updated", brand="Acme", alert=a)
    assert slack_payload(msg)["blocks"][0]["text"]["text"].startswith("Update: ")
    assert mattermost_payload(msg)["attachments"][0]["title"].startswith("Update: ")


def test_mattermost_attachment_escapes_markdown_and_breaks_mentions() -> None:
    payload = mattermost_payload(hostile_alert())
    att = payload["attachments"][0]
    assert att["title_link"] == "https://desk.example/opportunities/1"
    assert "@here" not in att["text"] and "@\u200bhere" in att["text"]
    assert "\\*\\*bold\\*\\*" in att["text"] and "\\<script\\>" in att["text"]
    assert {"short": True, "title": "Score", "value": "0.91"} in att["fields"]
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"


def test_a_mattermost_title_carrying_a_handle_cannot_inject_a_link_or_a_mention() -> None:
    """Mattermost renders an attachment title without ``title_link`` as Markdown with live links
    (with one, as plain text): a handle like ``[verify](https://evil)`` once went through raw."""
    handle = "@anna](https://evil.example) [verify your account](https://evil.example) **now** @all"
    for link, update in (("", False), ("", True), ("https://desk.example/opportunities/1", False)):
        a = make_alert(id="t1", brand="Acme", kind="opportunity", severity="high",
                       title=f"Complaint from {handle}", dedup_key="k", created_at=T0, link=link)
        event = "alert.updated" if update else "alert.created"
        att = mattermost_payload(Message(event=event, brand="Acme", alert=a))["attachments"][0]
        assert "@all" not in att["title"] and "@\u200ball" in att["title"]
        assert att["fallback"] == "[Acme] " + ("Update: " if update else "") + a.title
        if link:  # shown as plain text: escaping would only print backslashes
            assert att["title_link"] == link and "\\" not in att["title"]
        else:
            assert "title_link" not in att
            assert att["title"].startswith("Update: " if update else "Complaint")
            assert "\\[verify your account\\]\\(https://evil.example\\)" in att["title"]
            assert "\\*\\*now\\*\\*" in att["title"]
            assert re.search(r"(?<!\\)[\[\]()*]", att["title"]) is None


def test_email_is_multipart_with_the_post_escaped_in_html() -> None:
    mail = build_email(hostile_alert(), sender="Reale <reale@example.org>", to=("team@example.org",),
                       channel="mail", delivery_id="a1.mail", now=T0)
    parsed = email.message_from_bytes(mail.as_bytes(), _class=EmailMessage, policy=default)
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    rich = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "> <!channel> <script>alert(1)</script>" in plain  # plain text stays as written
    assert "<script>" not in rich and "&lt;script&gt;alert(1)&lt;/script&gt;" in rich
    assert '<a href="https://desk.example/opportunities/1">' in rich
    assert parsed["Message-ID"] == "<a1.mail@example.org>"
    assert parsed["Subject"] == "[Reale] Acme & Co: Complaint from @anna <b>"


def test_email_updates_thread_under_the_first_alert_and_headers_stay_one_line() -> None:
    a = make_alert(id="a2", brand="Acme", kind="backlash", severity="urgent",
                   title="Backlash\r\nBcc: victim@example.org", dedup_key="backlash:1",
                   created_at=T0, update_of="a1")
    mail = build_email(Message(event="alert.updated", brand="Acme", alert=a), sender="r@example.org",
                       to=("t@example.org",), channel="mail", delivery_id="a2.mail", now=T0)
    assert mail["In-Reply-To"] == mail["References"] == "<a1.mail@example.org>"
    assert mail["Bcc"] is None and "\n" not in str(mail["Subject"])
    assert str(mail["Subject"]).startswith("[Reale] Acme: Update: Backlash Bcc:")


def test_digest_lists_the_top_items_and_counts_the_rest() -> None:
    items = tuple(make_alert(id=f"d{i}", brand="Acme", kind="opportunity", severity="medium",
                             title=f"Item {i}", dedup_key=f"k{i}", created_at=T0 + i) for i in range(3))
    msg = Message(event="alert.digest", brand="Acme", rule="r", items=items, more=4)
    assert slack_payload(msg)["blocks"][0]["text"]["text"] == "Digest: 7 alerts for Acme"
    assert "- and 4 more" in mattermost_payload(msg)["text"]
    body = json.loads(webhook_body(msg, delivery_id="dg", channel="hook", sent_at=T0))
    assert body["alert"] is None and [i["id"] for i in body["items"]] == ["d0", "d1", "d2"]
    assert body["more"] == 4


DOCS = Path(__file__).resolve().parent.parent / "docs" / "alerts.md"


def doc_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


def test_the_documented_receiver_check_accepts_reale_and_refuses_forgeries() -> None:
    [snippet] = [b for b in doc_blocks("python") if "def verify" in b]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    now = time.time()
    body = webhook_body(hostile_alert(), delivery_id="d", channel="hook", sent_at=now)
    headers = signed_headers(SECRET, body, delivery_id="d", event="alert.created", now=now)
    assert namespace["verify"](SECRET, headers, body)
    assert not namespace["verify"]("forged", headers, body)


def test_the_documented_schema_has_every_key_reale_sends() -> None:
    [example] = [b for b in doc_blocks("json") if '"schema": "reale.alert/1"' in b]
    documented = json.loads(example.replace("…", ""))
    sent = json.loads(webhook_body(hostile_alert(), delivery_id="d", channel="c", sent_at=T0))
    assert set(documented) == set(sent)
    assert set(documented["alert"]) == set(sent["alert"])
    assert set(documented["alert"]["post"]) == set(sent["alert"]["post"])


def multi_line_alert(post_url: str) -> Message:
    a = make_alert(id="m1", brand="Acme", kind="opportunity", severity="high", title="Question",
                   dedup_key="opportunity:m1", created_at=T0, author="anna",
                   post_text="first line\n\nthird <!here>\nlast line", post_url=post_url)
    return Message(event="alert.created", brand="Acme", rule="r", alert=a)


def test_slack_quotes_every_line_of_a_post_and_links_to_it() -> None:
    blocks = slack_payload(multi_line_alert("https://bsky.app/profile/anna/post/3k"))["blocks"]
    quote = blocks[2]["text"]["text"].split("\n")
    assert quote[:4] == ["> first line", "> \u200b", "> third &lt;!here&gt;", "> last line"]
    assert quote[4] == "— anna · <https://bsky.app/profile/anna/post/3k|View the post>"


def test_slack_quote_stays_bounded_for_a_post_of_many_lines() -> None:
    a = make_alert(id="m2", brand="Acme", kind="opportunity", severity="high", title="t",
                   dedup_key="k", created_at=T0, post_text="\n".join(["x"] * 5000),
                   post_url="https://example.org/" + "é" * 900)
    payload = slack_payload(Message(event="alert.created", brand="Acme", alert=a))
    assert all(len(t) <= 3000 for t in mrkdwn_texts(payload["blocks"]))


def test_mattermost_and_email_show_the_post_link_but_never_a_hostile_one() -> None:
    url = "https://mastodon.example/@anna/1(2)"
    att = mattermost_payload(multi_line_alert(url))["attachments"][0]
    assert "— anna · [View the post](https://mastodon.example/@anna/1%282%29)" in att["text"]
    mail = build_email(multi_line_alert(url), sender="r@example.org", to=("t@example.org",),
                       channel="mail", delivery_id="m1.mail", now=T0)
    parsed = email.message_from_bytes(mail.as_bytes(), _class=EmailMessage, policy=default)
    plain = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    rich = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"The post: {url}" in plain
    assert f'<a href="{url}">View the post</a>' in rich
    evil = multi_line_alert("javascript:alert(1)")
    assert "javascript" not in mattermost_payload(evil)["attachments"][0]["text"]
    assert "javascript" not in json.dumps(slack_payload(evil))
    rich = email.message_from_bytes(build_email(
        evil, sender="r@example.org", to=("t@example.org",), channel="mail", delivery_id="e",
        now=T0).as_bytes(), _class=EmailMessage, policy=default).get_body(("html",))  # type: ignore[union-attr]
    assert 'href="javascript' not in rich.get_content()  # type: ignore[union-attr]
