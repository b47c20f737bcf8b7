"""``reale draft``: propose replies for one post, read as JSON on stdin, printed as JSON.

Input: ``{"kind", "text", "lang"?, "author_handle"?, "network"?, "brand"?}``; ``--history`` is
the brand's past replies as JSONL (``{"in", "out", "lang"?}``); ``--recent`` a JSONL file of
replies recently sent (their sentences are not repeated).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import msgspec

from reale.desk.drafts import Drafter, DraftRequest
from reale.desk.voice import load_history
from reale.errors import DeskError


def register(sub: Any) -> None:
    p = sub.add_parser("draft", help="propose 2-3 replies in the brand's voice for a post (JSON on stdin)")
    p.add_argument("--history", help="the brand's past replies, JSONL of {in, out, lang?}")
    p.add_argument("--recent", help="replies recently sent, JSONL of {out} (not repeated)")
    p.add_argument("--brand", default="", help="the brand's name")
    p.set_defaults(func=run)


def _read_request() -> DraftRequest:
    raw = sys.stdin.buffer.read()
    try:
        return msgspec.json.decode(raw, type=DraftRequest)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DeskError(f"stdin is not a draft request ({exc}); expected "
                        '{"kind": "praise", "text": "...", "lang": "it", "author_handle": "..."}') from exc


def run(args: argparse.Namespace) -> int:
    req = _read_request()
    history, skipped = load_history(args.history) if args.history else ([], 0)
    recent = [p.reply for p in load_history(args.recent)[0]] if args.recent else []
    drafter = Drafter(history, brand=args.brand or req.brand)
    drafts = drafter.propose(req, recent)
    out = {"drafts": msgspec.to_builtins(drafts), "history": len(history), "skipped_lines": skipped}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
