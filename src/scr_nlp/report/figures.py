"""The report's plotly figures, as JSON-ready dicts that report.js draws and wires to clicks.

Plotly reads a few tags (``<b>``, ``<br>``, ``<a href>``) inside labels, so every string
that comes from the data has ``&``, ``<`` and ``>`` escaped before plotly sees it: with no
tag left to read, it is only text (quotes stay as they are: plotly would show ``&quot;``).
Themes keep one order everywhere, top to bottom (``autorange="reversed"``) and left to
right, so the overall bars, the small multiples and the heatmap line up.
"""

from __future__ import annotations

import html
import json
import textwrap

from scr_nlp.aggregate import AggregateResult, CohortResult, ThemeCount, whole_percent
from scr_nlp.taxonomy import THEMES

SMALL_OPACITY = 0.3
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
_WHISKER = {"type": "data", "symmetric": False, "color": "#333", "thickness": 1.5, "width": 4}
_STATIC = {"fixedrange": True}


def _wrapped(name: str, width: int) -> str:
    """A theme name on short lines (our own strings: safe to join with <br>)."""
    return "<br>".join(textwrap.wrap(name, width))


def _numbers(c: ThemeCount) -> str:
    """The hover's numbers (``45%, 95% interval 21–72%``), rounded as every table rounds
    them: in Python, from the counts (plotly's own formatting rounds differently)."""
    return f"{whole_percent(c.count, c.documents)}, 95% interval {c.ci_low:.0f}–{c.ci_high:.0f}%"


def _whiskers(counts: list[ThemeCount]) -> dict:
    return _WHISKER | {
        "array": [round(c.ci_high - c.percent, 1) for c in counts],
        "arrayminus": [round(c.percent - c.ci_low, 1) for c in counts],
    }


def _layout(height: int, **extra) -> dict:
    return {
        "height": height,
        "font": FONT,
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "dragmode": False,
        "hovermode": "closest",
        "showlegend": False,
    } | extra


def _as_json(fig) -> dict:
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=True))


def cohort_label(cohort: CohortResult, value: str) -> str:
    """A cohort's axis label with its size; small cohorts say so. Escaped for plotly."""
    shown = value if len(value) <= 40 else value[:39] + "…"
    size = f"small, n={cohort.documents}" if cohort.small else f"n={cohort.documents}"
    return f"{html.escape(shown, quote=False)} ({size})"


def overall_figure(result: AggregateResult) -> dict:
    """One horizontal bar per theme: share of documents tagged, Wilson 95% whiskers. Where
    there is a corrected estimate, a diamond with its own whiskers sits just under the bar
    (rows are numbers so it can), and the page's text says what the diamond is: no legend."""
    import plotly.graph_objects as go

    counts = [result.overall[t.id] for t in THEMES]
    rows = list(range(len(THEMES)))
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=rows,
            x=[c.percent for c in counts],
            width=0.5,
            marker={"color": [t.colour for t in THEMES]},
            error_x=_whiskers(counts),
            customdata=[
                [t.id, t.name, c.count, c.documents, c.ci_low, c.ci_high, _numbers(c)]
                for t, c in zip(THEMES, counts, strict=True)
            ],
            hovertemplate="%{customdata[1]}: %{customdata[2]} of %{customdata[3]} documents "
            "tagged (%{customdata[6]})<br>Click to see the evidence<extra></extra>",
        )
    )
    corrected = [
        (i, t, c) for i, t, c in zip(rows, THEMES, counts, strict=True) if c.corrected is not None
    ]
    if corrected:
        fig.add_trace(
            go.Scatter(
                mode="markers",
                y=[i + 0.38 for i, _, _ in corrected],
                x=[c.corrected for _, _, c in corrected],
                marker={"symbol": "diamond", "size": 10, "color": "#111"},
                cliponaxis=False,
                error_x=_WHISKER
                | {
                    "array": [round(c.corrected_high - c.corrected, 1) for _, _, c in corrected],
                    "arrayminus": [
                        round(c.corrected - c.corrected_low, 1) for _, _, c in corrected
                    ],
                },
                customdata=[
                    [
                        t.id,
                        t.name,
                        c.corrected_low,
                        c.corrected_high,
                        f"{c.corrected:.0f}% (95% interval "
                        f"{c.corrected_low:.0f}–{c.corrected_high:.0f}%)",
                    ]
                    for _, t, c in corrected
                ],
                hovertemplate="%{customdata[1]}: corrected estimate %{customdata[4]}"
                "<extra></extra>",
            )
        )
    fig.update_layout(
        _layout(300, margin={"t": 10, "r": 20, "b": 50, "l": 10}),
        xaxis=_STATIC
        | {
            "range": [0, 100],
            "ticksuffix": "%",
            "gridcolor": "#e5e5e5",
            "title": {"text": "% of documents"},
        },
        yaxis=_STATIC
        | {
            "autorange": "reversed",
            "automargin": True,
            "tickvals": rows,
            "ticktext": [t.name for t in THEMES],
            "showgrid": False,
            "zeroline": False,
        },
    )
    return _as_json(fig)


def cohort_figure(result: AggregateResult, field_index: int) -> dict:
    """Small multiples: one panel per theme, one bar per cohort. Small cohorts are faded;
    every bar's label carries its n. No legend: each panel is titled with its theme."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    field = result.by[0]
    cohorts = result.cohorts
    labels = [cohort_label(c, c.cohort[field]) for c in cohorts]
    fig = make_subplots(
        rows=1,
        cols=len(THEMES),
        shared_yaxes=True,
        horizontal_spacing=0.018,
        subplot_titles=[_wrapped(t.name, 18) for t in THEMES],
    )
    for col, t in enumerate(THEMES, start=1):
        counts = [c.themes[t.id] for c in cohorts]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=labels,
                x=[c.percent for c in counts],
                marker={
                    "color": t.colour,
                    "opacity": [SMALL_OPACITY if c.small else 1.0 for c in cohorts],
                },
                error_x=_whiskers(counts),
                customdata=[
                    [
                        t.id,
                        field_index,
                        c.cohort[field],
                        tc.count,
                        tc.documents,
                        tc.ci_low,
                        tc.ci_high,
                        _numbers(tc),
                    ]
                    for c, tc in zip(cohorts, counts, strict=True)
                ],
                hovertemplate=f"{t.name}<br>%{{y}}: %{{customdata[3]}} of "
                "%{customdata[4]} documents (%{customdata[7]})<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(
        # No "0" label: it would run into the neighbouring panel's "100%".
        _STATIC
        | {
            "range": [0, 100],
            "tickvals": [0, 50, 100],
            "ticktext": ["", "50%", "100%"],
            "gridcolor": "#e5e5e5",
        }
    )
    fig.update_yaxes(_STATIC | {"autorange": "reversed", "automargin": True})
    fig.update_annotations(font={"size": 13})
    fig.update_layout(
        _layout(110 + 30 * len(cohorts), margin={"t": 52, "r": 16, "b": 30, "l": 10}, bargap=0.25)
    )
    return _as_json(fig)


def together_figure(result: AggregateResult) -> dict:
    """Documents carrying both themes. The diagonal (a theme with itself) is left out of the
    colour scale and labelled with the theme's own count instead."""
    import plotly.graph_objects as go

    co = result.cooccurrence
    off_diagonal = [co[a.id][b.id] for a in THEMES for b in THEMES if a.id != b.id]
    names = [_wrapped(t.name, 16) for t in THEMES]
    text, hover, custom = [], [], []
    for a in THEMES:
        own = result.overall[a.id].count
        text.append([f"({own} tagged)" if a is b else str(co[a.id][b.id]) for b in THEMES])
        hover.append(
            [
                f"{a.name}: {own} documents tagged"
                if a is b
                else f"{co[a.id][b.id]} documents tagged with both {a.name} and {b.name}"
                for b in THEMES
            ]
        )
        custom.append([a.id if a is b else f"{a.id} {b.id}" for b in THEMES])
    fig = go.Figure(
        go.Heatmap(
            z=[[None if a is b else co[a.id][b.id] for b in THEMES] for a in THEMES],
            x=names,
            y=names,
            zmin=0,
            zmax=max([1, *off_diagonal]),
            # Light enough at its darkest for dark text (contrast above 7:1 throughout).
            colorscale=[[0, "#ffffff"], [1, "#b7a6e8"]],
            xgap=2,
            ygap=2,
            text=text,
            texttemplate="%{text}",
            textfont={"color": "#1a1a1a", "size": 14},
            hovertext=hover,
            hoverinfo="text",
            customdata=custom,
            colorbar={"title": {"text": "documents"}, "thickness": 12, "len": 0.8},
        )
    )
    fig.update_layout(
        _layout(430, margin={"t": 10, "r": 10, "b": 10, "l": 10}, plot_bgcolor="#f2f2f2"),
        xaxis=_STATIC | {"side": "top", "automargin": True, "showgrid": False},
        yaxis=_STATIC | {"autorange": "reversed", "automargin": True, "showgrid": False},
    )
    return _as_json(fig)
