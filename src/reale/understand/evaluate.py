"""Score the shipped labels against a labelled file: gold labels mapped onto Reale's label names.

Intent is scored on Tweet Act's speech acts: request/suggestion → appeal, question → question,
expression → expression (our praise and complaint are both expressions), the rest → other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reale.errors import ConfigError
from reale.understand.data import Row, is_held_out, iter_rows
from reale.understand.metrics import Report, report
from reale.understand.tasks import EMOTIONS, SENTIMENT, SPEECH_ACT_MAP
from reale.understand.understander import Understander, Understanding

EVAL_TASKS = ("sentiment", "emotion", "irony", "offensive", "complaint", "intent")
_INTENT_AS_ACT = {"appeal": "appeal", "question": "question", "praise": "expression",
                  "complaint": "expression", "other": "other"}


def _bool(yes: str, no: str, get: Callable[[Understanding], bool | None]) -> Callable[[Understanding], str]:
    return lambda u: yes if get(u) else no


_PRED: dict[str, Callable[[Understanding], str]] = {
    "sentiment": lambda u: u.sentiment or "",
    "emotion": lambda u: u.emotion or "",
    "irony": _bool("ironic", "not_ironic", lambda u: u.irony),
    "offensive": _bool("offensive", "not_offensive", lambda u: u.offensive),
    "complaint": _bool("complaint", "not_complaint", lambda u: u.complaint),
    "intent": lambda u: _INTENT_AS_ACT.get(u.intent or "", "other"),
}
_LABELS = {
    "sentiment": SENTIMENT, "emotion": EMOTIONS, "irony": ("ironic", "not_ironic"),
    "offensive": ("not_offensive", "offensive"), "complaint": ("complaint", "not_complaint"),
    "intent": ("appeal", "expression", "other", "question"),
}


def gold(task: str, row: Row) -> str | None:
    """The row's label in Reale's names, or None when the row does not count for ``task``."""
    label = SPEECH_ACT_MAP.get(row.label) if task == "intent" else row.label
    return label if label in _LABELS[task] else None


def check_held_out(task: str, path: Path) -> None:
    """Refuse ``held_out`` on a file whose folder has its own validation split (``val.jsonl``):
    `make train` trained on all of such a folder's train file and held nothing out by row id, so
    scoring the id-hashed ~15 % of it would measure rows the model was trained on."""
    val = path.parent / "val.jsonl"
    if val.is_file():
        raise ConfigError(
            f"--held-out only applies to a file without a validation split (complaints, speech acts, "
            f"FEEL-IT); {path.parent} has its own: score it without --held-out "
            f"(reale eval {task} --data {val})")


def trained_on(path: Path) -> str:
    """The ../shared/data name of the training file ``path`` is (``emotion/it/feel-it.jsonl``),
    found by its last three path parts, or "" when the shipped models never trained on it."""
    from reale.understand.tasks import FAST_TASKS, TASKS

    files = {f"{s.folder}/{s.file or 'train.jsonl'}" for t in (*TASKS, *FAST_TASKS)
             for s in t.sources}
    name = "/".join(path.parts[-3:])
    return name if name in files else ""


def labelled_rows(task: str, path: Path) -> int:
    """How many rows of ``path`` count for ``task`` (what ``--held-out`` picks its share from)."""
    return sum(1 for r in iter_rows(path) if gold(task, r) is not None)


def evaluate(u: Understander, task: str, path: Path, *, balanced: bool = False, fast: bool = False,
             held_out: bool = False, batch: int = 512) -> Report:
    if held_out:
        check_held_out(task, path)
    if task not in EVAL_TASKS:
        raise ConfigError(f"unknown task {task!r}; known: {', '.join(EVAL_TASKS)}")
    if fast and task != "sentiment":
        raise ConfigError("--fast only has sentiment")
    rows = [(r, g) for r in iter_rows(path)
            if (g := gold(task, r)) is not None and (not held_out or is_held_out(r.id))]
    if not rows:
        raise ConfigError(f"{path}: no rows labelled for {task} ({', '.join(_LABELS[task])})")
    golds, preds = [], []
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        labels = u.annotate_batch([r.text for r, _ in part], [r.lang or None for r, _ in part],
                                  tasks=("language", task), fast=fast)
        golds += [g for _, g in part]
        preds += [_PRED[task](x) for x in labels]
    present = [c for c in _LABELS[task] if c in set(golds) or c in set(preds)]
    return report(golds, preds, present, balanced=balanced)
