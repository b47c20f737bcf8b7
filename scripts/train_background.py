"""Build the background bank of the cold-start relevance prior (``make train``): the USE sentence
vectors of everyday posts, English and Italian, against which a brand's anchors are compared.
Writes src/reale/understand/models/background-v1.{npz,json}.

The posts are a fixed random sample of the sentiment training splits (TweetEval/UMSAB English,
SENTIPOLC Italian); posts that use "apple" or "mela" are left out, since the relevance checks use
those words as brand names. BLAS is pinned to one thread so the same data gives the same bytes.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reale.understand import relevance_prior  # noqa: E402
from reale.understand.data import iter_rows, shared_data  # noqa: E402
from reale.understand.encoder import SentenceEncoder  # noqa: E402
from reale.understand.models import MODELS_DIR  # noqa: E402
from reale.understand.training import array_digest, write_manifest  # noqa: E402
from reale.understand.understander import relevance_vectors  # noqa: E402

SOURCES = (("sentiment/en/train.jsonl", 1000), ("sentiment/it/train.jsonl", 1000))
LEFT_OUT = re.compile(r"\b(apples?|mel[ae])\b", re.IGNORECASE)


def everyday_posts(data: Path) -> list[str]:
    out: list[str] = []
    for name, n in SOURCES:
        texts = sorted({r.text for r in iter_rows(data / name) if not LEFT_OUT.search(r.text)})
        out += random.Random(0).sample(texts, n)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=MODELS_DIR)
    args = p.parse_args(argv)
    texts = everyday_posts(shared_data(Path(__file__)))
    encoder = SentenceEncoder()
    vectors = np.vstack([relevance_vectors(encoder, texts[i:i + 500])
                         for i in range(0, len(texts), 500)])
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{relevance_prior.BACKGROUND_NAME}.npz"
    relevance_prior.save_background(vectors, path)
    with np.load(path, allow_pickle=False) as z:
        digest = array_digest({"vectors": z["vectors"]})
    manifest = {"name": relevance_prior.BACKGROUND_NAME, "posts": len(texts),
                "sources": {name: n for name, n in SOURCES}, "sha256": digest,
                "built_from": "TweetEval/UMSAB sentiment (en) and SENTIPOLC (it) training splits"}
    write_manifest(args.out / f"{relevance_prior.BACKGROUND_NAME}.json", manifest)
    print(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
