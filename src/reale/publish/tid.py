"""Deterministic Bluesky record keys: a TID derived from the approved reply, so that a retried
``createRecord`` collides with the first attempt instead of posting twice.
"""

from __future__ import annotations

import hashlib

_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock_id: int) -> str:
    """The 13-character base32-sortable TID of a timestamp (µs) and a 10-bit clock id."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    out = []
    for _ in range(13):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def tid_for(reply_id: str, approved_at: float) -> str:
    """The record key of a reply: its approval time plus bits of the reply id.

    >>> tid_for("r1", 1700000000.0) == tid_for("r1", 1700000000.0)
    True
    """
    h = int.from_bytes(hashlib.sha256(reply_id.encode()).digest()[:8], "big")
    micros = int(approved_at * 1_000_000) + (h >> 54)  # spread replies approved the same µs
    return tid(micros, h)


__all__ = ["tid", "tid_for"]
