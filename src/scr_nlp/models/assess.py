"""`scr-nlp evaluate`: score a saved model, with the keyword model beside it."""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.corpus.io import corpus_path, labelled_sentences, load_documents
from scr_nlp.models.evaluation import choose_thresholds, evaluate_scores, label_matrix
from scr_nlp.models.store import ThemeModel, load_model, models_dir
from scr_nlp.models.training import as_inputs
from scr_nlp.taxonomy import THEMES


def keyword_comparator(corpus: Path | None) -> ThemeModel:
    """The shipped keyword model, or rules thresholded on dev when it is not installed."""
    shipped = models_dir() / "keyword"
    if (shipped / "meta.json").exists():
        return load_model(shipped)
    from scr_nlp.models.keyword import KeywordThemeClassifier

    classifier = KeywordThemeClassifier()
    dev = labelled_sentences(load_documents(corpus, "dev"))
    thresholds = choose_thresholds(
        label_matrix([s.labels for s in dev]), classifier.predict_proba(as_inputs(dev))
    )
    return ThemeModel(
        classifier, thresholds, {"type": "keyword", "version": "v1", "name": "keyword (rules)"}
    )


def evaluate_model(
    model_path: str | Path | None,
    split: str = "dev",
    data: Path | None = None,
    corpus: Path | None = None,
    threshold: float | None = None,
) -> dict:
    model = load_model(model_path)
    if data is not None:
        docs = load_documents(data)
        source = str(data)
    else:
        docs = load_documents(corpus, split)
        source = f"{corpus_path(corpus).name}:{split}"
    sentences = labelled_sentences(docs)
    gold = label_matrix([s.labels for s in sentences])
    doc_ids = [s.doc_id for s in sentences]
    hard = [s.hard_negative for s in sentences]
    inputs = as_inputs(sentences)
    results = {"data": source, "documents": len(docs), "sentences": len(sentences)}
    for key, m in (("model", model), ("keyword", keyword_comparator(corpus))):
        thresholds = m.thresholds if threshold is None else {t: threshold for t in m.thresholds}
        results[key] = {
            "name": m.name,
            "type": m.meta.get("type"),
            "metrics": evaluate_scores(gold, m.predict_proba(inputs), thresholds, doc_ids, hard),
        }
    results["macro_f1_gain_over_keyword"] = round(
        results["model"]["metrics"]["sentence"]["macro_f1"]
        - results["keyword"]["metrics"]["sentence"]["macro_f1"],
        4,
    )
    return results


def write_evaluation(results: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = out_dir / "metrics.json"
    report_path = out_dir / "report.md"
    metrics_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    report_path.write_text(evaluation_markdown(results), encoding="utf-8")
    return metrics_path, report_path


def evaluation_markdown(results: dict) -> str:
    m, k = results["model"], results["keyword"]
    lines = [
        f"# Evaluation of {m['name']} ({m['type']}) on {results['data']}",
        "",
        f"{results['documents']} documents, {results['sentences']} sentences. "
        f"Keyword model `{k['name']}` beside it for comparison.",
        "",
        "| theme | level | P | R | F1 | keyword F1 |",
        "|---|---|---|---|---|---|",
    ]
    for level in ("sentence", "document"):
        for t in THEMES:
            s = m["metrics"][level]["per_theme"][t.id]
            kw = k["metrics"][level]["per_theme"][t.id]
            lines.append(
                f"| {t.id} | {level} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {kw['f1']:.3f} |"
            )
    for level in ("sentence", "document"):
        mm, kk = m["metrics"][level], k["metrics"][level]
        lines.append(
            f"| **macro** | {level} | {mm['macro_precision']:.3f} | {mm['macro_recall']:.3f} | **{mm['macro_f1']:.3f}** | {kk['macro_f1']:.3f} |"
        )
        lines.append(
            f"| micro | {level} | {mm['micro']['precision']:.3f} | {mm['micro']['recall']:.3f} | {mm['micro_f1']:.3f} | {kk['micro_f1']:.3f} |"
        )
    ms, ks = m["metrics"]["sentence"], k["metrics"]["sentence"]
    lines += [
        "",
        f"- False-alarm rate on no-theme sentences: {ms['false_alarm_rate']:.2%} (keyword {ks['false_alarm_rate']:.2%}).",
        f"- On hard negatives: {ms.get('hard_negative_false_alarm_rate', 0):.2%} (keyword {ks.get('hard_negative_false_alarm_rate', 0):.2%}).",
        f"- Sentence macro-F1 gain over keyword: {results['macro_f1_gain_over_keyword']:+.3f}.",
        "",
    ]
    return "\n".join(lines)
