from __future__ import annotations

import numpy as np

from scr_nlp.models.metrics import choose_thresholds, evaluate_scores, label_matrix
from scr_nlp.taxonomy import THEME_IDS


def test_metrics_known_answer():
    gold = label_matrix([("child_not_seen",), (), ("child_not_seen", "agency_absence"), ()])
    scores = np.zeros((4, 5), dtype=np.float32)
    scores[0, 0] = 0.9  # tp
    scores[1, 0] = 0.8  # fp on a no-theme sentence
    scores[2, 4] = 0.7  # tp agency; child_not_seen missed
    thresholds = {t: 0.5 for t in THEME_IDS}
    m = evaluate_scores(gold, scores, thresholds, ["d1", "d1", "d2", "d3"])
    cns = m["sentence"]["per_theme"]["child_not_seen"]
    assert (cns["tp"], cns["fp"], cns["fn"]) == (1, 1, 1)
    assert cns["f1"] == 0.5
    assert m["sentence"]["false_alarm_rate"] == 0.5
    doc = m["document"]["per_theme"]["child_not_seen"]
    assert (doc["tp"], doc["fp"], doc["fn"]) == (1, 0, 1)  # d1 found, d2 missed


def test_thresholds_maximise_f1():
    gold = label_matrix([("child_not_seen",), ("child_not_seen",), (), ()])
    scores = np.zeros((4, 5), dtype=np.float32)
    scores[:, 0] = [0.3, 0.4, 0.2, 0.1]
    assert choose_thresholds(gold, scores)["child_not_seen"] == np.float32(0.3)
