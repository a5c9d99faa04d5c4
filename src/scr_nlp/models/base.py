"""The one classifier contract every back end implements.

A classifier scores sentences (with their neighbours as context) on every theme
of the taxonomy, in taxonomy order. Decision thresholds, saving with hashes and
the model card live in ``scr_nlp.models.store``, not in back ends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class SentenceInput:
    text: str
    prev_text: str = ""
    next_text: str = ""


def with_neighbours(texts: list[str]) -> list[SentenceInput]:
    """Sentences of one document in order, each with its previous and next sentence."""
    return [
        SentenceInput(t, texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "")
        for i, t in enumerate(texts)
    ]


class ThemeClassifier(ABC):
    #: registered, versioned name, e.g. "linear"; with ``version`` it names the format
    type_name: ClassVar[str]
    version: ClassVar[str]

    def __init__(self, config: Any):
        self.config = config

    @abstractmethod
    def fit(
        self,
        sentences: list[SentenceInput],
        labels: list[tuple[str, ...]],
        progress: Any = None,
    ) -> ThemeClassifier:
        """Learn from sentences and their gold theme ids."""

    @abstractmethod
    def predict_proba(self, sentences: list[SentenceInput]):
        """Return an array of shape (n_sentences, n_themes), taxonomy order, values in [0, 1]."""

    @abstractmethod
    def save_weights(self, directory: Path) -> list[str]:
        """Write weights in safe formats (no pickle); return the file names written."""

    @classmethod
    @abstractmethod
    def load_weights(cls, directory: Path, config: Any) -> ThemeClassifier:
        """Rebuild a fitted classifier from ``save_weights`` output."""

    def limit_threads(self, threads: int) -> None:  # noqa: B027 - a default that does nothing
        """Use at most ``threads`` threads: batch workers share the machine's cores.
        Back ends that run single-threaded need do nothing."""


def fit_theme_heads(X, labels: list[tuple[str, ...]], make_classifier, progress=None):
    """One binary classifier per theme on the rows of ``X``: (coef, intercept) as float32
    arrays in taxonomy order. A theme with no positive or no negative sentence is refused,
    naming it. Fitted one after another: liblinear keeps global state and is not thread-safe."""
    import numpy as np

    from scr_nlp.taxonomy import THEME_IDS

    coefs, intercepts = [], []
    for theme in THEME_IDS:
        y = np.array([theme in lab for lab in labels], dtype=int)
        if y.min() == y.max():
            raise ValueError(
                f"training data has {'no' if y.max() == 0 else 'only'} positive sentences for "
                f"{theme!r}; every theme needs both positives and negatives"
            )
        clf = make_classifier().fit(X, y)
        coefs.append(clf.coef_[0].astype(np.float32))
        intercepts.append(float(clf.intercept_[0]))
        if progress is not None:
            progress(1)
    return np.vstack(coefs), np.array(intercepts, dtype=np.float32)


def logistic(X, coef, intercept):
    """Per-theme probabilities from linear heads."""
    import numpy as np

    return (1.0 / (1.0 + np.exp(-(np.asarray(X @ coef.T) + intercept)))).astype(np.float32)
