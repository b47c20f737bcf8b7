"""Print each mention as it arrives (for ``reale run``, ``replay`` and ``demo``): as a stage when
nothing labels the posts, or as a sink of the labelled mentions, showing the detected language."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from reale.events import Mention
from reale.run.pipeline import Routed


def terminal_safe(text: str) -> str:
    """``text`` on one line with only printable characters: runs of whitespace become one space,
    and control and format characters (escape sequences, bidi overrides) are dropped, so posts
    and handles cannot drive the terminal they are printed on."""
    return "".join(ch for ch in " ".join(text.split()) if ch.isprintable())


def mention_line(m: Mention, width: int = 100, language: str = "") -> str:
    """One readable line: brand, author, language and the start of the text (control chars
    removed). ``language`` is the detected one, shown instead of the post's declared languages
    (which a client sets, often wrongly), with the declared ones after it when they differ."""
    text = terminal_safe(m.post.text)
    if len(text) > width:
        text = text[: width - 1] + "…"
    who = terminal_safe(m.post.author.handle or m.post.author.id)
    declared = terminal_safe(",".join(m.post.langs))
    lang = declared or "?"
    if language:
        lang = language if declared in ("", language) else f"{language}; declared {declared}"
    return f"[{terminal_safe(m.brand)}] @{who} ({lang}): {text}"


class MentionPrinter:
    """Prints every mention of a routed batch to ``out`` (no labels yet: declared language)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.printed = 0

    async def __call__(self, routed: Routed) -> None:
        for m in routed.mentions:
            print(mention_line(m), file=self.out)
            self.printed += 1
        if routed.mentions:
            self.out.flush()


class LabelledPrinter:
    """A sink of the full pipeline: prints each mention once it is labelled, with the detected
    language (the declared one when the labeller failed on it)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.printed = 0

    def labels(self, mention: Mention, labels: Any) -> None:
        language = str(getattr(labels, "language", "") or "")
        print(mention_line(mention, language=language), file=self.out, flush=True)
        self.printed += 1

    def opportunity(self, opp: Any) -> None:
        """Opportunities are the desk's to show, not this printer's."""

    def moment(self, alert: Any) -> None:
        """Moments are the desk's to show, not this printer's."""


__all__ = ["LabelledPrinter", "MentionPrinter", "mention_line"]
