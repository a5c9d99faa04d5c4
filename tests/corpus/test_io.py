from __future__ import annotations

import json

import pytest

from scr_nlp.corpus.io import load_documents
from scr_nlp.errors import DataError, InputNotFoundError

GOOD = {"doc_id": "a", "text": "The child was not seen.", "spans": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"spans": [{"start": "0", "end": 23, "labels": []}]}, "must be whole numbers"),
        ({"spans": [{"start": 0, "end": 23, "labels": "child_not_seen"}]}, "must be a list"),
        ({"spans": [{"start": 0, "end": 23, "labels": [["child_not_seen"]]}]}, "must be a list"),
        ({"spans": [{"start": 0, "end": 99, "labels": []}]}, "outside the text"),
        ({"spans": [{"start": 0, "end": 23, "labels": ["not_a_theme"]}]}, "not in the taxonomy"),
        ({"meta": "x"}, "field 'meta' must be a dict"),
    ],
)
def test_records_no_model_could_use_are_refused_with_file_and_line(tmp_path, change, message):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD | {"doc_id": "b"} | change) + "\n")
    with pytest.raises(DataError, match=message) as caught:
        load_documents(path)
    assert "data.jsonl:2" in str(caught.value)


def test_empty_missing_and_non_utf8_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DataError, match="no documents"):
        load_documents(empty)
    with pytest.raises(InputNotFoundError):
        load_documents(tmp_path / "missing.jsonl")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps(GOOD).encode()[:-2] + b'\xe9"}\n')
    with pytest.raises(DataError, match="not UTF-8"):
        load_documents(latin)
