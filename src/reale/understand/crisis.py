"""Does a post talk about a disaster, an attack or a deadly accident? One logistic head over the
shared sentence features, trained by ``scripts/train_crisis.py`` on the CrisisLex-T26 crisis tweets
against everyday tweets (sentiment, complaints, speech acts). It feeds the moments' safety read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reale.errors import ModelError
from reale.understand.encoder import FEATURE_DIM
from reale.understand.heads import F32

CRISIS_NAME = "crisis-v1"
THRESHOLD = 0.5  # a post reads as crisis talk from here (chosen on event-held-out folds)


@dataclass(frozen=True)
class CrisisHead:
    """``proba(features)``: P(crisis talk) from the encoder's features (first FEATURE_DIM
    columns of a batch's sentence features)."""

    w: F32  # (FEATURE_DIM,)
    b: float

    def proba(self, features: F32) -> F32:
        z = features[:, :FEATURE_DIM] @ self.w + self.b
        out: F32 = (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)
        return out

    def arrays(self) -> dict[str, F32]:
        return {"w": self.w, "b": np.array([self.b], dtype=np.float32)}


def save(head: CrisisHead, path: Path) -> None:
    """Plain arrays (``np.savez``, no pickles)."""
    arrays = head.arrays()
    with path.open("wb") as f:
        np.savez(f, w=arrays["w"], b=arrays["b"])


def load(directory: Path) -> CrisisHead:
    path = directory / f"{CRISIS_NAME}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            w, b = z["w"].astype(np.float32), float(z["b"][0])
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"crisis model {path} missing or unreadable: run `make train`") from exc
    if w.shape != (FEATURE_DIM,):
        raise ModelError(f"crisis model {path} has {w.shape} weights, expected ({FEATURE_DIM},)")
    return CrisisHead(w, b)
