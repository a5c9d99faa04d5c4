"""The hybrid's lexical screen: what it skips is never encoded, keeps its lexical score,
and does not depend on which sentences share the batch."""

from __future__ import annotations

import numpy as np
import pytest

from scr_nlp.models.base import SentenceInput
from scr_nlp.models.config import HybridConfig
from scr_nlp.models.hybrid import HybridThemeClassifier

from .conftest import TRAIN, inputs


@pytest.fixture(scope="module")
def fitted(tiny_encoder_dir):
    config = HybridConfig(
        encoder=str(tiny_encoder_dir), semantic_c=100.0, fine_tune=False, threads=1, screen=0.3
    )
    return HybridThemeClassifier(config).fit(inputs(TRAIN), [y for _, y in TRAIN])


def _encoded_texts(clf, monkeypatch) -> list[str]:
    seen: list[str] = []
    encode = clf.encoder.encode

    def spy(texts, *args, **kwargs):
        seen.extend(texts)
        return encode(texts, *args, **kwargs)

    monkeypatch.setattr(clf.encoder, "encode", spy)
    return seen


def test_screened_out_sentences_keep_the_lexical_score_and_are_never_encoded(fitted, monkeypatch):
    x = inputs([*TRAIN, ("The meeting was held in the town hall on a Tuesday.", ())])
    lexical, own = fitted.linear.predict_proba_and_own(x)
    passed = {s.text for s in x if own[s.text] >= fitted.config.screen}
    assert 0 < len(passed) < len(x)  # the fixture exercises both sides of the screen
    encoded = _encoded_texts(fitted, monkeypatch)
    scores = fitted.predict_proba(x)
    assert set(encoded) == passed
    for i, s in enumerate(x):
        if s.text not in passed:
            np.testing.assert_array_equal(scores[i], lexical[i])
        else:
            assert not np.array_equal(scores[i], lexical[i])


def test_a_screened_neighbour_is_absent_from_the_context(fitted):
    x = inputs(TRAIN)
    _, own = fitted.linear.predict_proba_and_own(x)
    dropped = next(s.text for s in x if own[s.text] < fitted.config.screen)
    kept = next(s.text for s in x if own[s.text] >= fitted.config.screen)
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


def test_no_screen_scores_every_sentence_with_both_views(tiny_encoder_dir, monkeypatch):
    config = HybridConfig(encoder=str(tiny_encoder_dir), fine_tune=False, threads=1, screen=0.0)
    clf = HybridThemeClassifier(config).fit(inputs(TRAIN), [y for _, y in TRAIN])
    encoded = _encoded_texts(clf, monkeypatch)
    clf.predict_proba(inputs(TRAIN))
    assert set(encoded) == {t for t, _ in TRAIN}
