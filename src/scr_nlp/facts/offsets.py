"""Map character offsets in a sentence's folded text back to the original document.

``Sentence.text`` is the cleaned text with whitespace folded to single spaces. Clean-up
only ever deletes original characters (line-break hyphens, glued footnote digits, page
furniture) or stands in a ``-`` for a PDF soft hyphen, so the folded text embeds in the
original slice as a subsequence once whitespace is ignored. Matches found in the folded
text are mapped through that embedding, which is what makes evidence offsets exact.
"""

from __future__ import annotations

import re

_SOFT_HYPHENS = frozenset("\ufffe\u00ad")
_WORD = re.compile(r"\S+")


class FoldedText:
    """One unit of text (a sentence or heading) and the map from its folded characters to
    original offsets, built on first use: most units are never asked."""

    __slots__ = ("original", "start", "end", "text", "_positions")

    def __init__(self, original: str, start: int, end: int, text: str):
        self.original = original
        self.start = start
        self.end = end
        self.text = text
        self._positions: list[int] | None = None

    @classmethod
    def heading(cls, original: str, start: int, text: str) -> FoldedText:
        """A section heading: sections record where it starts, so find where it ends."""
        unit = cls(original, start, len(original), text)
        positions = unit._align_chars()
        mapped = [p for p in positions if p >= 0]
        unit.end = mapped[-1] + 1 if mapped else start
        unit._positions = positions
        return unit

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original (start, end) of folded characters ``a`` to ``b``; the whole unit if
        the text cannot be aligned (never expected; kept so evidence is never wrong)."""
        positions = self._positions if self._positions is not None else self._align()
        first, last = positions[a], positions[b - 1]
        if first < 0 or last < 0:
            return self.start, self.end
        return first, last + 1

    def _align(self) -> list[int]:
        source = self.original[self.start : self.end]
        if source == self.text:
            positions = list(range(self.start, self.start + len(self.text)))
        else:
            positions = self._align_words(source) or self._align_chars()
        self._positions = positions
        return positions

    def _align_words(self, source: str) -> list[int] | None:
        """Fast path: only whitespace differs (hard line breaks, double spaces)."""
        words = [(m.start(), m.group()) for m in _WORD.finditer(source)]
        if [w for _, w in words] != self.text.split(" "):
            return None
        positions: list[int] = []
        for at, word in words:
            if positions:
                positions.append(-1)  # the folded space between words
            positions.extend(range(self.start + at, self.start + at + len(word)))
        return positions

    def _align_chars(self) -> list[int]:
        """Greedy subsequence embedding, skipping whitespace and deleted characters."""
        original, limit = self.original, len(self.original)
        j = self.start
        positions: list[int] = []
        for ch in self.text:
            if ch == " ":
                positions.append(-1)
                continue
            while j < limit and not (
                original[j] == ch or (ch == "-" and original[j] in _SOFT_HYPHENS)
            ):
                j += 1
            if j >= limit:
                positions.append(-1)
                continue
            positions.append(j)
            j += 1
        return positions
