"""Theme prevalence overall and per cohort: honest intervals, tests, co-occurrence.

Two prevalences per theme. *Tagged*: the share of documents the model tagged, with a
Wilson 95% interval (sampling error only). *Corrected*: that share adjusted for the
model's measured error (Rogan-Gladen adjusted classify-and-count, from the document
sensitivity and specificity recorded in the model on held-out dev data), with a 95%
interval from Monte Carlo draws that carry sampling error and the uncertainty of the
error rates themselves. Cohort values come from the manifest, else from the case
facts extracted from the text; the result says which.

A corrected share is only given where it means something: one model and one set of
settings made every record, that model's error rates are known and informative, and the
tagged share lies inside what those rates can produce. Everywhere else the result says
why it is missing (``ThemeCount.no_correction`` names the reason,
``AggregateResult.correction_reasons`` says it in words).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from scr_nlp.errors import DataError, UsageError
from scr_nlp.settings import MIN_COHORT_SIZE, SEED
from scr_nlp.taxonomy import THEME_IDS, THEMES

_Z95 = 1.959963984540054
YEAR_BANDS = ((2006, 2009), (2010, 2014), (2015, 2019), (2020, 2024))
_BAND_YEARS = 5  # years after the last band fall in five-year bands that continue it
DERIVED_FIELDS = ("year_band",)
# Below this (sensitivity + specificity - 1) the model says too little to correct for.
MIN_INFORMATIVENESS = 0.2
_DRAWS = 4000
_ALPHA = 0.05


def wilson_interval(count: int, n: int, z: float = _Z95) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def year_band(year) -> str | None:
    """The band a year falls in. Bands never overlap: years before the first band share
    one ("2005 or earlier"), years after the last continue in five-year bands."""
    if not isinstance(year, int) or isinstance(year, bool):
        return None
    first, last = YEAR_BANDS[0][0], YEAR_BANDS[-1][1]
    if year < first:
        return f"{first - 1} or earlier"
    for lo, hi in YEAR_BANDS:
        if lo <= year <= hi:
            return f"{lo}-{hi}"
    lo = last + 1 + (year - last - 1) // _BAND_YEARS * _BAND_YEARS
    return f"{lo}-{lo + _BAND_YEARS - 1}"


def cohort_value(result, field_name: str) -> tuple[object, str | None]:
    """(value, where it came from: "manifest", "extracted" or None) for one document."""
    if field_name == "year_band":
        year, source = cohort_value(result, "year")
        return year_band(year), source
    value = (result.meta or {}).get(field_name)
    if value is not None:
        return value, "manifest"
    fact = ((result.facts or {}).get("values") or {}).get(field_name)
    if fact is not None:
        return fact, "extracted"
    return None, None


@dataclass(frozen=True)
class ErrorRates:
    """A theme's document-level sensitivity and specificity, as counts from dev data."""

    true_positives: int
    false_negatives: int
    true_negatives: int
    false_positives: int
    source: str

    @property
    def sensitivity(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_negatives)

    @property
    def specificity(self) -> float:
        return self.true_negatives / max(1, self.true_negatives + self.false_positives)


@dataclass(frozen=True)
class ThemeCount:
    count: int
    documents: int
    percent: float
    ci_low: float
    ci_high: float
    corrected: float | None = None
    corrected_low: float | None = None
    corrected_high: float | None = None
    # Why there is no corrected share (a key of AggregateResult.correction_reasons).
    no_correction: str | None = None


@dataclass(frozen=True)
class CohortResult:
    cohort: dict[str, str]
    documents: int
    small: bool
    themes: dict[str, ThemeCount]

    @property
    def label(self) -> str:
        return " / ".join(self.cohort.values())


@dataclass(frozen=True)
class ThemeTest:
    test: str
    statistic: float | None
    p_value: float | None
    cohorts_tested: int
    reading: str


@dataclass(frozen=True)
class AggregateResult:
    by: list[str]
    documents: int
    min_cohort_size: int
    overall: dict[str, ThemeCount]
    cohorts: list[CohortResult]
    tests: dict[str, ThemeTest]
    cooccurrence: dict[str, dict[str, int]]
    model: dict = field(default_factory=dict)
    error_rates: dict[str, dict] = field(default_factory=dict)
    field_sources: dict[str, dict[str, int]] = field(default_factory=dict)
    # Every model and settings pair that made the records, with its number of documents.
    models: list[dict] = field(default_factory=list)
    # The reasons for missing corrected shares that occur in this result, in words.
    correction_reasons: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AggregateResult:
        return cls(
            by=list(data["by"]),
            documents=data["documents"],
            min_cohort_size=data["min_cohort_size"],
            overall={t: ThemeCount(**v) for t, v in data["overall"].items()},
            cohorts=[
                CohortResult(
                    c["cohort"],
                    c["documents"],
                    c["small"],
                    {t: ThemeCount(**v) for t, v in c["themes"].items()},
                )
                for c in data["cohorts"]
            ],
            tests={t: ThemeTest(**v) for t, v in data["tests"].items()},
            cooccurrence=data["cooccurrence"],
            model=data.get("model", {}),
            error_rates=data.get("error_rates", {}),
            field_sources=data.get("field_sources", {}),
            models=data.get("models", []),
            correction_reasons=data.get("correction_reasons", {}),
        )


def error_rates_from_model_meta(meta: dict) -> dict[str, ErrorRates]:
    """Per theme, the document confusion counts saved with the model (real dev where that
    has enough positives, else corpus dev)."""
    out = {}
    for theme_id, entry in (meta.get("error_rates") or {}).items():
        out[theme_id] = ErrorRates(
            entry["true_positives"],
            entry["false_negatives"],
            entry["true_negatives"],
            entry["false_positives"],
            entry["source"],
        )
    return out


def corrected_prevalence(
    count: int, n: int, rates: ErrorRates | None, seed: int = SEED
) -> tuple[float, float, float] | None:
    """Rogan-Gladen estimate and a 95% interval carrying sampling and model error; None
    when there is no honest correction (see ``correction_gap``)."""
    if correction_gap(count, n, rates) is not None:
        return None
    return _rogan_gladen(count, n, rates, seed)


def correction_gap(count: int, n: int, rates: ErrorRates | None) -> str | None:
    """Why ``count`` of ``n`` tagged documents get no corrected share (a key of
    ``REASONS``), or None when they do."""
    if rates is None or n == 0:
        return "no_theme_rates"
    if rates.sensitivity + rates.specificity - 1 < MIN_INFORMATIVENESS:
        return "uninformative"
    if outside_error_rates(count, n, rates):
        return "beyond_error_rates"
    return None


def _rogan_gladen(count: int, n: int, rates: ErrorRates, seed: int) -> tuple[float, float, float]:
    import numpy as np

    se, sp = rates.sensitivity, rates.specificity
    point = min(1.0, max(0.0, (count / n + sp - 1) / (se + sp - 1)))
    rng = np.random.default_rng(seed)
    q = rng.beta(count + 0.5, n - count + 0.5, _DRAWS)
    se_draw = rng.beta(rates.true_positives + 0.5, rates.false_negatives + 0.5, _DRAWS)
    sp_draw = rng.beta(rates.true_negatives + 0.5, rates.false_positives + 0.5, _DRAWS)
    informative = np.maximum(se_draw + sp_draw - 1, 1e-3)
    draws = np.clip((q + sp_draw - 1) / informative, 0, 1)
    low, high = (float(v) for v in np.quantile(draws, [0.025, 0.975]))
    low, high = min(low, point), max(high, point)
    # Never narrower than the sampling-only (Wilson) interval of the tagged share. The
    # correction divides by se + sp - 1 <= 1, so it can only add uncertainty; where the
    # draws pile up against 0% or 100% the interval would still come out narrower, and it
    # is then widened to the Wilson interval's width, away from the bound it sits on.
    w_low, w_high = wilson_interval(count, n)
    missing = (w_high - w_low) - (high - low)
    if missing > 0:
        low, high = low - missing / 2, high + missing / 2
        if low < 0:
            low, high = 0.0, high - low
        if high > 1:
            low, high = low - (high - 1), 1.0
        low, high = max(0.0, low), min(1.0, high)
    return point, low, high


def outside_error_rates(count: int, n: int, rates: ErrorRates) -> bool:
    """True when the tagged share is beyond what the error rates allow: above the
    sensitivity (the model tags more than it would even if every document had the theme)
    or below the false-positive rate (1 - specificity). The rates were then measured on
    documents unlike these, and a corrected share would only be clipped to 0 or 100%."""
    share = count / n
    return share > rates.sensitivity or share < 1 - rates.specificity


# Why a corrected share is missing, in words (keys of ThemeCount.no_correction).
REASONS = {
    "mixed_runs": "the records were made by more than one model or with different settings, "
    "so no one model's error rates apply",
    "threshold_override": "a threshold override was used when tagging, so the model's error "
    "rates do not apply",
    "no_model_rates": "the error rates of the model that made the records are not available "
    "(it is not installed here, or has changed since)",
    "no_theme_rates": "the model has no measured error rates for this theme",
    "uninformative": "the model's measured error rates are too weak to correct with",
    "beyond_error_rates": "the tagged share is beyond what the model's measured error rates "
    "allow (above its sensitivity or below its false-positive rate), so a corrected share "
    "would only be clipped to 0% or 100%; in a large cohort this means the rates were "
    "measured on documents unlike these",
}
# Reasons that hold for a whole results file rather than for one share.
_FILE_REASONS = ("mixed_runs", "threshold_override", "no_model_rates")


def _theme_count(
    count: int, n: int, rates: ErrorRates | None, file_reason: str | None = None
) -> ThemeCount:
    lo, hi = wilson_interval(count, n)
    reason = file_reason or correction_gap(count, n, rates)
    corrected = None if reason else _rogan_gladen(count, n, rates, SEED)
    return ThemeCount(
        count=count,
        documents=n,
        percent=round(100 * count / n, 1) if n else 0.0,
        ci_low=round(100 * lo, 1),
        ci_high=round(100 * hi, 1),
        corrected=None if corrected is None else round(100 * corrected[0], 1),
        corrected_low=None if corrected is None else round(100 * corrected[1], 1),
        corrected_high=None if corrected is None else round(100 * corrected[2], 1),
        no_correction=reason,
    )


def _difference_test(
    table: list[tuple[int, int]], seed: int = 0
) -> tuple[str, float | None, float | None]:
    """Chi-square across cohorts; Fisher's exact for small 2x2; Monte Carlo chi-square for small r x 2."""
    import numpy as np
    from scipy import stats

    rows = [r for r in table if sum(r) > 0]
    obs = np.array(rows, dtype=float)
    if len(rows) < 2 or obs[:, 0].sum() == 0 or obs[:, 1].sum() == 0:
        return "none", None, None
    expected = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    small = (expected < 5).any()
    if small and len(rows) == 2:
        _, p = stats.fisher_exact(obs.astype(int))
        return "Fisher's exact test", None, float(p)
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    if not small:
        return "chi-square test", chi2, float(stats.chi2.sf(chi2, len(rows) - 1))
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
    return "Monte Carlo chi-square test", chi2, (hits + 1) / (n_perm + 1)


def plain_reading(theme_name: str, by: str, p: float | None, cohorts: int) -> str:
    if p is None:
        if cohorts < 2:
            return f"Not tested: fewer than two {by} cohorts are large enough."
        return f"Not tested: {theme_name.lower()} does not vary across the {by} cohorts."
    if p < _ALPHA:
        return (
            f"{theme_name} differs across {by} more than chance would explain (p = {p:.3g}); "
            "this is a difference in tagged documents, not proof of a cause."
        )
    return (
        f"No clear difference in {theme_name.lower()} across {by} (p = {p:.3g}): "
        "the differences seen could be chance."
    )


def known_fields(results) -> set[str]:
    fields = set(DERIVED_FIELDS)
    for r in results:
        fields.update(k for k, v in (r.meta or {}).items() if v is not None)
        fields.update(((r.facts or {}).get("values") or {}).keys())
    return fields


def _cohort_order(key: tuple[str, ...]) -> tuple:
    """Cohorts in reading order: whole numbers (ASCII digits only) by value, then text."""

    def one(value: str) -> tuple:
        if value.isascii() and value.isdigit():
            digits = value.lstrip("0")
            return (0, len(digits), digits, value)  # by value, without int() on huge strings
        return (1, value)

    return tuple(one(v) for v in key)


def run_key(result) -> tuple[str, str]:
    """What must be the same for one model's error rates to describe every record: the
    model (by content hash) and the tagging settings."""
    model = result.model or {}
    settings = json.dumps(result.settings or {}, sort_keys=True, default=str)
    return str(model.get("sha256") or model.get("name")), settings


def models_used(results) -> list[dict]:
    """Every model and settings pair that made ``results``, most documents first."""
    counts: Counter = Counter()
    first: dict[tuple[str, str], object] = {}
    for r in results:
        key = run_key(r)
        counts[key] += 1
        first.setdefault(key, r)
    out = []
    for key, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        r = first[key]
        model = r.model or {}
        out.append(
            {k: model.get(k) for k in ("name", "type", "version", "sha256")}
            | {"settings": dict(r.settings or {}), "documents": n}
        )
    return out


def describe_models(models: list[dict]) -> str:
    """The models in words, e.g. ``hybrid (3 documents), linear (11 documents)``; the hash
    and settings are named where one name covers several."""
    names = Counter(str(m.get("name")) for m in models)
    parts = []
    for m in models:
        name = str(m.get("name"))
        if names[name] > 1:  # one name, several hashes or settings: tell them apart
            sha = str(m.get("sha256") or "")[:12]
            name += f" ({sha}, settings {json.dumps(m['settings'], sort_keys=True)})"
        parts.append(f"{name} ({m['documents']} documents)")
    return ", ".join(parts)


def run_reason(results, models: list[dict] | None = None) -> str | None:
    """Why no one model's error rates describe these records ("mixed_runs" or
    "threshold_override", keys of ``REASONS``), or None."""
    if len(models_used(results) if models is None else models) > 1:
        return "mixed_runs"
    if any((r.settings or {}).get("threshold") is not None for r in results):
        return "threshold_override"
    return None


def _file_reason(results, model_meta: dict, models: list[dict]) -> str | None:
    """Why no share in these results can be corrected, or None."""
    return run_reason(results, models) or (None if model_meta else "no_model_rates")


def aggregate(
    results: Iterable,
    by: list[str],
    min_size: int = MIN_COHORT_SIZE,
    model_meta: dict | None = None,
) -> AggregateResult:
    """Prevalence per cohort of documents (``TagResult``s); ``model_meta`` supplies the
    error rates for corrected prevalence (read from the model the records name). A field
    given twice counts once."""
    by = list(dict.fromkeys(by))
    if not by:
        raise UsageError("give at least one --by field, e.g. --by year_band")
    return _aggregate(results, by, min_size, model_meta)


def overall(results: Iterable, model_meta: dict | None = None) -> AggregateResult:
    """The figures for all documents together, without cohorts (one cohort, no tests)."""
    return _aggregate(results, [], MIN_COHORT_SIZE, model_meta)


def _aggregate(
    results: Iterable, by: list[str], min_size: int, model_meta: dict | None
) -> AggregateResult:
    results = list(results)
    if not results:
        raise DataError("no documents to aggregate")
    fields = known_fields(results)
    unknown = [f for f in by if f not in fields]
    if unknown:
        raise UsageError(
            f"unknown cohort field {unknown[0]!r}; fields in these results: {', '.join(sorted(fields))}"
        )
    models = models_used(results)
    file_reason = _file_reason(results, model_meta or {}, models)
    rates = {} if file_reason else error_rates_from_model_meta(model_meta or {})
    n_by: Counter = Counter()
    carry: dict[str, Counter] = {t: Counter() for t in THEME_IDS}
    co: Counter = Counter()
    sources: dict[str, Counter] = {f: Counter() for f in by}
    themes_total: Counter = Counter()
    for r in results:
        key = []
        for f in by:
            value, source = cohort_value(r, f)
            sources[f][source or "missing"] += 1
            key.append("unknown" if value is None else str(value))
        key = tuple(key)
        labels = [t for t in THEME_IDS if t in r.labels]
        n_by[key] += 1
        for t in labels:
            carry[t][key] += 1
            themes_total[t] += 1
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                co[(a, b)] += 1
    total = len(results)

    def count(c: int, n: int, theme_id: str) -> ThemeCount:
        return _theme_count(c, n, rates.get(theme_id), file_reason)

    cohorts = []
    for key in sorted(n_by, key=_cohort_order):
        n = n_by[key]
        cohorts.append(
            CohortResult(
                dict(zip(by, key, strict=True)),
                n,
                n < min_size,
                {t: count(carry[t][key], n, t) for t in THEME_IDS},
            )
        )
    label = " × ".join(by)
    tests = {}
    for t in THEMES:
        table = [(carry[t.id][k], n_by[k] - carry[t.id][k]) for k in n_by if n_by[k] >= min_size]
        name, stat, p = _difference_test(table)
        tests[t.id] = ThemeTest(
            name,
            None if stat is None else round(stat, 3),
            None if p is None else round(p, 4),
            len(table),
            plain_reading(t.name, label, p, len(table)),
        )
    overall_counts = {t: count(themes_total[t], total, t) for t in THEME_IDS}
    used = {
        tc.no_correction
        for tc in [*overall_counts.values(), *(tc for c in cohorts for tc in c.themes.values())]
    }
    reasons = {k: v for k, v in REASONS.items() if k in used}
    if "mixed_runs" in reasons:
        reasons["mixed_runs"] += f": {describe_models(models)}"
    return AggregateResult(
        by=list(by),
        documents=total,
        min_cohort_size=min_size,
        overall=overall_counts,
        cohorts=cohorts,
        tests=tests,
        # Documents carrying both themes; on the diagonal a theme with itself is its count.
        cooccurrence={
            a: {
                b: themes_total[a] if a == b else co.get((a, b), co.get((b, a), 0))
                for b in THEME_IDS
            }
            for a in THEME_IDS
        },
        # The model when one made every record; with several, see ``models``.
        model=dict(results[0].model or {}) if len(models) == 1 else {},
        error_rates={
            t: asdict(r)
            | {"sensitivity": round(r.sensitivity, 3), "specificity": round(r.specificity, 3)}
            for t, r in rates.items()
        },
        field_sources={f: dict(c) for f, c in sources.items()},
        models=models,
        correction_reasons=reasons,
    )


def model_meta_for(results) -> dict:
    """The saved metadata of the model the records name, if it is installed and unchanged
    and its error rates apply: one model and one set of settings made every record, with
    no threshold override."""
    from scr_nlp.errors import ModelError
    from scr_nlp.models.catalog import resolve_model_path
    from scr_nlp.models.store import read_meta, verify_files

    results = list(results)
    if not results or run_reason(results):
        return {}  # several models or settings, or a threshold override: no rates apply
    model = results[0].model or {}
    if not isinstance(model.get("name"), str):
        return {}
    try:
        path = resolve_model_path(model.get("name"))
        meta = read_meta(path)
        verify_files(path, meta)
    except ModelError:
        return {}
    if meta.get("content_sha256") != model.get("sha256"):
        return {}  # a different model now has that name: its error rates do not apply
    return meta


# ------------------------------------------------------------------ output formats


def _safe_csv_cell(value) -> object:
    """Neutralise spreadsheet formulas (=, +, -, @, tab, CR) in text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _markdown_cell(value) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def whole_percent(count: int, n: int) -> str:
    """A share as a whole percent, from the counts rather than a rounded percent: 6 of 11
    is 55%, not 54% (54.5 rounded to even). Every output uses this one rounding."""
    return f"{100 * count / n if n else 0.0:.0f}%"


def _cell(tc: ThemeCount, corrections: bool) -> str:
    tagged = (
        f"{tc.count} ({whole_percent(tc.count, tc.documents)}, {tc.ci_low:.0f}-{tc.ci_high:.0f})"
    )
    if tc.corrected is None:
        # Where other shares are corrected, say this one is not (the notes say why).
        return f"{tagged} ~n/a" if corrections else tagged
    return f"{tagged} ~{tc.corrected:.0f}% [{tc.corrected_low:.0f}-{tc.corrected_high:.0f}]"


def _file_wide_reason(result: AggregateResult) -> str | None:
    return next((k for k in _FILE_REASONS if k in result.correction_reasons), None)


def _rows(result: AggregateResult) -> list[list[str]]:
    corrections = _file_wide_reason(result) is None
    rows = [
        [
            "all documents",
            str(result.documents),
            *(_cell(result.overall[t], corrections) for t in THEME_IDS),
        ]
    ]
    for c in result.cohorts:
        rows.append(
            [
                c.label + (" *" if c.small else ""),
                str(c.documents),
                *(_cell(c.themes[t], corrections) for t in THEME_IDS),
            ]
        )
    rows.append(
        [
            "difference p",
            "",
            *(
                "n/a" if result.tests[t].p_value is None else f"{result.tests[t].p_value:.3g}"
                for t in THEME_IDS
            ),
        ]
    )
    return rows


def _correction_notes(result: AggregateResult) -> list[str]:
    """Why corrected shares are missing: once for the whole file, else per theme."""
    file_reason = _file_wide_reason(result)
    if file_reason:
        return [f"No corrected shares: {result.correction_reasons[file_reason]}."]
    notes = []
    for t in THEMES:
        missing: dict[str, list[str]] = {}
        if result.overall[t.id].no_correction:
            missing.setdefault(result.overall[t.id].no_correction, []).append("all documents")
        for c in result.cohorts:
            reason = c.themes[t.id].no_correction
            if reason and c.label:
                missing.setdefault(reason, []).append(c.label)
        for reason, where in missing.items():
            shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
            text = result.correction_reasons[reason]
            rates = result.error_rates.get(t.id)
            if reason == "beyond_error_rates" and rates:
                text += (
                    f" (here: sensitivity {rates['sensitivity']:.2f}, false-positive rate "
                    f"{1 - rates['specificity']:.2f}, measured on {rates['source']})"
                )
            notes.append(f"~n/a, {t.name} ({shown}): no corrected share: {text}.")
    return notes


def _notes(result: AggregateResult) -> list[str]:
    notes = [
        f"{result.documents} documents. Each cell: tagged count (percent, Wilson 95% CI); "
        "~corrected percent [95% interval] adjusts for the model's measured error.",
        f"* = cohort under {result.min_cohort_size} documents (left out of the tests).",
    ]
    notes += _correction_notes(result)
    for f, counts in result.field_sources.items():
        notes.append(
            f"{f}: {counts.get('manifest', 0)} from the manifest, {counts.get('extracted', 0)} "
            f"read from the text, {counts.get('missing', 0)} unknown."
        )
    notes += [f"{t.name}: {result.tests[t.id].reading}" for t in THEMES]
    return notes


def _cooccurrence_table(result: AggregateResult, markdown: bool) -> list[str]:
    header = ["", *(t.short for t in THEMES)]
    rows = [[a.short, *(str(result.cooccurrence[a.id][b.id]) for b in THEMES)] for a in THEMES]
    return _table(header, rows, markdown)


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(map(_markdown_cell, header)) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(map(_markdown_cell, r)) + " |" for r in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: list[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()

    return [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows)]


def format_aggregate(result: AggregateResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=1, ensure_ascii=False)
    if fmt == "csv":
        return _csv(result)
    markdown = fmt == "markdown"
    header = [" × ".join(result.by), "docs", *(t.short for t in THEMES)]
    lines = _table(header, _rows(result), markdown)
    lines += [
        "",
        *_notes(result),
        "",
        "Documents carrying both themes (the diagonal: documents carrying the theme):",
        *_cooccurrence_table(result, markdown),
    ]
    return "\n".join(lines) + "\n"


def _csv(result: AggregateResult) -> str:
    """One row for all documents (``scope`` "all", which also carries each theme's
    difference test) and one per cohort (``scope`` "cohort")."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    keys = (
        "count",
        "percent",
        "ci_low",
        "ci_high",
        "corrected",
        "corrected_low",
        "corrected_high",
        "no_correction",
    )
    tests = ("test", "p_value", "cohorts_tested")
    writer.writerow(
        [
            "scope",
            *(_safe_csv_cell(f) for f in result.by),
            "documents",
            "small",
            *(f"{t}_{k}" for t in THEME_IDS for k in keys),
            *(f"{t}_difference_{k}" for t in THEME_IDS for k in tests),
        ]
    )
    writer.writerow(
        [
            "all",
            *("" for _ in result.by),
            result.documents,
            "",
            *(getattr(result.overall[t], k) for t in THEME_IDS for k in keys),
            *(getattr(result.tests[t], k) for t in THEME_IDS for k in tests),
        ]
    )
    for c in result.cohorts:
        writer.writerow(
            [
                "cohort",
                *(_safe_csv_cell(v) for v in c.cohort.values()),
                c.documents,
                c.small,
                *(getattr(c.themes[t], k) for t in THEME_IDS for k in keys),
                *("" for _ in THEME_IDS for _ in tests),
            ]
        )
    return buffer.getvalue()
