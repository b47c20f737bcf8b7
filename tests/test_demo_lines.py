"""The demo's mention lines show the language the pipeline detected, the same one its labels
name: a post that declares none is not printed as ``(?)`` next to a label that reads ``it``."""

from __future__ import annotations

import io

from reale.events import Author, Mention, Post
from reale.run.demo import DemoSink
from reale.understand.understander import Understanding


def _mention(langs: tuple[str, ...]) -> Mention:
    post = Post(network="bsky", uri="at://did:plc:a/app.bsky.feed.post/1",
                author=Author(id="did:plc:a", handle="luca.bsky.social"),
                text="@caffebrio una scorta di capsule per l'ufficio?", created_at=0.0, langs=langs)
    return Mention(brand="Brio", query="Brio", post=post)


def _printed(langs: tuple[str, ...], detected: str) -> str:
    out = io.StringIO()
    labels = Understanding(language=detected, language_score=0.99, sentiment="neutral",
                           intent="appeal")
    DemoSink(out).labels(_mention(langs), labels)
    return out.getvalue()


def test_a_post_with_no_declared_language_shows_the_detected_one() -> None:
    line = _printed((), "it")
    assert "(?)" not in line
    assert "@luca.bsky.social (it):" in line
    assert "[neutral · appeal]" in line  # the language is said once, where the post is named


def test_a_declared_language_that_differs_is_shown_after_the_detected_one() -> None:
    assert "(it; declared en)" in _printed(("en",), "it")
