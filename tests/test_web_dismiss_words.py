"""A stale page's second dismissal is refused in plain words, in English and Italian: what the
opportunity became and who decided it."""

from __future__ import annotations

from tests.web_helpers import build_desk, client_for

JSON = {"Accept": "application/json"}


def test_a_second_dismissal_says_how_the_first_closed_it_in_words() -> None:
    desk = build_desk()
    key = desk.keys["late"]
    for rita, csrf in client_for(desk, "rita"):
        first = rita.post(f"/queue/{key}/dismiss", headers=JSON,
                          data={"csrf": csrf, "reason": "not_worth"})
        assert first.status_code == 200, first.text
        again = rita.post(f"/queue/{key}/dismiss", headers=JSON,
                          data={"csrf": csrf, "reason": "irrelevant"})
        assert again.status_code == 409
        assert again.json()["error"] == ("this opportunity was already dismissed as not worth it "
                                         "by rita; reload the page to see it")
        italian = rita.post(f"/queue/{key}/dismiss", headers={**JSON, "accept-language": "it"},
                            data={"csrf": csrf, "reason": "irrelevant"})
        assert italian.json()["error"] == ("questa opportunità è già stata chiusa da rita "
                                           "(scartata: non ne vale la pena); ricarica la pagina "
                                           "per vederla")
