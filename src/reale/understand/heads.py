"""A classification head: an n-gram linear model and an embedding linear model, fused log-linearly.

``log p = w · log p_ngram + (1 − w) · log p_embedding`` (renormalised); ``w`` was chosen on
validation data. A head without n-gram weights (``w = 0``) reads the embedding only, which is how
languages the n-grams never saw are served. Arrays only: a head saves to and loads from a dict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reale.errors import ModelError

F32 = npt.NDArray[np.float32]
SENTENCE_DIM = 1792 + 8  # the encoder's features, then the lexicon's (see encoder.py, lexicon.py)


def _log_softmax(s: F32) -> F32:
    """Row-wise log-probabilities; one column means a binary model's logit for the last class."""
    if s.shape[1] == 1:
        s = np.concatenate((np.zeros_like(s), s), axis=1)
    s = s - s.max(axis=1, keepdims=True)
    out: F32 = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return out


@dataclass(frozen=True)
class Head:
    """One task's fused model. ``ngram_w`` is (dim × k) in the shared n-gram space."""

    name: str
    classes: tuple[str, ...]
    ngram_w: F32
    ngram_b: F32
    emb_w: F32
    emb_b: F32
    fuse: float

    def ngram_logits(self, xw: F32) -> F32:
        """Logits from this head's columns of the shared sparse product ``X · W``."""
        out: F32 = xw + self.ngram_b
        return out

    def proba(self, ngram_logits: F32 | None, emb: F32 | None) -> F32:
        """Class probabilities from the n-gram logits and/or the embeddings (either may be absent)."""
        parts: list[tuple[float, F32]] = []
        if ngram_logits is not None and self.fuse > 0:
            parts.append((self.fuse if emb is not None else 1.0, _log_softmax(ngram_logits)))
        if emb is not None and self.fuse < 1:
            w = 1.0 - self.fuse if parts else 1.0
            parts.append((w, _log_softmax(emb @ self.emb_w + self.emb_b)))
        if not parts:
            raise ModelError(f"head {self.name!r} got neither n-grams nor embeddings")
        log_p = sum(w * lp for w, lp in parts)
        assert isinstance(log_p, np.ndarray)
        p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
        out: F32 = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        p = self.name + "/"
        return {
            p + "classes": np.array(self.classes),
            p + "ngram_w": self.ngram_w.astype(np.float16),
            p + "ngram_b": self.ngram_b,
            p + "emb_w": self.emb_w.astype(np.float16),
            p + "emb_b": self.emb_b,
            p + "fuse": np.array(self.fuse, dtype=np.float32),
        }

    @classmethod
    def from_arrays(cls, name: str, z: dict[str, npt.NDArray[np.generic]]) -> Head:
        p = name + "/"
        try:
            return cls(
                name=name,
                classes=tuple(str(c) for c in z[p + "classes"]),
                ngram_w=z[p + "ngram_w"].astype(np.float32),
                ngram_b=z[p + "ngram_b"].astype(np.float32),
                emb_w=z[p + "emb_w"].astype(np.float32),
                emb_b=z[p + "emb_b"].astype(np.float32),
                fuse=float(z[p + "fuse"]),
            )
        except KeyError as exc:
            raise ModelError(f"model file lacks {exc.args[0]!r}: retrain with `make train`") from exc
