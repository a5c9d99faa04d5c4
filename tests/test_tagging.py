from __future__ import annotations

import json

import numpy as np
import pytest

from scr_nlp.errors import UsageError
from scr_nlp.tagging import Decision, Tagger, TagResult, decide
from scr_nlp.taxonomy import THEME_IDS

from .conftest import REVIEW_TEXT


def test_tag_text_record(tiny_model_dir):
    result = Tagger.load(tiny_model_dir).tag(REVIEW_TEXT, doc_id="a", meta={"year": 2016})
    record = result.to_dict()
    assert list(record) == [
        "doc_id",
        "path",
        "sha256",
        "meta",
        "model",
        "settings",
        "labels",
        "scores",
        "sentences",
    ]
    assert record["model"]["name"] == "tiny" and record["model"]["type"] == "linear"
    assert len(record["model"]["sha256"]) == 64
    assert {"child_not_seen", "fathers_overlooked", "third_party_concerns_ignored"} <= set(
        record["labels"]
    )
    sentences = record["sentences"]
    assert [s["para"] for s in sentences] == ["1.1", "1.1", "1.2", "1.2"]
    assert all(s["section"] == "findings" for s in sentences)
    for s in sentences:
        assert REVIEW_TEXT[s["start"] : s["end"]] == s["text"]
        assert set(s["labels"]) <= set(record["labels"])
    for theme, score in record["scores"].items():  # a document's score is its best sentence's
        assert score == max(s["scores"][theme] for s in sentences)
    assert (
        result.evidence("child_not_seen")[0].text
        == "Child A was never seen alone by the social worker."
    )
    assert TagResult.from_dict(json.loads(json.dumps(record))) == result


def test_evidence_refuses_a_misspelt_theme(tiny_model_dir):
    result = Tagger.load(tiny_model_dir).tag(REVIEW_TEXT)
    with pytest.raises(UsageError, match="unknown theme 'child_unseen'"):
        result.evidence("child_unseen")


def test_decision_rule_document_threshold_above_sentence():
    scores = np.zeros((3, 5), dtype=np.float32)
    scores[0, 0], scores[1, 0] = 0.6, 0.45  # one strong, one middling sentence
    scores[2, 4] = 0.45  # a middling sentence alone
    decision = Decision(sentence=(0.4,) * 5, document=(0.5,) * 5)
    decided = decide(scores, decision)
    assert decided.document_labels == ("child_not_seen",)
    assert decided.sentence_labels == [("child_not_seen",), ("child_not_seen",), ()]
    assert decide(scores[:0], decision).document_labels == ()


def test_tag_path_and_deterministic(tiny_model_dir, tmp_path):
    path = tmp_path / "review.txt"
    path.write_text(REVIEW_TEXT)
    tagger = Tagger.load(tiny_model_dir)
    a, b = tagger.tag(path), tagger.tag(path)
    assert a.to_dict() == b.to_dict()
    assert a.doc_id == "review" and a.path == str(path)


def test_tag_many_takes_strings_paths_and_documents(tiny_model_dir, tmp_path):
    from scr_nlp.records import RawDocument

    path = tmp_path / "r.txt"
    path.write_text(REVIEW_TEXT)
    tagger = Tagger.load(tiny_model_dir)
    results = list(
        tagger.tag_many([REVIEW_TEXT, path, RawDocument("d", "x", "string", REVIEW_TEXT)])
    )
    assert [r.path for r in results] == ["<text>", str(path), "d"]
    assert len({tuple(r.labels) for r in results}) == 1


def test_threshold_override_applies_to_sentences_and_documents(tiny_model_dir):
    tagger = Tagger.load(tiny_model_dir, threshold=1.0)
    assert tagger.decision == Decision((1.0,) * len(THEME_IDS), (1.0,) * len(THEME_IDS))
    assert tagger.tag(REVIEW_TEXT).labels == ()


def test_python_api_is_lazy():
    import subprocess
    import sys

    code = "import sys, scr_nlp; assert 'spacy' not in sys.modules and 'torch' not in sys.modules; print(scr_nlp.Tagger.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Tagger"


def test_tag_document_matches_tagger_and_raises_load_errors_in_the_caller(tiny_model_dir, tmp_path):
    from scr_nlp.errors import ModelError
    from scr_nlp.records import RawDocument
    from scr_nlp.tagging import tag_document

    raw = RawDocument("d", "x", "string", REVIEW_TEXT)
    overlapped = tag_document(raw, tiny_model_dir, facts=True)
    assert overlapped.to_dict() == Tagger.load(tiny_model_dir).tag(raw, facts=True).to_dict()
    assert overlapped.facts is not None
    with pytest.raises(ModelError):
        tag_document(raw, tmp_path / "no-such-model")
