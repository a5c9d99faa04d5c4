"""When two sentences are the same sentence: one normaliser and one near-duplicate rule.

Used by corpus validation (no sentence may sit in two splits) and by annotation
merging (collapse copies, flag conflicts), so both agree on what a duplicate is.
"""

from __future__ import annotations

import re
from collections import defaultdict

NEAR_DUPLICATE_JACCARD = 0.85
# Trigrams shared by more sentences than this are too common to find candidates by.
_MAX_POSTINGS = 40


def sentence_key(text: str) -> str:
    """Case, punctuation and spacing do not make a different sentence; words and numbers do."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def shingles(key: str) -> frozenset[str]:
    words = key.split()
    return frozenset(" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class NearDuplicateIndex:
    """Sentences added so far, searchable for near duplicates through shared word trigrams."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_JACCARD):
        self.threshold = threshold
        self._grams: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)

    def add(self, key: str) -> int:
        grams = shingles(key)
        index = len(self._grams)
        self._grams.append(grams)
        for g in grams:
            self._postings[g].append(index)
        return index

    def matches(self, key: str) -> list[tuple[int, float]]:
        """Earlier sentences at or above the threshold, with their similarity (exact copies: 1.0)."""
        grams = shingles(key)
        candidates = {
            i
            for g in grams
            for i in self._postings.get(g, ())
            if len(self._postings[g]) <= _MAX_POSTINGS
        }
        out = [(i, jaccard(grams, self._grams[i])) for i in sorted(candidates)]
        return [(i, score) for i, score in out if score >= self.threshold]
