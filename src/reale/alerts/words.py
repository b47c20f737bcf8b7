"""What an alert says, in English and in Italian: each kind's title and body, and the fixed words
of a delivery (``Update:``, ``Open in the desk``, a digest's heading), so that a channel whose
team works in Italian (``language = "it"``) reads its alerts in Italian. Pure; the Italian words
are the desk's own (``reale.web.i18n``: severities, alert kinds, moments).
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "it"]
LANGUAGES: tuple[str, ...] = ("en", "it")

WORDS: dict[str, tuple[str, str]] = {  # key: (English, Italian)
    "opportunity.from": ("{Kind} from @{author}", "{Kind} di @{author}"),
    "opportunity.new": ("New {kind}", "{New} {kind}"),
    "moment.rising": ("Moment: {term} is rising", "Momento: {term} è in crescita"),
    "moment.ratio": (" ({ratio}x its usual rate)", " ({ratio}× il ritmo abituale)"),
    "moment.linked": ("Moment: {term} now reads {safety}, part of the {linked} moment",
                      "Momento: {term} ora risulta «{safety}», parte del momento {linked}"),
    "moment.owner": (", {owner}'s own mentions", ", menzioni di {owner}"),
    "moment.safety": ("Safety read: {safety}.", "Lettura di sicurezza: {safety}."),
    "moment.also": ("Also named: {names}.", "Chiamato anche: {names}."),
    "backlash.title": ("Backlash building on {brand}'s reply",
                       "Ondata negativa in crescita sulla risposta di {brand}"),
    "backlash.ratio": (" ({ratio}x baseline)", " ({ratio}× la norma)"),
    "sla.missed": ("Response-time target missed by {left}: {kind}",
                   "Tempo di risposta superato di {left}: {kind}"),
    "sla.due": ("Response-time target in {left}: {kind}",
                "Tempo di risposta in scadenza tra {left}: {kind}"),
    "source.state": ("Source {name} is {state}", "La fonte {name} è {state}"),
    "source.behind": (" ({lag} behind)", " (indietro di {lag})"),
    "test.title": ("Test alert from Reale to {channel}", "Avviso di prova da Reale per {channel}"),
    "test.body": ("If you can read this, the channel works.",
                  "Se leggi questo messaggio, il canale funziona."),
    "test.reason": ("this is a test message", "questo è un messaggio di prova"),
    "test.nothing": ("nothing to do", "non c'è nulla da fare"),
    # the fixed words of a delivery
    "update": ("Update: ", "Aggiornamento: "),
    "open_desk": ("Open in the desk", "Apri nel desk"),
    "open": ("open", "apri"),
    "view_post": ("View the post", "Vedi il post"),
    "the_post": ("The post: {url}", "Il post: {url}"),
    "score": ("score {score}", "punteggio {score}"),
    "digest.title": ("Digest: {n} alerts for {brand}", "Riepilogo: {n} avvisi per {brand}"),
    "digest.fallback": ("Reale digest: {n} alerts for {brand}",
                        "Riepilogo di Reale: {n} avvisi per {brand}"),
    "digest.subject": ("[Reale] {brand}: digest of {n} alerts",
                       "[Reale] {brand}: riepilogo di {n} avvisi"),
    "digest.more": ("and {n} more", "e altri {n}"),
    "digest.of": ("digest of {n}", "riepilogo di {n} avvisi"),
    "digest.more_desk": ("… and {n} more in the desk.", "… e altri {n} nel desk."),
    "field.brand": ("Brand", "Brand"),
    "field.kind": ("Kind", "Tipo"),
    "field.severity": ("Severity", "Gravità"),
    "field.score": ("Score", "Punteggio"),
}

# Names as reale.toml writes them, and in Italian the desk's words (a test keeps them equal)
NAMES_IT: dict[str, str] = {
    "alertkind.opportunity": "opportunità", "alertkind.moment": "momento",
    "alertkind.backlash": "ondata negativa", "alertkind.sla": "tempi di risposta",
    "alertkind.source": "fonte",
    "severity.low": "bassa", "severity.medium": "media", "severity.high": "alta",
    "severity.urgent": "urgente",
    "safety.safe": "si può partecipare", "safety.caution": "cautela", "safety.avoid": "da evitare",
    "source.down": "ferma", "source.lagging": "in ritardo", "source.caught up": "di nuovo in pari",
}

# An opportunity's kind in Italian, and whether the noun is feminine ("Nuova lamentela")
KINDS_IT: dict[str, tuple[str, bool]] = {
    "opportunity": ("opportunità", True), "mention": ("menzione", True),
    "complaint": ("lamentela", True), "question": ("domanda", True),
    "appeal": ("richiesta", True), "praise": ("elogio", False), "moment": ("momento", False),
}


def say(key: str, lang: str, **values: object) -> str:
    """The alert words ``key`` in ``lang`` (English for any language but Italian).

    >>> say("moment.rising", "it", term="gelato")
    'Momento: gelato è in crescita'
    """
    pair = WORDS.get(key)
    text = key if pair is None else pair[1 if lang == "it" else 0]
    return text.format(**values) if values else text


def named(group: str, value: str, lang: str) -> str:
    """A name from reale.toml (``severity``, ``alertkind``, ``safety``, ``source``) in ``lang``;
    one the table does not know stays as written."""
    return NAMES_IT.get(f"{group}.{value}", value) if lang == "it" else value


def number(value: float, digits: int, lang: str) -> str:
    """A number the reader's way: ``3.5`` in English, ``3,5`` in Italian (thousands ``.``).

    >>> number(1234.5, 1, "it")
    '1.234,5'
    """
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text


def kind_title(kind: str, lang: str, *, author: str = "") -> str:
    """An opportunity alert's title: ``Complaint from @ana`` / ``Lamentela di @ana``, or
    ``New complaint`` / ``Nuova lamentela`` when the author is unknown."""
    if lang != "it":
        return say("opportunity.from", lang, Kind=kind.capitalize(), author=author) if author \
            else say("opportunity.new", lang, kind=kind)
    noun, feminine = KINDS_IT.get(kind, (kind, True))
    if author:
        return say("opportunity.from", lang, Kind=noun[:1].upper() + noun[1:], author=author)
    return say("opportunity.new", lang, New="Nuova" if feminine else "Nuovo", kind=noun)


def duration(seconds: float | None) -> str:
    """A short span: ``45 s``, ``12 min``, ``3 h 5 min`` (the same in both languages)."""
    s = max(0, int(seconds or 0))
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"


__all__ = ["LANGUAGES", "WORDS", "Language", "duration", "kind_title", "named", "number", "say"]
