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
        f"Trained on the `train` split of the scr-nlp corpus ({data.get('train_documents', '?')} documents, "
        f"{data.get('train_sentences', '?')} sentences; file sha256 `{str(data.get('sha256', '?'))[:16]}…`). "
        "Thresholds were chosen on the `dev` split to maximise each theme's F1.",
        "",
        "## Decision thresholds",
        *[f"- `{t}`: {v:.3f}" for t, v in meta["thresholds"].items()],
        "",
        "## Metrics (dev split, used for model choice)",
        *_metrics_table(meta.get("metrics", {}).get("dev", {})),
        "",
        "Final figures on the untouched test split are in `models/README.md` and BENCHMARKS.md "
        "(`scr-nlp evaluate --model PATH --split test`).",
        "",
        "## Limitations",
        "- The corpus is text written by the scr-nlp team to read like real reviews; it is not "
        "real review text. Expect lower scores on real published reviews, especially on "
        "unfamiliar phrasing, long tables and heavily damaged PDF text.",
        "- Labels are sentence-level: a failing implied only across several sentences may be missed.",
        "- home_education_concealment is rare in real reviews; its precision on real text may be lower "
        "than on the corpus.",
        "",
        "## Reproduce",
        f"`scr-nlp train --model {meta['type']} --seed {meta.get('seed')} --out models/{meta['name']}`",
        "",
        f"Library versions: {', '.join(f'{k} {v}' for k, v in meta.get('versions', {}).items())}.",
    ]
    return "\n".join(lines) + "\n"
