"""Per-field precision and recall of extracted facts against gold labels.

A prediction counts only when it is not None: precision is over the documents where a
value was predicted, recall over the documents where the gold states one. A field the
gold does not label at all (a key absent from every gold record) is not scored.
Agencies are scored as micro precision, recall and F1 over (document, agency) pairs.
"""

from __future__ import annotations

from scr_nlp.facts.records import SCALAR_FIELDS, CaseFacts, age_band


def _plain(record: CaseFacts | dict) -> dict:
    """Field -> plain value, from CaseFacts, its to_dict() form, or a flat gold-style dict."""
    if isinstance(record, CaseFacts):
        return {name: record.value(name) for name in (*SCALAR_FIELDS, "agencies")}
    plain = {}
    for name, value in record.items():
        plain[name] = value["value"] if isinstance(value, dict) and "value" in value else value
    return plain


def _with_band(record: dict) -> dict:
    """A record that states only the age (the real reports' gold) implies its band."""
    if "child_age_band" not in record and "child_age_years" in record:
        years = record["child_age_years"]
        record = {**record, "child_age_band": None if years is None else age_band(years)}
    return record


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _field_scores(pairs: list[tuple[dict, dict]], name: str) -> dict:
    predicted = sum(p.get(name) is not None for _, p in pairs)
    support = sum(g.get(name) is not None for g, _ in pairs)
    correct = sum(p.get(name) is not None and p.get(name) == g.get(name) for g, p in pairs)
    return {
        "precision": _ratio(correct, predicted),
        "recall": _ratio(correct, support),
        "support": support,
        "predicted": predicted,
        "correct": correct,
    }


def evaluate_facts(gold: list[dict], predicted: list[CaseFacts | dict]) -> dict:
    """Scores of ``predicted`` (parallel to ``gold``, one record per document)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold records but {len(predicted)} predictions")
    pairs = [(_with_band(g), _with_band(_plain(p))) for g, p in zip(gold, predicted, strict=True)]
    labelled = {name for g, _ in pairs for name in g}
    fields = {name: _field_scores(pairs, name) for name in SCALAR_FIELDS if name in labelled}
    stated = [(g, p) for g, p in pairs if g.get("child_age_years") is not None]
    result = {"documents": len(pairs), "fields": fields}
    if "child_age_years" in labelled:
        band = _field_scores(stated, "child_age_band")
        result["child_age_band_where_age_stated"] = {
            k: band[k] for k in ("precision", "predicted", "correct")
        }
    if "agencies" in labelled:
        tp = fp = fn = 0
        for g, p in pairs:
            gold_set, predicted_set = set(g.get("agencies") or []), set(p.get("agencies") or [])
            tp += len(gold_set & predicted_set)
            fp += len(predicted_set - gold_set)
            fn += len(gold_set - predicted_set)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = (
            round(2 * precision * recall / (precision + recall), 4) if precision and recall else 0.0
        )
        result["agencies"] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp + fn,
            "predicted": tp + fp,
        }
    return result
