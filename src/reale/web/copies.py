"""Copies of a deleted post's words kept outside its row (docs/deletions.md): the examples a
stored moment quotes, the evidence an aftermath watch kept, and the alert messages in the outbox
that carry the post's text or its author (its opportunity's alert, a moment's that quoted it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from reale.signals.moment_types import Example, MomentAlert
from reale.store.tx import Tx

_JSON = msgspec.json.Encoder()
_WORDS = ("text", "post_text", "display_name")  # what the author wrote, or calls themselves


def _names(value: Any, uris: set[str]) -> bool:
    return isinstance(value, str) and value in uris


def scrub(tree: Any, uris: set[str]) -> bool:
    """Empty, in place, the words of the posts ``uris`` wherever the decoded JSON ``tree`` keeps
    them: an object naming one (``uri`` or ``post_uri``) loses its text and display name, an
    example ``[uri, text]`` its text. Returns whether anything changed."""
    changed = False
    if isinstance(tree, dict):
        if _names(tree.get("uri"), uris) or _names(tree.get("post_uri"), uris):
            for key in _WORDS:
                if tree.get(key):
                    tree[key], changed = "", True
        for value in tree.values():
            changed = scrub(value, uris) or changed
    elif isinstance(tree, list):
        if len(tree) == 2 and _names(tree[0], uris) and isinstance(tree[1], str) and tree[1]:
            tree[1], changed = "", True
        for value in tree:
            changed = scrub(value, uris) or changed
    return changed


def quoted(tree: Any, uris: set[str]) -> set[str]:
    """The texts ``tree`` quotes of the posts ``uris`` (a moment's examples)."""
    out: set[str] = set()
    if isinstance(tree, list):
        if len(tree) == 2 and _names(tree[0], uris) and isinstance(tree[1], str) and tree[1]:
            out.add(tree[1])
        for value in tree:
            out |= quoted(value, uris)
    elif isinstance(tree, dict):
        for value in tree.values():
            out |= quoted(value, uris)
    return out


SCAN = 100  # URIs (or keys) looked for in one pass over a table: a batch costs a few scans


def _parts(items: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(items)
    for i in range(0, len(ordered), SCAN):
        yield ordered[i:i + SCAN]


def _bodies(tx: Tx, table: str, key: str, uris: Iterable[str]) -> dict[str, str]:
    """``{key: body}`` of the rows of ``table`` whose JSON body names one of ``uris``."""
    found: dict[str, str] = {}
    for part in _parts(uris):
        likes = " OR ".join(["body LIKE ?"] * len(part))
        for k, body in tx.query(f"SELECT {key}, body FROM {table} WHERE {likes}",
                                tuple(f"%{uri}%" for uri in part)):
            found[str(k)] = str(body)
    return found


def _rewrite(tx: Tx, table: str, key: str, bodies: Mapping[str, str], uris: set[str]) -> int:
    changed = 0
    for k, body in sorted(bodies.items()):
        try:
            tree = msgspec.json.decode(body)
        except msgspec.DecodeError:
            continue
        if scrub(tree, uris):
            changed += tx.execute(f"UPDATE {table} SET body = ? WHERE {key} = ?",
                                  (_JSON.encode(tree).decode(), k))
    return changed


def _scrub_alerts(message: Any, keys: set[str], texts: set[str]) -> bool:
    """Empty the post text and author of the message's alerts about the deleted posts."""
    if not isinstance(message, dict):
        return False
    changed = False
    for alert in [message.get("alert"), *(message.get("items") or [])]:
        if isinstance(alert, dict) and (alert.get("dedup_key") in keys or
                                        _names(alert.get("post_text"), texts)):
            for field in ("post_text", "author"):
                if alert.get(field):
                    alert[field], changed = "", True
    return changed


def _outbox(tx: Tx, uris: set[str], texts: set[str]) -> int:
    """The outbox's messages (any state: a delivered one cannot be recalled, but the store's
    copy is erased) about the deleted posts' opportunities, or quoting them in a moment."""
    opp_ids = [str(r[0]) for uri in sorted(uris) for r in tx.query(
        "SELECT id FROM opportunities WHERE post_uri = ?", (uri,))]
    keys = {f"opportunity:{i}" for i in opp_ids}
    rows: dict[int, str] = {}
    for part in _parts(keys):
        marks, likes = ", ".join("?" * len(part)), " OR ".join(["message LIKE ?"] * len(part))
        for rid, message in tx.query(
                f"SELECT id, message FROM alert_outbox WHERE dedup_key IN ({marks})"
                f" OR (event = 'alert.digest' AND ({likes}))",
                (*part, *(f"%{k}%" for k in part))):
            rows[int(rid)] = str(message)
    if texts:
        for rid, message in tx.query("SELECT id, message FROM alert_outbox WHERE dedup_key"
                                     " LIKE 'moment:%' OR event = 'alert.digest'"):
            rows[int(rid)] = str(message)
    changed = 0
    for rid, message in sorted(rows.items()):
        try:
            tree = msgspec.json.decode(message)
        except msgspec.DecodeError:
            continue  # not a message this version wrote: left as it is
        if _scrub_alerts(tree, keys, texts):
            changed += tx.execute("UPDATE alert_outbox SET message = ? WHERE id = ?",
                                  (_JSON.encode(tree).decode(), rid))
    return changed


def erase_copies(tx: Tx, gone: Mapping[str, float]) -> int:
    """A store eraser: the deleted posts' words are emptied from the moments' examples, the
    aftermath watches' evidence and the alert outbox's messages. Returns rows changed."""
    uris = set(gone)
    moments = _bodies(tx, "moments", "id", uris)
    texts: set[str] = set()
    for body in moments.values():
        try:
            texts |= quoted(msgspec.json.decode(body), uris)
        except msgspec.DecodeError:
            continue
    changed = _rewrite(tx, "moments", "id", moments, uris)
    changed += _rewrite(tx, "aftermath", "opportunity_key",
                        _bodies(tx, "aftermath", "opportunity_key", uris), uris)
    return changed + _outbox(tx, uris, texts)


def without_deleted(alert: MomentAlert, gone: Mapping[str, float]) -> MomentAlert:
    """A moment to store with the examples of posts deleted already quoted without their text."""
    if not any(e.uri in gone for e in alert.examples):
        return alert
    return msgspec.structs.replace(alert, examples=tuple(
        Example(e.uri, "") if e.uri in gone else e for e in alert.examples))


__all__ = ["erase_copies", "quoted", "scrub", "without_deleted"]
