"""Alerts from plain fields: what the desk and the signals stages hand over (dicts, or any
object with the same attributes) becomes an :class:`Alert` with a title, a severity, reasons, a
desk link and a de-duplication key. No dependency on the other stages' types.

Each alert is worded in English and in Italian (``Alert.it``), so a channel with
``language = "it"`` delivers it in Italian. Each builder raises :class:`reale.errors.AlertError` naming the missing field.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from reale.alerts.model import SEVERITIES, Alert, Severity, make_alert, new_alert_id
from reale.alerts.words import duration, kind_title, named, number, say
from reale.desk.opportunity_reasons import ReasonCode, render_reasons
from reale.errors import AlertError
from reale.signals.safety_words import safety_reason


def field(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` present in a mapping or as an attribute (``a.b`` walks down)."""
    for name in names:
        value: Any = obj
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
            if value is None:
                break
        if value is not None and value != "":
            return value
    return default


def text(obj: Any, *names: str) -> str:
    """The first of ``names`` that holds a plain value, as a string (``""`` when none does)."""
    for name in names:
        value = field(obj, name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
    return ""


def _required(obj: Any, what: str, *names: str) -> Any:
    value = field(obj, *names)
    if value is None:
        raise AlertError(f"{what} alert needs {' or '.join(names)}; got fields "
                         f"{sorted(map(str, obj)) if isinstance(obj, Mapping) else type(obj).__name__}")
    return value


def _severity(obj: Any, fallback: Severity) -> Severity:
    given = field(obj, "severity")
    return given if given in SEVERITIES else fallback


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _opportunity_reasons(opp: Any) -> tuple[list[str], list[str]]:
    """An opportunity's reasons in English and (where they differ) Italian: from the codes the
    desk keeps them as, so each channel reads them in its language whatever the team's; else as
    stored (in the team's language)."""
    codes = field(opp, "reason_codes", default=())
    if isinstance(codes, (tuple, list)) and codes and \
            all(isinstance(c, ReasonCode) for c in codes):
        english, italian = (list(render_reasons(tuple(codes), lang)) for lang in ("en", "it"))
        return english, italian if italian != english else []
    return _reasons(opp), []


def _reasons(obj: Any) -> list[str]:
    raw = field(obj, "reasons", default=[])
    if isinstance(raw, str):
        return [raw]
    out = []
    for r in list(raw)[:20]:
        text = field(r, "text", "reason") if not isinstance(r, str) else r
        if text:
            out.append(str(text))
    return out


def desk_link(desk_url: str, section: str, ref: str = "") -> str:
    """The desk page of a thing: ``<desk_url>/<section>/<ref>``."""
    base = desk_url.rstrip("/") + "/" + section
    return base + "/" + quote(ref, safe="") if ref else base


def desk_key(ref: str) -> str:
    """The web desk's key of an opportunity id such as ``Brand|at://…`` (the same as
    ``reale.web.records.short_key``); a ref that already is a key is kept."""
    if re.fullmatch(r"[0-9a-f]{16}", ref):
        return ref
    return hashlib.sha256(ref.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _http(url: Any) -> str:
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""


class AlertFactory:
    """Builds alerts with the desk's base URL, a clock reading and ids from an injected random."""

    def __init__(self, desk_url: str, rng: random.Random | None = None) -> None:
        self.desk_url = desk_url
        self.rng = rng or random.Random()

    def _base(self, now: float, obj: Any) -> dict[str, Any]:
        created = _float(field(obj, "created_at", "at")) or now
        return {"id": new_alert_id(now, self.rng), "created_at": min(created, now) if created else now}

    def opportunity(self, opp: Any, now: float) -> Alert:
        """``{id, brand, score, kind?, reasons?, text|post.text, author|post.author.handle, url?}``."""
        oid = str(_required(opp, "an opportunity", "id", "opportunity_id"))
        brand = str(_required(opp, "an opportunity", "brand"))
        score = _float(field(opp, "score"))
        kind = text(opp, "kind") or "opportunity"
        author = text(opp, "author.handle", "author", "post.author.handle")
        severity: Severity = "high" if (score or 0) >= 0.85 else "medium" if (score or 0) >= 0.6 else "low"
        title, title_it = (kind_title(kind, lang, author=author.lstrip("@")) for lang in ("en", "it"))
        body = text(opp, "summary", "body")
        reasons, said = _opportunity_reasons(opp)
        return make_alert(
            **self._base(now, opp), brand=brand, kind="opportunity",
            severity=_severity(opp, severity), title=title, dedup_key=f"opportunity:{oid}",
            body=body, it=(title_it, body), post_text=text(opp, "text", "post.text"),
            author=author,
            post_url=_http(field(opp, "url", "post.url")), reasons=reasons, score=score,
            link=desk_link(self.desk_url, "queue", desk_key(oid)), it_reasons=said)

    def moment(self, m: Any, now: float) -> Alert:
        """``{brand?, term|terms, id?, rate?, baseline?, examples?, safety?, reasons?, owner?,
        also?}``."""
        term = field(m, "term", "label")
        if term is None:
            terms = field(m, "terms", default=[])
            term = " ".join(str(t) for t in list(terms)[:3]) or None
        if term is None:
            raise AlertError("a moment alert needs term, label or terms")
        term = str(term)
        brand = text(m, "brand")
        rate, baseline = _float(field(m, "rate")), _float(field(m, "baseline"))
        ratio = rate / baseline if rate and baseline else None
        title, body = _moment_words(m, term, brand, ratio, "en")
        title_it, body_it = _moment_words(m, term, brand, ratio, "it")
        examples = field(m, "examples", default=[])
        first = examples[0] if isinstance(examples, list | tuple) and examples else ""
        mid = text(m, "id") or term
        reasons = _reasons(m)  # the safety read's, said in Italian where it knows the sentence
        said = [safety_reason(r, "it")[0] for r in reasons]
        return make_alert(
            **self._base(now, m), brand=brand, kind="moment",
            severity=_severity(m, "high" if (ratio or 0) >= 10 else "medium"), title=title,
            dedup_key=f"moment:{brand}:{mid}", body=body, it=(title_it, body_it),
            post_text=text(first, "text") if not isinstance(first, str) else first,
            author=text(first, "author.handle", "author"), reasons=reasons,
            it_reasons=said if said != reasons else (), link=desk_link(self.desk_url, "moments"))

    def backlash(self, b: Any, now: float) -> Alert:
        """``{id, brand, ratio?|level?, posts?, reasons?, it_reasons?, reply_text?}``: reactions
        turning (``it_reasons``: the reasons said in Italian, for Italian channels)."""
        bid = str(_required(b, "a backlash", "id", "case_id"))
        brand = str(_required(b, "a backlash", "brand"))
        ratio = _float(field(b, "ratio", "level"))
        posts = field(b, "posts", default=[])
        first = posts[0] if isinstance(posts, list | tuple) and posts else ""
        title, title_it = (say("backlash.title", lang, brand=brand) + (
            say("backlash.ratio", lang, ratio=number(ratio, 1, lang)) if ratio else "")
            for lang in ("en", "it"))
        body = text(b, "summary", "reply_text")
        reasons = _reasons(b)  # English; ``it_reasons``: the same said in Italian, where given
        said = [str(r) for r in field(b, "it_reasons", default=[]) or [] if r]
        return make_alert(
            it_reasons=said if said != reasons else (), **self._base(now, b), brand=brand,
            kind="backlash",
            severity=_severity(b, "urgent" if (ratio or 0) >= 3 else "high"), title=title,
            it=(title_it, body), dedup_key=f"backlash:{bid}", body=body,
            post_text=text(first, "text") if not isinstance(first, str) else first,
            author=text(first, "author.handle", "author"),
            reasons=reasons, link=desk_link(self.desk_url, "case", desk_key(bid)))

    def sla(self, s: Any, now: float) -> Alert:
        """``{opportunity_id|id, brand, due_at, kind?, target_seconds?}``: a response-time target."""
        oid = str(_required(s, "an SLA", "opportunity_id", "id"))
        brand = str(_required(s, "an SLA", "brand"))
        due = _float(_required(s, "an SLA", "due_at"))
        left = (due or now) - now
        kind = text(s, "kind") or "opportunity"
        title, title_it = (say("sla.missed" if left <= 0 else "sla.due", lang,
                               left=duration(abs(left)), kind=_kind_name(kind, lang))
                           for lang in ("en", "it"))
        return make_alert(
            **self._base(now, {}), brand=brand, kind="sla",
            severity=_severity(s, "urgent" if left <= 0 else "high"), title=title,
            it=(title_it, ""), dedup_key=f"sla:{oid}", post_text=text(s, "text", "post.text"),
            author=text(s, "author.handle", "author"), reasons=_reasons(s),
            link=desk_link(self.desk_url, "queue", desk_key(oid)))

    def source(self, s: Any, now: float) -> Alert:
        """``{source|name, state: down|lagging, since?, lag_seconds?, error?}``: Reale itself."""
        source = str(_required(s, "a source", "source", "name"))
        state = text(s, "state") or "down"
        lag = _float(field(s, "lag_seconds"))
        since = _float(field(s, "since")) or now
        title, title_it = (say("source.state", lang, name=source, state=named("source", state, lang))
                           + (say("source.behind", lang, lag=duration(lag)) if lag else "")
                           for lang in ("en", "it"))
        error = text(s, "error")  # the source's own words: left as written
        return make_alert(
            **self._base(now, {}), brand=text(s, "brand"), kind="source",
            severity=_severity(s, "high" if state == "down" else "medium"), title=title,
            it=(title_it, error),
            # an outage and a lagging episode are two alerts even when they start in the same
            # second; "caught up" shares its lagging episode's key (an update of that alert)
            dedup_key=f"source:{source}:{'down' if state == 'down' else 'lag'}:{int(since)}",
            body=error,
            reasons=_reasons(s), link=desk_link(self.desk_url, "live"))


def _kind_name(kind: str, lang: str) -> str:
    """An opportunity's kind as a title names it (``complaint``, ``lamentela``)."""
    return kind_title(kind, lang).split(" ", 1)[1] if lang == "it" else kind


def _moment_words(m: Any, term: str, brand: str, ratio: float | None,
                  lang: str) -> tuple[str, str]:
    """A moment alert's (title, body) in ``lang``."""
    title = say("moment.rising", lang, term=term) + (
        say("moment.ratio", lang, ratio=number(ratio, 0, lang)) if ratio else "")
    safety = field(m, "safety.verdict", "safety", default="")
    verdict = named("safety", safety, lang) if isinstance(safety, str) else ""
    body = say("moment.safety", lang, safety=verdict) if verdict else ""
    linked = text(m, "linked_to", "safety.linked_to")
    if linked and body:  # read again as part of another moment's story ("same story" link)
        title = say("moment.linked", lang, term=term, safety=verdict, linked=linked)
    owner = text(m, "owner")
    if owner and not brand:  # a whole-stream moment made of one brand's mentions
        title += say("moment.owner", lang, owner=owner)
    also = field(m, "also", default=[])
    if isinstance(also, list | tuple) and also:  # the same story's other names
        body = (body + " " if body else "") + say(
            "moment.also", lang, names=", ".join(str(t) for t in list(also)[:8]))
    return title, body


__all__ = ["AlertFactory", "desk_key", "desk_link", "field"]
