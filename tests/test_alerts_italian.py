"""Alerts for a team that works in Italian: a channel with ``language = "it"`` gets every alert
kind, update, digest and the test message in Italian (the desk's words, Italian numbers), while
an English channel gets exactly what it got before, and a misspelt language is refused."""

from __future__ import annotations

import asyncio
import json
import random

import httpx
import pytest

from reale.alerts import AlertDispatcher, LocalReceiver
from reale.alerts.admin import build_test_message
from reale.alerts.emit import AlertFactory
from reale.alerts.mail import build_email
from reale.alerts.model import Message, in_language
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.alerts.senders import HttpSender
from reale.alerts.slack import slack_payload
from reale.alerts.words import NAMES_IT
from reale.clock import ManualClock
from reale.desk.aftermath import Aftermath
from reale.desk.opportunity import OpportunityInput, score_opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.reactions import ReactionLabel
from reale.errors import ConfigError
from reale.events import Author, Post
from reale.run.alerting import AlertSink
from reale.web.i18n import translator
from tests.alerts_helpers import T0, config, dispatcher, mattermost_shape, slack_shape

DESK = "https://desk.example"


def factory() -> AlertFactory:
    return AlertFactory(DESK, random.Random(3))


def chat(kind: str, receiver: LocalReceiver, clock: ManualClock, language: str,
         **rule: object) -> AlertDispatcher:
    cfg = config([{"name": kind, "kind": kind, "url_env": "CHAT_URL", "rate_per_minute": 600,
                   "language": language}], [{"name": "r", "channels": [kind], **rule}])
    return dispatcher(cfg, clock, {kind: ChannelSecrets(url=receiver.url + "/services/T1/B2/abc")})


def drain(d: AlertDispatcher, clock: ManualClock) -> None:
    while (wake := asyncio.run(d.step())) is not None:
        clock.set(max(clock.now(), wake))


def test_every_alert_kind_has_a_natural_italian_title() -> None:
    f = factory()
    opp = f.opportunity({"id": "Acme|at://1", "brand": "Acme", "score": 0.91, "kind": "complaint",
                         "author": "@ana.bsky.social"}, T0)
    praise = f.opportunity({"id": "Acme|at://2", "brand": "Acme", "kind": "praise"}, T0)
    moment = f.moment({"brand": "Acme", "term": "gelato", "rate": 120, "baseline": 10,
                       "safety": "caution", "also": ["#gelato", "sorbetto"]}, T0)
    linked = f.moment({"term": "blackout", "safety": "avoid", "linked_to": "storm"}, T0)
    owned = f.moment({"term": "acme", "owner": "Acme"}, T0)
    backlash = f.backlash({"id": "b1", "brand": "Acme", "ratio": 3.5}, T0)
    missed = f.sla({"id": "o1", "brand": "Acme", "due_at": T0 - 600, "kind": "question"}, T0)
    due = f.sla({"id": "o2", "brand": "Acme", "due_at": T0 + 90}, T0)
    down = f.source({"source": "jetstream", "state": "down", "error": "HTTP 502"}, T0)
    lagging = f.source({"source": "mastodon", "state": "lagging", "lag_seconds": 300}, T0)
    said = {a.title: a.it.title if a.it else None for a in
            (opp, praise, moment, linked, owned, backlash, missed, due, down, lagging)}
    assert list(said.values()) == [
        "Lamentela di @ana.bsky.social",
        "Nuovo elogio",
        "Momento: gelato è in crescita (12× il ritmo abituale)",
        "Momento: blackout ora risulta «da evitare», parte del momento storm",
        "Momento: acme è in crescita, menzioni di Acme",
        "Ondata negativa in crescita sulla risposta di Acme (3,5× la norma)",
        "Tempo di risposta superato di 10 min: domanda",
        "Tempo di risposta in scadenza tra 90 s: opportunità",
        "La fonte jetstream è ferma",
        "La fonte mastodon è in ritardo (indietro di 5 min)",
    ]
    assert list(said) == [  # the English titles are what they always were
        "Complaint from @ana.bsky.social", "New praise",
        "Moment: gelato is rising (12x its usual rate)",
        "Moment: blackout now reads avoid, part of the storm moment",
        "Moment: acme is rising, Acme's own mentions",
        "Backlash building on Acme's reply (3.5x baseline)",
        "Response-time target missed by 10 min: question",
        "Response-time target in 90 s: opportunity",
        "Source jetstream is down", "Source mastodon is lagging (5 min behind)"]
    assert moment.it is not None
    assert moment.it.body == "Lettura di sicurezza: cautela. Chiamato anche: #gelato, sorbetto."
    assert down.it is not None and down.it.body == "HTTP 502"  # the source's own words


def test_the_italian_names_are_the_desks_own() -> None:
    t = translator("it")
    assert {key: t(key) for key in NAMES_IT if not key.startswith("source.")} == {
        key: word for key, word in NAMES_IT.items() if not key.startswith("source.")}


def test_a_slack_channel_in_italian_gets_the_alert_and_its_update_in_italian() -> None:
    clock = ManualClock(T0)
    f = factory()
    with LocalReceiver(validate=slack_shape) as receiver:
        d = chat("slack", receiver, clock, "it")
        d.submit(f.opportunity({"id": "Acme|at://1", "brand": "Acme", "score": 0.91,
                                "kind": "complaint", "author": "ana", "text": "Il gelato è finito",
                                "url": "https://bsky.app/x"}, T0))
        d.submit(f.opportunity({"id": "Acme|at://1", "brand": "Acme", "score": 0.97,
                                "kind": "complaint", "author": "ana", "severity": "urgent"},
                               T0 + 1))
        drain(d, clock)
        first, update = (r.json() for r in receiver.accepted)
    blocks = first["blocks"]
    assert blocks[0]["text"]["text"] == "Lamentela di @ana"
    assert blocks[1]["text"]["text"] == "*Acme* · opportunità · alta · punteggio 0,91"
    assert blocks[2]["text"]["text"].endswith("— ana · <https://bsky.app/x|Vedi il post>")
    assert blocks[-1]["elements"][0]["text"]["text"] == "Apri nel desk"
    assert update["blocks"][0]["text"]["text"] == "Aggiornamento: Lamentela di @ana"
    assert update["text"] == "Aggiornamento: [Acme] Lamentela di @ana"


def test_a_mattermost_digest_in_italian() -> None:
    clock = ManualClock(T0)
    f = factory()
    with LocalReceiver(validate=mattermost_shape) as receiver:
        d = chat("mattermost", receiver, clock, "it", digest_minutes=10, digest_max_items=2)
        for n in range(4):
            d.submit(f.backlash({"id": f"b{n}", "brand": "Acme", "ratio": 1.5, "severity": "medium"},
                                T0))
        drain(d, clock)
        (digest,) = (r.json() for r in receiver.accepted)
    lines = digest["text"].split("\n")
    assert lines[0] == "#### Riepilogo: 4 avvisi per Acme"
    assert lines[1].startswith("- **media** · ondata negativa · [Ondata negativa in crescita "
                               "sulla risposta di Acme \\(1,5× la norma\\)]")
    assert lines[-1] == "- e altri 2"


def test_an_english_channel_gets_what_it_always_got() -> None:
    clock = ManualClock(T0)
    with LocalReceiver(validate=slack_shape) as receiver:
        d = chat("slack", receiver, clock, "en")
        d.submit(factory().moment({"brand": "Acme", "term": "gelato", "rate": 120,
                                   "baseline": 10}, T0))
        drain(d, clock)
        (sent,) = (r.json() for r in receiver.accepted)
    assert sent["blocks"][0]["text"]["text"] == "Moment: gelato is rising (12x its usual rate)"
    assert sent["blocks"][1]["text"]["text"] == "*Acme* · moment · high"


def test_an_italian_teams_opportunity_reaches_an_english_channel_with_english_reasons() -> None:
    """The desk keeps an opportunity's reasons as codes, so an English-speaking agency's channel
    beside an Italian team's reads them in English, and the team's channel in Italian."""
    appeal = OpportunityInput(
        brand="Minicar", brand_handle="minicar_it", post_uri="x://tweet/1",
        text="@minicar_it datemi una macchina!", language="it", intent="appeal",
        intent_confidence=0.9, addressed_directly=True, author_handle="luca_pro",
        author_followers=150_000, reach_percentile=0.98, created_at=T0)
    opp = score_opportunity(appeal, DeskWeights(), team_language="it")
    assert opp is not None and opp.reasons[0] == "chiede qualcosa al brand"
    alert = factory().opportunity(opp, T0)
    message = Message(event="alert.created", brand="Minicar", rule="all", alert=alert)
    english = in_language(message, "en").alert
    italian = in_language(message, "it").alert
    assert english is not None and italian is not None
    assert english.reasons[:2] == ("asks the brand for something",
                                   "author in the top 2% of this brand's mentioners")
    assert "addresses @minicar_it directly" in english.reasons
    assert italian.reasons == opp.reasons


def test_an_italian_teams_backlash_reaches_an_english_channel_with_english_reasons() -> None:
    """A backlash is said in both languages when it is raised, so an English-speaking agency's
    channel beside an Italian team's reads its reason in English (it read the team's Italian),
    and the team's channel in Italian."""
    clock = ManualClock(T0)
    after = Aftermath(clock, labeller=lambda text, lang: ReactionLabel(negative=True,
                                                                        cues=("brutto",)),
                      team_language="it")
    after.watch(brand="Minicar", original_uri="x://tweet/1", original_at=T0,
                action_uri="x://tweet/2", acted_at=T0)
    raised: list[dict[str, object]] = []

    class Collect:  # what AlertSink raises through: the dispatcher's three methods
        def raise_opportunity_alert(self, o: object) -> list[object]:
            return []

        def raise_moment_alert(self, m: object) -> list[object]:
            return []

        def raise_backlash_alert(self, b: dict[str, object]) -> list[object]:
            raised.append(b)
            return [b]

    sink = AlertSink(Collect())
    for n in range(6):
        clock.advance(30)
        for alert in after.update(Post(network="x", uri=f"x://tweet/r{n}", created_at=clock.now(),
                                       author=Author(id=f"u{n}", handle=f"u{n}"), text="bah",
                                       reply_parent="x://tweet/2", reply_root="x://tweet/1")):
            sink.backlash(alert, None)
    assert raised
    message = Message(event="alert.created", brand="Minicar", rule="all",
                      alert=factory().backlash(raised[0], T0))
    english, italian = (in_language(message, lang).alert for lang in ("en", "it"))
    assert english is not None and italian is not None
    assert english.reasons[0].startswith("backlash: 5 accusing, mocking or negative reactions")
    assert italian.reasons[0].startswith("contraccolpo: 5 reazioni di accusa")
    assert english.reasons[1:] == italian.reasons[1:] == ("brutto",)


def test_an_italian_email_says_so_and_is_worded_in_italian() -> None:
    alert = factory().opportunity({"id": "Acme|at://1", "brand": "Acme", "score": 0.91,
                                   "kind": "question", "author": "ana", "text": "Aprite?",
                                   "url": "https://bsky.app/x"}, T0)
    mail = build_email(Message(event="alert.created", brand="Acme", alert=alert),
                       sender="Reale <reale@example.org>", to=("team@example.org",),
                       channel="mail", delivery_id="d1", now=T0, lang="it")
    assert mail["Subject"] == "[Reale] Acme: Domanda di @ana"
    assert mail["Content-Language"] == "it"
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    rich = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Acme · opportunità · alta · punteggio 0,91" in plain
    assert "Il post: https://bsky.app/x" in plain and f"Apri nel desk: {DESK}/queue/" in plain
    assert '<html lang="it">' in rich and "Vedi il post</a>" in rich
    assert "Open in the desk" not in plain + rich and "View the post" not in rich


def test_an_email_digest_in_italian() -> None:
    items = tuple(factory().sla({"id": f"o{n}", "brand": "Acme", "due_at": T0 - 60}, T0)
                  for n in range(2))
    mail = build_email(Message(event="alert.digest", brand="Acme", items=items, more=3),
                       sender="reale@example.org", to=("t@example.org",), channel="mail",
                       delivery_id="d2", now=T0, lang="it")
    assert mail["Subject"] == "[Reale] Acme: riepilogo di 5 avvisi"
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert plain.count("Tempo di risposta superato di 60 s: opportunità") == 2
    assert "… e altri 3 nel desk." in plain


def test_the_signed_webhook_keeps_its_schema_with_titles_in_the_channels_language() -> None:
    cfg = config([{"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/h",
                   "secret_env": "S", "language": "it"}], [{"name": "r", "channels": ["hook"]}])
    alert = factory().source({"source": "jetstream", "state": "down", "error": "HTTP 502"}, T0)

    async def body() -> bytes:
        async with httpx.AsyncClient() as client:
            sender = HttpSender(cfg.channels[0], ChannelSecrets(url="http://127.0.0.1:9/h",
                                                                secret=Secret("k")),
                                client, ManualClock(T0))
            return sender.request(Message(event="alert.created", brand="", alert=alert), "d1")[0]

    sent = json.loads(asyncio.run(body()))["alert"]
    assert (sent["title"], sent["body"], sent["kind"], sent["severity"]) == (
        "La fonte jetstream è ferma", "HTTP 502", "source", "high")
    assert "it" not in sent


def test_the_test_message_follows_the_channels_language() -> None:
    message = build_test_message("team", DESK, T0, random.Random(1))
    italian = slack_payload(message, "it")
    assert italian["blocks"][0]["text"]["text"] == "Avviso di prova da Reale per team"
    assert italian["blocks"][1]["text"]["text"].endswith(
        "Se leggi questo messaggio, il canale funziona.")
    assert slack_payload(message)["blocks"][0]["text"]["text"] == "Test alert from Reale to team"


def test_the_test_messages_reasons_follow_the_channels_language_too() -> None:
    message = build_test_message("team", DESK, T0, random.Random(1))
    assert in_language(message, "it").alert.reasons == (  # type: ignore[union-attr]
        "questo è un messaggio di prova", "non c'è nulla da fare")
    assert in_language(message, "en").alert.reasons == (  # type: ignore[union-attr]
        "this is a test message", "nothing to do")


@pytest.mark.parametrize(("channel", "refusal"), [
    ({"language": "italian"}, "Invalid enum value 'italian'"),
    ({"langauge": "it"}, "unknown field `langauge`"),
])
def test_a_misspelt_language_is_refused(channel: dict[str, str], refusal: str) -> None:
    with pytest.raises(ConfigError, match=refusal):
        config([{"name": "s", "kind": "slack", "url": "https://hooks.example/x", **channel}],
               [{"name": "r", "channels": ["s"]}])


TEAM_TOML = """
team_language = "it"

[alerts]
{alerts}

[[alerts.channels]]
name = "team"
kind = "slack"
url_env = "SLACK_URL"

[[alerts.channels]]
name = "agency"
kind = "slack"
url_env = "AGENCY_URL"
language = "en"
"""


@pytest.mark.parametrize(("alerts", "team", "agency"), [
    ("", "it", "en"),  # a team that works in Italian gets Italian alerts unless a channel says not
    ('language = "en"', "en", "en"),  # [alerts] language says otherwise for every channel
])
def test_a_team_that_works_in_italian_gets_italian_alerts_by_default(
        alerts: str, team: str, agency: str) -> None:
    from reale.alerts.config import parse_alerts_config as parse
    from reale.config import parse_config

    cfg = parse(parse_config(TEAM_TOML.format(alerts=alerts)).extra["alerts"])
    assert [c.language for c in cfg.channels] == [team, agency]
    english = parse({"channels": [{"name": "s", "kind": "slack", "url": "https://h.example/x"}]})
    assert english.channels[0].language == "en"  # no team language said: English, as before


def test_a_moments_safety_reasons_are_said_in_italian_on_an_italian_channel() -> None:
    from reale.signals.safety import safety_read

    read = safety_read(["#terremoto", "vittime"], ["terremoto, ci sono vittime e morti",
                                                   "paura, crollo, morti e feriti"])
    reasons = [*read.reasons, "a reason from elsewhere"]
    moment = factory().moment({"brand": "Acme", "term": "#terremoto", "safety": read.verdict,
                               "reasons": reasons}, T0)
    message = Message(event="alert.created", brand="Acme", alert=moment)
    italian = slack_payload(message, "it")["blocks"][-2]["elements"]
    english = slack_payload(message, "en")["blocks"][-2]["elements"]
    assert [e["text"] for e in english] == reasons
    said = [e["text"] for e in italian]
    assert said[-1] == "a reason from elsewhere"  # no Italian for it: left as written
    assert said[0].startswith("i termini stessi del momento sono tragici o violenti"), said
    assert not any(r in said for r in read.reasons), said
