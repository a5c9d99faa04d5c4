"""Thresholds and metrics: sentence and document level, macro and micro, false alarms."""

from __future__ import annotations

from collections.abc import Sequence

from scr_nlp.taxonomy import THEME_IDS


def label_matrix(labels: Sequence[Sequence[str]]):
    import numpy as np

    return np.array([[t in lab for t in THEME_IDS] for lab in labels], dtype=bool).reshape(
        -1, len(THEME_IDS)
    )


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": int(tp + fn),
        "tp": int(tp),
        "fp": int(fp),
        "fn": int(fn),
    }


def choose_thresholds(gold, scores) -> dict[str, float]:
    """Per theme, the threshold that maximises F1 (ties go to the higher threshold)."""
    import numpy as np

    thresholds = {}
    for j, theme in enumerate(THEME_IDS):
        y, s = gold[:, j], scores[:, j]
        candidates = np.unique(np.round(s, 4))
        candidates = candidates[(candidates > 0) & (candidates < 1)]
        if len(candidates) > 400:
            candidates = np.quantile(candidates, np.linspace(0, 1, 401))
        best_t, best_f = 0.5, -1.0
        for t in candidates:
            pred = s >= t
            tp = int((pred & y).sum())
            fp = int((pred & ~y).sum())
            fn = int((~pred & y).sum())
            f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f >= best_f:
                best_t, best_f = float(t), f
        thresholds[theme] = best_t
    return thresholds


def score_block(gold, pred) -> dict:
    per = {}
    totals = [0, 0, 0]
    for j, theme in enumerate(THEME_IDS):
        tp = int((pred[:, j] & gold[:, j]).sum())
        fp = int((pred[:, j] & ~gold[:, j]).sum())
        fn = int((~pred[:, j] & gold[:, j]).sum())
        per[theme] = _prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    micro = _prf(*totals)
    macro = {
        k: round(sum(per[t][k] for t in THEME_IDS) / len(THEME_IDS), 4)
        for k in ("precision", "recall", "f1")
    }
    return {
        "per_theme": per,
        "macro_f1": macro["f1"],
        "macro_precision": macro["precision"],
        "macro_recall": macro["recall"],
        "micro_f1": micro["f1"],
        "micro": micro,
    }


def evaluate_scores(gold, scores, thresholds, doc_ids, hard_negative=None) -> dict:
    """Metrics for sentence scores; documents carry a theme when any sentence does."""
    import numpy as np

    thr = np.array([thresholds[t] for t in THEME_IDS], dtype=np.float32)
    pred = scores >= thr
    sentence = score_block(gold, pred)
    no_theme = ~gold.any(axis=1)
    sentence["false_alarm_rate"] = round(
        float(pred[no_theme].any(axis=1).mean()) if no_theme.any() else 0.0, 4
    )
    sentence["no_theme_sentences"] = int(no_theme.sum())
    if hard_negative is not None and np.any(hard_negative):
        hn = np.asarray(hard_negative, dtype=bool)
        sentence["hard_negative_false_alarm_rate"] = round(float(pred[hn].any(axis=1).mean()), 4)
    order = {}
    for i, d in enumerate(doc_ids):
        order.setdefault(d, []).append(i)
    doc_gold = np.array([gold[idx].any(axis=0) for idx in order.values()])
    doc_pred = np.array([pred[idx].any(axis=0) for idx in order.values()])
    document = score_block(doc_gold, doc_pred)
    document["documents"] = len(order)
    return {"sentence": sentence, "document": document, "sentences": int(len(gold))}
