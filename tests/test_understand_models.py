"""The shipped model files: plain arrays, checked against their manifest, reproduced by training."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from reale.errors import ModelError
from reale.understand import models as ms
from reale.understand.tasks import FAST_TASKS, TASKS


def _manifest() -> dict:
    return json.loads(ms.manifest_path().read_text("utf-8"))


def test_the_shipped_set_loads_and_has_every_head():
    model_set = ms.load()
    assert set(model_set.heads) == {t.head for t in (*TASKS, *FAST_TASKS)}
    for head in model_set.heads.values():
        assert head.ngram_w.shape[0] == model_set.spec.dim or head.name.startswith("sentiment-fast")
        assert 0.0 <= head.fuse <= 1.0


def test_files_are_plain_arrays_under_the_size_budget():
    with np.load(ms.MODELS_DIR / f"{ms.MODEL_NAME}.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    total = sum(p.stat().st_size for p in ms.MODELS_DIR.iterdir())
    assert total <= 50e6


def test_card_and_manifest_carry_validation_figures():
    manifest = _manifest()
    card = (ms.MODELS_DIR / f"{ms.MODEL_NAME}.md").read_text("utf-8")
    for name, head in manifest["heads"].items():
        assert f"| {name} |" in card
        for row in head["val"].values():
            assert 0.0 < row["fused"]["macro_f1"] <= 1.0
    assert manifest["sha256"] in card
    assert "Licence" in card or "licence" in card


def test_a_corrupt_or_missing_file_is_refused(tmp_path):
    for name in (f"{ms.MODEL_NAME}.npz", f"{ms.MODEL_NAME}.json"):
        shutil.copy(ms.MODELS_DIR / name, tmp_path / name)
    blob = bytearray((tmp_path / f"{ms.MODEL_NAME}.npz").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (tmp_path / f"{ms.MODEL_NAME}.npz").write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="checksum"):
        ms.load(tmp_path)
    (tmp_path / f"{ms.MODEL_NAME}.npz").unlink()
    with pytest.raises(ModelError, match="make train"):
        ms.load(tmp_path)


def test_saving_is_deterministic():
    model_set = ms.load()
    assert ms.to_bytes(model_set) == ms.to_bytes(model_set)
    assert ms.sha256(ms.to_bytes(model_set)) == _manifest()["sha256"]


def test_a_small_training_run_gives_identical_bytes_twice(data_dir):
    pytest.importorskip("sklearn")
    from threadpoolctl import threadpool_limits

    from reale.understand.ngrams import NgramSpec
    from reale.understand.training import (
        TaskData,
        ValSet,
        array_digest,
        fit_head,
        idf_of,
        task_data,
    )

    fast = FAST_TASKS[0]
    full = task_data(fast, data_dir)
    small = TaskData(full.texts[:600], full.labels[:600], [ValSet("v", full.vals[0].texts[:200],
                                                                    full.vals[0].labels[:200], False)])
    spec = NgramSpec(bits=12)
    with threadpool_limits(limits=1):
        digests = {array_digest(fit_head(fast, small, spec, idf_of(small.texts, spec), None)[0].arrays())
                   for _ in range(2)}
    assert len(digests) == 1


def test_retraining_the_complaint_heads_reproduces_the_shipped_ones(data_dir, tmp_path):
    """`make train` reproduces the shipped arrays: checked on the cheapest heads, end to end (the
    complaint head every language but English reads, and complaint-en)."""
    pytest.importorskip("sklearn")
    from threadpoolctl import threadpool_limits

    from reale.understand.encoder import SentenceEncoder
    from reale.understand.tasks import task
    from reale.understand.training import (
        EmbeddingCache,
        array_digest,
        fit_head,
        task_data,
        with_lexicon,
    )

    shipped = ms.load()
    embed = with_lexicon(EmbeddingCache(SentenceEncoder(), tmp_path))  # both heads read the same rows
    for name in ("complaint", "complaint-en"):
        complaint = task(name)
        with threadpool_limits(limits=1):
            head, _ = fit_head(complaint, task_data(complaint, data_dir), shipped.spec, shipped.idf, embed)
        assert array_digest(head.arrays()) == _manifest()["heads"][name]["sha256"], name


def test_the_card_is_rendered_from_the_manifest_it_ships_with():
    from reale.understand.card import render_card

    card = (ms.MODELS_DIR / f"{ms.MODEL_NAME}.md").read_text("utf-8")
    assert card == render_card(json.loads(ms.manifest_path().read_text("utf-8")))


def test_the_cards_limits_except_every_head_that_picks_its_settings_on_its_training_rows():
    """Both complaint heads (complaint, complaint-en) choose their settings by inner
    cross-validation, so neither one's validation figures is optimistic; the card once named only
    the first."""
    card = (ms.MODELS_DIR / f"{ms.MODEL_NAME}.md").read_text("utf-8")
    limits = card.split("## Limits", 1)[1]
    bullet = " ".join(limits.split("- Validation sets", 1)[1].split("\n- ", 1)[0].split())
    exception = bullet.split("(not the ", 1)[1].split(":", 1)[0]
    inner_cv = sorted(n for n, h in _manifest()["heads"].items() if h.get("chosen_by_inner_cv"))
    assert inner_cv == ["complaint", "complaint-en"]
    assert exception == "complaint and complaint-en heads'"
