"""JSON Lines in, the same lines with labels added out: the engine behind ``reale annotate``.

``parse_line`` is pure (bytes → the object to label, or the object to echo with its ``error``);
``annotate_stream`` reads whatever the input has ready, labels it in batches and writes at once, so
a slow producer still sees its answers line by line. Bad lines are echoed with an error, never fatal.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import msgspec

from reale.understand.understander import Understander, Understanding

MAX_LINE = 1 << 20  # bytes; a longer line is answered with an error and skipped
_TOO_LONG = b"\0toolong"  # stands for an over-long line (a real line of JSON never starts with NUL)
_encoder = msgspec.json.Encoder()


@dataclass
class Counts:
    lines: int = 0
    labelled: int = 0
    errors: int = 0
    by_error: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    obj: dict[str, Any]
    text: str | None = None  # None: echo ``obj`` (it carries an ``error``)
    lang: Any = None


def _error(obj: dict[str, Any], message: str) -> Parsed:
    return Parsed({**obj, "error": message})


def parse_line(line: bytes) -> Parsed:
    """What to do with one input line (without its newline)."""
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error({"input": line.decode("utf-8", "replace")}, f"invalid UTF-8 at byte {exc.start}")
    try:
        obj = msgspec.json.decode(decoded)
    except msgspec.DecodeError as exc:
        return _error({"input": decoded}, f"invalid JSON: {exc}")
    except RecursionError:
        return _error({"input": decoded}, "invalid JSON: nested too deeply")
    if not isinstance(obj, dict):
        return _error({"input": obj}, "expected a JSON object with a text field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error(obj, "no text: each line needs a non-empty string field 'text'")
    lang = obj.get("lang", obj.get("langs"))
    if not (lang is None or isinstance(lang, str) or (isinstance(lang, list) and all(isinstance(x, str) for x in lang))):
        lang = None
    return Parsed(obj, text, lang)


def merge(obj: dict[str, Any], u: Understanding) -> dict[str, Any]:
    """The input object with the labels added (a label field already present is replaced)."""
    out = dict(obj)
    out.update(msgspec.to_builtins(u))
    return out


def _lines(read: Callable[[], bytes]) -> Iterator[list[bytes]]:
    """Groups of complete lines, one group per read; a line longer than ``MAX_LINE`` becomes one
    ``_TOO_LONG`` (its bytes are dropped as they come, up to its newline), so that output line k
    still answers input line k."""
    pending = b""
    skipping = False  # inside an over-long line already answered: drop up to its newline
    while True:
        chunk = read()
        if not chunk:
            if pending.strip() and not skipping:
                yield [pending]
            return
        if skipping:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            chunk, skipping = chunk[cut + 1:], False
        parts = (pending + chunk).split(b"\n")
        pending = parts.pop()
        group = [_TOO_LONG if len(p) > MAX_LINE else p for p in parts]
        if len(pending) > MAX_LINE:
            pending, skipping = b"", True
            group.append(_TOO_LONG)
        if group:
            yield group


def annotate_stream(inp: BinaryIO, out: BinaryIO, understander: Understander, tasks: Collection[str],
                    *, fast: bool = False, batch_size: int = 256) -> Counts:
    """Label every line of ``inp`` onto ``out``; returns what was seen."""
    counts = Counts()
    fd = inp.fileno()
    for group in _lines(lambda: os.read(fd, 1 << 16)):
        lines = [ln.rstrip(b"\r") for ln in group if ln.strip()]
        for start in range(0, len(lines), batch_size):
            out.write(_answer(lines[start:start + batch_size], understander, tasks, fast, counts))
        out.flush()
    return counts


def _answer(lines: list[bytes], u: Understander, tasks: Collection[str], fast: bool, counts: Counts) -> bytes:
    parsed = [_error({}, f"line longer than {MAX_LINE} bytes") if ln == _TOO_LONG else parse_line(ln)
              for ln in lines]
    todo = [p for p in parsed if p.text is not None]
    labels = iter(u.annotate_batch([p.text or "" for p in todo], [p.lang for p in todo],
                                   tasks=tasks, fast=fast)) if todo else iter(())
    buf = bytearray()
    for p in parsed:
        counts.lines += 1
        if p.text is None:
            counts.errors += 1
            kind = str(p.obj["error"]).split(":")[0]
            counts.by_error[kind] = counts.by_error.get(kind, 0) + 1
            buf += _encoder.encode(p.obj)
        else:
            counts.labelled += 1
            buf += _encoder.encode(merge(p.obj, next(labels)))
        buf += b"\n"
    return bytes(buf)
