"""Corpus validation finds each kind of problem; stats count what is there."""

from __future__ import annotations

import json

from scr_nlp.corpus.stats import corpus_stats
from scr_nlp.corpus.validate import validate_corpus

META = {"year": 2020, "region": "London", "outcome": "death", "child_age_band": "1_to_5",
        "review_type": "CSPR", "board": "Riverside Borough"}  # fmt: skip
LONG = "The health visitor made four visits to the flat and never once saw the baby awake."


def _doc(doc_id, split, text, spans, **extra):
    return {
        "doc_id": doc_id,
        "genre": "cspr",
        "split": split,
        "meta": META,
        "text": text,
        "spans": spans,
    } | extra


def _problems(tmp_path, docs):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return [str(p) for p in validate_corpus(path)]


def test_a_clean_corpus_has_no_errors(tmp_path):
    docs = [
        _doc("a", "train", LONG, [{"start": 0, "end": len(LONG), "labels": ["child_not_seen"]}])
    ]
    assert [p for p in _problems(tmp_path, docs) if p.startswith("error")] == []
    stats = corpus_stats(tmp_path / "c.jsonl")
    assert stats["positives"]["child_not_seen"]["train"] == 1 and stats["documents"] == 1


def test_each_kind_of_problem_is_named(tmp_path):
    docs = [
        _doc("a", "train", LONG, [{"start": 0, "end": 500, "labels": ["child_not_seen"]}]),
        _doc("b", "test", LONG, [{"start": 0, "end": len(LONG), "labels": ["poverty"]}]),
        _doc("b", "dev", "Short text here.", [], genre="novel"),
    ]
    problems = " | ".join(_problems(tmp_path, docs))
    assert "span 0-500 is outside the text" in problems
    assert "labels ['poverty'] not in the taxonomy" in problems
    assert "doc_id repeats line 2" in problems
    assert "genre 'novel' is not one of" in problems
    assert "sentence repeated in ['a', 'b']" in problems  # a labelled sentence in train and test


def test_unlabelled_boilerplate_across_splits_is_only_a_warning(tmp_path):
    text = "I consider there is a risk that future deaths will occur unless action is taken."
    docs = [_doc("a", "train", text, []), _doc("b", "test", text, [])]
    problems = _problems(tmp_path, docs)
    assert problems and all(p.startswith("warning") for p in problems)
