from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
TEXT = (
    "1.1 Child A was never seen alone by the social worker.\n\n"
    "1.2 Every agency attended the conference.\n"
)


def _nlp(model):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("scr_themes", config={"model": str(model)})
    return nlp


def test_cats_spans_and_tagger_agree(tiny_model_dir):
    from scr_nlp.tagging import Tagger

    doc = _nlp(tiny_model_dir)(TEXT)
    expected = Tagger.load(tiny_model_dir).tag(TEXT)
    assert {t for t, v in doc.cats.items() if v >= 0.5} == set(expected.labels)
    assert "child_not_seen" in expected.labels
    spans = doc.spans["scr_evidence"]
    assert [s.label_ for s in spans] == [t for s in expected.sentences for t in s.labels]
    assert spans[0].text == "Child A was never seen alone by the social worker."
    assert doc._.scr_result.to_dict()["sentences"] == expected.to_dict()["sentences"]


def test_scaled_scores_keep_order_and_the_threshold_at_half():
    from scr_nlp.spacy_component import scaled_score

    assert scaled_score(0.3, 0.3) == 0.5
    assert scaled_score(0.29, 0.3) < 0.5 < scaled_score(0.31, 0.3)
    values = [scaled_score(x / 100, 0.7) for x in range(101)]
    assert values == sorted(values) and values[0] == 0 and values[-1] == 1


def test_saved_pipeline_carries_its_model(tiny_model_dir, tmp_path):
    import spacy

    nlp = _nlp(tiny_model_dir)
    before = nlp(TEXT).cats
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded(TEXT).cats == before
    assert (tmp_path / "pipeline" / "scr_themes" / "model" / "meta.json").is_file()


@pytest.mark.slow
def test_component_agrees_with_tagger_on_every_sample():
    from scr_nlp.reading import read_document
    from scr_nlp.records import RawDocument
    from scr_nlp.tagging import Tagger

    tagger = Tagger.load()
    nlp = _nlp(tagger.model.path)
    for path in sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".pdf", ".docx")):
        raw = read_document(path)
        # A Doc holds text only (no docx heading styles), so it is compared with the same text;
        # for .txt that is exactly what `scr-nlp tag FILE` reads.
        expected = tagger.tag(RawDocument("<doc>", raw.sha256, "string", raw.text))
        if path.suffix == ".txt":
            assert tagger.tag(path).to_dict()["sentences"] == expected.to_dict()["sentences"]
        doc = nlp(raw.text)
        assert {t for t, v in doc.cats.items() if v >= 0.5} == set(expected.labels), path.name
        assert doc._.scr_result.sentences == expected.sentences, path.name
