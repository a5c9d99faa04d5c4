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


def _f1(pred, gold) -> float:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _candidates(values, floor: float = 0.0):
    import numpy as np

    candidates = np.unique(np.round(values, 4))
    candidates = candidates[(candidates > max(0.0, floor - 1e-9)) & (candidates < 1)]
    if len(candidates) > 400:
        candidates = np.quantile(candidates, np.linspace(0, 1, 401))
    return candidates


# Real text has too few of some themes for their F1 to mean anything: its macro-F1 is taken
# over the themes with at least this many positive sentences (and 10 positive documents).
REAL_MIN_SUPPORT = 20
REAL_MIN_DOCUMENTS = 10

# A set needs this many positives of a theme before it has a say in that theme's threshold.
MIN_POSITIVES_TO_CALIBRATE = 5


def choose_thresholds(gold, scores) -> dict[str, float]:
    """Per theme, the threshold that maximises F1 (ties go to the higher threshold)."""
    return choose_thresholds_multi([(gold, scores)])


def choose_thresholds_multi(sets) -> dict[str, float]:
    """Per theme, the threshold maximising the mean F1 over several labelled sets (e.g. the
    corpus dev split and real dev text), so that neither set's size dominates. A set with
    fewer than ``MIN_POSITIVES_TO_CALIBRATE`` positives of a theme is left out for that theme."""
    import numpy as np

    thresholds = {}
    for j, theme in enumerate(THEME_IDS):
        usable = [
            (g[:, j], s[:, j]) for g, s in sets if g[:, j].sum() >= MIN_POSITIVES_TO_CALIBRATE
        ]
        usable = usable or [(g[:, j], s[:, j]) for g, s in sets[:1]]
        candidates = _candidates(np.concatenate([s for _, s in usable]))
        best_t, best_f = 0.5, -1.0
        for t in candidates:
            f = float(np.mean([_f1(s >= t, y) for y, s in usable]))
            if f >= best_f:
                best_t, best_f = float(t), f
        thresholds[theme] = best_t
    return thresholds


def document_matrices(gold, scores, doc_ids):
    """Per document: gold theme presence, and the best sentence score for each theme."""
    import numpy as np

    order: dict = {}
    for i, d in enumerate(doc_ids):
        order.setdefault(d, []).append(i)
    doc_gold = np.array([gold[idx].any(axis=0) for idx in order.values()]).reshape(
        -1, gold.shape[1]
    )
    doc_best = np.array([scores[idx].max(axis=0) for idx in order.values()]).reshape(
        -1, gold.shape[1]
    )
    return doc_gold, doc_best


def choose_document_thresholds(sets, sentence_thresholds: dict[str, float]) -> dict[str, float]:
    """Per theme, the threshold on a document's best sentence score that maximises mean
    document F1 over the sets; never below the sentence threshold (see tagging.Decision).

    ``sets`` holds (gold, scores, doc_ids) at sentence level."""
    import numpy as np

    docs = [document_matrices(g, s, d) for g, s, d in sets]
    out = {}
    for j, theme in enumerate(THEME_IDS):
        floor = sentence_thresholds[theme]
        usable = [
            (g[:, j], b[:, j]) for g, b in docs if g[:, j].sum() >= MIN_POSITIVES_TO_CALIBRATE
        ]
        usable = usable or [(g[:, j], b[:, j]) for g, b in docs[:1]]
        best_t, best_f = floor, float(np.mean([_f1(b >= floor, y) for y, b in usable]))
        for t in _candidates(np.concatenate([b for _, b in usable]), floor):
            f = float(np.mean([_f1(b >= t, y) for y, b in usable]))
            if f > best_f:
                best_t, best_f = float(t), f
        out[theme] = best_t
    return out


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


def evaluate_scores(
    gold, scores, thresholds, doc_ids, hard_negative=None, document_thresholds=None
) -> dict:
    """Metrics for sentence scores under the tagging decision rule (``tagging.decide``):
    a document carries a theme when its best sentence reaches the document threshold, and
    a sentence carries it when it reaches the sentence threshold in such a document."""
    import numpy as np

    sent_thr = np.array([thresholds[t] for t in THEME_IDS], dtype=np.float32)
    doc_thr = np.maximum(
        sent_thr,
        np.array(
            [(document_thresholds or thresholds).get(t, thresholds[t]) for t in THEME_IDS],
            dtype=np.float32,
        ),
    )
    doc_gold, doc_best = document_matrices(gold, scores, doc_ids)
    doc_pred = doc_best >= doc_thr
    order = {d: k for k, d in enumerate(dict.fromkeys(doc_ids))}
    carried = doc_pred[[order[d] for d in doc_ids]] if len(doc_ids) else doc_pred[:0]
    pred = (scores >= sent_thr) & carried
    sentence = score_block(gold, pred)
    no_theme = ~gold.any(axis=1)
    sentence["false_alarm_rate"] = round(
        float(pred[no_theme].any(axis=1).mean()) if no_theme.any() else 0.0, 4
    )
    sentence["no_theme_sentences"] = int(no_theme.sum())
    if hard_negative is not None and np.any(hard_negative):
        hn = np.asarray(hard_negative, dtype=bool)
        sentence["hard_negative_false_alarm_rate"] = round(float(pred[hn].any(axis=1).mean()), 4)
    document = score_block(doc_gold, doc_pred)
    document["documents"] = len(order)
    return {"sentence": sentence, "document": document, "sentences": int(len(gold))}


def macro_over_supported(block: dict, min_support: int) -> float | None:
    """Macro-F1 over the themes with at least ``min_support`` gold positives (real text
    has too few of some themes for their F1 to mean anything)."""
    themes = [t for t in THEME_IDS if block["per_theme"][t]["support"] >= min_support]
    if not themes:
        return None
    return round(sum(block["per_theme"][t]["f1"] for t in themes) / len(themes), 4)
