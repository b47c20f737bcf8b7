"""Is this mention about the brand, before the team has decided anything? A cold-start prior.

The brand's own voice teaches it: mentions that address one of its handles, carry one of its
hashtags or name it in full (a keyword of several words) are about the brand by construction ("anchors"). A new mention is scored by how close it sits to the
nearest anchors versus the nearest everyday posts of a shipped background bank (sentence
vectors of everyday tweets, built by ``scripts/train_background.py``): "la chiusura lampo si è
rotta" sits with everyday talk, "pacco Lampo fermo da tre giorni" with the posts addressed to
@lampo-express. The relevance model learned from the team's decisions replaces it as soon as it
has a kept and a dismissed decision. State: the anchors' texts, most recent last (plain JSON).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reale.errors import ModelError
from reale.understand.heads import F32
from reale.understand.relevance import SCALE, K

# K (neighbours per side) and SCALE (how sharply a similarity gap becomes a probability) are the
# decision-learned model's, so the prior and the model the team teaches read alike.
BACKGROUND_NAME = "background-v1"
MIN_ANCHORS = 10  # fewer anchors than this: no opinion (the prior says nothing, every match counts)
ANCHORS = 200  # most recent anchors remembered per brand

Embed = Callable[[Sequence[str]], F32]


@dataclass(frozen=True)
class Background:
    """Unit-norm sentence vectors of everyday posts (rows), and where they came from."""

    vectors: F32

    def nearest(self, emb: F32, k: int = K) -> F32:
        return _top_mean(emb @ self.vectors.T, k)


def load_background(directory: Path) -> Background:
    path = directory / f"{BACKGROUND_NAME}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            vectors = z["vectors"].astype(np.float32)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"background bank {path} missing or unreadable: run `make train`") from exc
    if vectors.ndim != 2 or len(vectors) < K:
        raise ModelError(f"background bank {path} has shape {vectors.shape}: run `make train`")
    return Background(_unit(vectors))


def save_background(vectors: F32, path: Path) -> None:
    """Plain arrays (``np.savez``, no pickles), float16: the bank is compared, not trained."""
    with path.open("wb") as f:
        np.savez(f, vectors=_unit(vectors.astype(np.float32)).astype(np.float16))


def anchor_pattern(handles: Sequence[str], hashtags: Sequence[str],
                   keywords: Sequence[str]) -> re.Pattern[str] | None:
    """What makes a post about the brand by construction: ``@handle``, ``#hashtag``, or a
    keyword of several words ("Lampo Express"), case-insensitive; None if the brand has none."""
    parts = [rf"@{re.escape(h.lstrip('@'))}(?![\w.-]*\w)" for h in handles if h.strip("@")]
    parts += [rf"#{re.escape(t.lstrip('#'))}(?!\w)" for t in hashtags if t.strip("#")]
    parts += [rf"(?<!\w){re.escape(k)}(?!\w)" for k in keywords if len(k.split()) > 1]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


class BrandPrior:
    """One brand's cold-start relevance: ``update`` with each mention's text (anchors are kept),
    ``get_batch`` for P(about the brand), None while fewer than ``min_anchors`` anchors are known."""

    def __init__(self, brand: str, anchor: re.Pattern[str], embed: Embed,
                 background: Background, *, remember: int = ANCHORS,
                 min_anchors: int = MIN_ANCHORS) -> None:
        self.brand = brand
        self.anchor = anchor
        self.remember = remember
        self.min_anchors = min_anchors
        self._embed = embed
        self._background = background
        self._texts: list[str] = []
        # Rows for the first len(_emb) anchors; the newer ones are embedded when a score is
        # next asked for, each once.
        self._emb = np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._texts)

    def is_anchor(self, text: str) -> bool:
        return bool(self.anchor.search(text))

    def update(self, text: str) -> bool:
        """Remember ``text`` if it is an anchor; True if it was."""
        if not text.strip() or not self.is_anchor(text):
            return False
        if text in self._texts:  # the same words again (a copy-paste campaign) teach nothing new
            return True
        self._texts.append(text)
        if len(self._texts) > self.remember:
            del self._texts[0]
            self._emb = self._emb[1:]
        return True

    def get_batch(self, texts: Sequence[str]) -> list[float | None]:
        """P(about the brand) per text: 1.0 for an anchor, None while the prior has too few."""
        out: list[float | None] = [None] * len(texts)
        todo = []
        for i, t in enumerate(texts):
            if self.is_anchor(t):
                out[i] = 1.0
            elif len(self._texts) >= self.min_anchors:
                todo.append(i)
        if todo:
            emb = _unit(self._embed([texts[i] for i in todo]).astype(np.float32))
            gap = _top_mean(emb @ self._anchors().T, K) - self._background.nearest(emb)
            for i, g in zip(todo, gap, strict=True):
                out[i] = float(1.0 / (1.0 + np.exp(-SCALE * float(g))))
        return out

    def get(self, text: str) -> float | None:
        return self.get_batch([text])[0]

    def waiting(self) -> int:
        """How many anchors wait to be embedded (the next score embeds them)."""
        return len(self._texts) - len(self._emb)

    def embed(self) -> None:
        """Embed the anchors not embedded yet now (so the next score embeds none)."""
        self._anchors()

    def extend(self, newer: BrandPrior) -> None:
        """Take ``newer``'s anchors after this prior's own, as if each were updated here in
        turn, with the vectors ``newer`` computed already (only the others are embedded later)."""
        known = dict(zip(newer._texts, newer._emb, strict=False))
        for text in newer._texts:
            self.update(text)
        rows = []
        for text in self._texts[len(self._emb):]:
            if text not in known:
                break
            rows.append(known[text])
        if rows:
            new = np.stack(rows)
            self._emb = new if len(self._emb) == 0 else np.vstack((self._emb, new))

    def _anchors(self) -> F32:
        new = self._texts[len(self._emb):]
        if new:
            rows = _unit(self._embed(new).astype(np.float32))
            self._emb = rows if len(self._emb) == 0 else np.vstack((self._emb, rows))
        return self._emb

    def snapshot(self) -> dict[str, object]:
        return {"brand": self.brand, "anchors": list(self._texts)}

    def restore(self, state: dict[str, object]) -> None:
        """Take back the anchors of a snapshot (this brand's only); they are embedded lazily."""
        anchors = state.get("anchors")
        if state.get("brand") != self.brand or not isinstance(anchors, list):
            return
        self._texts = [str(t) for t in anchors][-self.remember:]
        self._emb = np.zeros((0, 0), dtype=np.float32)


def _unit(m: F32) -> F32:
    out: F32 = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    return out


def _top_mean(sim: F32, k: int) -> F32:
    k = min(k, sim.shape[1])
    out: F32 = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
    return out
