"""The desk's words in English and Italian: realness reasons and advice, number formatting.

Templates use ``str.format`` fields; a missing language falls back to English.
"""

from __future__ import annotations

REALNESS_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "asked": "solicited: the author asked the brand for it ({hits})",
        "asked_judged": "solicited: the author asked the brand for something",
        "demanded": "the author demanded compensation ({hits})",
        "value": "the brand gives something worth about {value}{what}",
        "product": "the brand gives {product}, about {value}",
        "product_lent": "the brand lends {product}, worth about {value} for a few days",
        "small_product": "a small gift: {product}, about {value}",
        "bulk_asked": "asks for about {n} × {unit} ({what}, {hits}): about {value} in all",
        "bulk_given": "the brand gives about {n} × {unit} ({what}, {hits}): about {value} in all",
        "offered_and_given": "a deal: the author offers something in return ({hits}), "
                             "and nothing declares it",
        "in_public": "in public, where everyone watching sees the exchange",
        "in_public_unknown": "possibly in public (not said)",
        "reach": "to {tier} account ({followers} followers)",
        "reach_unknown": "to an account of unknown reach",
        "reach_rank": "to an author in the top {top} of this brand's mentioners",
        "bandwagon": "while {n} accounts amplify the post ({big} large, {close} close friends)",
        "first_contact": "first contact with the brand: no history behind the gift",
        "long_time": "a long-time customer ({n} posts about the brand)",
        "disclosed": "declared ({hits}): it reads as what it is",
        "partner_undisclosed": "a known paid partner, and nothing declares it",
        "pressure": "giving in public to a loud, amplified request",
        "remedy_value": "worth about {value}, but it repairs the brand's fault: not a gift",
        "but": "but: {reason}",
        "small_gift": "a small gift: about {value}{what}",
        "spontaneous": "spontaneous: the author wrote unprompted ({hits})",
        "remedy": "it remedies the brand's own fault ({hits})",
        "goodwill": "a goodwill gesture towards a customer with a problem",
        "care_reply": "an answer to a customer's {what}",
        "nothing_given": "nothing of value changes hands",
        "promise": "the reply promises something ({hits})",
    },
    "it": {
        "asked": "sollecitato: l'autore l'ha chiesto al brand ({hits})",
        "asked_judged": "sollecitato: l'autore ha chiesto qualcosa al brand",
        "demanded": "l'autore ha preteso un risarcimento ({hits})",
        "value": "il brand dà qualcosa che vale circa {value}{what}",
        "product": "il brand dà {product}, circa {value}",
        "product_lent": "il brand presta {product}, circa {value} di valore per qualche giorno",
        "small_product": "un piccolo regalo: {product}, circa {value}",
        "bulk_asked": "chiede circa {n} × {unit} ({what}, {hits}): circa {value} in tutto",
        "bulk_given": "il brand dà circa {n} × {unit} ({what}, {hits}): circa {value} in tutto",
        "offered_and_given": "uno scambio: l'autore offre qualcosa in cambio ({hits}), "
                             "e niente lo dichiara",
        "in_public": "in pubblico, sotto gli occhi di tutti",
        "in_public_unknown": "forse in pubblico (non è detto)",
        "reach": "a {tier} ({followers} follower)",
        "reach_unknown": "a un account di seguito sconosciuto",
        "reach_rank": "a un autore nel {top} più seguito di chi cita il brand",
        "bandwagon": "mentre {n} account rilanciano il post ({big} grandi, {close} amici stretti)",
        "first_contact": "primo contatto con il brand: nessuna storia dietro il regalo",
        "long_time": "un cliente di lunga data ({n} post sul brand)",
        "disclosed": "dichiarato ({hits}): si legge per quello che è",
        "partner_undisclosed": "un partner pagato, e niente lo dichiara",
        "pressure": "dare in pubblico a una richiesta rumorosa e amplificata",
        "remedy_value": "vale circa {value}, ma ripara un errore del brand: non è un regalo",
        "but": "però: {reason}",
        "small_gift": "un piccolo regalo: circa {value}{what}",
        "spontaneous": "spontaneo: l'autore ha scritto senza chiedere nulla ({hits})",
        "remedy": "rimedia a un errore del brand ({hits})",
        "goodwill": "un gesto di cortesia verso un cliente con un problema",
        "care_reply": "una risposta a {what} di un cliente",
        "nothing_given": "non passa di mano niente di valore",
        "promise": "la risposta promette qualcosa ({hits})",
    },
}

TIERS: dict[str, dict[str, str]] = {
    "en": {"nano": "a nano", "micro": "a micro", "macro": "a macro", "mega": "a mega"},
    "it": {"nano": "un account nano", "micro": "un account micro", "macro": "un account macro",
           "mega": "un account mega"},
}

CARE_WHAT: dict[str, dict[str, str]] = {
    "en": {"complaint": "complaint", "question": "question"},
    "it": {"complaint": "una lamentela", "question": "una domanda"},
}

ADVICE: dict[str, dict[str, str]] = {
    "en": {
        "answer_in_kind": "answer in kind; do not reward the ask in public",
        "disclose": "if you send it, disclose it (#suppliedby, “in collaborazione con”), "
                    "and ask for nothing in return",
        "small_thanks": "a small thank-you is fine",
        "care_fix": "fix it, in private where personal data is involved, and say in public that you did",
        "pressure": "a public reward for a loud, amplified ask teaches everyone to shout",
        "buy_silence": "do not buy silence: remedy the fault, not the noise",
        "partner_label": "ask the partner to label the post (#adv) before you amplify it",
        "like_complaint": "a like on a complaint reads as mockery: answer it",
        "keep_label": "it is declared: keep the label visible",
        "private_help": "if you want to help, do it privately, and say so openly if asked",
        "human_voice": "reply in a human voice, as you would in person",
        "answer_question": "answer fully and in public: others have the same question",
        "deal": "it is a deal: decline the trade, or make it a declared collaboration "
                "(#suppliedby, #ad)",
    },
    "it": {
        "answer_in_kind": "rispondi con lo stesso tono; non premiare la richiesta in pubblico",
        "disclose": "se lo mandi, dichiaralo (#suppliedby, «in collaborazione con») "
                    "e non chiedere nulla in cambio",
        "small_thanks": "un piccolo pensiero di ringraziamento va bene",
        "care_fix": "risolvi il problema, in privato se servono dati personali, e dì in pubblico che l'hai fatto",
        "pressure": "premiare in pubblico una richiesta rumorosa insegna a tutti a gridare",
        "buy_silence": "non comprare il silenzio: rimedia al problema, non al rumore",
        "partner_label": "chiedi al partner di etichettare il post (#adv) prima di rilanciarlo",
        "like_complaint": "un like a una lamentela sembra una presa in giro: rispondi",
        "keep_label": "è dichiarato: lascia l'etichetta ben visibile",
        "private_help": "se vuoi aiutare, fallo in privato, e dillo apertamente se te lo chiedono",
        "human_voice": "rispondi con voce umana, come faresti di persona",
        "answer_question": "rispondi per intero e in pubblico: altri hanno la stessa domanda",
        "deal": "è uno scambio: non accettarlo, o fanne una collaborazione dichiarata "
                "(#suppliedby, #adv)",
    },
}

OPPORTUNITY_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "appeal": "asks the brand for something",
        "praise": "praises the brand",
        "complaint": "a complaint",
        "question": "asks the brand a question",
        "moment": "part of the moment “{moment}”",
        "addressed": "addresses {handle} directly",
        "unaddressed": "not addressed to {brand}: the post neither tags nor names it",
        "reach_rank": "author in the top {top} of this brand's mentioners",
        "reach_tier": "{tier} account ({followers} followers)",
        "growing": "growing {v} reshares a minute, {n} expected",
        "growing_now": "growing {v} reshares a minute",
        "expected": "{n} reshares expected",
        "repeat": "{ordinal} complaint from this author today",
        "negative": "negative in tone",
        "relevance": "may not be about the brand (relevance {r})",
        "learned": "weights learned from {n} decisions",
        "realness": "giving it in public would read as {verdict} (risk {risk})",
    },
    "it": {
        "appeal": "chiede qualcosa al brand",
        "praise": "fa un complimento al brand",
        "complaint": "una lamentela",
        "question": "fa una domanda al brand",
        "moment": "parte del momento «{moment}»",
        "addressed": "si rivolge direttamente a {handle}",
        "unaddressed": "non è rivolto a {brand}: il post non lo tagga né lo nomina",
        "reach_rank": "autore nel {top} più seguito di chi cita il brand",
        "reach_tier": "account {tier} ({followers} follower)",
        "growing": "cresce di {v} condivisioni al minuto, {n} previste",
        "growing_now": "cresce di {v} condivisioni al minuto",
        "expected": "{n} condivisioni previste",
        "repeat": "{ordinal} lamentela di questo autore oggi",
        "negative": "tono negativo",
        "relevance": "forse non parla del brand (pertinenza {r})",
        "learned": "pesi appresi da {n} decisioni",
        "realness": "darlo in pubblico sembrerebbe {verdict} (rischio {risk})",
    },
}

VERDICT_WORDS: dict[str, dict[str, str]] = {
    "en": {"genuine": "genuine", "care": "customer care", "transactional": "transactional"},
    "it": {"genuine": "genuino", "care": "assistenza clienti", "transactional": "transazionale"},
}

_ORDINALS = {"en": ("second", "third", "fourth", "fifth"), "it": ("seconda", "terza", "quarta", "quinta")}


def ordinal(n: int, lang: str) -> str:
    """2 → second / seconda … (feminine in Italian: *lamentela*)."""
    words = _ORDINALS.get(lang, _ORDINALS["en"])
    if 2 <= n <= 5:
        return words[n - 2]
    return f"{n}ª" if lang == "it" else f"{n}th"


def fmt_num(v: float, lang: str) -> str:
    """40 / 2.5 (2,5 in Italian): one decimal under ten."""
    s = fmt_int(v, lang) if v >= 10 else f"{v:.1f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "it" and v < 10 else s


def team_lang(lang: str | None) -> str:
    """``it`` for Italian, ``en`` for everything else."""
    return "it" if (lang or "").lower().startswith("it") else "en"


def fmt_int(n: float, lang: str) -> str:
    """12,345 in English, 12.345 in Italian."""
    s = f"{round(n):,}"
    return s.replace(",", ".") if lang == "it" else s


_ARTICLES = {"it": ("un", "una", "uno", "il", "la", "lo", "l'", "un'"), "en": ("a", "an", "the")}


def with_article(name: str, article: str, lang: str) -> str:
    """A product with the article the post used ("una Volta Pico") when it is one of the
    reason's language, else a plain one."""
    a = article.lower()
    if a in ("l'", "un'") and lang == "it":
        return a + name
    if a in _ARTICLES.get(lang, ()):
        return f"{a} {name}"
    if lang == "it":
        return f"un {name}"
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def fmt_eur(v: float, lang: str) -> str:
    """€1,000 in English, 1.000 € in Italian."""
    return f"{fmt_int(v, lang)} €" if lang == "it" else f"€{fmt_int(v, lang)}"


def fmt_price(v: float, lang: str) -> str:
    """A unit price: €4 and €4.50 in English, 4 € and 4,50 € in Italian."""
    if abs(v - round(v)) < 0.005 or v >= 100:
        return fmt_eur(v, lang)
    return f"{v:.2f} €".replace(".", ",") if lang == "it" else f"€{v:.2f}"


def fmt_pct(share: float, lang: str) -> str:
    """A share in [0, 1] as a percentage with at most one decimal (2% / 0,5%)."""
    p = share * 100
    s = f"{p:.0f}" if p >= 1.95 or p == 0 else f"{p:.1f}"
    return (s.replace(".", ",") if lang == "it" else s) + "%"


def quote(hits: list[str], lang: str, limit: int = 2) -> str:
    """Quote the words that triggered a reason: “datemi”, “#ff”."""
    shown = hits[:limit]
    if lang == "it":
        return ", ".join(f"«{h}»" for h in shown)
    return ", ".join(f"“{h}”" for h in shown)


__all__ = ["ADVICE", "CARE_WHAT", "OPPORTUNITY_REASONS", "REALNESS_REASONS", "TIERS", "VERDICT_WORDS",
           "fmt_eur", "fmt_int", "fmt_num", "fmt_pct", "fmt_price", "ordinal", "quote", "team_lang", "with_article"]
