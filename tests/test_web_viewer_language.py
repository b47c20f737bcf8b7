"""The live feed's opportunity cards and the opportunity reports follow the reader's language,
like the rest of the desk: the desk scored the car request in the team's language (English);
Rita reads the desk in Italian, on the page, in the stream and in her CSV; a report can also be
asked for in a language (``lang``)."""

from __future__ import annotations

import csv
import io
import json

import httpx

from reale.web import queries
from reale.web.serving import serving
from tests.test_web_rules import sign_in
from tests.web_helpers import Desk, build_desk, client_for

JSON = {"accept": "application/json"}
ITALIAN = "chiede qualcosa al brand"
ENGLISH = "asks the brand for something"


def italian_desk() -> Desk:
    desk = build_desk()
    for rita, csrf in client_for(desk, "rita"):
        assert rita.post("/me/language", headers=JSON,
                         data={"csrf": csrf, "lang": "it"}).status_code == 200
    return desk


def test_the_live_pages_opportunity_rows_read_in_the_viewers_language() -> None:
    desk = italian_desk()
    for rita, _ in client_for(desk, "rita"):
        car = next(i for i in rita.get("/live.json").json()["items"]
                   if i["opportunity"] and i["opportunity"]["key"] == desk.keys["car"])
        assert ITALIAN in car["opportunity"]["reasons"]
        assert car["opportunity"]["verdict"]
        page = rita.get("/live").text
        assert ITALIAN in page and ENGLISH not in page
    for ada, _ in client_for(desk, "ada"):  # the team's language for whoever has not chosen
        assert ENGLISH in ada.get("/live", headers={"accept-language": "en"}).text


def test_the_stream_sends_each_viewer_the_card_in_their_language() -> None:
    desk = italian_desk()
    car = queries.get_opportunity(desk.store, desk.keys["car"])
    assert car is not None
    with serving(desk.app) as base, httpx.Client(base_url=base, timeout=10) as http:
        sign_in(http, "rita")
        with http.stream("GET", "/live/stream?kind=opportunity") as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")  # subscribed
            desk.hub.publish("opportunity", car)
            data = next(line for line in lines if line.startswith("data: "))
    card = json.loads(data[len("data: "):])["events"][0]
    assert card["key"] == desk.keys["car"] and ITALIAN in card["reasons"]
    assert ENGLISH not in card["reasons"]


def reasons_of(body: str) -> list[str]:
    return [row["reasons"] for row in csv.DictReader(io.StringIO(body))]


def test_the_opportunity_reports_follow_the_viewers_language_or_the_lang_asked() -> None:
    desk = italian_desk()
    for rita, _ in client_for(desk, "rita"):
        mine = rita.get("/reports/opportunities.csv")
        assert mine.status_code == 200
        assert any(ITALIAN in r for r in reasons_of(mine.text)), mine.text
        assert not any(ENGLISH in r for r in reasons_of(mine.text))
        english = rita.get("/reports/opportunities.csv?lang=en").text
        assert any(ENGLISH in r for r in reasons_of(english))
        as_json = rita.get("/reports/opportunities.json").json()
        car = next(o for o in as_json if o["key"] == desk.keys["car"])
        assert ITALIAN in car["reasons"]
        bad = rita.get("/reports/opportunities.csv?lang=fr", headers=JSON)
        assert bad.status_code == 400 and "lang" in bad.json()["error"]


def test_a_stored_mention_row_a_follower_publishes_reaches_each_reader_in_their_language() -> None:
    """``reale serve`` beside a worker sends the mention rows it reads from the store as they
    are stored; a row carrying an opportunity still reads in each reader's language."""
    from reale.web.follow_reads import fetch_mentions
    from reale.web.hub import LiveHub

    desk = build_desk()
    car = queries.get_opportunity(desk.store, desk.keys["car"])
    assert car is not None
    [(_, row)] = fetch_mentions(desk.store, [("Auto", car.post_uri)])
    hub = LiveHub()
    italian, unsaid = hub.subscribe(lang="it"), hub.subscribe()
    hub.publish("mention", {**row, "update": True})
    it = json.loads(italian.take(1)[0][0])["opportunity"]
    plain = json.loads(unsaid.take(1)[0][0])["opportunity"]
    assert ITALIAN in it["reasons"] and ENGLISH in plain["reasons"]
    assert "reasons_in" not in it and "reasons_in" not in plain
