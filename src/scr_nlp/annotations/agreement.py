"""Inter-annotator agreement per theme: Cohen's kappa (two annotators), Krippendorff's
alpha (two or more, nominal, missing allowed), percentage agreement, disagreements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scr_nlp.taxonomy import THEME_IDS


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    n = len(a)
    if n == 0 or n != len(b):
        raise ValueError(f"need two equal, non-empty rating lists, got {len(a)} and {len(b)}")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected == 1.0:  # both gave every item the same value: chance explains it all, 0/0
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[object | None]]) -> float | None:
    """Nominal alpha; ``units[i]`` holds each coder's value for item i (None = not coded)."""
    coincidence: Counter = Counter()
    for values in units:
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        for i, x in enumerate(present):
            for j, y in enumerate(present):
                if i != j:
                    coincidence[(x, y)] += 1 / (m - 1)
    n = sum(coincidence.values())
    if n == 0:
        return None
    totals: Counter = Counter()
    for (x, _y), count in coincidence.items():
        totals[x] += count
    observed = sum(c for (x, y), c in coincidence.items() if x != y) / n
    expected = sum(totals[x] * totals[y] for x in totals for y in totals if x != y) / (n * (n - 1))
    if expected == 0:  # one value throughout: undefined, as kappa is
        return None
    return 1 - observed / expected


def theme_agreement(
    annotations: Sequence[Sequence[Sequence[str]]], items: Sequence[str] | None = None
) -> dict:
    """``annotations[k][i]`` is annotator k's theme list for item i (None = not annotated)."""
    coders = len(annotations)
    if coders < 2:
        raise ValueError("agreement needs at least two annotators")
    n_items = len(annotations[0])
    if any(len(a) != n_items for a in annotations):
        raise ValueError("every annotator must cover the same items")
    out = {"annotators": coders, "items": n_items, "themes": {}}
    for theme in THEME_IDS:
        ratings = [[None if lab is None else theme in lab for lab in ann] for ann in annotations]
        # An item counts wherever two or more annotators rated it, as alpha counts it.
        values = [[r[i] for r in ratings if r[i] is not None] for i in range(n_items)]
        pairable = [i for i in range(n_items) if len(values[i]) >= 2]
        complete = [i for i in range(n_items) if all(r[i] is not None for r in ratings)]
        agree = sum(len(set(values[i])) == 1 for i in pairable)
        entry = {
            "percent_agreement": round(100 * agree / len(pairable), 2) if pairable else None,
            "positives": [sum(bool(r[i]) for i in range(n_items)) for r in ratings],
            "krippendorff_alpha": _round(
                krippendorff_alpha([[r[i] for r in ratings] for i in range(n_items)])
            ),
            "disagreements": [
                (items[i] if items else i) for i in pairable if len(set(values[i])) > 1
            ],
        }
        if coders == 2:
            entry["cohen_kappa"] = _round(
                cohen_kappa([ratings[0][i] for i in complete], [ratings[1][i] for i in complete])
            )
        out["themes"][theme] = entry
    return out


def _shown(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def agreement_from_files(paths, skip_invalid: bool = False) -> dict:
    """Agreement between annotation files of any supported format, matched by sentence text."""
    from pathlib import Path

    from scr_nlp.annotations.formats import load_annotation_files
    from scr_nlp.textkeys import sentence_key

    results = load_annotation_files([Path(p) for p in paths], skip_invalid)
    per_file: list[dict[str, tuple[str, ...]]] = []
    texts: dict[str, str] = {}
    for result in results:
        labels = {}
        for a in result.annotations:
            key = sentence_key(a.text)
            labels[key] = a.labels
            texts.setdefault(key, a.text)
        per_file.append(labels)
    keys = (
        sorted(set().union(*per_file))
        if len(per_file) > 2
        else sorted(set(per_file[0]) & set(per_file[1]))
    )
    if not keys:
        from scr_nlp.errors import DataError

        raise DataError("the annotation files share no sentences to compare")
    annotations = [[f.get(k) for k in keys] for f in per_file]
    out = theme_agreement(annotations, keys)
    out["files"] = [str(p) for p in paths]
    for theme in out["themes"].values():
        theme["disagreements"] = [
            {
                "text": texts[k],
                "labels": [list(f.get(k) or []) if k in f else None for f in per_file],
            }
            for k in theme["disagreements"]
        ]
    return out


def format_agreement(result: dict) -> str:
    two = result["annotators"] == 2
    lines = [
        f"{result['items']} sentences, {result['annotators']} annotators",
        f"{'theme':<30}{'kappa' if two else '':>8}{'alpha':>8}{'agree %':>9}{'disagree':>10}",
    ]
    undefined = False
    for theme, e in result["themes"].items():
        kappa = f"{_shown(e.get('cohen_kappa'), '.3f')}" if two else ""
        alpha = e["krippendorff_alpha"]
        undefined = undefined or alpha is None
        lines.append(
            f"{theme:<30}{kappa:>8}{_shown(alpha, '.3f'):>8}"
            f"{_shown(e['percent_agreement'], '.1f'):>9}{len(e['disagreements']):>10}"
        )
    if undefined:
        lines.append(
            "n/a: undefined (every rating the same value, e.g. a theme nobody used, or no "
            "sentence rated by two annotators)"
        )
    for theme, e in result["themes"].items():
        for d in e["disagreements"][:20]:
            lines.append(
                f"  [{theme}] {d['text'][:100]!r}: "
                + " vs ".join(
                    ",".join(x) if x else ("none" if x is not None else "-") for x in d["labels"]
                )
            )
    return "\n".join(lines)
