"""The contract every back end keeps: overfit -> save -> load -> identical predictions."""

from __future__ import annotations

import numpy as np
import pytest

from scr_nlp.models.base import SentenceInput
from scr_nlp.models.config import HybridConfig, KeywordConfig, LinearConfig, TransformerConfig
from scr_nlp.models.hybrid import HybridThemeClassifier
from scr_nlp.models.keyword import KeywordThemeClassifier
from scr_nlp.models.linear import LinearThemeClassifier, mark_negation
from scr_nlp.models.metrics import label_matrix
from scr_nlp.models.store import ThemeModel, load_model, save_model
from scr_nlp.models.transformer import TransformerThemeClassifier
from scr_nlp.taxonomy import THEME_IDS

from .conftest import TRAIN, inputs


def _make(kind, tiny_encoder_dir):
    if kind == "linear":
        return LinearThemeClassifier(LinearConfig(c=100.0, min_df=1))
    if kind == "transformer":
        return TransformerThemeClassifier(
            TransformerConfig(
                base_model=str(tiny_encoder_dir),
                epochs=100,
                batch_size=14,
                learning_rate=1e-2,
                head_learning_rate=1e-2,
                dropout=0.0,
                weight_decay=0.0,
                threads=1,
                freeze_embeddings=False,
            )
        )
    if kind == "hybrid":
        return HybridThemeClassifier(
            HybridConfig(encoder=str(tiny_encoder_dir), semantic_c=100.0, linear_c=100.0, threads=1)
        )
    return KeywordThemeClassifier(KeywordConfig())


@pytest.mark.parametrize("kind", ["linear", "hybrid", "transformer", "keyword"])
def test_overfit_save_load_identical(kind, tiny_encoder_dir, tmp_path):
    clf = _make(kind, tiny_encoder_dir)
    x, y = inputs(TRAIN), [labels for _, labels in TRAIN]
    clf.fit(x, y)
    scores = clf.predict_proba(x)
    assert scores.shape == (len(TRAIN), len(THEME_IDS))
    assert ((scores >= 0) & (scores <= 1)).all()
    gold = label_matrix(y)
    if kind != "keyword":  # learned models must fit their training data
        assert ((scores >= 0.5) == gold).all(), scores.round(2)
    thresholds = {t: 0.5 for t in THEME_IDS}
    model = ThemeModel(clf, thresholds, {"type": kind, "seed": 13})
    save_model(model, tmp_path / kind)
    loaded = load_model(tmp_path / kind)
    assert loaded.meta["themes"] == list(THEME_IDS)
    np.testing.assert_array_equal(loaded.predict_proba(x), scores)
    if kind == "hybrid":  # the fine-tuned layers are saved, the frozen embeddings are not
        assert "encoder_layer_0.safetensors" in loaded.meta["files"]


def test_hybrid_without_fine_tuning_saves_no_layers(tiny_encoder_dir, tmp_path):
    clf = HybridThemeClassifier(
        HybridConfig(encoder=str(tiny_encoder_dir), semantic_c=100.0, fine_tune=False, threads=1)
    )
    x, y = inputs(TRAIN), [labels for _, labels in TRAIN]
    scores = clf.fit(x, y).predict_proba(x)
    save_model(ThemeModel(clf, {t: 0.5 for t in THEME_IDS}, {"type": "hybrid"}), tmp_path / "h")
    loaded = load_model(tmp_path / "h")
    assert not [f for f in loaded.meta["files"] if f.startswith("encoder_layer")]
    np.testing.assert_array_equal(loaded.predict_proba(x), scores)


@pytest.mark.parametrize("kind", ["linear", "hybrid", "transformer", "keyword"])
def test_batched_equals_one_by_one(kind, tiny_encoder_dir):
    clf = _make(kind, tiny_encoder_dir)
    x, y = inputs(TRAIN), [labels for _, labels in TRAIN]
    clf.fit(x, y)
    batched = clf.predict_proba(x)
    single = np.vstack([clf.predict_proba([s]) for s in x])
    np.testing.assert_allclose(batched, single, atol=1e-5)


@pytest.mark.parametrize("kind", ["linear", "transformer"])
def test_same_seed_same_scores(kind, tiny_encoder_dir):
    x, y = inputs(TRAIN), [labels for _, labels in TRAIN]
    a = _make(kind, tiny_encoder_dir).fit(x, y).predict_proba(x)
    b = _make(kind, tiny_encoder_dir).fit(x, y).predict_proba(x)
    np.testing.assert_array_equal(a, b)


def test_linear_refuses_theme_without_positives():
    rows = [(t, labels) for t, labels in TRAIN if "home_education_concealment" not in labels]
    with pytest.raises(ValueError, match="home_education_concealment"):
        LinearThemeClassifier(LinearConfig(min_df=1)).fit(inputs(rows), [lab for _, lab in rows])


def test_linear_own_words_probability_ignores_the_neighbours():
    x, y = inputs(TRAIN), [labels for _, labels in TRAIN]
    clf = LinearThemeClassifier(LinearConfig(c=100.0, min_df=1)).fit(x, y)
    outside = "A neighbour reported screaming but nothing was done."
    batch = [SentenceInput(TRAIN[0][0], outside, TRAIN[2][0])]
    scores, own = clf.predict_proba_and_own(batch)
    np.testing.assert_array_equal(scores, clf.predict_proba(batch))
    assert set(own) == {TRAIN[0][0], outside, TRAIN[2][0]}
    for text, best in own.items():
        assert best == pytest.approx(float(clf.predict_proba([SentenceInput(text)]).max()))


def test_negation_marking():
    assert mark_negation("Child A was not seen alone.") == "child a was not neg_seen neg_alone ."
    assert mark_negation("He was seen, not ignored") == "he was seen , not neg_ignored"


@pytest.mark.parametrize(
    ("text", "theme", "fires"),
    [
        ("Child A was never seen alone by any practitioner.", "child_not_seen", True),
        ("Practitioners should ensure that children are seen alone.", "child_not_seen", False),
        ("It was not the case that the child was not seen alone.", "child_not_seen", False),
        ("The grandmother's calls were logged as malicious.", "third_party_concerns_ignored", True),
        ("Housing were not invited to the strategy meeting.", "agency_absence", True),
        (
            "She was withdrawn from school to be home educated two weeks later.",
            "home_education_concealment",
            True,
        ),
    ],
)
def test_keyword_rules(text, theme, fires):
    scores = KeywordThemeClassifier().predict_proba(inputs([(text, ())]))[0]
    assert bool(scores[THEME_IDS.index(theme)] >= 0.5) is fires


def test_sentence_encoder_matches_the_reference_bert(tiny_encoder_dir):
    """The plain-torch encoder gives the embeddings transformers' BertModel gives."""
    import torch
    from transformers import BertModel, BertTokenizerFast

    from scr_nlp.models.minilm import SentenceEncoder

    texts = [t for t, _ in TRAIN]
    ours = SentenceEncoder(tiny_encoder_dir, threads=1).encode(texts, batch_size=3)
    tokenizer = BertTokenizerFast.from_pretrained(tiny_encoder_dir)
    model = BertModel.from_pretrained(tiny_encoder_dir).eval()
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"][..., None].float()
    reference = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_onnx_encoder_matches_the_torch_encoder_and_is_exported_once(
    tiny_encoder_dir, tmp_path, monkeypatch
):
    from scr_nlp.models.minilm import OnnxSentenceEncoder, SentenceEncoder

    monkeypatch.setenv("SCR_NLP_CACHE", str(tmp_path / "cache"))
    texts = [t for t, _ in TRAIN]
    ours = OnnxSentenceEncoder(tiny_encoder_dir, threads=1)
    np.testing.assert_allclose(
        ours.encode(texts, batch_size=3),
        SentenceEncoder(tiny_encoder_dir, threads=1).encode(texts, batch_size=3),
        atol=1e-6,
    )
    (graph,) = (tmp_path / "cache").glob("encoder-*.onnx")
    stamp = graph.stat().st_mtime_ns
    again = OnnxSentenceEncoder(tiny_encoder_dir, threads=2)
    assert again.graph == graph and graph.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(again.encode(texts[:4]), ours.encode(texts[:4]))


def test_onnx_encoder_works_when_the_cache_cannot_be_written(
    tiny_encoder_dir, tmp_path, monkeypatch
):
    from scr_nlp.models.minilm import OnnxSentenceEncoder

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SCR_NLP_CACHE", str(blocker / "cache"))
    encoder = OnnxSentenceEncoder(tiny_encoder_dir, threads=1)
    assert encoder.encode(["Every agency attended."]).shape == (1, encoder.hidden)
    assert not (blocker / "cache").exists()


def test_a_damaged_cached_export_is_rebuilt(tiny_encoder_dir, tmp_path, monkeypatch):
    from scr_nlp.models.minilm import OnnxSentenceEncoder

    monkeypatch.setenv("SCR_NLP_CACHE", str(tmp_path))
    expected = OnnxSentenceEncoder(tiny_encoder_dir, threads=1).encode(["Every agency attended."])
    (graph,) = tmp_path.glob("encoder-*.onnx")
    graph.write_bytes(graph.read_bytes()[:1000])  # cut short, as a failing disk might leave it
    again = OnnxSentenceEncoder(tiny_encoder_dir, threads=1)
    np.testing.assert_array_equal(again.encode(["Every agency attended."]), expected)
    assert graph.stat().st_size > 1000


def test_linear_saves_a_vocabulary_with_a_lone_surrogate(tmp_path):
    rows = [(t + (" \ud800" if i == 0 else ""), labels) for i, (t, labels) in enumerate(TRAIN)]
    clf = LinearThemeClassifier(LinearConfig(min_df=1)).fit(inputs(rows), [lab for _, lab in rows])
    save_model(ThemeModel(clf, {t: 0.5 for t in THEME_IDS}, {"type": "linear"}), tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    np.testing.assert_array_equal(
        loaded.predict_proba(inputs(rows)), clf.predict_proba(inputs(rows))
    )
