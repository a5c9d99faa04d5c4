"""The negation cues both the linear features and the keyword rules use ("was not seen")."""

from __future__ import annotations

NEGATION_CUES: frozenset[str] = frozenset(
    [
        "not",
        "no",
        "never",
        "neither",
        "nor",
        "without",
        "none",
        "nobody",
        "nothing",
        "cannot",
        "unable",
        "failed",
        "lack",
        "absence",
    ]
)


def is_negation(token: str) -> bool:
    """A lower-cased token that negates what follows: a cue word or a contraction ("didn't")."""
    return token in NEGATION_CUES or token.endswith("n't")


NEGATION_PATTERN = r"(?:\b(?:" + "|".join(sorted(NEGATION_CUES)) + r")\b|n't\b)"
