"""Each annotation tool's documented export format, written by hand as the tool would."""

from __future__ import annotations

import json

import pytest

from scr_nlp.annotations.formats import detect_format, load_annotation_files, read_annotations
from scr_nlp.errors import DataError

PRODIGY = [
    {
        "text": "Father was never invited to the conference.",
        "options": [{"id": "fathers_overlooked", "text": "Fathers"}],
        "accept": ["fathers_overlooked", "agency_absence"],
        "answer": "accept",
        "_annotator_id": "ann1",
    },
    {
        "text": "The grandmother's calls were logged as malicious.",
        "accept": ["third_party_concerns_ignored"],
        "answer": "accept",
    },
    {"text": "Housing attended every meeting.", "accept": [], "answer": "accept"},
    {"text": "A rejected task is not a label.", "accept": ["child_not_seen"], "answer": "reject"},
]
LABEL_STUDIO = [
    {
        "id": 1,
        "data": {"text": "Child A was never seen alone."},
        "annotations": [
            {
                "completed_by": 3,
                "result": [
                    {
                        "from_name": "themes",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["child_not_seen"]},
                    }
                ],
            }
        ],
    },
    {
        "id": 2,
        "data": {"text": "Every agency attended the conference."},
        "annotations": [{"completed_by": 3, "result": []}],
    },
]
DOCCANO = [
    {
        "id": 7,
        "text": "She was withdrawn from school to be home educated.",
        "label": ["home_education_concealment"],
    },
    {"id": 8, "text": "The EHE officer saw her alone at home.", "label": []},
]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_prodigy(tmp_path):
    result = read_annotations(_write_jsonl(tmp_path / "prodigy.jsonl", PRODIGY))
    assert result.format == "prodigy"
    assert [(a.text[:10], a.labels) for a in result.annotations] == [
        ("Father was", ("fathers_overlooked", "agency_absence")),
        ("The grandm", ("third_party_concerns_ignored",)),
        ("Housing at", ()),
    ]
    assert result.annotations[0].annotator == "ann1"


def test_label_studio(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(LABEL_STUDIO))
    result = read_annotations(path)
    assert result.format == "labelstudio"
    assert [a.labels for a in result.annotations] == [("child_not_seen",), ()]


def test_doccano(tmp_path):
    result = read_annotations(_write_jsonl(tmp_path / "doccano.jsonl", DOCCANO))
    assert result.format == "doccano"
    assert [a.labels for a in result.annotations] == [("home_education_concealment",), ()]


def test_csv_with_readable_names(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        'text,labels\n"Mr X was not checked.",fathers overlooked;agency_absence\n"All agencies came.",\n'
    )
    result = read_annotations(path)
    assert [a.labels for a in result.annotations] == [("fathers_overlooked", "agency_absence"), ()]


def test_corpus_format(tiny_corpus):
    assert detect_format(tiny_corpus) == "corpus"
    result = read_annotations(tiny_corpus)
    assert any(a.labels == ("child_not_seen",) for a in result.annotations)


def test_corpus_format_spans_off_sentence_boundaries_are_refused(tmp_path):
    text = "The child was not seen. The health visitor completed every contact."
    record = {
        "doc_id": "a",
        "text": text,
        "spans": [{"start": 4, "end": 40, "labels": ["child_not_seen"]}],
    }
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(record) + "\n")
    result = read_annotations(path, "corpus")
    assert result.annotations == []
    assert "not on sentence boundaries" in result.problems[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "Child A.", "label": ["poverty"]}\n', "unknown theme 'poverty'"),
        ('{"text": "  ", "label": []}\n', "empty or missing text"),
        ('{"text": "ok", "label": []}\n{not json\n', ":2: malformed JSON"),
    ],
)
def test_problems_named_with_file_and_line_and_refused_whole(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(DataError, match=message) as info:
        load_annotation_files([path])
    assert "bad.jsonl" in str(info.value) and "nothing imported" in str(info.value)


def test_skip_invalid_keeps_the_good_records(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"text": "Child A was not seen.", "label": ["child_not_seen"]}\n{"text": "x", "label": ["poverty"]}\n'
    )
    (result,) = load_annotation_files([path], skip_invalid=True)
    assert len(result.annotations) == 1 and len(result.problems) == 1


def test_unknown_format(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"sentence": "x"}\n')
    with pytest.raises(DataError, match="unrecognised annotation record"):
        read_annotations(path)


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ({"completed_by": 1}, "'result' must be a list"),
        ({"completed_by": 1, "result": None}, "'result' must be a list"),
        ({"completed_by": 1, "result": [{"type": "choices"}]}, "no value.choices"),
        ({"completed_by": 1, "result": [{"type": "choices", "value": {}}]}, "no value.choices"),
    ],
)
def test_malformed_label_studio_annotations_are_errors_not_negatives(tmp_path, annotation, message):
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            [{"id": 1, "data": {"text": "Child A was not seen."}, "annotations": [annotation]}]
        )
    )
    result = read_annotations(path)
    assert result.annotations == [] and message in result.problems[0]
    with pytest.raises(DataError, match="nothing imported"):
        load_annotation_files([path])


def test_label_studio_single_choice_as_a_string(tmp_path):
    path = tmp_path / "export.json"
    task = {"id": 1, "data": {"text": "Nobody saw the baby awake."}, "annotations": [
        {"completed_by": 1, "result": [{"type": "choices", "value": {"choices": "Child not seen or heard"}}]}]}  # fmt: skip
    path.write_text(json.dumps([task]))
    assert read_annotations(path).annotations[0].labels == ("child_not_seen",)
