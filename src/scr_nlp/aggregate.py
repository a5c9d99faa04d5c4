"""Theme prevalence per cohort with Wilson intervals, tests of difference, co-occurrence."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.taxonomy import THEME_IDS

MIN_COHORT_SIZE = 10
_Z95 = 1.959963984540054
YEAR_BANDS = ((2006, 2009), (2010, 2014), (2015, 2019), (2020, 2024))


def wilson_interval(count: int, n: int, z: float = _Z95) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def year_band(year) -> str | None:
    if not isinstance(year, int):
        return None
    for lo, hi in YEAR_BANDS:
        if lo <= year <= hi:
            return f"{lo}-{hi}"
    return f"{year // 5 * 5}-{year // 5 * 5 + 4}"


def cohort_value(meta: dict, field: str):
    if field == "year_band":
        return year_band(meta.get("year"))
    return meta.get(field)


def read_results(path: Path) -> Iterator[dict]:
    from scr_nlp.jsonl import iter_json_lines

    if not path.is_file():
        raise InputNotFoundError(f"{path}: results file not found")
    for number, record in iter_json_lines(path):
        if isinstance(record, json.JSONDecodeError):
            raise DataError(f"{path}:{number}: not a JSON record (is this a tag-batch output?)")
        if not isinstance(record, dict) or "labels" not in record:
            raise DataError(f"{path}:{number}: record has no 'labels'; expected tag-batch output")
        yield record


@dataclass(frozen=True)
class ThemeTest:
    theme: str
    test: str
    statistic: float | None
    p_value: float | None


def _difference_test(
    table: list[tuple[int, int]], seed: int = 0
) -> tuple[str, float | None, float | None]:
    """Chi-square across cohorts; Fisher's exact for small 2x2; Monte Carlo chi-square for small r x 2."""
    import numpy as np
    from scipy import stats

    rows = [r for r in table if sum(r) > 0]
    obs = np.array(rows, dtype=float)
    if len(rows) < 2 or obs[:, 0].sum() == 0 or obs[:, 1].sum() == 0:
        return "none (no variation)", None, None
    expected = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    small = (expected < 5).any()
    if small and len(rows) == 2:
        _, p = stats.fisher_exact(obs.astype(int))
        return "fisher_exact", None, float(p)
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    if not small:
        p = float(stats.chi2.sf(chi2, len(rows) - 1))
        return "chi_square", chi2, p
    # Permutation test: shuffle theme labels over documents keeping cohort sizes.
    rng = np.random.default_rng(seed)
    sizes = obs.sum(1).astype(int)
    labels = np.concatenate([np.ones(int(obs[:, 0].sum())), np.zeros(int(obs[:, 1].sum()))])
    bounds = np.cumsum(sizes)[:-1]
    n_perm, hits = 4000, 0
    for _ in range(n_perm):
        rng.shuffle(labels)
        pos = np.array([part.sum() for part in np.split(labels, bounds)])
        perm = np.stack([pos, sizes - pos], axis=1)
        if ((perm - expected) ** 2 / expected).sum() >= chi2 - 1e-12:
            hits += 1
    return "chi_square_monte_carlo", chi2, (hits + 1) / (n_perm + 1)


def aggregate(records: Iterable[dict], by: list[str], min_size: int = MIN_COHORT_SIZE) -> dict:
    if not by:
        raise DataError("give at least one --by field, e.g. --by year_band")
    n_by: Counter = Counter()
    carry: dict[str, Counter] = {t: Counter() for t in THEME_IDS}
    co = Counter()
    total = 0
    themes_total = Counter()
    for record in records:
        meta = record.get("meta") or {}
        key = tuple(
            "unknown" if cohort_value(meta, f) is None else str(cohort_value(meta, f)) for f in by
        )
        labels = [t for t in THEME_IDS if t in record["labels"]]
        n_by[key] += 1
        total += 1
        for t in labels:
            carry[t][key] += 1
            themes_total[t] += 1
        for i, a in enumerate(labels):
            for b in labels[i:]:
                co[(a, b)] += 1
    if not total:
        raise DataError("no documents to aggregate")
    cohorts = []
    for key in sorted(n_by, key=lambda k: tuple((0, int(v)) if v.isdigit() else (1, v) for v in k)):
        n = n_by[key]
        themes = {}
        for t in THEME_IDS:
            c = carry[t][key]
            lo, hi = wilson_interval(c, n)
            themes[t] = {
                "count": c,
                "percent": round(100 * c / n, 1),
                "ci_low": round(100 * lo, 1),
                "ci_high": round(100 * hi, 1),
            }
        cohorts.append(
            {
                "cohort": dict(zip(by, key, strict=True)),
                "documents": n,
                "small": n < min_size,
                "themes": themes,
            }
        )
    tests = {}
    for t in THEME_IDS:
        table = [(carry[t][k], n_by[k] - carry[t][k]) for k in n_by if n_by[k] >= min_size]
        name, stat, p = _difference_test(table)
        tests[t] = {
            "test": name,
            "statistic": None if stat is None else round(stat, 3),
            "p_value": None if p is None else round(p, 4),
            "cohorts_tested": len(table),
        }
    overall = {
        t: {"count": themes_total[t], "percent": round(100 * themes_total[t] / total, 1)}
        for t in THEME_IDS
    }
    cooccurrence = {a: {b: co.get((a, b), co.get((b, a), 0)) for b in THEME_IDS} for a in THEME_IDS}
    return {
        "by": by,
        "documents": total,
        "min_cohort_size": min_size,
        "overall": overall,
        "cohorts": cohorts,
        "tests": tests,
        "cooccurrence": cooccurrence,
    }


# ------------------------------------------------------------------ output formats

_SHORT = {
    "child_not_seen": "not seen",
    "fathers_overlooked": "fathers",
    "home_education_concealment": "home ed",
    "third_party_concerns_ignored": "3rd party",
    "agency_absence": "agency",
}


def _rows(result: dict) -> list[list[str]]:
    rows = []
    for c in result["cohorts"]:
        label = " / ".join(c["cohort"].values()) + (" *" if c["small"] else "")
        row = [label, str(c["documents"])]
        for t in THEME_IDS:
            th = c["themes"][t]
            row.append(
                f"{th['count']} ({th['percent']:.0f}%, {th['ci_low']:.0f}-{th['ci_high']:.0f})"
            )
        rows.append(row)
    p_row = ["difference p", ""]
    for t in THEME_IDS:
        test = result["tests"][t]
        p_row.append(
            "n/a"
            if test["p_value"] is None
            else f"{test['p_value']:.3g} ({test['test'].split('_')[0]})"
        )
    rows.append(p_row)
    return rows


def format_aggregate(result: dict, fmt: str) -> str:
    header = [" x ".join(result["by"]), "docs", *(_SHORT[t] for t in THEME_IDS)]
    if fmt == "json":
        return json.dumps(result, indent=1)
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                *result["by"],
                "documents",
                "small",
                *(f"{t}_{k}" for t in THEME_IDS for k in ("count", "percent", "ci_low", "ci_high")),
            ]
        )
        for c in result["cohorts"]:
            writer.writerow(
                [
                    *c["cohort"].values(),
                    c["documents"],
                    c["small"],
                    *(
                        c["themes"][t][k]
                        for t in THEME_IDS
                        for k in ("count", "percent", "ci_low", "ci_high")
                    ),
                ]
            )
        return buffer.getvalue()
    rows = _rows(result)
    note = (
        f"count (percent, Wilson 95% CI) of documents carrying each theme; * = cohort under "
        f"{result['min_cohort_size']} documents (not tested). {result['documents']} documents."
    )
    co_lines = [
        "",
        "Co-occurrence (documents carrying both):",
        "  " + " | ".join(f"{_SHORT[t]:>9}" for t in THEME_IDS),
    ]
    for a in THEME_IDS:
        co_lines.append(
            f"{_SHORT[a]:>9} " + " ".join(f"{result['cooccurrence'][a][b]:>11}" for b in THEME_IDS)
        )
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join([*lines, "", note, *co_lines]) + "\n"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt_row = lambda r: "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))  # noqa: E731
    lines = [fmt_row(header), "  ".join("-" * w for w in widths), *map(fmt_row, rows)]
    return "\n".join([*lines, "", note, *co_lines]) + "\n"
