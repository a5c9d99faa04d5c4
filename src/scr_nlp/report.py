"""One self-contained HTML report from tag-batch results (plotly charts, inline everything)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from scr_nlp.aggregate import aggregate, cohort_value, model_meta_for
from scr_nlp.results import read_results
from scr_nlp.taxonomy import THEMES

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#243447;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}main{padding:18px 28px;max-width:1400px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:14px 18px;margin:0 0 18px}
h2{font-size:17px;margin:4px 0 10px}.chip{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;margin:1px}
table.docs{border-collapse:collapse;width:100%;font-size:14px}table.docs td,table.docs th{border-bottom:1px solid #eee;padding:5px 6px;text-align:left;vertical-align:top}
tr.doc{cursor:pointer}tr.doc:hover{background:#f3f6fa}.filters{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:10px}
.filters label{font-size:13px}.doctext{font-size:14px;line-height:1.55;max-width:980px}
.doctext mark{background:none;border-bottom:3px solid;padding:0 1px;cursor:help}.sec{color:#777;font-size:12px;margin-top:8px;text-transform:uppercase}
.legend span{margin-right:14px;font-size:13px}.note{font-size:12px;color:#666}
"""

_JS = """
const DATA = JSON.parse(document.getElementById('report-data').textContent);
const THEMES = DATA.themes;
const colour = Object.fromEntries(THEMES.map(t => [t.id, t.colour]));
const name = Object.fromEntries(THEMES.map(t => [t.id, t.name]));
function chips(labels){return labels.map(l => `<span class="chip" style="background:${colour[l]}">${name[l]}</span>`).join(' ');}
function esc(s){return String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
function docText(d){
  let out = '', section = null;
  for (const s of d.sentences){
    if (s.section !== section){ section = s.section; out += `<div class="sec">${esc(section)}</div>`; }
    const para = s.para ? `<b>${esc(s.para)}</b> ` : '';
    if (s.labels.length){
      const tip = Object.entries(s.scores).map(([k,v]) => `${k}: ${v.toFixed(2)}`).join('\\n');
      const c = colour[s.labels[0]];
      out += `${para}<mark class="evidence" style="border-color:${c};background:${c}22" title="${esc(tip)}">${esc(s.text)}</mark> `;
    } else { out += `${para}${esc(s.text)} `; }
  }
  return out;
}
function render(){
  const theme = document.getElementById('f-theme').value;
  const fields = DATA.by.map(f => [f, document.getElementById('f-' + f).value]);
  const rows = [];
  DATA.documents.forEach((d, i) => {
    if (theme && !d.labels.includes(theme)) return;
    for (const [f, v] of fields){ if (v && String(d.cohort[f]) !== v) return; }
    rows.push(`<tr class="doc" data-i="${i}"><td>${esc(d.doc_id)}</td>` +
      DATA.by.map(f => `<td>${esc(d.cohort[f] ?? 'unknown')}</td>`).join('') +
      `<td>${chips(d.labels) || '<span class="note">none</span>'}</td><td>${d.sentences.length}</td></tr>` +
      `<tr class="text" id="t${i}" style="display:none"><td colspan="${DATA.by.length + 3}"><div class="doctext"></div></td></tr>`);
  });
  document.getElementById('doc-rows').innerHTML = rows.join('');
  document.getElementById('doc-count').textContent = `${rows.length / 2} of ${DATA.documents.length} documents`;
  document.querySelectorAll('tr.doc').forEach(tr => tr.addEventListener('click', () => {
    const i = tr.dataset.i, row = document.getElementById('t' + i);
    const open = row.style.display === 'none';
    if (open && !row.dataset.filled){ row.querySelector('.doctext').innerHTML = docText(DATA.documents[i]); row.dataset.filled = 1; }
    row.style.display = open ? '' : 'none';
  }));
}
document.querySelectorAll('.filters select').forEach(s => s.addEventListener('change', render));
render();
const firstWithEvidence = DATA.documents.findIndex(d => d.labels.length);
const first = document.querySelector(`tr.doc[data-i="${Math.max(0, firstWithEvidence)}"]`); if (first) first.click();
"""


def _figures(result, by_field: str):
    import plotly.graph_objects as go

    result = result.to_dict()
    cohorts = [c for c in result["cohorts"]]
    names = [" / ".join(c["cohort"].values()) + (" *" if c["small"] else "") for c in cohorts]
    bars = go.Figure()
    for t in THEMES:
        pct = [c["themes"][t.id]["percent"] for c in cohorts]
        bars.add_trace(
            go.Bar(
                name=t.name,
                x=names,
                y=pct,
                marker_color=t.colour,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        c["themes"][t.id]["ci_high"] - c["themes"][t.id]["percent"] for c in cohorts
                    ],
                    "arrayminus": [
                        c["themes"][t.id]["percent"] - c["themes"][t.id]["ci_low"] for c in cohorts
                    ],
                },
                customdata=[[c["themes"][t.id]["count"], c["documents"]] for c in cohorts],
                hovertemplate="%{x}<br>%{y:.1f}% (%{customdata[0]} of %{customdata[1]} documents)<extra>"
                + t.name
                + "</extra>",
            )
        )
    bars.update_layout(
        barmode="group",
        title=f"Theme prevalence by {by_field} (95% Wilson intervals; * small cohort)",
        yaxis_title="% of documents",
        height=460,
        margin={"t": 50, "l": 50, "r": 10, "b": 80},
        legend={"orientation": "h", "y": -0.25},
    )
    heat = go.Figure(
        go.Heatmap(
            z=[[c["themes"][t.id]["percent"] for c in cohorts] for t in THEMES],
            x=names,
            y=[t.name for t in THEMES],
            colorscale="Blues",
            zmin=0,
            zmax=100,
            text=[[f"{c['themes'][t.id]['percent']:.0f}%" for c in cohorts] for t in THEMES],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z:.1f}%<extra></extra>",
            colorbar={"title": "%"},
        )
    )
    heat.update_layout(
        title=f"Theme by {by_field}", height=360, margin={"t": 50, "l": 230, "r": 10, "b": 60}
    )
    co = result["cooccurrence"]
    cooc = go.Figure(
        go.Heatmap(
            z=[[co[a.id][b.id] for b in THEMES] for a in THEMES],
            x=[t.name for t in THEMES],
            y=[t.name for t in THEMES],
            colorscale="Purples",
            texttemplate="%{z}",
            hovertemplate="%{y} and %{x}: %{z} documents<extra></extra>",
        )
    )
    cooc.update_layout(
        title="Co-occurrence (documents carrying both themes)",
        height=420,
        margin={"t": 50, "l": 230, "r": 10, "b": 120},
    )
    return bars, heat, cooc


def build_report(results_path: Path, by: list[str]) -> str:
    records = list(read_results(results_path))
    model_meta = model_meta_for(records)
    documents = [
        {
            "doc_id": r.doc_id,
            "labels": list(r.labels),
            "cohort": {f: cohort_value(r, f)[0] for f in by},
            "sentences": [
                {
                    "text": s.text,
                    "section": s.section,
                    "para": s.para,
                    "labels": list(s.labels),
                    "scores": s.scores,
                }
                for s in r.sentences
            ],
        }
        for r in records
    ]
    figures_html = []
    results = {}
    for i, field in enumerate(by):
        result = aggregate(records, [field], model_meta=model_meta)
        results[field] = result
        for j, fig in enumerate(_figures(result, field)):
            if i > 0 and j == 2:
                continue  # co-occurrence does not depend on the cohort field
            figures_html.append(
                fig.to_html(
                    full_html=False,
                    include_plotlyjs=not figures_html,
                    config={"displaylogo": False},
                )
            )
    data = {"themes": [t.__dict__ for t in THEMES], "by": by, "documents": documents}
    # Every "<" escaped: no string in the data can close or open a tag in the page.
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    options = {
        f: sorted({str(d["cohort"][f]) for d in documents if d["cohort"][f] is not None})
        for f in by
    }
    filters = [
        '<label>Theme <select id="f-theme"><option value="">any</option>'
        + "".join(f'<option value="{t.id}">{html.escape(t.name)}</option>' for t in THEMES)
        + "</select></label>"
    ]
    for f in by:
        filters.append(
            f'<label>{html.escape(f)} <select id="f-{html.escape(f)}"><option value="">any</option>'
            + "".join(f"<option>{html.escape(v)}</option>" for v in options[f])
            + "</select></label>"
        )
    model = records[0].model if records else {}
    first = results[by[0]]
    tests = "".join(f"<li>{html.escape(first.tests[t.id].reading)}</li>" for t in THEMES)
    legend = "".join(
        f'<span><span class="chip" style="background:{t.colour}">&nbsp;</span> {html.escape(t.name)}</span>'
        for t in THEMES
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>scr-nlp report: {html.escape(results_path.name)}</title><style>{_CSS}</style></head>
<body><header><h1>Recurring practice failings in {len(records)} case review documents</h1>
<p>Model {html.escape(str(model.get("name")))} ({html.escape(str(model.get("type")))} {html.escape(str(model.get("version")))}) ·
source {html.escape(results_path.name)} · generated offline by scr-nlp</p></header><main>
<section><h2>Prevalence by cohort</h2><div class="legend">{legend}</div>{"".join(figures_html)}
<p class="note">Does prevalence differ across {html.escape(by[0])}? (cohorts of at least {first.min_cohort_size} documents)</p><ul class="note">{tests}</ul></section>
<section><h2>Documents</h2><div class="filters">{"".join(filters)}<span id="doc-count" class="note"></span></div>
<p class="note">Click a document to read it; evidence sentences are underlined in their theme's colour, scores on hover.</p>
<table class="docs"><thead><tr><th>document</th>{"".join(f"<th>{html.escape(f)}</th>" for f in by)}<th>themes</th><th>sentences</th></tr></thead>
<tbody id="doc-rows"></tbody></table></section></main>
<script type="application/json" id="report-data">{payload}</script>
<script>{_JS}</script></body></html>
"""


def write_report(results_path: Path, out: Path, by: list[str]) -> Path:
    text = build_report(Path(results_path), by)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
