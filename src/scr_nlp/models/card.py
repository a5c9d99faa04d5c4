"""MODEL_CARD.md from a model's meta.json."""

from __future__ import annotations

from scr_nlp.taxonomy import THEMES


def _metrics_table(metrics: dict) -> list[str]:
    lines = ["| theme | sentence P | R | F1 | document F1 |", "|---|---|---|---|---|"]
    sent, doc = metrics.get("sentence", {}), metrics.get("document", {})
    for t in THEMES:
        s, d = sent.get("per_theme", {}).get(t.id, {}), doc.get("per_theme", {}).get(t.id, {})
        lines.append(
            f"| {t.name} | {s.get('precision', 0):.3f} | {s.get('recall', 0):.3f} | {s.get('f1', 0):.3f} | {d.get('f1', 0):.3f} |"
        )
    lines.append(
        f"| **macro** | | | **{sent.get('macro_f1', 0):.3f}** | **{doc.get('macro_f1', 0):.3f}** |"
    )
    lines.append("")
    lines.append(f"False-alarm rate on no-theme sentences: {sent.get('false_alarm_rate', 0):.3%}.")
    return lines


def model_card(meta: dict) -> str:
    data = meta.get("training_data", {})
    metrics = meta.get("metrics", {})
    real_dev = metrics.get("real_dev")
    lines = [
        f"# Model card: {meta['name']} ({meta['registered_name']})",
        "",
        "## Intended use",
        "Tags sentences of child safeguarding case reviews (serious case reviews, child "
        "safeguarding practice reviews, related reviews and reports about them) with the five "
        f"recurring practice failings of the scr-nlp codebook (version {meta['codebook_version']}). "
        "It is an aid to reading at scale: every tag comes with its evidence sentence and score, "
        "and a person should read the evidence before relying on a tag. It must not be used to "
        "make decisions about individual children, families or practitioners.",
        "",
        "## Themes (in model order)",
        *[f"- `{t['id']}` — {t['name']}: {t['description']}" for t in meta["taxonomy"]],
        "",
        "## Data",
        f"Trained on the `train` split of the scr-nlp corpus ({data.get('train_documents', '?')} "
        f"documents written by the team) and, where given, the train part of the real coroners' "
        f"reports ({data.get('real_train_reports', 0)} reports, {data.get('real_train_sentences', 0)} "
        f"sentences); {data.get('train_sentences', '?')} sentences in all. Corpus file sha256 "
        f"`{str(data.get('sha256', '?'))[:16]}…`. Configuration and thresholds were chosen on the "
        "corpus dev split and the real dev part together (mean of their F1s).",
        "",
        "## Configuration",
        ", ".join(f"`{k}={v}`" for k, v in (meta.get("config") or {}).items()) or "(defaults)",
        "",
        "## Decision thresholds",
        "A sentence carries a theme at or above its sentence threshold, in a document whose best "
        "sentence reaches the document threshold.",
        "",
        "| theme | sentence | document |",
        "|---|---|---|",
        *[
            f"| `{t}` | {v:.3f} | {meta.get('document_thresholds', {}).get(t, v):.3f} |"
            for t, v in meta["thresholds"].items()
        ],
        "",
        "## Metrics on the corpus dev split (used for model choice)",
        *_metrics_table(metrics.get("dev", {})),
    ]
    if real_dev:
        lines += [
            "",
            "## Metrics on real coroners' reports, dev part (used for model choice)",
            "Only agency_absence and third_party_concerns_ignored are common in these reports; the "
            "other themes have too few positives for their F1 to mean much.",
            *_metrics_table(real_dev),
        ]
    rates = meta.get("error_rates") or {}
    if rates:
        lines += [
            "",
            "## Error rates used to correct prevalence",
            "| theme | sensitivity | specificity | measured on |",
            "|---|---|---|---|",
            *[
                f"| `{t}` | {r['true_positives'] / max(1, r['true_positives'] + r['false_negatives']):.2f} "
                f"| {r['true_negatives'] / max(1, r['true_negatives'] + r['false_positives']):.2f} | {r['source']} |"
                for t, r in rates.items()
            ],
        ]
    lines += [
        "",
        "Final figures on the untouched test parts are in BENCHMARKS.md "
        "(`scr-nlp evaluate --model PATH --split test [--real]`).",
        "",
        "## Limitations",
        "- The corpus is text written by the scr-nlp team to read like real reviews; on real "
        "writing the model scores much lower than on the corpus (BENCHMARKS.md has both).",
        "- Labels are sentence-level: a failing implied only across several sentences may be missed.",
        "- Real-text measurement so far covers coroners' reports, where only two themes are common; "
        "fathers_overlooked and home_education_concealment are measured on team-written text only.",
        "",
        "## Reproduce",
        f"`{reproduce_command(meta)}`, where CORPUS is the corpus file with sha256 "
        f"`{data.get('sha256', 'unknown')}` (the shipped models' is built by `make models`)"
        + (
            ", with SCR_NLP_PFD_CSV set to the real reports the labels were made on."
            if data.get("real_train_reports")
            else "."
        ),
        "",
        f"Library versions: {', '.join(f'{k} {v}' for k, v in meta.get('versions', {}).items())}.",
    ]
    return "\n".join(lines) + "\n"


def reproduce_command(meta: dict) -> str:
    """The `scr-nlp train` command that rebuilds this model: every setting that differs from
    its type's default is given with ``--set``."""
    from dataclasses import MISSING, fields

    from scr_nlp.models.registry import get_model_type

    parts = [f"scr-nlp train --type {meta['type']} --seed {meta.get('seed')} --corpus CORPUS"]
    config = meta.get("config") or {}
    try:
        defaults = {
            f.name: f.default
            for f in fields(get_model_type(meta["type"]).load_config_class())
            if f.default is not MISSING
        }
    except Exception:  # noqa: BLE001 - a card must render even for a type this version lacks
        defaults = {}
    for key, value in config.items():
        if key != "seed" and key in defaults and not _same(value, defaults[key]):
            shown = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
            parts.append(f"--set {key}={shown}")
    parts.append(f"--out models/{meta['name']}")
    return " ".join(parts)


def _same(saved, default) -> bool:
    if isinstance(default, tuple):
        return list(saved) == list(default)
    return saved == default
