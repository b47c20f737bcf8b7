"""``reale draft``: propose replies for one post, read as JSON on stdin, printed as JSON.

Input: ``{"kind", "text", "lang"?, "author_handle"?, "network"?, "brand"?}``; ``--history`` is
the brand's past replies as JSONL (``{"in", "out", "lang"?}``); ``--recent`` a JSONL file of
replies recently sent (their sentences are not repeated).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import msgspec

from reale.config import load_config
from reale.desk.drafts import Drafter, DraftRequest, draft_settings
from reale.desk.guard import DraftGuard, GuardBrand, guard_brand, guard_settings
from reale.desk.llm import llm_config
from reale.desk.templates import KINDS
from reale.desk.voice import PastReply, load_history
from reale.errors import ConfigError, DeskError
from reale.publish.limits import LIMITS


def register(sub: Any) -> None:
    p = sub.add_parser("draft", help="propose 2-3 replies in the brand's voice for a post (JSON on stdin)",
                       description="Read one request on stdin, {\"kind\", \"text\", \"lang\"?, "
                       "\"author_handle\"?, \"network\"?}, and print 2-3 drafted replies as JSON "
                       f"(kind: {', '.join(KINDS)}; network: bluesky, mastodon or x). "
                       "See docs/drafts.md.")
    p.add_argument("--history", help="the brand's past replies, JSONL of {in, out, lang?}")
    p.add_argument("--recent", help="replies recently sent, JSONL of {out} (not repeated)")
    p.add_argument("--brand", default="", help="the brand's name")
    p.add_argument("--config", help="reale.toml: its [desk.drafts] settings, [desk.llm] model "
                   "(the key from the variable key_env names), [desk.guard] allowances and the "
                   "brand's handles, hashtags and competitors")
    p.set_defaults(func=run)


MAX_REQUEST_BYTES = 1_000_000


def _read_request() -> DraftRequest:
    raw = sys.stdin.buffer.read()
    expected = '{"kind": "praise", "text": "...", "lang": "it", "author_handle": "..."}'
    if not raw.strip():
        raise DeskError(f"stdin is empty; expected one draft request such as {expected}")
    if len(raw) > MAX_REQUEST_BYTES:
        raise DeskError(f"stdin is larger than {MAX_REQUEST_BYTES:,} bytes; one post is expected")
    try:
        req = msgspec.json.decode(raw, type=DraftRequest)
    except UnicodeDecodeError as exc:
        raise DeskError(f"stdin is not valid UTF-8 (byte {exc.start})") from exc
    except (msgspec.DecodeError, RecursionError) as exc:  # RecursionError: nested too deeply
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise DeskError(f"stdin is not a draft request ({why}); expected {expected}") from exc
    if req.kind not in KINDS:
        raise DeskError(f"unknown kind {req.kind!r}: use {', '.join(KINDS)}")
    if req.network not in LIMITS or req.network == "sim":
        raise DeskError(f"unknown network {req.network!r}: use bluesky, mastodon or x")
    return req


def _history(path: str, option: str) -> tuple[list[PastReply], int]:
    try:
        return load_history(path)
    except OSError as exc:
        raise DeskError(f"{option} {path}: {exc.strerror or exc}") from exc


def run(args: argparse.Namespace) -> int:
    req = _read_request()
    history, skipped = _history(args.history, "--history") if args.history else ([], 0)
    recent = [p.reply for p in _history(args.recent, "--recent")[0]] if args.recent else []
    config = load_config(args.config) if args.config else None
    extra = config.extra if config else {}
    brand = args.brand or req.brand
    known = next((b for b in config.brands if b.name == brand), None) if config else None
    if config is not None and config.brands and known is None:  # not guarded without its entry
        raise ConfigError(f"brand {brand!r} is not in {args.config}'s [[brands]]: "
                          f"{', '.join(b.name for b in config.brands)} (give --brand or the "
                          "request's brand as written there)")
    guard = DraftGuard(guard_brand(known) if known else GuardBrand(name=brand),
                       guard_settings(extra))
    drafter = Drafter(history, brand=brand, settings=draft_settings(extra),
                      llm=llm_config(extra, os.environ), guard=guard)
    drafts = asyncio.run(drafter.propose_async(req, recent))
    out = {"drafts": msgspec.to_builtins(drafts), "history": len(history), "skipped_lines": skipped}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if not drafts:
        print("reale draft: no draft: templates exist in English and Italian only, and no past "
              "reply in the post's language was close enough", file=sys.stderr)
    return 0
