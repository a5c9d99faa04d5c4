"""`scr-nlp retrain`: import corrections, retrain the base model's type, compare, maybe promote.

Evaluation stays honest: the corpus test split is never trained on, and a fixed,
seeded share of the new annotations is held out too. A new model becomes the
default only with ``promote=True`` and only when its sentence macro-F1 is not
worse than the current default's by more than ``tolerance`` on either held-out set.
"""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.annotations.formats import load_annotation_files
from scr_nlp.annotations.merge import build_annotation_set
from scr_nlp.models.assess import evaluate_model
from scr_nlp.models.catalog import default_name, use_model
from scr_nlp.models.store import load_model, models_dir, resolve_model_path
from scr_nlp.models.training import train_model
from scr_nlp.taxonomy import THEME_IDS

DEFAULT_TOLERANCE = 0.01


def promotion_decision(old: dict, new: dict, tolerance: float) -> tuple[bool, list[str]]:
    """``old``/``new`` map held-out set name -> sentence macro-F1 (None when the set is empty)."""
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


def _scores(model_path: Path, corpus: Path, heldout: Path | None) -> dict:
    out = {"corpus_test": evaluate_model(model_path, "test", corpus=corpus)["model"]["metrics"]}
    if heldout is not None:
        out["annotations_heldout"] = evaluate_model(model_path, data=heldout, corpus=corpus)[
            "model"
        ]["metrics"]
    return out


def retrain(
    annotation_files: list[Path],
    base_model: str | None = None,
    out: Path | None = None,
    promote: bool = False,
    skip_invalid: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
    seed: int = 13,
    corpus: Path | None = None,
    log=lambda message: None,
) -> dict:
    base_path = resolve_model_path(base_model)
    base = load_model(base_path)
    results = load_annotation_files(annotation_files, skip_invalid)
    aset = build_annotation_set(results, corpus, seed=seed)
    log(f"annotation set {aset.directory}: {aset.counts}")
    out = out or models_dir() / f"{base.type_name}-{aset.directory.name}"
    log(f"training {base.type_name} on {aset.corpus_path}")
    train_model(base.type_name, out, aset.corpus_path, seed, log=log)
    heldout = aset.heldout_path if aset.heldout else None
    before = _scores(base_path, aset.corpus_path, heldout)
    after = _scores(out, aset.corpus_path, heldout)
    macro = lambda scores: {k: v["sentence"]["macro_f1"] for k, v in scores.items()}  # noqa: E731
    ok, reasons = promotion_decision(macro(before), macro(after), tolerance)
    promoted = False
    if promote and ok:
        use_model(Path(out).name, Path(out).parent)
        promoted = True
    elif not promote:
        reasons = ["--promote was not given", *reasons]
    report = {
        "annotation_set": str(aset.directory),
        "data_changes": aset.counts,
        "conflicts_file": str(aset.directory / "conflicts.csv"),
        "conflicts": len(aset.conflicts),
        "base_model": str(base_path),
        "new_model": str(out),
        "tolerance": tolerance,
        "before": before,
        "after": after,
        "promoted": promoted,
        "kept_as_default": default_name(Path(out).parent),
        "why_not_promoted": [] if promoted else reasons,
    }
    (Path(out) / "retrain_report.json").write_text(
        json.dumps(report, indent=1) + "\n", encoding="utf-8"
    )
    (Path(out) / "retrain_report.md").write_text(retrain_markdown(report), encoding="utf-8")
    return report


def retrain_markdown(report: dict) -> str:
    lines = [
        f"# Retraining report: {Path(report['new_model']).name}",
        "",
        f"Base model `{report['base_model']}`; annotation set `{report['annotation_set']}`.",
        "",
        "## What changed in the data",
        "",
        *[f"- {k.replace('_', ' ')}: {v}" for k, v in report["data_changes"].items()],
        f"- conflicts to resolve: {report['conflicts']} (fill the `resolution` column of "
        f"`{report['conflicts_file']}` and pass the file to `scr-nlp retrain` again)",
        "",
        "## Before and after (sentence level)",
        "",
        "| held-out set | theme | P before | R before | F1 before | P after | R after | F1 after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in report["before"]:
        b, a = report["before"][name]["sentence"], report["after"][name]["sentence"]
        for t in THEME_IDS:
            pb, pa = b["per_theme"][t], a["per_theme"][t]
            lines.append(
                f"| {name} | {t} | {pb['precision']:.3f} | {pb['recall']:.3f} | {pb['f1']:.3f} | "
                f"{pa['precision']:.3f} | {pa['recall']:.3f} | {pa['f1']:.3f} |"
            )
        lines.append(
            f"| {name} | **macro** | | | **{b['macro_f1']:.3f}** | | | **{a['macro_f1']:.3f}** |"
        )
    lines += ["", "## Promotion", ""]
    if report["promoted"]:
        lines.append(f"Promoted: `{Path(report['new_model']).name}` is now the default model.")
    else:
        lines.append(
            f"Not promoted; the default stays `{report['kept_as_default']}`. Why: "
            + "; ".join(report["why_not_promoted"])
            + "."
        )
    return "\n".join(lines) + "\n"
