from __future__ import annotations

import json

import pytest

from tests.models.conftest import TRAIN


def _doc(doc_id, split, rows):
    text, spans = "", []
    for sentence, labels in rows:
        start = len(text)
        text += sentence + " "
        if labels:
            spans.append({"start": start, "end": start + len(sentence), "labels": list(labels)})
    return {
        "doc_id": doc_id,
        "genre": "cspr",
        "split": split,
        "meta": {
            "year": 2020,
            "region": "London",
            "outcome": "death",
            "child_age_band": "1_to_5",
            "review_type": "CSPR",
            "board": "Riverside Borough",
        },
        "text": text.strip(),
        "spans": spans,
    }


@pytest.fixture
def tiny_corpus(tmp_path):
    """Train, dev and test documents from the inline sentences (every theme in each)."""
    docs = [
        _doc("t1", "train", TRAIN[:7]),
        _doc("t2", "train", TRAIN[7:]),
        _doc("t3", "train", TRAIN[::-1]),
        _doc("d1", "dev", TRAIN[1::2] + TRAIN[::2]),
        _doc("x1", "test", TRAIN),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


@pytest.fixture
def models_home(tmp_path, monkeypatch, tiny_model_dir):
    """A models/ directory whose default is the tiny linear model."""
    import shutil

    home = tmp_path / "models"
    home.mkdir()
    shutil.copytree(tiny_model_dir, home / "tiny")
    (home / "default.json").write_text(json.dumps({"default": "tiny"}))
    monkeypatch.setenv("SCR_NLP_MODELS", str(home))
    monkeypatch.chdir(tmp_path)
    return home
