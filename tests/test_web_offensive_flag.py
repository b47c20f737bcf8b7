"""An abusive or ironic post is flagged on its opportunity: the understanding models read
offensiveness and irony for every mention, and the desk stored neither, so a reply was drafted
to "… Tory c***s" with nothing on the page saying what kind of post it answers."""

from __future__ import annotations

from reale.events import Author, Mention, Post
from reale.run.desksink import DeskStoreSink
from reale.understand.understander import Understanding
from reale.web.data import save_labels
from tests.web_helpers import build_desk, client_for


def test_the_stored_labels_keep_offensive_and_ironic() -> None:
    sink = DeskStoreSink(None, None, None, lambda: 0.0)
    post = Post(network="x", uri="x://tweet/1", author=Author(id="1", handle="a"), text="…",
                created_at=0.0)
    sink.labels(Mention(brand="Civica", query="q", post=post, matched_at=0.0),
                Understanding(language="en", language_score=0.9, sentiment="negative",
                              offensive=True, irony=False))
    [stored] = sink.take()
    assert stored.labels.other["offensive"] is True
    assert stored.labels.other["irony"] is False


def test_the_opportunity_page_flags_an_offensive_post() -> None:
    desk = build_desk()
    late = desk.keys["late"]
    for client, _ in client_for(desk, "vera"):
        uri = client.get(f"/queue/{late}.json").json()["opportunity"]["uri"]
        assert "offensive language" not in client.get(f"/queue/{late}").text
        save_labels(desk.store, {uri: {"lang": "it", "sentiment": "negative",
                                       "intent": "complaint", "offensive": True,
                                       "irony": True}})
        page = client.get(f"/queue/{late}").text
        assert "offensive language" in page and "ironic" in page
