"""The approval workflow's refusals (written in English by ``reale.desk``) said in Italian for an
Italian viewer: the sentences a person meets on the desk (a reply that has moved on, a role that
may not act) are matched whole; anything else stays English and is marked so."""

from __future__ import annotations

import re
from collections.abc import Callable

from reale.web.i18n import translator

ACTIONS = {"view": "vedere", "draft": "scrivere bozze", "edit": "modificare",
           "submit": "inviare per approvazione", "withdraw": "ritirare", "approve": "approvare",
           "send back": "rimandare indietro", "send_back": "rimandare indietro",
           "approve and send": "approvare e inviare", "approve_and_send": "approvare e inviare",
           "publish": "pubblicare", "manage_team": "gestire il team"}


def _state(name: str) -> str:
    said = translator("it")(f"state.{name}")
    return name if said == f"state.{name}" else said


def _role(name: str) -> str:
    said = translator("it")(f"role.{name}")
    return name if said == f"role.{name}" else said


def _states(names: str) -> str:
    return " o ".join(_state(n) for n in names.split(" or "))


Said = Callable[[re.Match[str]], str]
SENTENCES: tuple[tuple[re.Pattern[str], Said], ...] = (
    (re.compile(r"cannot (.+?) reply (\S+): it is (\w+) \(only a reply that is (.+) can be\)"),
     lambda m: f"non si può {ACTIONS[m[1]]} la risposta {m[2]}: è {_state(m[3])} (si può solo "
               f"se è {_states(m[4])})"),
    (re.compile(r"('.*') is a (\w+): only a (\w+) or above can (\w+)"),
     lambda m: f"{m[1]} è {_role(m[2])}: solo un {_role(m[3])} o superiore può "
               f"{ACTIONS[m[4]]}"),
    (re.compile(r"('.*') is not on the team: an admin must add them before they can (\w+)"),
     lambda m: f"{m[1]} non fa parte del team: un amministratore deve aggiungerlo prima che "
               f"possa {ACTIONS[m[2]]}"),
    (re.compile(r"reply (\S+) is no longer (\w+): reload and retry"),
     lambda m: f"la risposta {m[1]} non è più {_state(m[2])}: ricarica e riprova"),
)


def desk_said(message: str, lang: str) -> tuple[str, str]:
    """``message`` in ``lang`` where it is one of the workflow's known sentences, and the
    language it is in (``"en"`` when left as written)."""
    if lang != "it":
        return message, "en"
    for pattern, said in SENTENCES:
        m = pattern.fullmatch(message)
        if m is not None:
            try:
                return said(m), "it"
            except KeyError:  # an action the table has no Italian for: left as written
                break
    return message, "en"


__all__ = ["ACTIONS", "desk_said"]
