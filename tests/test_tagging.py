from __future__ import annotations

import json

from scr_nlp.tagging import Tagger

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
        "labels",
        "scores",
        "sentences",
    ]
    assert record["model"] == {"name": "tiny", "type": "linear", "version": "v1"}
    assert {"child_not_seen", "fathers_overlooked", "third_party_concerns_ignored"} <= set(
        record["labels"]
    )
    sentences = record["sentences"]
    assert [s["para"] for s in sentences] == ["1.1", "1.1", "1.2", "1.2"]
    assert all(s["section"] == "findings" for s in sentences)
    for s in sentences:
        assert REVIEW_TEXT[s["start"] : s["end"]] == s["text"]
        assert set(s["labels"]) <= set(record["labels"])
    # a document's score is its best sentence score
    for theme, score in record["scores"].items():
        assert score == max(s["scores"][theme] for s in sentences)
    assert (
        result.evidence("child_not_seen")[0].text
        == "Child A was never seen alone by the social worker."
    )
    json.dumps(record)


def test_tag_path_and_deterministic(tiny_model_dir, tmp_path):
    path = tmp_path / "review.txt"
    path.write_text(REVIEW_TEXT)
    tagger = Tagger.load(tiny_model_dir)
    a, b = tagger.tag(path), tagger.tag(path)
    assert a.to_dict() == b.to_dict()
    assert a.doc_id == "review" and a.path == str(path)


def test_tag_many_streams(tiny_model_dir):
    from scr_nlp.records import RawDocument

    tagger = Tagger.load(tiny_model_dir)
    raws = (RawDocument(f"d{i}", "x", "string", REVIEW_TEXT) for i in range(3))
    results = tagger.tag_many(raws)
    assert next(results).path == "d0"
    assert [r.path for r in results] == ["d1", "d2"]


def test_python_api_is_lazy():
    import subprocess
    import sys

    code = "import sys, scr_nlp; assert 'spacy' not in sys.modules and 'torch' not in sys.modules; print(scr_nlp.Tagger.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Tagger"
