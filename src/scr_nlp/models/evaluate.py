"""`scr-nlp evaluate`: score a saved model on labelled data, with a comparison model beside it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from scr_nlp.corpus.io import corpus_path, labelled_sentences, load_documents
from scr_nlp.errors import ModelError
from scr_nlp.models.metrics import (
    REAL_MIN_DOCUMENTS,
    REAL_MIN_SUPPORT,
    evaluate_scores,
    label_matrix,
    macro_over_supported,
)
from scr_nlp.models.store import ThemeModel, load_model
from scr_nlp.taxonomy import THEMES

DEFAULT_COMPARISON = "keyword"


def evaluation_sentences(
    split: str = "dev",
    data: Path | None = None,
    corpus: Path | None = None,
    real: bool = False,
    real_csv: Path | None = None,
):
    """(sentences, description) for a corpus split, a JSONL file, or the real-text part."""
    if real:
        from scr_nlp.corpus.real import load_real_reports, real_labelled_sentences

        reports = load_real_reports(real_csv, split)
        return real_labelled_sentences(reports), f"real coroners' reports:{split}", len(reports)
    if data is not None:
        docs = load_documents(data)
        return labelled_sentences(docs), str(data), len(docs)
    docs = load_documents(corpus, split)
    return labelled_sentences(docs), f"{corpus_path(corpus).name}:{split}", len(docs)


def score_model(model: ThemeModel, sentences, threshold: float | None = None, scores=None) -> dict:
    """Metrics for ``sentences`` under the model's decision rule; ``scores`` (sentences x
    themes) skips the prediction when the caller already has them."""
    from scr_nlp.tagging import Decision

    decision = Decision.from_model(model, threshold)
    themes = [t.id for t in THEMES]
    if scores is None:
        scores = model.predict_proba([s.input for s in sentences])
    return evaluate_scores(
        label_matrix([s.labels for s in sentences]),
        scores,
        dict(zip(themes, decision.sentence, strict=True)),
        [s.doc_id for s in sentences],
        [s.hard_negative for s in sentences],
        dict(zip(themes, decision.document, strict=True)),
    )


def evaluate_model(
    model_path: str | Path | None,
    split: str = "dev",
    data: Path | None = None,
    corpus: Path | None = None,
    threshold: float | None = None,
    compare: str | None = DEFAULT_COMPARISON,
    real: bool = False,
    real_csv: Path | None = None,
) -> dict:
    """Per-theme metrics for a model (and a comparison model, when it is installed)."""
    entries = [("model", load_model(model_path))]
    if compare == DEFAULT_COMPARISON:
        with contextlib.suppress(ModelError):  # evaluation stands without the default comparison
            entries.append(("comparison", load_model(compare)))
    elif compare:  # one the user named must load: a typo is an error, not a missing column
        entries.append(("comparison", load_model(compare)))
    sentences, source, documents = evaluation_sentences(split, data, corpus, real, real_csv)
    results = {"data": source, "documents": documents, "sentences": len(sentences)}
    for key, m in entries:
        metrics = score_model(m, sentences, threshold)
        results[key] = {
            "name": m.name,
            "type": m.meta.get("type"),
            "sha256": m.content_sha256,
            "metrics": metrics,
        }
    if real:
        results["min_support"] = REAL_MIN_SUPPORT
        for key, _ in entries:
            for level in ("sentence", "document"):
                block = results[key]["metrics"][level]
                block["macro_f1_supported"] = macro_over_supported(
                    block, REAL_MIN_SUPPORT if level == "sentence" else REAL_MIN_DOCUMENTS
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
    m, k = results["model"], results.get("comparison")
    lines = [
        f"# Evaluation of {m['name']} ({m['type']}) on {results['data']}",
        "",
        f"{results['documents']} documents, {results['sentences']} sentences."
        + (f" Comparison model `{k['name']}` beside it." if k else ""),
        "",
        "| theme | level | support | P | R | F1 |" + (" comparison F1 |" if k else ""),
        "|---|---|---|---|---|---|" + ("---|" if k else ""),
    ]
    for level in ("sentence", "document"):
        for t in THEMES:
            s = m["metrics"][level]["per_theme"][t.id]
            row = (
                f"| {t.name} | {level} | {s['support']} | {s['precision']:.3f} | "
                f"{s['recall']:.3f} | {s['f1']:.3f} |"
            )
            if k:
                row += f" {k['metrics'][level]['per_theme'][t.id]['f1']:.3f} |"
            lines.append(row)
    for level in ("sentence", "document"):
        mm = m["metrics"][level]
        row = (
            f"| **macro** | {level} | | {mm['macro_precision']:.3f} | {mm['macro_recall']:.3f} "
            f"| **{mm['macro_f1']:.3f}** |"
        )
        if k:
            row += f" {k['metrics'][level]['macro_f1']:.3f} |"
        lines.append(row)
    ms = m["metrics"]["sentence"]
    lines += [
        "",
        f"- False alarms on no-theme sentences: {ms['false_alarm_rate']:.2%}"
        + (f" (comparison {k['metrics']['sentence']['false_alarm_rate']:.2%})." if k else "."),
    ]
    if "hard_negative_false_alarm_rate" in ms:
        lines.append(
            f"- False alarms on hard negatives: {ms['hard_negative_false_alarm_rate']:.2%}."
        )
    if "min_support" in results:
        lines.append(
            f"- Macro-F1 over themes with at least {results['min_support']} positive sentences: "
            f"{ms.get('macro_f1_supported')}; over themes with at least 10 positive documents: "
            f"{m['metrics']['document'].get('macro_f1_supported')}."
        )
    return "\n".join(lines) + "\n"
