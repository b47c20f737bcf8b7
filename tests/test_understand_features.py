"""The text normalisation and hashed n-gram features that every head reads."""

from __future__ import annotations

import numpy as np

from reale.understand.metrics import report
from reale.understand.ngrams import (
    NgramSpec,
    char_grams,
    featurize,
    featurize_one_char,
    featurize_words,
)
from reale.understand.text import MAX_CHARS, normalize, words


def test_links_handles_and_placeholders_become_uniform():
    assert normalize("@Brand see https://x.co/a  now <URL> <MENTION_3>") == "@user see http now http @user"
    assert normalize("nooooooo!!!!!!") == "nooo!!!"
    assert normalize("mail me at a@b.com") == "mail me at a@b.com"  # an address is not a handle
    assert len(normalize("x" * 10 * MAX_CHARS)) <= MAX_CHARS


def test_invisible_format_characters_are_dropped():
    # zero-width spaces and joiners, soft hyphens, BOMs and bidi controls inside a word would
    # otherwise split it for every model ("gr\u200beat" is no "great" to n-grams or the encoder)
    hidden = "gr\u200beat pro\u00adduct\u2060, \ufeffso\u200d \u202ego\u202cod\u2066!\u2069\u200e\u200f"
    assert normalize(hidden) == "great product, so good!"
    assert normalize("\u200b\u200b") == ""


def test_words_keep_apostrophes_emoji_and_numbers():
    assert words("L'acqua costa 3 euro 😀!") == ["l'acqua", "costa", "3", "euro", "😀", "!"]


def test_batch_char_hash_matches_the_single_ngram_hash():
    spec = NgramSpec(bits=16, char_orders=(2, 3, 5), word_orders=())
    text = "Caffè ☕ ok"
    got = set(featurize([text], spec).col.tolist())
    expected = {featurize_one_char(g, spec) for g in char_grams(text, spec.char_orders)}
    assert got == expected


def test_rows_do_not_leak_into_each_other_and_are_unit_length():
    spec = NgramSpec(bits=16)
    both = featurize(["ab", "cd"], spec)
    alone = featurize(["cd"], spec)
    assert sorted(both.col[both.row == 1].tolist()) == sorted(alone.col.tolist())
    norms = np.bincount(both.row, weights=both.val.astype(np.float64) ** 2)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_empty_texts_give_empty_rows_and_dot_still_has_one_row_each():
    spec = NgramSpec(bits=10)
    x = featurize(["", "hello", ""], spec)
    assert set(x.row.tolist()) <= {0, 1, 2}
    out = x.dot(np.ones((spec.dim, 2), dtype=np.float32))
    assert out.shape == (3, 2)


def test_sparse_dot_equals_the_dense_product():
    spec = NgramSpec(bits=12)
    x = featurize(["the cat sat", "on the mat", "😀"], spec)
    dense = np.zeros((3, spec.dim), dtype=np.float32)
    dense[x.row, x.col] = x.val
    w = np.random.default_rng(0).normal(size=(spec.dim, 3)).astype(np.float32)
    assert np.allclose(x.dot(w), dense @ w, atol=1e-5)


def test_word_index_names_the_word_ngrams_of_each_row():
    spec = NgramSpec(bits=16, char_orders=(), word_orders=(1, 2))
    _, wi = featurize_words(["good day", "bad"], spec)
    assert list(zip(wi.row.tolist(), wi.grams, strict=True)) == [(0, "good"), (0, "day"), (0, "good day"), (1, "bad")]


def test_report_counts_a_small_confusion_by_hand():
    r = report(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert r.accuracy == 0.75
    assert r.confusion == [[1, 1], [0, 2]]
    assert r.per_class["a"].precision == 1.0 and r.per_class["a"].recall == 0.5
    assert abs(r.macro_recall - 0.75) < 1e-9


def test_balanced_report_weighs_each_class_equally():
    gold = ["a"] * 90 + ["b"] * 10
    pred = ["a"] * 90 + ["a"] * 10  # always "a"
    assert report(gold, pred, ["a", "b"]).accuracy == 0.9
    assert report(gold, pred, ["a", "b"], balanced=True).accuracy == 0.5


def test_lexicon_columns_hold_vader_scores_and_italian_cue_flags():
    from reale.understand.cues import CLASSES
    from reale.understand.lexicon import DIM, SCALE, lexicon_features

    good, bad, it = lexicon_features(["What a great, lovely day", "This is terrible and sad",
                                      "Vergogna, per favore rispondete"])
    assert good.shape == (DIM,)
    assert good[3] > 0 > bad[3]  # VADER's compound score
    assert it[4 + CLASSES.index("complaint")] == SCALE and it[4 + CLASSES.index("appeal")] == SCALE
    assert good[4:].sum() == 0
