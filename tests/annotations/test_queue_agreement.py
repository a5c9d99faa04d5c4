from __future__ import annotations

import json

import pytest

from scr_nlp.agreement import agreement_from_files, cohen_kappa, krippendorff_alpha
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


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio", "doccano", "jsonl"])
def test_queue_round_trips_through_import(models_home, docs, tmp_path, fmt):
    items = build_queue([docs], n=4, strategy="uncertainty")
    assert len(items) == 4
    assert items == sorted(items, key=lambda x: -x["priority"])
    out = write_tasks(items, fmt, tmp_path / f"tasks.{fmt}")
    if (
        fmt == "labelstudio"
    ):  # an annotator accepting the suggestion turns a prediction into an annotation
        tasks = json.loads(out.read_text())
        for task in tasks:
            task["annotations"] = task.pop("predictions")
        out.write_text(json.dumps(tasks))
    back = read_annotations(out)
    assert [(a.text, a.labels) for a in back.annotations] == [
        (x["text"], tuple(x["suggested"])) for x in items
    ]


def test_diversity_and_disagreement(models_home, docs):
    diverse = build_queue([docs], n=3, strategy="diversity")
    assert len({x["text"] for x in diverse}) == 3
    from scr_nlp.errors import ModelError

    with pytest.raises(ModelError, match="second model"):
        build_queue([docs], n=3, strategy="disagreement")
    import shutil

    from scr_nlp.models.keyword import KeywordThemeClassifier
    from scr_nlp.models.store import ThemeModel, save_model
    from scr_nlp.taxonomy import THEME_IDS

    save_model(
        ThemeModel(KeywordThemeClassifier(), {t: 0.5 for t in THEME_IDS}, {"type": "keyword"}),
        models_home / "rules",
    )
    items = build_queue(
        [docs], n=3, strategy="disagreement", second_model=str(models_home / "rules")
    )
    assert items[0]["priority"] >= items[-1]["priority"]
    shutil.rmtree(models_home / "rules")


def test_kappa_and_alpha_known_answers():
    # 10 items, each annotator says yes 4 times, they agree on 8 (3 yes, 5 no):
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 7/12; alpha = 1 - 0.2 / (2*8*12 / (20*19)) = 0.604167
    a = [True] * 4 + [False] * 6
    b = [True] * 3 + [False] + [True] + [False] * 5
    assert cohen_kappa(a, b) == pytest.approx(7 / 12)
    assert cohen_kappa([True, False], [True, False]) == 1.0
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
