"""The sklearn-free inference transform gives scikit-learn's tf-idf rows."""

from __future__ import annotations

import numpy as np
import pytest

from scr_nlp.models.tfidf import TfidfRows, char_wb_ngrams, word_ngrams

from .conftest import TRAIN

TEXTS = [t for t, _ in TRAIN] + [
    "Two  spaces,\ttabs\nand\u00a0a no-break space; I  a  b.",
    "A word  x of one letter and ALL CAPS: MASH, CAMHS.",
    "Mother's partner wasn't  seen   by the GP's locum — ever.",
    "",
    "   ",
    "naïve café façade, £3,000 and 12/03/2019.",
]


def _dense(builder: TfidfRows, texts: list[str]) -> np.ndarray:
    indptr, indices, values = builder.matrix(texts)
    out = np.zeros((len(texts), len(builder.index)))
    for i in range(len(texts)):
        out[i, indices[indptr[i] : indptr[i + 1]]] = values[indptr[i] : indptr[i + 1]]
    return out


@pytest.mark.parametrize(
    ("options", "analyse"),
    [
        ({"ngram_range": (1, 2), "token_pattern": r"\S+", "lowercase": False}, word_ngrams(2)),
        ({"ngram_range": (1, 1), "token_pattern": r"\S+", "lowercase": False}, word_ngrams(1)),
        ({"analyzer": "char_wb", "ngram_range": (3, 5)}, char_wb_ngrams(3, 5)),
        ({"analyzer": "char_wb", "ngram_range": (1, 2)}, char_wb_ngrams(1, 2)),
    ],
)
def test_rows_match_scikit_learn(options, analyse):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(sublinear_tf=True, **options).fit(TEXTS)
    terms = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
    ours = _dense(TfidfRows(terms, vectoriser.idf_, analyse), TEXTS)
    np.testing.assert_allclose(ours, vectoriser.transform(TEXTS).toarray(), atol=1e-7)


def test_dot_sums_each_row_and_unknown_words_give_zero():
    builder = TfidfRows(["seen", "alone"], [1.0, 2.0], word_ngrams(1))
    weights = np.array([[1.0, 0.0], [0.0, 1.0]])
    out = builder.dot(["never heard of", "seen seen", "seen alone"], weights)
    np.testing.assert_allclose(out, [[0, 0], [1, 0], [1 / 5**0.5, 2 / 5**0.5]])


def test_row_sums_are_exact_per_row_and_independent_of_the_batch():
    from scr_nlp.models.tfidf import row_sums

    rows = np.array([[0.1], [0.2], [0.3]])
    indptr = np.array([0, 1, 1, 2, 3, 3])  # rows: [0.1], [], [0.2], [0.3], []
    np.testing.assert_array_equal(row_sums(indptr, rows)[:, 0], [0.1, 0.0, 0.2, 0.3, 0.0])
    assert row_sums(np.array([0, 1]), rows[2:])[0, 0] == row_sums(indptr, rows)[3, 0]
    assert row_sums(np.array([0, 0]), np.zeros((0, 2))).tolist() == [[0.0, 0.0]]
