"""The inference half of a fitted TF-IDF vectoriser, without scikit-learn.

Tagging only needs each sentence's weighted n-grams, and importing scikit-learn costs
more than a second: that is half of what ``scr-nlp tag FILE`` would spend. Training
still fits with scikit-learn; these analysers reproduce its ``word`` (whitespace tokens,
no lowercasing) and ``char_wb`` (lowercased, space-padded words) n-grams, sublinear tf
and l2-normalised rows, and a test checks them against scikit-learn on the corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

_TOKENS = re.compile(r"\S+")
_SPACE_RUNS = re.compile(r"\s\s+")


def word_ngrams(max_n: int) -> Callable[[str], list[str]]:
    def analyse(text: str) -> list[str]:
        tokens = _TOKENS.findall(text)
        grams = list(tokens)
        for n in range(2, max_n + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    return analyse


def char_wb_ngrams(low: int, high: int) -> Callable[[str], list[str]]:
    """n-grams inside each space-padded word; once n reaches the padded word's length, the
    whole padded word counts once and longer n-grams are not taken."""

    def analyse(text: str) -> list[str]:
        grams = []
        for word in _SPACE_RUNS.sub(" ", text.lower()).split():
            padded = f" {word} "
            for n in range(low, high + 1):
                if n >= len(padded):
                    grams.append(padded)
                    break
                grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        return grams

    return analyse


class TfidfRows:
    """Sparse rows of l2-normalised sublinear tf-idf, as CSR arrays."""

    def __init__(self, vocabulary: list[str], idf, analyse: Callable[[str], list[str]]):
        import numpy as np

        self.index = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.analyse = analyse

    def matrix(self, texts: list[str]):
        """(indptr, indices, values) for ``texts``: row i is values[indptr[i]:indptr[i+1]]."""
        import numpy as np

        indptr, indices, counts = [0], [], []
        index = self.index
        for text in texts:
            found = Counter(self.analyse(text))
            # A C-level intersection, sorted so that sums never depend on hash order.
            known = sorted(found.keys() & index.keys())
            indices += map(index.__getitem__, known)
            counts += map(found.__getitem__, known)
            indptr.append(len(indices))
        indptr = np.asarray(indptr, dtype=np.int64)
        indices = np.asarray(indices, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[indices]
        norms = np.sqrt(row_sums(indptr, values[:, None] ** 2))[:, 0]
        values /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(indptr))
        return indptr, indices, values

    def dot(self, texts: list[str], weights):
        """The rows of ``texts`` times ``weights`` (features x outputs), without a sparse
        matrix library."""
        indptr, indices, values = self.matrix(texts)
        return row_sums(indptr, values[:, None] * weights[indices])


def row_sums(indptr, rows):
    """Sum ``rows`` (nnz x k) within each CSR row, each row on its own (so a sentence's
    score never depends on the others in the batch); empty rows give 0."""
    import numpy as np

    starts, ends = indptr[:-1], indptr[1:]
    out = np.zeros((len(starts), rows.shape[1]), dtype=np.float64)
    filled = ends > starts
    if filled.any():
        # consecutive non-empty rows tile the array, so reduceat sums exactly one row each
        out[filled] = np.add.reduceat(rows, starts[filled], axis=0)
    return out
