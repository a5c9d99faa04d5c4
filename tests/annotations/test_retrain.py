from __future__ import annotations

import json

from scr_nlp.annotations.retrain import promotion_decision, retrain
from scr_nlp.models.catalog import default_name


def test_promotion_rule_both_ways():
    ok, reasons = promotion_decision(
        {"test": 0.80, "heldout": 0.70}, {"test": 0.795, "heldout": 0.75}, 0.01
    )
    assert ok and reasons == []
    ok, reasons = promotion_decision(
        {"test": 0.80, "heldout": 0.70}, {"test": 0.78, "heldout": 0.90}, 0.01
    )
    assert not ok and "test fell from 0.800 to 0.780" in reasons[0]
    ok, _ = promotion_decision({"test": 0.8, "heldout": None}, {"test": 0.8, "heldout": 0.1}, 0.0)
    assert ok  # an empty held-out set does not block


def _annotations(tmp_path):
    rows = [
        {
            "text": f"On visit {i} the health visitor spoke only to Mother and never saw Child {i}.",
            "label": ["child_not_seen"],
        }
        for i in range(8)
    ]
    rows += [
        {
            "text": f"Probation held record {i} on Mr X and was not asked for it.",
            "label": ["agency_absence", "fathers_overlooked"],
        }
        for i in range(8)
    ]
    path = tmp_path / "doccano.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_retrain_compares_like_with_like_and_promotes_only_when_asked(
    models_home, tiny_corpus, tmp_path
):
    path = _annotations(tmp_path)
    report = retrain([path], out=models_home / "candidate", corpus=tiny_corpus)
    assert report["data_changes"]["imported"] == 16
    assert not report["promoted"] and default_name() == "tiny"
    # without and with the annotations: same type, configuration and seed
    without = json.loads((models_home / "candidate-without-annotations" / "meta.json").read_text())
    with_ = json.loads((models_home / "candidate" / "meta.json").read_text())
    assert without["config"] == with_["config"] and without["seed"] == with_["seed"]
    assert without["training_data"]["sha256"] != with_["training_data"]["sha256"]
    assert set(report["scores"]) == {"current_default", "without_annotations", "with_annotations"}
    held = report["scores"]["with_annotations"]["annotations_heldout"]["sentence"]["per_theme"]
    assert all("support" in v for v in held.values())
    markdown = (models_home / "candidate" / "retrain_report.md").read_text()
    assert "too few to judge" in markdown
    assert markdown.rstrip().endswith(report["next_command"])
    if report["passes_promotion_rule"]:
        assert report["next_command"].startswith("scr-nlp models use candidate")
    report = retrain(
        [path], out=models_home / "candidate2", corpus=tiny_corpus, promote=True, tolerance=1.0
    )
    assert report["promoted"] and default_name() == "candidate2"
    assert json.loads((models_home / "default.json").read_text())["previous"] == "tiny"
    assert (models_home / "tiny" / "meta.json").exists()  # the previous default is kept


def test_promotion_is_judged_against_the_default_not_the_base_model(
    models_home, tiny_corpus, tmp_path, monkeypatch
):
    import shutil

    import scr_nlp.annotations.retrain as retrain_module

    shutil.copytree(models_home / "tiny", models_home / "other")
    scored = []
    real_score_sets = retrain_module._score_sets
    monkeypatch.setattr(
        retrain_module,
        "_score_sets",
        lambda model, sets: scored.append(model.path.name) or real_score_sets(model, sets),
    )
    report = retrain(
        [_annotations(tmp_path)],
        base_model="other",
        out=models_home / "candidate",
        corpus=tiny_corpus,
        promote=True,
        tolerance=1.0,
    )
    assert scored[0] == "tiny"  # the current default, though retraining started from "other"
    assert report["promoted"] and report["previous_default"] == "tiny"
    assert report["next_command"].startswith("scr-nlp models use tiny ")
