"""The alerts the runner raises for opportunities link to the post on its network, so the
webhook's ``alert.post.url`` (documented as the post's address) is filled."""

from __future__ import annotations

from typing import Any

from reale.alerts.emit import AlertFactory
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.run.alerting import AlertSink

T0 = 1_767_225_600.0


class Raised:
    def __init__(self) -> None:
        self.opportunities: list[dict[str, Any]] = []

    def raise_opportunity_alert(self, opportunity: Any) -> list[str]:
        self.opportunities.append(opportunity)
        return ["queued"]

    def raise_moment_alert(self, moment: Any) -> list[str]:
        return []

    def raise_backlash_alert(self, backlash: Any) -> list[str]:
        return []


def test_an_opportunity_alert_carries_the_posts_address() -> None:
    raised = Raised()
    sink = AlertSink(raised, min_score=0.5)
    for uri in ("at://did:plc:anna/app.bsky.feed.post/3kxyz", "x://tweet/1377650277642338305"):
        inp = OpportunityInput(brand="Acme", brand_handle="acme", post_uri=uri,
                               intent="complaint", intent_confidence=0.9, complaint=0.95,
                               created_at=T0, addressed_directly=True, text="my order never came",
                               author_handle="anna")
        opp = score_opportunity(inp, DeskWeights())
        assert opp is not None
        sink.opportunity(opp)
    assert [o["url"] for o in raised.opportunities] == [
        "https://bsky.app/profile/did:plc:anna/post/3kxyz",
        "https://x.com/i/status/1377650277642338305"]
    alert = AlertFactory("http://127.0.0.1:8765").opportunity(raised.opportunities[0], T0)
    assert alert.post_url == "https://bsky.app/profile/did:plc:anna/post/3kxyz"
