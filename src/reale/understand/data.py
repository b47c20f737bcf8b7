"""The labelled sets of ../shared/data as training, benchmarks and ``reale eval`` read them.

Never needed by the product at run time. Sets without a validation split (complaints, speech acts,
FEEL-IT) are split here by a stable hash of the row id, so every script holds out the same rows.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

from reale.errors import ConfigError

VAL_SHARE = 15  # percent of rows held out where a set has no validation split


class Row(msgspec.Struct, frozen=True):
    """One labelled post: ``extra`` keeps the set's other fields (``ironic``, ``domain``…)."""

    id: str
    text: str
    lang: str
    label: str
    extra: dict[str, object] = {}


def shared_data(start: Path | None = None) -> Path:
    """../shared/data: from ``REALE_SHARED_DATA`` or the first parent of ``start`` that holds it."""
    env = os.environ.get("REALE_SHARED_DATA")
    if env:
        return Path(env)
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    raise ConfigError("../shared/data not found: set REALE_SHARED_DATA to its path")


def iter_rows(path: Path) -> Iterator[Row]:
    """The rows of a labelled JSON Lines file (lines without text or label are skipped)."""
    with path.open("rb") as fh:
        for line in fh:
            try:
                obj = msgspec.json.decode(line)
            except (msgspec.DecodeError, RecursionError):  # malformed, or nested too deeply
                continue
            if not isinstance(obj, dict) or not obj.get("text") or "label" not in obj:
                continue
            extra = {k: v for k, v in obj.items() if k not in ("id", "text", "lang", "label")}
            yield Row(id=str(obj.get("id", "")), text=str(obj["text"]), lang=str(obj.get("lang", "")),
                      label=str(obj["label"]), extra=extra)


def is_held_out(row_id: str, share: int = VAL_SHARE) -> bool:
    """Whether a row of a set without a validation split belongs to our held-out part."""
    return zlib.crc32(row_id.encode("utf-8")) % 100 < share


@dataclass(frozen=True)
class Split:
    train: list[Row]
    val: list[Row]


def crisislex_related(data: Path) -> dict[str, list[str]]:
    """CrisisLex-T26: per event (its folder's name, in name order), the tweets labelled related
    to its crisis ("Related and informative", "Related - but not informative")."""
    import csv

    out: dict[str, list[str]] = {}
    for path in sorted((data / "bursts" / "crisislex-t26").glob("*/*-tweets_labeled.csv")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            out[path.parent.name] = [r["Tweet Text"] for r in csv.DictReader(fh, skipinitialspace=True)
                                     if r["Informativeness"].startswith("Related")]
    return out


def load_split(data: Path, folder: str, file: str = "") -> Split:
    """``folder``'s train/val files, or ``file`` split by :func:`is_held_out`."""
    base = data / folder
    if not file:
        return Split(list(iter_rows(base / "train.jsonl")), list(iter_rows(base / "val.jsonl")))
    rows = list(iter_rows(base / file))
    return Split([r for r in rows if not is_held_out(r.id)], [r for r in rows if is_held_out(r.id)])


def without_train_duplicates(split: Split) -> Split:
    """``split`` with the validation rows whose text also appears in training removed.

    TweetEval's sentiment validation shares 1,430 of its 2,324 texts with the training file; scores
    on those measure memory, not understanding.
    """
    from reale.understand.text import normalize

    seen = {normalize(r.text).lower() for r in split.train}
    return Split(split.train, [r for r in split.val if normalize(r.text).lower() not in seen])
