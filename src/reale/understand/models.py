"""The shipped model set: n-gram specs, IDF weights and every head, in one versioned ``.npz``.

Loaded with ``allow_pickle=False`` and checked against the SHA-256 its manifest records, so a
corrupt or hand-edited file is refused with ``ModelError`` instead of answering wrongly.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reale.errors import ModelError
from reale.understand.heads import F32, Head
from reale.understand.ngrams import NgramSpec

MODEL_NAME = "understand-v1"
MODELS_DIR = Path(__file__).parent / "models"


@dataclass(frozen=True)
class ModelSet:
    spec: NgramSpec
    idf: F32
    fast_spec: NgramSpec
    fast_idf: F32
    heads: dict[str, Head]

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        out: dict[str, npt.NDArray[np.generic]] = {"idf": self.idf, "fast/idf": self.fast_idf}
        for prefix, spec in (("spec/", self.spec), ("fast/spec/", self.fast_spec)):
            out[prefix + "bits"] = np.array(spec.bits, dtype=np.int64)
            out[prefix + "char_orders"] = np.array(spec.char_orders, dtype=np.int64)
            out[prefix + "word_orders"] = np.array(spec.word_orders, dtype=np.int64)
        out["heads"] = np.array(sorted(self.heads))
        for name in sorted(self.heads):
            out.update(self.heads[name].arrays())
        return out

    @classmethod
    def from_arrays(cls, z: dict[str, npt.NDArray[np.generic]]) -> ModelSet:
        def spec(prefix: str) -> NgramSpec:
            return NgramSpec(bits=int(z[prefix + "bits"]),
                             char_orders=tuple(int(n) for n in z[prefix + "char_orders"]),
                             word_orders=tuple(int(n) for n in z[prefix + "word_orders"]))

        try:
            heads = {str(n): Head.from_arrays(str(n), z) for n in z["heads"]}
            return cls(spec=spec("spec/"), idf=z["idf"].astype(np.float32), fast_spec=spec("fast/spec/"),
                       fast_idf=z["fast/idf"].astype(np.float32), heads=heads)
        except KeyError as exc:
            raise ModelError(f"model file lacks {exc.args[0]!r}: retrain with `make train`") from exc


def to_bytes(models: ModelSet) -> bytes:
    """The ``.npz`` bytes of a model set (deterministic: same arrays, same bytes)."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **models.arrays())  # type: ignore[arg-type]
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_path(directory: Path = MODELS_DIR) -> Path:
    return directory / f"{MODEL_NAME}.json"


def load(directory: Path = MODELS_DIR) -> ModelSet:
    """The model set in ``directory``, verified against its manifest's checksum."""
    path = directory / f"{MODEL_NAME}.npz"
    try:
        data = path.read_bytes()
        manifest = json.loads(manifest_path(directory).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the shipped model {path}: {exc} (run `make train`)") from exc
    if manifest.get("sha256") != sha256(data):
        raise ModelError(f"{path} does not match the checksum in its manifest: run `make train`")
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        return ModelSet.from_arrays({k: z[k] for k in z.files})
