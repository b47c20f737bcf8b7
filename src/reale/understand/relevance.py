"""Is this mention about the brand or about the word? Learned per brand from the team's decisions.

Each decision (a mention kept or dismissed) is remembered with two views of the post: its sentence
embedding and the character n-grams around the brand's term. A new post is scored by how close it
is to the nearest kept posts versus the nearest dismissed ones (class-balanced nearest neighbours),
so every score is explained by the decisions that made it. State is the list of decisions: a plain
JSON snapshot, from which the model rebuilds itself, or :class:`Remembered` (the decisions with
their sentence vectors), from which it is restored without running the encoder again. It remembers
the ``remember`` most recent decisions (500 by default): an older one is forgotten when a new one
arrives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import msgspec
import numpy as np

from reale.errors import ConfigError, DecodeError
from reale.understand.heads import F32
from reale.understand.ngrams import NgramSpec, Sparse, featurize
from reale.understand.text import normalize

K = 3  # neighbours per side
WINDOW = 40  # characters each side of the term that make the context view
SCALE = 12.0  # how sharply a similarity gap becomes a probability
CONTEXT_WEIGHT = 0.35  # share of the context view in the similarity
# Kept when at least as close to the kept decisions as to the dismissed ones. Measured: 0.4 lifts
# CrisisLex macro-F1 from 0.71 to 0.73 but drops the 'apple' check from 0.95 to 0.84 (docs/understand.md).
KEEP_ABOVE = 0.5
# Decisions remembered per brand: 500 × (512 + 16,384) float32 ≈ 33 MB at most per brand, and a
# team's view of its brand drifts, so the most recent decisions are the ones to keep.
REMEMBER = 500
_CTX = NgramSpec(bits=14, char_orders=(3, 4, 5), word_orders=(1,))

Embed = Callable[[Sequence[str]], F32]


@dataclass(frozen=True)
class Neighbour:
    text: str
    relevant: bool
    similarity: float


@dataclass(frozen=True)
class Verdict:
    relevant: bool  # score >= KEEP_ABOVE
    score: float  # P(relevant)
    nearest: tuple[Neighbour, ...]


class Remembered(msgspec.Struct, frozen=True):
    """What a model remembers, vectors included: its decisions in order and their sentence
    vectors (float32, row-major, ``len(texts)`` rows of ``dim``). The context view is not kept:
    it is recomputed from the texts (cheap, exact), with the brand's terms of the day."""

    texts: list[str]
    relevant: list[bool]
    vectors: bytes
    dim: int


class RelevanceModel:
    """One brand's relevance model. ``embed`` maps texts to unit-norm rows (the shared encoder)."""

    def __init__(self, brand: str, terms: Sequence[str], embed: Embed,
                 remember: int = REMEMBER) -> None:
        if remember < 1:
            raise ConfigError(f"a relevance model must remember at least 1 decision, not {remember}")
        self.brand = brand
        self.remember = remember
        self.terms = tuple(terms) or (brand,)
        self._rx = re.compile("|".join(re.escape(t) for t in self.terms), re.IGNORECASE)
        self._embed = embed
        self._texts: list[str] = []
        self._labels: list[bool] = []
        self._emb = np.zeros((0, 0), dtype=np.float32)
        self.learned = 0  # decisions appended since built or recalled (what a saved tail holds)
        self._ctx = np.zeros((0, _CTX.dim), dtype=np.float32)

    # --- state -----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._texts)

    def kinds(self) -> set[bool]:
        """The kinds of decision remembered (True: kept, False: dismissed)."""
        return set(self._labels)

    def snapshot(self) -> dict[str, object]:
        """Plain JSON: the brand, its terms and every decision in order."""
        return {"brand": self.brand, "terms": list(self.terms),
                "decisions": [{"text": t, "relevant": y} for t, y in zip(self._texts, self._labels, strict=True)]}

    @classmethod
    def restore(cls, state: dict[str, object], embed: Embed, remember: int = REMEMBER) -> RelevanceModel:
        terms = state.get("terms") or []
        model = cls(str(state["brand"]), [str(t) for t in terms] if isinstance(terms, list) else [], embed,
                    remember)
        decisions = state.get("decisions") or []
        if isinstance(decisions, list) and decisions:
            model.update_many([str(d["text"]) for d in decisions], [bool(d["relevant"]) for d in decisions])
        return model

    def remembered(self) -> Remembered:
        """The decisions and their vectors: :meth:`recall` on a model sharing the encoder gives
        one that scores exactly as this one, without embedding anything."""
        vectors = np.ascontiguousarray(self._emb, dtype=np.float32)
        dim = vectors.shape[1] if len(self._texts) else 0
        return Remembered(list(self._texts), list(self._labels), vectors.tobytes(), dim)

    def remembered_last(self, n: int) -> Remembered:
        """The ``n`` most recent decisions remembered and their vectors (a model's ``learned``
        since a saved :meth:`remembered`, appended to it, give what it remembers now)."""
        n = max(0, min(n, len(self._texts)))
        vectors = np.ascontiguousarray(self._emb[len(self._texts) - n:], dtype=np.float32)
        dim = vectors.shape[1] if n else 0
        return Remembered(self._texts[len(self._texts) - n:],
                          self._labels[len(self._labels) - n:], vectors.tobytes(), dim)

    def recall(self, memory: Remembered) -> None:
        """Replace what this model remembers with ``memory`` (the most recent ``remember`` of
        it); the vectors are taken as they are, the context views recomputed."""
        n = len(memory.texts)
        if len(memory.relevant) != n or len(memory.vectors) != 4 * n * memory.dim:
            raise DecodeError(f"a remembered relevance model of {self.brand!r} does not add up: "
                              f"{n} texts, {len(memory.relevant)} labels, "
                              f"{len(memory.vectors)} bytes of vectors of {memory.dim}")
        keep = min(n, self.remember)
        emb = np.frombuffer(memory.vectors, dtype=np.float32).reshape(n, memory.dim)
        self._texts = list(memory.texts[n - keep:])
        self._labels = [bool(y) for y in memory.relevant[n - keep:]]
        self._emb = emb[n - keep:].copy() if keep else np.zeros((0, 0), dtype=np.float32)
        self._ctx = np.zeros((keep, _CTX.dim), dtype=np.float32)
        self.learned = 0
        if keep:
            x = featurize([self._context(normalize(t)) for t in self._texts], _CTX)
            self._ctx[x.row, x.col] = x.val

    def update(self, text: str, relevant: bool) -> None:
        """Remember one team decision about a mention of this brand."""
        self.update_many([text], [relevant])

    def update_many(self, texts: Sequence[str], relevant: Sequence[bool]) -> None:
        """Remember decisions in order; only the ``remember`` most recent are kept (and embedded)."""
        texts, relevant = list(texts)[-self.remember:], list(relevant)[-self.remember:]
        if not texts:
            return
        emb, x = self._views(texts)
        ctx = np.zeros((len(texts), _CTX.dim), dtype=np.float32)
        ctx[x.row, x.col] = x.val
        self._emb = emb if len(self._texts) == 0 else np.vstack((self._emb, emb))
        self._ctx = np.vstack((self._ctx, ctx))
        self._texts += texts
        self._labels += [bool(y) for y in relevant]
        self.learned += len(texts)
        drop = len(self._texts) - self.remember
        if drop > 0:  # forget the oldest
            self._emb, self._ctx = self._emb[drop:], self._ctx[drop:]
            del self._texts[:drop], self._labels[:drop]

    # --- scoring ---------------------------------------------------------------------------------

    def _context(self, text: str) -> str:
        spans = [text[max(0, m.start() - WINDOW): m.end() + WINDOW] for m in self._rx.finditer(text)]
        return " … ".join(spans) if spans else text

    def _views(self, texts: Sequence[str]) -> tuple[F32, Sparse]:
        clean = [normalize(t) for t in texts]
        emb = self._embed(clean).astype(np.float32)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
        return emb, featurize([self._context(t) for t in clean], _CTX)

    def predict_batch(self, texts: Sequence[str]) -> list[Verdict]:
        if not texts:
            return []
        if not self._texts:
            return [Verdict(True, 0.5, ()) for _ in texts]
        emb, ctx = self._views(texts)
        sim = (1 - CONTEXT_WEIGHT) * (emb @ self._emb.T) + CONTEXT_WEIGHT * ctx.dot(self._ctx.T)
        labels = np.array(self._labels)
        return [self._verdict(row, labels) for row in sim]

    def _verdict(self, sim: F32, labels: np.ndarray) -> Verdict:
        def side(mask: np.ndarray) -> float | None:
            s = np.sort(sim[mask])[::-1][:K]
            return float(s.mean()) if len(s) else None

        pos, neg = side(labels), side(~labels)
        if pos is None or neg is None:
            score = 0.75 if neg is None else 0.25  # one kind of decision only: lean to it, unsure
        else:
            score = float(1 / (1 + np.exp(-SCALE * (pos - neg))))
        order = np.argsort(-sim, kind="stable")[:K]
        nearest = tuple(Neighbour(self._texts[i], self._labels[i], round(float(sim[i]), 4)) for i in order)
        return Verdict(score >= KEEP_ABOVE, score, nearest)

    def predict(self, text: str) -> float:
        """P(this mention is about the brand)."""
        return self.predict_batch([text])[0].score

    def explain(self, text: str) -> Verdict:
        """The verdict with the decisions closest to ``text``."""
        return self.predict_batch([text])[0]
