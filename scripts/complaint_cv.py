"""A complaint head's 10-fold cross-validation alone, as ``make train`` computes it (macro-F1).

    PYTHONPATH=src python scripts/complaint_cv.py [--folds 10] [--head complaint-en]

Reads the shipped n-gram space (spec and IDF) and the embedding cache under var/cache/understand;
the head's whole recipe, settings chosen by inner CV, is repeated inside every fold (nested CV).
Prints the pooled figures and each fold's macro-F1. A few minutes on one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reale.understand import models as ms  # noqa: E402
from reale.understand.data import shared_data  # noqa: E402
from reale.understand.encoder import SentenceEncoder  # noqa: E402
from reale.understand.tasks import task  # noqa: E402
from reale.understand.training import EmbeddingCache, cross_validate, with_lexicon  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--folds", type=int, default=10)
    p.add_argument("--head", choices=("complaint", "complaint-en"), default="complaint",
                   help="complaint (every language but English) or complaint-en (English posts)")
    args = p.parse_args(argv)
    shipped = ms.load()
    embed = with_lexicon(EmbeddingCache(SentenceEncoder(), ROOT / "var" / "cache" / "understand"))
    cv = cross_validate(task(args.head), shared_data(Path(__file__)), shipped.spec, shipped.idf, embed,
                        shipped.heads[args.head].fuse, folds=args.folds)
    print(json.dumps(cv, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
