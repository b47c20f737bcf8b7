"""The complaint head's settings are chosen by cross-validation on its training rows, and fold into
plain arrays; the cross-validation of a head reports every fold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("sklearn")

from reale.understand.selection import USE_FROM, emb_view, ngram_view, standardiser
from reale.understand.tasks import task

CLASSES = ("complaint", "not_complaint")


def _toy(n: int = 300, d: int = USE_FROM + 8, seed: int = 7) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, d)) * rng.uniform(0.01, 2.0, size=d) + rng.normal(size=d)).astype(np.float32)
    x[:, 3] = 1.5  # a constant column
    labels = [CLASSES[int(v > 0)] for v in x[:, 0] / x[:, 0].std() + x[:, -1] / x[:, -1].std()]
    return x, labels


def test_standardising_gives_unit_columns_and_weighs_the_sentence_vector():
    x, _ = _toy()
    shift, scale = standardiser(x, use_weight=2.0)
    z = (x - shift) * scale
    assert np.allclose(z.mean(axis=0), 0, atol=1e-4)
    assert np.allclose(z[:, :USE_FROM].std(axis=0)[[0, 1, 2, 4]], 1, atol=1e-3)
    assert np.allclose(z[:, USE_FROM:].std(axis=0), 2, atol=1e-3)
    assert scale[3] == 0  # a constant column carries nothing


def test_the_embedding_view_reads_raw_features_as_the_standardised_model_does():
    from sklearn.linear_model import LogisticRegression

    from reale.understand.training import fit_linear

    x, labels = _toy()
    w, b = emb_view(fit_linear, x, labels, CLASSES, 0.01, 3.0)
    shift, scale = standardiser(x, 3.0)
    ref = LogisticRegression(C=0.01, max_iter=3000, class_weight="balanced").fit((x - shift) * scale, labels)
    assert np.allclose((x @ w + b)[:, 0], ref.decision_function((x - shift) * scale), atol=2e-2)


def test_nb_weighting_folds_into_the_tfidf_weights():
    from scipy.sparse import csr_matrix, diags
    from sklearn.linear_model import LogisticRegression

    from reale.understand.selection import nb_ratio
    from reale.understand.training import fit_linear

    x, labels = _toy(d=40)
    xs = csr_matrix(np.abs(x))
    w, b = ngram_view(fit_linear, xs, labels, CLASSES, 3.0, 0.1)
    r = nb_ratio(xs, np.array([v == CLASSES[1] for v in labels]), 0.1)
    ref = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced").fit(xs @ diags(r), labels)
    assert np.allclose((xs @ w + b)[:, 0], ref.decision_function(xs @ diags(r)), atol=1e-3)
    assert np.all(nb_ratio(xs, np.ones(len(labels), bool), 0.0) == 1)  # alpha 0: plain TF-IDF


@pytest.fixture(scope="module")
def complaint_sample():
    from tests.conftest import DATA

    if not DATA.is_dir():
        pytest.skip("../shared/data is not present")
    from reale.understand.encoder import SentenceEncoder
    from reale.understand.training import EmbeddingCache, TaskData, ValSet, task_data, with_lexicon

    full = task_data(task("complaint"), DATA)
    val = full.vals[0]
    small = TaskData(full.texts[:700], full.labels[:700], [ValSet(val.name, val.texts[:200], val.labels[:200], False)])
    return small, with_lexicon(EmbeddingCache(SentenceEncoder(), None))


def test_the_complaint_head_chooses_its_settings_from_its_training_rows_only(complaint_sample):
    """Relabelling the validation rows changes nothing the head learned: not its Cs, not its fusion."""
    from threadpoolctl import threadpool_limits

    from reale.understand.ngrams import NgramSpec
    from reale.understand.training import TaskData, ValSet, array_digest, fit_head, idf_of

    small, embed = complaint_sample
    val = small.vals[0]
    flipped = TaskData(small.texts, small.labels, [ValSet(val.name, val.texts, [
        CLASSES[1] if v == CLASSES[0] else CLASSES[0] for v in val.labels], False)])
    spec = NgramSpec(bits=12)
    idf = idf_of(small.texts, spec)
    complaint = task("complaint")
    assert complaint.tuned
    with threadpool_limits(limits=1):
        head, metrics = fit_head(complaint, small, spec, idf, embed)
        head2, metrics2 = fit_head(complaint, flipped, spec, idf, embed)
    assert array_digest(head.arrays()) == array_digest(head2.arrays())
    assert head.fuse == head2.fuse == metrics["chosen_by_inner_cv"]["fuse"]
    assert metrics["chosen_by_inner_cv"] == metrics2["chosen_by_inner_cv"]
    assert 0.5 < metrics["chosen_by_inner_cv"]["inner_macro_f1"] <= 1.0
    # what it learned from the rows still reads the (true) validation rows well above chance
    assert metrics["val"][val.name]["fused"]["macro_f1"] > 0.7


def test_cross_validation_reports_the_figure_of_every_fold(data_dir):
    from threadpoolctl import threadpool_limits

    from reale.understand.encoder import SentenceEncoder
    from reale.understand.ngrams import NgramSpec
    from reale.understand.training import (
        EmbeddingCache,
        cross_validate,
        idf_of,
        task_data,
        with_lexicon,
    )

    fixed = dataclasses.replace(task("complaint"), tuned=False)  # the fixed-C recipe: quick
    spec = NgramSpec(bits=12)
    idf = idf_of(task_data(fixed, data_dir).texts, spec)
    with threadpool_limits(limits=1):
        cv = cross_validate(fixed, data_dir, spec, idf, with_lexicon(EmbeddingCache(SentenceEncoder(), None)),
                            fuse=0.5, folds=3)
    assert cv["folds"] == 3 and cv["n"] == 2771
    assert len(cv["fold_macro_f1"]) == 3
    assert all(0.7 < f <= 1.0 for f in cv["fold_macro_f1"])
    assert min(cv["fold_macro_f1"]) - 0.02 <= cv["macro_f1"] <= max(cv["fold_macro_f1"]) + 0.02
