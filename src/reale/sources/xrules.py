"""X filtered-stream rules derived from the brands' watch-queries, within the access tier's
budget (``max_rules`` rules of at most ``max_rule_length`` characters), and synced with
``POST /2/tweets/search/stream/rules`` so that exactly the desired rules are active.

Rules are a superset filter: Reale's own matcher verifies every tweet, so a construct X lacks
(``NEAR/n``) is widened to AND; one that cannot be widened (``word*``) is left out and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from reale.config import BrandConfig
from reale.errors import SourceError

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_NEAR = re.compile(r"^NEAR/\d+$", re.IGNORECASE)
_TYPOGRAPHIC_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"'})
_X_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")  # what X allows; a numeric id works in from:


@dataclass(frozen=True)
class Rule:
    value: str
    tag: str = ""


@dataclass
class RulePlan:
    rules: list[Rule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what did not fit or was widened


def translate_query(query: str) -> tuple[str | None, list[str]]:
    """A Reale watch-query → an X rule clause (``None`` if X cannot express it) and notes."""
    out: list[str] = []
    notes: list[str] = []
    negate = False
    straight = query.translate(_TYPOGRAPHIC_QUOTES)  # “…” and „…” delimit phrases too
    for tok in _TOKEN.findall(straight):
        if tok == "AND":  # operators are capitals, as in watch-queries ('not' is a word)
            continue
        if tok == "OR":
            out.append("OR")
        elif tok == "NOT":
            negate = True
            continue
        elif _NEAR.match(tok):
            notes.append(f"{query!r}: {tok} widened to AND (X rules have no proximity operator)")
        elif "*" in tok:
            notes.append(f"{query!r}: wildcard {tok!r} cannot be expressed as an X rule; "
                         "query left out of the stream rules")
            return None, notes
        else:
            out.append(("-" + tok) if negate else tok)
        negate = False
    clause = " ".join(out).strip()
    return (clause or None), notes


def _quote(term: str) -> str:
    """A brand keyword as one X rule term: an exact phrase when it has spaces, brackets or a
    leading '-' (bare, X would read them as grouping and negation); a double quote inside
    cannot be escaped in a rule and matches nothing X tokenises, so it becomes a space."""
    term = " ".join(term.replace('"', " ").split())
    return f'"{term}"' if re.search(r'[\s()]', term) or term.startswith("-") else term


def brand_clauses(brand: BrandConfig) -> tuple[list[str], list[str]]:
    """Every clause one brand needs (handles, hashtags, keywords, queries) and notes."""
    clauses: list[str] = []
    notes: list[str] = []
    for handle in brand.handles:
        h = handle.lstrip("@")
        if h.isdigit():  # an X user id: from: takes it, @ does not
            clauses.append(f"from:{h}")
        elif _X_USERNAME.fullmatch(h):
            clauses += [f"@{h}", f"from:{h}"]
        else:  # a Bluesky DID or handle, a Mastodon account: X would refuse the whole rule
            notes.append(f"{brand.name}: handle {handle!r} is not an X username; left out of "
                         "the X rules")
    clauses += [f"#{t.lstrip('#')}" for t in brand.hashtags]
    clauses += [q for q in (_quote(k) for k in brand.keywords) if q.strip('"')]
    for q in brand.queries:
        clause, why = translate_query(q)
        notes += why
        if clause:
            clauses.append(clause)
    return clauses, notes


def _pack(clauses: Sequence[str], tag: str, max_len: int, notes: list[str]) -> list[Rule]:
    rules: list[Rule] = []
    current = ""
    for clause in clauses:
        part = clause if len(_TOKEN.findall(clause)) == 1 else f"({clause})"
        if len(part) > max_len:
            notes.append(f"{tag}: clause {clause[:60]!r} is longer than {max_len} characters")
            continue
        joined = f"{current} OR {part}" if current else part
        if len(joined) <= max_len:
            current = joined
        else:
            rules.append(Rule(current, tag))
            current = part
    if current:
        rules.append(Rule(current, tag))
    return rules


def plan_rules(brands: Sequence[BrandConfig], max_rules: int = 25,
               max_rule_length: int = 512) -> RulePlan:
    """Pack the brands' clauses into rules (one tag per brand while the budget allows)."""
    plan = RulePlan()
    per_brand: list[tuple[str, list[str]]] = []
    for brand in brands:
        clauses, notes = brand_clauses(brand)
        plan.notes += notes
        per_brand.append((brand.name, clauses))
    rules = [r for name, cl in per_brand for r in _pack(cl, name, max_rule_length, plan.notes)]
    if len(rules) > max_rules:  # pool all brands' clauses: fewer, longer rules
        everything = [c for _, cl in per_brand for c in cl]
        rules = _pack(everything, "reale", max_rule_length, [])
        plan.notes.append(f"{len(brands)} brands need more than {max_rules} rules one per brand; "
                          "clauses were pooled into shared rules tagged 'reale'")
    if len(rules) > max_rules:
        dropped = rules[max_rules:]
        rules = rules[:max_rules]
        plan.notes.append(f"the rule budget ({max_rules} × {max_rule_length} characters) is "
                          f"exhausted: {len(dropped)} rules left out: "
                          + "; ".join(r.value[:60] for r in dropped))
    plan.rules = rules
    return plan


@dataclass
class SyncReport:
    added: list[Rule] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # rule ids
    kept: int = 0


async def sync_rules(http: httpx.AsyncClient, token: str, desired: Sequence[Rule],
                     base_url: str = "https://api.x.com") -> SyncReport:
    """Make the active rules exactly ``desired`` (compared by value): delete the rest, add the
    missing ones. The token goes in the header only and never into an error message."""
    url = f"{base_url.rstrip('/')}/2/tweets/search/stream/rules"
    headers = {"Authorization": f"Bearer {token}"}
    current = await _call(http, "GET", url, headers)
    existing = {str(r["value"]): str(r["id"]) for r in current.get("data") or []}
    wanted = {r.value: r for r in desired}
    report = SyncReport(kept=len(set(existing) & set(wanted)))
    report.deleted = [rid for value, rid in existing.items() if value not in wanted]
    if report.deleted:
        await _call(http, "POST", url, headers, {"delete": {"ids": report.deleted}})
    report.added = [r for v, r in wanted.items() if v not in existing]
    if report.added:
        body = {"add": [{"value": r.value, "tag": r.tag} for r in report.added]}
        await _call(http, "POST", url, headers, body)
    return report


async def _call(http: httpx.AsyncClient, method: str, url: str, headers: dict[str, str],
                body: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        response = await http.request(method, url, headers=headers, json=body)
    except httpx.TransportError as exc:
        raise SourceError(f"{method} {url}: {type(exc).__name__}") from exc
    try:
        data: dict[str, Any] = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 300 or (data.get("errors") and not data.get("data")):
        detail = "; ".join(str(e.get("message") or e.get("title") or e)
                           for e in data.get("errors") or [])
        raise SourceError(f"{method} {url}: HTTP {response.status_code} {detail}".strip())
    return data
