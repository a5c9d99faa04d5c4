"""`scr-nlp retrain`: import corrections, retrain, show what the corrections changed, maybe promote.

The comparison is fair: the base model's type is trained twice with the same
configuration and seed — once without the new annotations and once with them — so
the only difference is the annotations. Both are scored on the dev sets and on a
fixed, seeded share of the new annotations held out from training, with support per
theme; a set too small to judge is flagged. A new model becomes the default only with
``promote=True`` and only when it is not worse than the current default by more than
``tolerance`` on any held-out set. The report ends with the command to run next.
"""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.annotations.formats import load_annotation_files
from scr_nlp.annotations.merge import build_annotation_set
from scr_nlp.errors import DataError
from scr_nlp.models.catalog import default_name, resolve_model_path, use_model
from scr_nlp.models.evaluate import score_model
from scr_nlp.models.store import load_model
from scr_nlp.models.training import train_model
from scr_nlp.settings import PROMOTION_TOLERANCE, SEED, get_settings
from scr_nlp.taxonomy import THEME_IDS, THEMES

# Fewer positives than this for a theme in a held-out set: its F1 is not judged.
MIN_SUPPORT_TO_JUDGE = 10


def promotion_decision(old: dict, new: dict, tolerance: float) -> tuple[bool, list[str]]:
    """``old``/``new`` map held-out set name -> sentence macro-F1 (None when not judged)."""
    reasons = []
    for name, old_f1 in old.items():
        new_f1 = new.get(name)
        if old_f1 is None or new_f1 is None:
            continue
        if new_f1 < old_f1 - tolerance:
            reasons.append(
                f"macro-F1 on {name} fell from {old_f1:.3f} to {new_f1:.3f} (tolerance {tolerance:.3f})"
            )
    return not reasons, reasons


def _judged_macro(metrics: dict) -> float | None:
    """Macro-F1 over the themes with enough support to judge; None when none has."""
    block = metrics["sentence"]
    themes = [t for t in THEME_IDS if block["per_theme"][t]["support"] >= MIN_SUPPORT_TO_JUDGE]
    if not themes:
        return None
    return round(sum(block["per_theme"][t]["f1"] for t in themes) / len(themes), 4)


def _score_sets(model, sets: dict[str, list]) -> dict[str, dict]:
    return {name: score_model(model, sentences) for name, sentences in sets.items() if sentences}


def retrain(
    annotation_files: list[Path],
    base_model: str | None = None,
    out: Path | None = None,
    promote: bool = False,
    skip_invalid: bool = False,
    tolerance: float = PROMOTION_TOLERANCE,
    seed: int = SEED,
    corpus: Path | None = None,
    log=lambda message: None,
) -> dict:
    from scr_nlp.corpus.io import labelled_sentences, load_documents
    from scr_nlp.models.training import training_sets

    base_path = resolve_model_path(base_model)
    base = load_model(base_path)
    # Promotion is judged against the model in use, whichever model the retraining starts from.
    default_path = resolve_model_path(None)
    previous_default = default_name() or default_path.name
    current = base if default_path == base_path else load_model(default_path)
    results = load_annotation_files(annotation_files, skip_invalid)
    imported = sum(len(r.annotations) for r in results)
    not_annotated = sum(r.not_annotated for r in results)
    if imported == 0:
        raise DataError(
            f"no annotations to import from {', '.join(map(str, annotation_files))} "
            f"({not_annotated} task(s) had no annotator's answer: suggestions alone are not "
            "corrections); annotate and export the tasks first"
        )
    aset = build_annotation_set(results, corpus, seed=seed)
    log(f"annotation set {aset.directory}: {aset.counts}")
    if not aset.kept and not aset.heldout:
        raise DataError(
            f"none of the {imported} annotation(s) is new (duplicates of the corpus or "
            f"conflicts: see {aset.directory / 'conflicts.csv'}); nothing to retrain on"
        )
    out = Path(out or get_settings().models_dir / f"{base.type_name}-{aset.directory.name}")
    without = out.with_name(out.name + "-without-annotations")
    config = dict(base.meta.get("config") or {})
    config.pop("seed", None)
    log(
        f"training {base.type_name} twice with the same settings: without, then with the annotations"
    )
    before = train_model(base.type_name, without, corpus, seed, config, log=log)
    after = train_model(base.type_name, out, aset.corpus_path, seed, config, log=log)

    _, dev_sets, _ = training_sets(corpus)
    sets = {d.name: d.sentences for d in dev_sets}
    sets["annotations_heldout"] = (
        labelled_sentences(load_documents(aset.heldout_path)) if aset.heldout else []
    )
    scored = {
        "current_default": _score_sets(current, sets),
        "without_annotations": _score_sets(load_model(without), sets),
        "with_annotations": _score_sets(load_model(out), sets),
    }
    judged = {k: {n: _judged_macro(m) for n, m in v.items()} for k, v in scored.items()}
    passes, reasons = promotion_decision(
        judged["current_default"], judged["with_annotations"], tolerance
    )
    promoted = False
    if promote and passes:
        use_model(str(out))
        promoted = True
    report = {
        "annotation_set": str(aset.directory),
        "data_changes": aset.counts | {"tasks_without_an_answer": not_annotated},
        "conflicts_file": str(aset.directory / "conflicts.csv"),
        "conflicts": len(aset.conflicts),
        "base_model": str(base_path),
        "previous_default": previous_default,
        "model_without_annotations": str(without),
        "new_model": str(out),
        "training_seconds": {
            "without": before["training_seconds"],
            "with": after["training_seconds"],
        },
        "tolerance": tolerance,
        "scores": scored,
        "judged_macro_f1": judged,
        "min_support_to_judge": MIN_SUPPORT_TO_JUDGE,
        "passes_promotion_rule": passes,
        "promoted": promoted,
        "why_not_promoted": [] if promoted else (reasons or ["--promote was not given"]),
        "default_model": default_name(),
    }
    report["next_command"] = _next_command(report, annotation_files)
    report["summary"] = _summary(report)
    (out / "retrain_report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (out / "retrain_report.md").write_text(retrain_markdown(report), encoding="utf-8")
    return report


def _next_command(report: dict, files: list[Path]) -> str:
    name = Path(report["new_model"]).name
    if report["promoted"]:
        return f"scr-nlp models use {report['previous_default']}   # to go back to the previous default"
    if report["passes_promotion_rule"]:
        return f"scr-nlp models use {name}   # make the new model the default (no retraining)"
    if report["conflicts"]:
        return (
            f"fill the resolution column of {report['conflicts_file']}, then: scr-nlp retrain "
            + " ".join(map(str, files))
            + f" {report['conflicts_file']}"
        )
    return "annotate more sentences (scr-nlp queue ...), then retrain; the default is unchanged"


def _summary(report: dict) -> str:
    name = Path(report["new_model"]).name
    if report["promoted"]:
        status = "promoted to default"
    elif report["passes_promotion_rule"]:
        status = "passes the promotion rule but was not promoted (--promote not given)"
    else:
        status = "kept beside the default (" + "; ".join(report["why_not_promoted"]) + ")"
    return (
        f"new model {name}: {status}; report in {report['new_model']}/retrain_report.md\n"
        f"next: {report['next_command']}"
    )


def retrain_markdown(report: dict) -> str:
    columns = ("current_default", "without_annotations", "with_annotations")
    lines = [
        f"# Retraining report: {Path(report['new_model']).name}",
        "",
        f"Base model `{report['base_model']}`; annotation set `{report['annotation_set']}`. "
        "The models without and with the annotations were trained with the same type, "
        "configuration and seed, so their difference is the annotations' effect.",
        "",
        "## What changed in the data",
        "",
        *[f"- {k.replace('_', ' ')}: {v}" for k, v in report["data_changes"].items()],
        f"- conflicts to resolve: {report['conflicts']} (fill the `resolution` column of "
        f"`{report['conflicts_file']}` and pass the file to `scr-nlp retrain` again)",
        "",
        "## Sentence F1 per theme (support = gold positives in the set)",
        "",
        "| set | theme | support | current default | without annotations | with annotations |",
        "|---|---|---|---|---|---|",
    ]
    scores = report["scores"]
    for name in scores["with_annotations"]:
        for t in THEMES:
            support = scores["with_annotations"][name]["sentence"]["per_theme"][t.id]["support"]
            cells = [f"{scores[c][name]['sentence']['per_theme'][t.id]['f1']:.3f}" for c in columns]
            flag = " (too few to judge)" if support < report["min_support_to_judge"] else ""
            lines.append(f"| {name} | {t.name} | {support}{flag} | " + " | ".join(cells) + " |")
        judged = [report["judged_macro_f1"][c][name] for c in columns]
        lines.append(
            f"| {name} | **macro, judged themes** | | "
            + " | ".join("not judged" if v is None else f"**{v:.3f}**" for v in judged)
            + " |"
        )
    lines += [
        "",
        f"Themes with fewer than {report['min_support_to_judge']} positive sentences in a set are "
        "not judged: their F1 swings with a single sentence.",
        "",
        "## Promotion",
        "",
    ]
    if report["promoted"]:
        lines.append(f"Promoted: `{Path(report['new_model']).name}` is now the default model.")
    elif report["passes_promotion_rule"]:
        lines.append(
            "The new model passes the promotion rule (not worse than the current default by more "
            f"than {report['tolerance']:.3f} on any judged set) but `--promote` was not given."
        )
    else:
        lines.append(
            f"Not promoted; the default stays `{report['default_model']}`. Why: "
            + "; ".join(report["why_not_promoted"])
            + "."
        )
    lines += ["", "## Next", "", f"    {report['next_command']}", ""]
    return "\n".join(lines)
