"""Train every shipped understanding model from ../shared/data, reproducibly (``make train``).

Writes src/reale/understand/models/understand-v1.{npz,json,md}: the arrays, a manifest with their
checksums and validation metrics, and the model card. BLAS is pinned to one thread so that the same
data always gives the same bytes. Embeddings are cached under var/cache/understand (same values).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reale.understand import models as ms  # noqa: E402
from reale.understand.card import render_card  # noqa: E402
from reale.understand.data import shared_data  # noqa: E402
from reale.understand.encoder import SentenceEncoder  # noqa: E402
from reale.understand.ngrams import NgramSpec  # noqa: E402
from reale.understand.tasks import FAST_TASKS, TASKS  # noqa: E402
from reale.understand.training import (  # noqa: E402
    EmbeddingCache,
    array_digest,
    cross_validate,
    fit_head,
    idf_of,
    task_data,
    with_lexicon,
    write_manifest,
)

SPEC = NgramSpec(bits=18, char_orders=(2, 3, 4, 5), word_orders=(1, 2))
FAST_SPEC = NgramSpec(bits=18, char_orders=(), word_orders=(1, 2))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=ms.MODELS_DIR)
    p.add_argument("--cache", type=Path, default=ROOT / "var" / "cache" / "understand")
    p.add_argument("--no-cache", action="store_true", help="recompute every embedding")
    args = p.parse_args(argv)
    started = time.process_time()
    data = shared_data(Path(__file__))
    log = lambda msg: print(f"[{time.process_time() - started:7.1f}s cpu] {msg}", flush=True)  # noqa: E731
    tds = {t.head: task_data(t, data) for t in (*TASKS, *FAST_TASKS)}
    corpus = list(dict.fromkeys(text for t in TASKS for text in tds[t.head].texts))
    log(f"{len(corpus)} distinct training texts; computing IDF")
    idf, fast_idf = idf_of(corpus, SPEC), idf_of(corpus, FAST_SPEC)
    embed = with_lexicon(EmbeddingCache(SentenceEncoder(), None if args.no_cache else args.cache))
    heads, metrics = {}, {}
    for task in TASKS:
        log(f"training {task.head} on {len(tds[task.head].texts)} rows")
        heads[task.head], metrics[task.head] = fit_head(task, tds[task.head], SPEC, idf, embed)
    for complaint in (t for t in TASKS if t.head in ("complaint", "complaint-en")):
        log(f"10-fold cross-validation of the {complaint.head} head")
        metrics[complaint.head]["cv"] = cross_validate(complaint, data, SPEC, idf, embed,
                                                       heads[complaint.head].fuse)
    for task in FAST_TASKS:
        log(f"training {task.head}")
        heads[task.head], metrics[task.head] = fit_head(task, tds[task.head], FAST_SPEC, fast_idf, None)
    model_set = ms.ModelSet(spec=SPEC, idf=idf, fast_spec=FAST_SPEC, fast_idf=fast_idf, heads=heads)
    write(model_set, metrics, args.out)
    log(f"wrote {args.out / ms.MODEL_NAME}.npz")
    return 0


def write(model_set: ms.ModelSet, metrics: dict[str, Any], out: Path) -> None:
    blob = ms.to_bytes(model_set)
    manifest = {
        "name": ms.MODEL_NAME,
        "sha256": ms.sha256(blob),
        "bytes": len(blob),
        "heads": {name: {"classes": list(h.classes), "sha256": array_digest(h.arrays()),
                         **metrics[name]} for name, h in sorted(model_set.heads.items())},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{ms.MODEL_NAME}.npz").write_bytes(blob)
    text = write_manifest(out / f"{ms.MODEL_NAME}.json", manifest)
    (out / f"{ms.MODEL_NAME}.md").write_text(render_card(json.loads(text)), "utf-8")  # card from the file


if __name__ == "__main__":
    raise SystemExit(main())
