"""The hybrid's lexical screen: what it skips is never encoded, in training or prediction,
keeps its lexical score, and does not depend on which sentences share the batch."""

from __future__ import annotations

import numpy as np
import pytest

from scr_nlp.models import minilm
from scr_nlp.models.base import SentenceInput, logistic
from scr_nlp.models.config import HybridConfig
from scr_nlp.models.hybrid import HybridThemeClassifier

from .conftest import TRAIN, inputs

EXTRA = ("The meeting was held in the town hall on a Tuesday.", ())


def _config(tiny_encoder_dir, screen: float) -> HybridConfig:
    return HybridConfig(
        encoder=str(tiny_encoder_dir), semantic_c=100.0, fine_tune=False, threads=1, screen=screen
    )


def _spy_on_encoding(monkeypatch) -> list[str]:
    seen: list[str] = []
    encode = minilm.OnnxSentenceEncoder.encode

    def spy(self, texts, *args, **kwargs):
        seen.extend(texts)
        return encode(self, texts, *args, **kwargs)

    monkeypatch.setattr(minilm.OnnxSentenceEncoder, "encode", spy)
    return seen


def _passing(clf, x) -> set[str]:
    _, own = clf.linear.predict_proba_and_own(x)
    return {s.text for s in x if own[s.text] >= clf.config.screen}


@pytest.fixture(scope="module")
def fitted(tiny_encoder_dir):
    return HybridThemeClassifier(_config(tiny_encoder_dir, 0.3)).fit(
        inputs(TRAIN), [y for _, y in TRAIN]
    )


def test_training_encodes_only_what_passes_the_screen(tiny_encoder_dir, monkeypatch):
    encoded = _spy_on_encoding(monkeypatch)
    x = inputs(TRAIN)
    clf = HybridThemeClassifier(_config(tiny_encoder_dir, 0.3)).fit(x, [y for _, y in TRAIN])
    assert 0 < len(set(encoded)) < len(x)
    assert set(encoded) == _passing(clf, x)


def test_screened_out_sentences_keep_the_lexical_score_and_are_never_encoded(fitted, monkeypatch):
    x = inputs([*TRAIN, EXTRA])
    passed = _passing(fitted, x)
    assert 0 < len(passed) < len(x)  # the fixture exercises both sides of the screen
    encoded = _spy_on_encoding(monkeypatch)
    scores = fitted.predict_proba(x)
    lexical = fitted.linear.predict_proba(x)
    assert set(encoded) == passed
    for i, s in enumerate(x):
        if s.text not in passed:
            np.testing.assert_array_equal(scores[i], lexical[i])
        else:
            assert not np.array_equal(scores[i], lexical[i])


def test_scores_do_not_depend_on_the_batch(fitted):
    x = inputs([*TRAIN, EXTRA])
    passed = _passing(fitted, x)
    batched = fitted.predict_proba(x)
    single = np.vstack([fitted.predict_proba([s]) for s in x])
    reversed_ = fitted.predict_proba(x[::-1])[::-1]
    below = [i for i, s in enumerate(x) if s.text not in passed]
    np.testing.assert_array_equal(batched[below], single[below])  # no encoder involved
    np.testing.assert_allclose(batched, single, atol=1e-6)  # encoder padding: float rounding
    np.testing.assert_allclose(batched, reversed_, atol=1e-6)


def test_a_screened_neighbour_is_absent_from_the_context(fitted):
    x = inputs(TRAIN)
    passed = _passing(fitted, x)
    dropped = next(s.text for s in x if s.text not in passed)
    kept = next(s.text for s in x if s.text in passed)
    w = fitted.config.semantic_weight

    def semantic_part(sentence):  # the lexical view reads the neighbour's words either way
        return fitted.predict_proba([sentence]) - (1 - w) * fitted.linear.predict_proba([sentence])

    np.testing.assert_allclose(
        semantic_part(SentenceInput(kept, dropped, "")),
        semantic_part(SentenceInput(kept)),
        atol=1e-6,
    )
    assert not np.allclose(
        semantic_part(SentenceInput(kept, kept, "")), semantic_part(SentenceInput(kept)), atol=1e-6
    )


def test_no_screen_is_both_views_averaged_on_every_sentence(tiny_encoder_dir, monkeypatch):
    x = inputs(TRAIN)
    clf = HybridThemeClassifier(_config(tiny_encoder_dir, 0.0)).fit(x, [y for _, y in TRAIN])
    encoded = _spy_on_encoding(monkeypatch)
    scores = clf.predict_proba(x)
    assert set(encoded) == {t for t, _ in TRAIN}
    w = clf.config.semantic_weight
    semantic = logistic(clf._semantic_features(x, None), clf.coef_, clf.intercept_)
    np.testing.assert_array_equal(
        scores, (w * semantic + (1 - w) * clf.linear.predict_proba(x)).astype(np.float32)
    )
