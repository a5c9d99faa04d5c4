from __future__ import annotations

import csv
import json

from scr_nlp.annotations.formats import Annotation, ReadResult
from scr_nlp.annotations.merge import build_annotation_set
from scr_nlp.corpus.io import load_documents


def _result(rows, source="a.jsonl"):
    return ReadResult(
        "doccano", [Annotation(t, tuple(lab), source, i + 1) for i, (t, lab) in enumerate(rows)]
    )


def test_conflicts_dedupes_and_corpus_untouched(tiny_corpus, tmp_path):
    before = tiny_corpus.read_bytes()
    a = _result(
        [
            ("The health visitor did not see the baby on any visit.", ["child_not_seen"]),
            (
                "The health visitor did not see the baby on any visit.",
                ["child_not_seen"],
            ),  # exact duplicate
            (
                "The  health visitor did NOT see the baby on any visit!",
                ["child_not_seen"],
            ),  # same after normalising
            ("Probation was not asked about the partner's history.", ["agency_absence"]),
            (
                "Child A was never seen alone by the social worker.",
                ["agency_absence"],
            ),  # corpus says child_not_seen
            (
                "Housing were not invited to the strategy meeting.",
                ["agency_absence"],
            ),  # same as corpus
        ]
    )
    b = _result(
        [
            (
                "Probation was not asked about the partner's history.",
                ["agency_absence", "fathers_overlooked"],
            )
        ],
        "b.jsonl",
    )
    aset = build_annotation_set([a, b], tiny_corpus, tmp_path / "set-0001")
    assert tiny_corpus.read_bytes() == before  # never edited in place
    assert aset.counts["exact_duplicates"] == 2
    assert aset.counts["same_as_corpus"] == 1
    assert aset.counts["conflicts"] == 2
    rows = list(csv.DictReader((aset.directory / "conflicts.csv").open()))
    assert {r["text"][:9] for r in rows} == {"Probation", "Child A w"}
    assert len(aset.kept) + len(aset.heldout) == 1
    merged = load_documents(aset.corpus_path)
    assert {d.split for d in merged if d.genre != "annotation"} == {"train", "dev", "test"}
    assert json.loads((aset.directory / "manifest.json").read_text())["counts"]["imported"] == 7


def test_resolved_conflicts_are_used(tiny_corpus, tmp_path):
    a = _result([("Probation was not asked about him.", ["agency_absence"])])
    b = _result([("Probation was not asked about him.", [])], "b.jsonl")
    resolved = ReadResult(
        "csv",
        [
            Annotation(
                "Probation was not asked about him.",
                ("agency_absence", "fathers_overlooked"),
                "conflicts.csv",
                2,
                "",
                True,
            )
        ],
    )
    aset = build_annotation_set([a, b, resolved], tiny_corpus, tmp_path / "set-0002")
    assert aset.counts["conflicts"] == 0
    assert [x.labels for x in aset.kept + aset.heldout] == [
        ("agency_absence", "fathers_overlooked")
    ]


def test_holdout_is_seeded_and_stable(tiny_corpus, tmp_path):
    rows = [
        (f"Sentence number {i} says the child was not seen at the visit.", ["child_not_seen"])
        for i in range(60)
    ]
    one = build_annotation_set([_result(rows)], tiny_corpus, tmp_path / "s1")
    two = build_annotation_set([_result(rows)], tiny_corpus, tmp_path / "s2")
    assert [a.text for a in one.heldout] == [a.text for a in two.heldout]
    assert 3 <= len(one.heldout) <= 25


def test_near_copies_of_dev_sentences_stay_out_and_near_duplicates_that_disagree_conflict(
    tiny_corpus, tmp_path
):
    dev_only = "The school nurse never spoke to Child Q about the bruises on her arms in 2017."
    docs = [json.loads(line) for line in tiny_corpus.read_text().splitlines()]
    docs.append({**docs[3], "doc_id": "d2", "text": dev_only, "spans": []})
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    rows = [
        (dev_only.replace("2017", "2018"), ["child_not_seen"]),  # a near copy of dev
        (
            "Housing held the tenancy file for Mr P and nobody asked for it in 2017.",
            ["agency_absence"],
        ),
        ("Housing held the tenancy file for Mr P and nobody asked for it in 2018.", []),
    ]
    aset = build_annotation_set([_result(rows)], corpus, tmp_path / "set-0003")
    assert aset.counts["near_copies_of_dev_or_test"] == 1
    assert aset.kept + aset.heldout == []
    with (tmp_path / "set-0003" / "conflicts.csv").open() as handle:
        conflicts = list(csv.DictReader(handle))
    assert len(conflicts) == 1 and "near duplicate" not in conflicts[0]["labels"]
    assert {conflicts[0]["labels"], conflicts[0]["other_labels"].split(" (")[0]} == {
        "agency_absence",
        "none",
    }


def test_an_annotation_sets_corpus_passes_validation(tmp_path):
    from scr_nlp.corpus.validate import validate_corpus
    from tests.conftest import _doc
    from tests.models.conftest import TRAIN

    corpus = tmp_path / "corpus.jsonl"
    docs = [_doc("t1", "train", TRAIN[:7]), _doc("d1", "dev", TRAIN[7:])]
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    assert [p for p in validate_corpus(corpus) if p.level == "error"] == []
    rows = [("Probation held a record on Mr X and nobody asked for it.", ["agency_absence"])]
    aset = build_annotation_set([_result(rows)], corpus, tmp_path / "set-0004")
    problems = validate_corpus(aset.corpus_path)
    assert [p for p in problems if p.level == "error"] == []
