from __future__ import annotations

import json

import pytest

from scr_nlp.annotations.agreement import agreement_from_files, cohen_kappa, krippendorff_alpha
from scr_nlp.annotations.exports import write_tasks
from scr_nlp.annotations.formats import read_annotations
from scr_nlp.annotations.queue import build_queue
from tests.conftest import REVIEW_TEXT


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(3):
        (folder / f"r{i}.txt").write_text(
            REVIEW_TEXT + f"\n1.3 The nursery saw Child {i} most days and noted no concern.\n"
        )
    return folder


def _annotate(fmt: str, path, decide):
    """What each tool hands back after an annotator worked through the tasks, in the shape
    its documentation shows; ``decide(task_text, suggested_names)`` gives the chosen theme
    names (readable names, as the tasks show them)."""
    from scr_nlp.taxonomy import THEMES

    by_name = {t.name: t.id for t in THEMES}
    by_id = {t.id: t.name for t in THEMES}
    if fmt == "labelstudio":
        tasks = json.loads(path.read_text())
        for i, task in enumerate(tasks, start=1):
            suggested = task["predictions"][0]["result"][0]["value"]["choices"]
            chosen = decide(task["data"]["text"], suggested)
            task |= {
                "id": i,
                "annotations": [
                    {
                        "id": 100 + i,
                        "completed_by": 1,
                        "result": [
                            {
                                "id": f"r{i}",
                                "type": "choices",
                                "value": {"choices": chosen},
                                "origin": "manual",
                                "to_name": "text",
                                "from_name": "themes",
                            }
                        ]
                        if chosen
                        else [],
                        "was_cancelled": False,
                    }
                ],
            }
        path.write_text(json.dumps(tasks))
        return
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for i, row in enumerate(rows):
        if fmt == "prodigy":  # db-out: the task with the annotator's answer
            chosen = decide(row["text"], [by_id[x] for x in row["accept"]])
            row |= {"accept": [by_name[c] for c in chosen], "answer": "accept",
                    "_view_id": "choice", "_input_hash": i, "_task_hash": i}  # fmt: skip
        elif fmt == "doccano":  # export of a text-classification project: label texts
            row |= {"id": i + 1, "label": decide(row["text"], row["meta"]["suggested"])}
        else:
            row["labels"] = [
                by_name[c] for c in decide(row["text"], [by_id[x] for x in row["suggested"]])
            ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio", "doccano", "jsonl"])
def test_queue_round_trips_through_each_tool(models_home, docs, tmp_path, fmt):
    items = build_queue([docs], n=4, strategy="uncertainty")
    assert len(items) == 4
    assert [x.priority for x in items] == sorted((x.priority for x in items), reverse=True)
    assert all(x.before or x.after for x in items)  # annotators see the neighbours
    written = write_tasks(items, fmt, tmp_path / f"tasks.{fmt}")
    path = written[0]
    if fmt == "labelstudio":
        config = written[1].read_text()
        assert '<Choices name="themes" toName="text" choice="multiple"' in config
        assert 'value="Child not seen or heard"' in config
    # Exported untouched, the tasks hold suggestions only: nothing is read as an annotation.
    untouched = read_annotations(path)
    assert untouched.annotations == [] and untouched.not_annotated == 4
    # The annotator corrects the first task and accepts the others as suggested.
    first = items[0].text
    _annotate(
        fmt,
        path,
        lambda text, suggested: ["Agency missing from joint work"] if text == first else suggested,
    )
    back = read_annotations(path)
    expected = [(x.text, ("agency_absence",) if x.text == first else x.suggested) for x in items]
    assert [(a.text, a.labels) for a in back.annotations] == expected


def test_retrain_refuses_untouched_tasks(models_home, docs, tmp_path):
    from scr_nlp.annotations.retrain import retrain
    from scr_nlp.errors import DataError

    path = write_tasks(build_queue([docs], n=3), "labelstudio", tmp_path / "tasks.json")[0]
    with pytest.raises(DataError, match="no annotations to import.*3 task"):
        retrain([path])


def test_diversity_and_disagreement(models_home, docs, monkeypatch):
    monkeypatch.setattr(
        "scr_nlp.models.catalog.model_roots", lambda: [models_home]
    )  # no shipped models
    diverse = build_queue([docs], n=3, strategy="diversity")
    assert len({x.text for x in diverse}) == 3
    from scr_nlp.errors import ModelError

    with pytest.raises(ModelError, match="second learned model"):
        build_queue([docs], n=3, strategy="disagreement")
    from scr_nlp.models.keyword import KeywordThemeClassifier
    from scr_nlp.models.store import ThemeModel, save_model
    from scr_nlp.taxonomy import THEME_IDS

    rules = save_model(
        ThemeModel(KeywordThemeClassifier(), {t: 0.5 for t in THEME_IDS}, {"type": "keyword"}),
        models_home / "rules",
    )
    with pytest.raises(ModelError):  # a rules model is not a second learned model
        build_queue([docs], n=3, strategy="disagreement")
    items = build_queue([docs], n=3, strategy="disagreement", second_model=str(rules))
    assert [x.priority for x in items] == sorted((x.priority for x in items), reverse=True)
    assert "differ by" in items[0].reason


def test_disagreement_scores_the_second_model_with_each_sentences_own_neighbours(models_home, docs):
    # The same model twice must agree exactly: any gap would come from wrong neighbours.
    items = build_queue([docs], n=50, strategy="disagreement", second_model="tiny")
    assert len(items) > 3 and all(x.priority == 0 for x in items)


def test_kappa_and_alpha_known_answers():
    # 10 items, each annotator says yes 4 times, they agree on 8 (3 yes, 5 no):
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 7/12; alpha = 1 - 0.2 / (2*8*12 / (20*19)) = 0.604167
    a = [True] * 4 + [False] * 6
    b = [True] * 3 + [False] + [True] + [False] * 5
    assert cohen_kappa(a, b) == pytest.approx(7 / 12)
    assert cohen_kappa([True, False], [True, False]) == 1.0
    assert cohen_kappa([True, True], [True, True]) is None  # one value throughout: undefined
    # Krippendorff's alpha for two coders, nominal, no missing: known value for this table
    units = [[x, y] for x, y in zip(a, b, strict=True)]
    assert krippendorff_alpha(units) == pytest.approx(1 - 0.2 * 380 / 192)
    assert krippendorff_alpha([[1, 1, 1], [0, 0, 0], [1, 1, None]]) == 1.0


def test_agreement_from_files(tmp_path):
    rows_a = [
        {"text": "Child A was not seen.", "label": ["child_not_seen"]},
        {"text": "Housing came.", "label": []},
        {"text": "Mr X was not checked.", "label": ["fathers_overlooked"]},
    ]
    rows_b = [
        {"text": "Child A was not seen.", "label": ["child_not_seen"]},
        {"text": "Housing came.", "label": ["agency_absence"]},
        {"text": "Mr X was not checked.", "label": ["fathers_overlooked"]},
    ]
    paths = []
    for name, rows in (("a.jsonl", rows_a), ("b.jsonl", rows_b)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
        paths.append(tmp_path / name)
    result = agreement_from_files(paths)
    assert result["themes"]["child_not_seen"]["cohen_kappa"] == 1.0
    aa = result["themes"]["agency_absence"]
    assert aa["percent_agreement"] == pytest.approx(66.67, abs=0.01)
    assert aa["disagreements"] == [{"text": "Housing came.", "labels": [[], ["agency_absence"]]}]
    three = agreement_from_files([*paths, paths[0]])
    assert "cohen_kappa" not in three["themes"]["agency_absence"]


def test_agreement_undefined_and_partly_rated(tmp_path):
    from scr_nlp.annotations.agreement import format_agreement

    # nobody used a theme: kappa and alpha are 0/0, not perfect agreement
    assert cohen_kappa([False, False, False], [False, False, False]) is None
    assert krippendorff_alpha([[0, 0], [0, 0]]) is None
    rows = {
        "a.jsonl": [("Housing came.", []), ("Health came.", []), ("Mr X was not checked.", [])],
        "b.jsonl": [("Housing came.", ["agency_absence"]), ("Health came.", ["agency_absence"])],
        "c.jsonl": [("Mr X was not checked.", [])],
    }
    paths = []
    for name, items in rows.items():
        path = tmp_path / name
        path.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in items))
        paths.append(path)
    result = agreement_from_files(paths)
    agency = result["themes"]["agency_absence"]
    # A and B disagree on two sentences that C never rated: they still count
    assert [d["text"] for d in agency["disagreements"]] == ["Health came.", "Housing came."]
    assert agency["percent_agreement"] == pytest.approx(100 / 3, abs=0.01)
    assert result["themes"]["home_education_concealment"]["krippendorff_alpha"] is None
    assert "n/a: undefined" in format_agreement(result)
