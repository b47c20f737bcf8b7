"""The JSON shapes the live feed and the JSON twins carry: a mention row, an opportunity card,
a moment. Pure functions from the pipeline's records to plain dicts (the browser renders them
with ``textContent`` only). An opportunity's reasons are words: given a ``lang``, they are
rendered in it from the record's language-free codes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import msgspec

from reale.desk.opportunity import Opportunity
from reale.desk.opportunity_reasons import render_reasons
from reale.events import Mention, Post
from reale.signals.moment_scope import MomentAlert
from reale.store.retention import erased_days
from reale.web.i18n import LANGS
from reale.web.records import Labels, MomentRecord, OpportunityRecord, labels_from, short_key

MAX_TEXT = 2_000  # characters of a post shown in the feed


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) link with a host, else None (never javascript:,
    data:, or relative links from user content)."""
    if not url or not isinstance(url, str) or len(url) > 2048:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch in url for ch in "\x00\r\n\t <>\"'`"):
        return None
    return url


def post_url(uri: str) -> str | None:
    """Where a post can be seen on its network (Bluesky, Mastodon, X); None when unknown."""
    if uri.startswith("at://"):
        parts = uri[5:].split("/")
        if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
            return safe_href(f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}")
        return None
    if uri.startswith("x://tweet/"):
        return safe_href(f"https://x.com/i/status/{uri[len('x://tweet/'):]}")
    return safe_href(uri)


def reasons_in(opp: OpportunityRecord | Opportunity, lang: str | None) -> list[str]:
    """The opportunity's reasons in ``lang``; as stored (the team's language when it was
    scored) without a ``lang``, or for a row stored before the desk kept their codes."""
    if lang and opp.reason_codes:
        return list(render_reasons(opp.reason_codes, lang))
    return list(opp.reasons)


def mention_payload(mention: Mention, labels: Labels | None = None,
                    opportunity: OpportunityRecord | None = None, lang: str | None = None
                    ) -> dict[str, Any]:
    """A mention as a row of the live feed (its opportunity's reasons in ``lang``)."""
    post: Post = mention.post
    lab = labels or Labels()
    return {
        "type": "mention", "brand": mention.brand, "uri": post.uri, "network": post.network,
        "author": post.author.handle or post.author.id, "name": post.author.display_name,
        "followers": post.author.followers, "text": post.text[:MAX_TEXT],
        "lang": lab.lang or (post.langs[0] if post.langs else ""),
        "sentiment": lab.sentiment, "intent": lab.intent,
        "at": mention.matched_at or post.created_at, "created_at": post.created_at,
        "url": post_url(post.uri), "deleted": post.deleted_at is not None,
        "erased_days": erased_days(post),
        "links": [u for u in (safe_href(x) for x in post.links[:5]) if u],
        "opportunity": None if opportunity is None else _brief(opportunity, lang),
    }


def _brief(opp: OpportunityRecord, lang: str | None) -> dict[str, Any]:
    """A mention row's opportunity. Without a ``lang`` (a row for the live hub, which sends it
    to readers of every language) the reasons come in each language too, as ``reasons_in``,
    which the hub takes out (:func:`in_language`)."""
    out: dict[str, Any] = {"key": opp.key, "kind": opp.kind, "score": opp.score,
                           "verdict": opp.verdict, "reasons": reasons_in(opp, lang)}
    if lang is None and opp.reason_codes:
        out["reasons_in"] = {each: reasons_in(opp, each) for each in LANGS}
    return out


def in_language(body: dict[str, Any], lang: str) -> dict[str, Any]:
    """A mention row for a reader of ``lang``: its opportunity's reasons in that language
    ("" keeps them as stored), ``reasons_in`` taken out."""
    opp = body.get("opportunity")
    if not isinstance(opp, dict) or "reasons_in" not in opp:
        return body
    shown = {k: v for k, v in opp.items() if k != "reasons_in"}
    if lang and isinstance(opp["reasons_in"], dict) and lang in opp["reasons_in"]:
        shown["reasons"] = opp["reasons_in"][lang]
    return {**body, "opportunity": shown}


def opportunity_payload(opp: OpportunityRecord | Opportunity, lang: str | None = None
                        ) -> dict[str, Any]:
    """An opportunity as a card (queue, live feed), its reasons in ``lang``."""
    key = opp.key if isinstance(opp, OpportunityRecord) else short_key(opp.id)
    verdict = opp.realness.verdict if opp.realness is not None else ""
    out: dict[str, Any] = {
        "type": "opportunity", "key": key, "brand": opp.brand, "kind": opp.kind,
        "score": opp.score, "author": opp.author_handle, "text": opp.text[:MAX_TEXT],
        "lang": opp.language, "verdict": verdict, "reasons": reasons_in(opp, lang),
        "at": opp.updated_at, "created_at": opp.created_at, "uri": opp.post_uri,
        "url": post_url(opp.post_uri), "intent": opp.kind,
    }
    if isinstance(opp, OpportunityRecord):
        out["status"] = opp.status
        out["reach"] = msgspec.to_builtins(opp.reach) if opp.reach else None
        out["momentum"] = msgspec.to_builtins(opp.momentum) if opp.momentum else None
    return out


def moment_payload(moment: MomentAlert | MomentRecord) -> dict[str, Any]:
    record = moment if isinstance(moment, MomentRecord) else MomentRecord.of(moment)
    a = record.alert
    return {
        "type": "moment", "id": record.id, "brand": "" if a.scope == "*" else a.scope,
        "scope": a.scope, "term": a.term, "count": a.count, "ratio": round(a.ratio, 2),
        "at": a.at, "verdict": a.safety.verdict if a.safety else "",
        "examples": [{"uri": e.uri, "text": e.text[:MAX_TEXT], "url": post_url(e.uri)}
                     for e in a.examples],
        "cooccurring": list(a.cooccurring),
        "also": list(a.also), "owner": a.owner,
    }


def in_languages(payload: Any) -> bool:
    """Does ``payload`` read differently in each interface language (an opportunity whose
    reasons the desk kept as codes, or a mention row carrying one)?"""
    if isinstance(payload, Opportunity | OpportunityRecord):
        return bool(payload.reason_codes)
    opp = payload.get("opportunity") if isinstance(payload, dict) else None
    return isinstance(opp, dict) and "reasons_in" in opp


def to_payload(kind: str, payload: Any, lang: str | None = None) -> dict[str, Any]:
    """Whatever the runner hands the hub, as a JSON-ready dict with a ``type`` (the words of an
    opportunity in ``lang``)."""
    if isinstance(payload, Mention):
        return mention_payload(payload)
    if isinstance(payload, Opportunity | OpportunityRecord):
        return opportunity_payload(payload, lang)
    if isinstance(payload, MomentAlert | MomentRecord):
        return moment_payload(payload)
    if isinstance(payload, msgspec.Struct):
        payload = msgspec.to_builtins(payload)
    if not isinstance(payload, dict):
        raise TypeError(f"live payload must be a dict or a known record, not {type(payload).__name__}")
    if "labels" in payload and isinstance(payload["labels"], dict):
        lab = labels_from(payload["labels"])
        payload = {"lang": lab.lang, "sentiment": lab.sentiment, "intent": lab.intent, **payload}
    payload = in_language(payload, lang or "")
    return {"type": kind, **{k: v for k, v in payload.items() if k != "type"}}


__all__ = ["in_language", "in_languages", "mention_payload", "moment_payload", "opportunity_payload", "post_url",
           "reasons_in", "safe_href", "to_payload"]
