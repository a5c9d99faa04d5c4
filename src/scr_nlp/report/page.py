"""The report page. What a reader needs first (header, tables, readings) is static HTML with
every value escaped; the charts and documents travel as one JSON blob with every ``<``
escaped, and report.js builds the interactive parts from it as DOM text, never as HTML."""

from __future__ import annotations

import html
import json
import os
import tempfile
from importlib.resources import files
from pathlib import Path

from scr_nlp.aggregate import (
    AggregateResult,
    ThemeCount,
    aggregate,
    cohort_value,
    model_meta_for,
    overall,
    run_reason,
    whole_percent,
)
from scr_nlp.errors import UsageError
from scr_nlp.models.metrics import REAL_MIN_DOCUMENTS, REAL_MIN_SUPPORT, macro_over_supported
from scr_nlp.outputs import check_output_file, output_error
from scr_nlp.report import figures
from scr_nlp.results import read_results
from scr_nlp.taxonomy import THEME_IDS, THEMES

CORRECTED_MEANING = (
    "“Tagged” is the share of documents the model tagged; “corrected” adjusts that share "
    "for the model’s measured misses and false alarms, to estimate the true share."
)
_SOURCES = (
    ("manifest", "From the manifest"),
    ("extracted", "Read from the text"),
    ("missing", "Unknown"),
)
# Cohort fields drawn when --by is not given, each only where the results have it.
DEFAULT_FIELDS = ("year_band", "region")


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def field_label(field: str) -> str:
    """``year_band`` -> "Year band": the words a reader sees instead of a column name."""
    return field.replace("_", " ").strip().capitalize() or field


def cohort_key(value) -> str:
    """A document's cohort as aggregate() names it, so a clicked bar matches its documents."""
    return "unknown" if value is None else str(value)


def readable_reading(reading: str, field: str, label: str) -> str:
    """``ThemeTest.reading`` with the raw field name ("across year_band") put in words."""
    for phrase in ("across the {} cohorts", "across {}", "two {} cohorts"):
        reading = reading.replace(phrase.format(field), phrase.format(label.lower()))
    return reading


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def accuracy_text(meta: dict, override: bool, mixed: bool = False) -> str:
    """The model's measured accuracy on real text, or why it is not known."""
    if mixed:
        return (
            "Accuracy not known for these results as a whole: they were made by more than one "
            "model or with different settings."
        )
    if override:
        return "Accuracy not known for these results: they were tagged with a threshold override."
    if not meta:
        return (
            "Accuracy not known: the model that tagged these documents is not installed here, "
            "or has changed since."
        )
    real = (meta.get("metrics") or {}).get("real_dev") or {}
    sentence = _real_macro(real.get("sentence"), REAL_MIN_SUPPORT)
    if sentence is None:
        return "This model has no measurement on real text yet, so read its tags as indicative."
    parts = [f"{sentence:.2f} for sentences"]
    document = _real_macro(real.get("document"), REAL_MIN_DOCUMENTS)
    if document is not None:
        parts.append(f"{document:.2f} for documents")
    return (
        "Measured accuracy on real text (coroners' reports kept out of training, the part that "
        "also set the thresholds; macro-F1 over the themes common there, 0 to 1, higher is "
        "better): " + " and ".join(parts) + "."
    )


def _real_macro(block: dict | None, min_support: int) -> float | None:
    """Macro-F1 over the themes real text has enough of (all themes when per-theme figures
    are not recorded)."""
    if not block:
        return None
    if "per_theme" in block:
        return macro_over_supported(block, min_support)
    return _number(block.get("macro_f1"))


def correction_reason_text(result: AggregateResult, tc: ThemeCount, theme_id: str) -> str:
    """Why a share has no corrected estimate, in words."""
    reason = tc.no_correction or "no_theme_rates"
    text = result.correction_reasons.get(reason, reason)
    rates = result.error_rates.get(theme_id)
    if reason == "beyond_error_rates" and rates:
        text += f" (the rates were measured on {rates['source']})"
    return text


def _percent(tc: ThemeCount) -> str:
    return f"{tc.count} of {tc.documents} ({whole_percent(tc.count, tc.documents)})"


def _interval(low: float, high: float) -> str:
    return f"{low:.0f}–{high:.0f}%"


def _swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{colour}" aria-hidden="true"></span>'


def _evidence_button(
    text: str, theme: str, also: str = "", field: int | None = None, cohort: str = ""
) -> str:
    attrs = f'data-theme="{theme}"'
    if also:
        attrs += f' data-also="{also}"'
    if field is not None:
        attrs += f' data-field="{field}" data-cohort="{esc(cohort)}"'
    return f'<button type="button" class="num" {attrs}>{esc(text)}</button>'


def _model_line(model: dict) -> str:
    sha = str(model.get("sha256") or "unknown")[:12]
    return (
        f"<b>{esc(model.get('name'))}</b> ({esc(model.get('type'))} {esc(model.get('version'))},\n"
        f"sha256 <code>{esc(sha)}</code>)"
    )


def _header(
    records, result: AggregateResult, source: Path, meta: dict, override: bool, sections: str
) -> str:
    models = result.models
    if len(models) > 1:
        # Settings named only where they tell the runs apart.
        settings = len({json.dumps(m["settings"], sort_keys=True) for m in models}) > 1
        names = "; ".join(
            f"{_model_line(m)}, {m['documents']} documents"
            + (f", settings {esc(json.dumps(m['settings'], sort_keys=True))}" if settings else "")
            for m in models
        )
        made_by = f"Models {names}."
    else:
        made_by = f"Model {_model_line(models[0] if models else {})}."
    accuracy = accuracy_text(meta, override, mixed=len(models) > 1)
    return f"""<header>
<h1>Recurring practice failings in {len(records)} case review documents</h1>
<p class="model">{made_by} {esc(accuracy)}</p>
<p>{esc(CORRECTED_MEANING)}</p>
<p class="source">From {esc(source.name)}, made offline by scr-nlp. Every number and bar opens its evidence.</p>
<nav aria-label="Sections">{sections}</nav>
</header>"""


def _overall(result: AggregateResult, no_fields: str = "") -> str:
    reasons: list[str] = []
    rows = []
    for t in THEMES:
        tc = result.overall[t.id]
        if tc.corrected is None:
            reason = correction_reason_text(result, tc, t.id)
            if reason not in reasons:
                reasons.append(reason)
            mark = "*" * (reasons.index(reason) + 1)
            corrected = f'not available<span class="mark">{mark}</span>'
        else:
            corrected = f"{tc.corrected:.0f}% ({_interval(tc.corrected_low, tc.corrected_high)})"
        rows.append(
            f'<tr data-theme="{t.id}"><th scope="row">{_swatch(t.colour)}{esc(t.name)}</th>'
            f'<td class="tagged">{_evidence_button(_percent(tc), t.id)}</td>'
            f'<td class="interval">{_interval(tc.ci_low, tc.ci_high)}</td>'
            f'<td class="corrected">{corrected}</td></tr>'
        )
    notes = "".join(
        f'<p class="note">{"*" * (i + 1)} Corrected estimate not available: {esc(r)}.</p>'
        for i, r in enumerate(reasons)
    )
    corrected = any(result.overall[t.id].corrected is not None for t in THEMES)
    diamond = "; ◆ marks the corrected estimate, with its own interval" if corrected else ""
    return f"""<section id="overall" aria-labelledby="overall-h">
<h2 id="overall-h">Overall</h2>
<p class="lede">How many of the {result.documents} documents the model tagged with each failing
(bars, with 95% intervals){diamond}. Click a bar or a number to read the evidence.</p>
<div class="overall">
<table class="numbers overall-table"><thead><tr><th scope="col">Failing</th>
<th scope="col">Documents tagged</th><th scope="col">95% interval</th>
<th scope="col">Corrected estimate</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<div class="chart" id="chart-overall" role="img"
 aria-label="Bar chart: share of documents tagged with each failing, with 95% intervals. The table beside it gives the same numbers."></div>
</div>{notes}{no_fields}</section>"""


def _cohort_section(result: AggregateResult, index: int) -> str:
    field = result.by[0]
    label = field_label(field)
    readings = {t: readable_reading(result.tests[t.id].reading, field, label) for t in THEMES}
    if len(set(readings.values())) == 1:  # e.g. every theme "Not tested": say it once
        items = f"<li>{esc(next(iter(readings.values())))}</li>"
    else:
        items = "".join(f"<li>{_swatch(t.colour)}{esc(r)}</li>" for t, r in readings.items())
    counts = result.field_sources.get(field, {})
    sources = "".join(
        f'<tr><th scope="row">{name}</th><td>{counts.get(key, 0)}</td></tr>'
        for key, name in _SOURCES
    )
    head = "".join(f'<th scope="col">{esc(t.name)}</th>' for t in THEMES)
    rows = "".join(
        f'<tr><th scope="row">{esc(c.cohort[field])}{" (small)" if c.small else ""}</th><td>{c.documents}</td>'
        + "".join(
            "<td>"
            + _evidence_button(_percent(c.themes[t.id]), t.id, field=index, cohort=c.cohort[field])
            + "</td>"
            for t in THEMES
        )
        + "</tr>"
        for c in result.cohorts
    )
    return f"""<section id="by-{index}" aria-labelledby="by-{index}-h">
<h2 id="by-{index}-h">By {esc(label.lower())}</h2>
<p class="lede">Share of documents in each {esc(label.lower())} tagged with each failing; whiskers are
95% intervals. Faded bars are cohorts under {result.min_cohort_size} documents: shown, but too few
to compare, so left out of the tests.</p>
<div class="chart" id="chart-by-{index}" role="img"
 aria-label="Bar charts, one per failing: share of documents tagged in each {esc(label.lower())}. The table under “Numbers behind this chart” gives the same numbers."></div>
<div class="below">
<div><h3>Do the {esc(label.lower())} cohorts differ?</h3><ul class="readings">{items}</ul></div>
<table class="sources"><caption>Where the {esc(label.lower())} came from</caption>
<tbody>{sources}</tbody></table>
</div>
<details><summary>Numbers behind this chart</summary>
<table class="numbers"><thead><tr><th scope="col">{esc(label)}</th><th scope="col">Documents</th>{head}</tr></thead>
<tbody>{rows}</tbody></table></details>
</section>"""


def _together(result: AggregateResult) -> str:
    head = "".join(f'<th scope="col">{esc(t.name)}</th>' for t in THEMES)
    rows = []
    for a in THEMES:
        cells = []
        for b in THEMES:
            if a is b:
                text = f"{result.overall[a.id].count} tagged"
                cells.append(f'<td class="own">{_evidence_button(text, a.id)}</td>')
            else:
                text = str(result.cooccurrence[a.id][b.id])
                cells.append(f"<td>{_evidence_button(text, a.id, also=b.id)}</td>")
        rows.append(f'<tr><th scope="row">{esc(a.name)}</th>{"".join(cells)}</tr>')
    return f"""<section id="together" aria-labelledby="together-h">
<h2 id="together-h">Failings found together</h2>
<p class="lede">How many documents were tagged with both failings. The diagonal gives each failing’s
own count and is left out of the colour scale. Click a cell to read those documents.</p>
<div class="chart" id="chart-together" role="img"
 aria-label="Heatmap: documents tagged with both failings. The table under “Numbers behind this chart” gives the same numbers."></div>
<details><summary>Numbers behind this chart</summary>
<table class="numbers"><thead><tr><td></td>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
</details></section>"""


def _documents_section(results: dict[str, AggregateResult], by: list[str]) -> str:
    filters = [
        '<label>Failing <select id="f-theme"><option value="">any</option>'
        + "".join(f'<option value="{t.id}">{esc(t.name)}</option>' for t in THEMES)
        + "</select></label>",
        '<label>Together with <select id="f-also"><option value="">any</option>'
        + "".join(f'<option value="{t.id}">{esc(t.name)}</option>' for t in THEMES)
        + "</select></label>",
    ]
    for i, field in enumerate(by):
        options = "".join(
            f'<option value="{esc(c.cohort[field])}">{esc(c.cohort[field])} ({c.documents})</option>'
            for c in results[field].cohorts
        )
        filters.append(
            f'<label>{esc(field_label(field))} <select id="f-{i}" data-field="{i}">'
            f'<option value="">any</option>{options}</select></label>'
        )
    columns = "".join(f'<th scope="col">{esc(field_label(f))}</th>' for f in by)
    return f"""<section id="documents" aria-labelledby="documents-h">
<h2 id="documents-h" tabindex="-1">Documents</h2>
<div class="filters" role="group" aria-label="Filter the documents">{"".join(filters)}
<button type="button" id="f-clear">Clear filters</button></div>
<p id="doc-count" role="status"></p>
<p class="note">Open a document to read it: evidence sentences are underlined in each failing’s
colour, one line per failing; hover over or tab to one to see the model’s scores.</p>
<table class="docs"><thead><tr><th scope="col">Document</th>{columns}<th scope="col">Failings found</th>
<th scope="col">Evidence</th></tr></thead><tbody id="doc-rows"></tbody></table>
<button type="button" id="more" hidden>Show more documents</button>
</section>"""


def _documents(records, by: list[str]) -> list[dict]:
    """Per document what the list and the reader need: text, where, and themes with scores."""
    return [
        {
            "id": r.doc_id,
            "cohort": [cohort_key(cohort_value(r, f)[0]) for f in by],
            "labels": [t for t in THEME_IDS if t in r.labels],
            "sentences": [
                {
                    "t": s.text,
                    "s": s.section,
                    "p": s.para or "",
                    "l": {t: _number(s.scores.get(t)) for t in THEME_IDS if t in s.labels},
                }
                for s in r.sentences
            ],
        }
        for r in records
    ]


def _asset(name: str) -> str:
    return files("scr_nlp.report").joinpath(name).read_text(encoding="utf-8")


def report_fields(records, by: list[str] | None) -> list[str]:
    """The cohort fields to draw: those given (each once), or by default each of
    ``DEFAULT_FIELDS`` that some record has a value for (possibly none)."""
    if by is None:
        return [
            f for f in DEFAULT_FIELDS if any(cohort_value(r, f)[0] is not None for r in records)
        ]
    by = list(dict.fromkeys(by))
    if not by:
        raise UsageError("give at least one --by field, e.g. --by year_band")
    return by


def build_report(results_path: Path, by: list[str] | None = None) -> str:
    """The report page for a results file; ``by`` None draws the default fields the
    results have (none: overall figures only, and the page says so)."""
    from plotly.offline import get_plotlyjs

    results_path = Path(results_path)
    records = list(read_results(results_path))
    by = report_fields(records, by)
    meta = model_meta_for(records)
    override = run_reason(records) == "threshold_override"
    results = {f: aggregate(records, [f], model_meta=meta) for f in by}
    first = overall(records, model_meta=meta)
    no_fields = ""
    if not by:
        no_fields = (
            '<p class="note">No cohort charts: these results have none of the default cohort '
            f"fields ({esc(', '.join(DEFAULT_FIELDS))}); give --by FIELD to draw some.</p>"
        )
    data = {
        "themes": [{"id": t.id, "name": t.name, "colour": t.colour} for t in THEMES],
        "fields": [field_label(f) for f in by],
        "figures": [
            {"id": "chart-overall", "kind": "overall", "figure": figures.overall_figure(first)},
            *(
                {
                    "id": f"chart-by-{i}",
                    "kind": "cohort",
                    "figure": figures.cohort_figure(results[f], i),
                }
                for i, f in enumerate(by)
            ),
            {"id": "chart-together", "kind": "together", "figure": figures.together_figure(first)},
        ],
        "documents": _documents(records, by),
    }
    # Every "<" escaped: no string in the data can close or open a tag in the page.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    links = [("overall", "Overall")]
    links += [(f"by-{i}", f"By {field_label(f).lower()}") for i, f in enumerate(by)]
    links += [("together", "Found together"), ("documents", "Documents")]
    nav = " · ".join(f'<a href="#{key}">{esc(text)}</a>' for key, text in links)
    body = "".join(
        [
            _overall(first, no_fields),
            *(_cohort_section(results[f], i) for i, f in enumerate(by)),
            _together(first),
            _documents_section(results, by),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Practice failings in {len(records)} documents: {esc(results_path.name)}</title>
<style>{_asset("report.css")}</style></head>
<body><a class="skip" href="#documents">Skip to the documents</a>
{_header(records, first, results_path, meta, override, nav)}
<main>{body}</main>
<script type="application/json" id="report-data">{payload}</script>
<script>{get_plotlyjs()}</script>
<script>{_asset("report.js")}</script></body></html>
"""


def write_report(results_path: Path, out: Path, by: list[str] | None = None) -> Path:
    """Build the report and write it to ``out`` whole (a temporary file next to it,
    renamed into place). A bad ``out`` is refused before the results are read, and no
    temporary file is left behind on any failure."""
    out = Path(out)
    target = check_output_file(out, read_from=results_path)
    try:
        handle, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise output_error(out, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            text = build_report(Path(results_path), by)
            try:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            except OSError as exc:
                raise output_error(out, exc) from None
        try:
            os.chmod(tmp, _new_file_mode(target))
            os.replace(tmp, target)
        except OSError as exc:
            raise output_error(out, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _new_file_mode(out: Path) -> int:
    """The mode ``out`` has, or a new file's (mkstemp makes its file private)."""
    if out.exists():
        return out.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
