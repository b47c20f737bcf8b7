"""A stage that prints each mention as it arrives (for ``reale run``, ``replay`` and ``demo``)."""

from __future__ import annotations

import sys
from typing import TextIO

from reale.events import Mention
from reale.run.pipeline import Routed


def mention_line(m: Mention, width: int = 100) -> str:
    """One readable line: brand, author, language and the start of the text (control chars removed)."""
    text = " ".join(m.post.text.split())
    text = "".join(ch for ch in text if ch.isprintable())
    if len(text) > width:
        text = text[: width - 1] + "…"
    who = m.post.author.handle or m.post.author.id
    lang = ",".join(m.post.langs) or "?"
    return f"[{m.brand}] @{who} ({lang}): {text}"


class MentionPrinter:
    """Prints every mention of a routed batch to ``out``."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.printed = 0

    async def __call__(self, routed: Routed) -> None:
        for m in routed.mentions:
            print(mention_line(m), file=self.out)
            self.printed += 1
        if routed.mentions:
            self.out.flush()
