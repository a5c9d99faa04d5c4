"""The HTML report: its numbers against aggregate(), its charts' data, and (in headless
Chromium) clicks down to evidence, filters, keyboard use, contrast and hostile data."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scr_nlp.aggregate import aggregate, format_aggregate, model_meta_for
from scr_nlp.batch import BatchOptions, run_batch
from scr_nlp.errors import DataError, OutputNotWritableError, UsageError
from scr_nlp.report import build_report, write_report
from scr_nlp.report.page import CORRECTED_MEANING, accuracy_text, readable_reading
from scr_nlp.results import read_results
from scr_nlp.taxonomy import THEME_IDS, THEMES

from .conftest import REVIEW_TEXT

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# One sentence the tiny model tags with two themes (fathers_overlooked and agency_absence).
MULTI_TEXT = (
    "1.1 Probation did not attend and held information that was not shared about father. "
    "The family moved twice.\n"
)
QUIET_TEXT = "1.1 Every agency attended the conference.\n"
HOSTILE = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{x}}",
]
BY = ["region", "year_band"]


def _tag(folder: Path, model: Path, out: Path) -> Path:
    run_batch([folder], out, BatchOptions(model=str(model), manifest=folder / "manifest.csv"))
    return out


def _corpus(folder: Path) -> Path:
    """25 documents: London 11, Wales 11, Scotland 2 (a small cohort), one with no region."""
    lines = ["path,region,year"]
    for i in range(25):
        (folder / f"d{i:02}.txt").write_text((REVIEW_TEXT, MULTI_TEXT, QUIET_TEXT)[i % 3])
        region = "London" if i < 11 else "Wales" if i < 22 else "Scotland" if i < 24 else ""
        lines.append(f"d{i:02}.txt,{region},{2010 + i % 10}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="module")
def results(tiny_model_dir, tmp_path_factory):
    folder = _corpus(tmp_path_factory.mktemp("docs"))
    return _tag(folder, tiny_model_dir, folder / "results.jsonl")


@pytest.fixture(scope="module")
def records(results):
    return list(read_results(results))


@pytest.fixture(scope="module")
def report_html(results):
    return build_report(results, BY)


@pytest.fixture(scope="module")
def report_file(results, tmp_path_factory):
    return write_report(results, tmp_path_factory.mktemp("report") / "report.html", BY)


def _payload(page: str) -> dict:
    raw = page.split('<script type="application/json" id="report-data">', 1)[1].split(
        "</script>", 1
    )[0]
    return json.loads(raw)


def _figure(page: str, figure_id: str) -> dict:
    return next(f["figure"] for f in _payload(page)["figures"] if f["id"] == figure_id)


class _Text(HTMLParser):
    """Text of the header and, per overall-table row (``tr[data-theme]``), of each cell."""

    def __init__(self):
        super().__init__()
        self.header, self.rows, self.h2 = "", {}, []
        self._in_header = self._in_h2 = False
        self._row: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self._in_header = True
        elif tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        elif tag == "tr" and "data-theme" in attrs:
            self._row = attrs["data-theme"]
            self.rows[self._row] = []
        elif tag in ("td", "th") and self._row:
            self.rows[self._row].append("")

    def handle_endtag(self, tag):
        if tag == "header":
            self._in_header = False
        elif tag == "h2":
            self._in_h2 = False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._in_header:
            self.header += data
        if self._in_h2:
            self.h2[-1] += data
        if self._row:
            self.rows[self._row][-1] += data


def _text(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    parser.header = " ".join(parser.header.split())
    return parser


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:")):
                self.external.append(f"{tag} {name}={value}")


# ------------------------------------------------------------------ static HTML and data


def test_report_is_self_contained(report_html):
    from plotly.offline import get_plotlyjs

    parser = _Resources()
    parser.feed(report_html)
    assert parser.external == []  # nothing fetched: scripts, styles and data are inline
    assert report_html.count(get_plotlyjs()[:300]) == 1  # plotly.js inline, once


def test_header_and_overall_table_match_aggregate(report_html, records):
    overall = aggregate(records, ["region"]).overall
    text = _text(report_html)
    model = records[0].model
    assert "Recurring practice failings in 25 case review documents" in text.header
    assert f"Model {model['name']} ({model['type']} {model['version']}" in text.header
    assert f"sha256 {model['sha256'][:12]})" in text.header
    # The tiny model is not installed under a models directory: no measured accuracy.
    assert "Accuracy not known" in text.header
    assert CORRECTED_MEANING in text.header
    for t in THEMES:
        tc = overall[t.id]
        name, tagged, interval, corrected = (" ".join(c.split()) for c in text.rows[t.id])
        assert name == t.name
        assert tagged == f"{tc.count} of 25 ({tc.percent:.0f}%)"
        assert interval == f"{tc.ci_low:.0f}–{tc.ci_high:.0f}%"
        assert corrected.startswith("not available")
    assert "Corrected estimate not available: the error rates of the model" in report_html
    assert "it is not installed here, or has changed since" in report_html
    assert overall["child_not_seen"].count == 9  # the fixture's REVIEW_TEXT documents


def test_header_says_when_a_model_has_no_real_text_measurement():
    synthetic_only = {"metrics": {"dev": {"sentence": {"macro_f1": 0.75}}}}
    assert "no measurement on real text" in accuracy_text(synthetic_only, False)
    assert "threshold override" in accuracy_text(synthetic_only, True)


@pytest.fixture
def measured_results(tiny_model_dir, tmp_path, monkeypatch):
    """The tiny model installed as "measured", with real-text accuracy and error rates."""
    from scr_nlp.models.store import load_model, save_model

    model = load_model(tiny_model_dir)
    model.meta = dict(model.meta) | {
        "metrics": {"real_dev": {"sentence": {"macro_f1": 0.712}, "document": {"macro_f1": 0.804}}},
        "error_rates": {
            t: {
                "true_positives": 18,
                "false_negatives": 2,
                "true_negatives": 70,
                "false_positives": 10,
                "source": "real_dev",
            }
            for t in THEME_IDS
        },
    }
    save_model(model, tmp_path / "models" / "measured")
    monkeypatch.setenv("SCR_NLP_MODELS", str(tmp_path / "models"))
    folder = tmp_path / "docs"
    folder.mkdir()
    return _tag(_corpus(folder), tmp_path / "models" / "measured", tmp_path / "r.jsonl")


def test_measured_model_shows_accuracy_and_corrected_prevalence(measured_results):
    records = list(read_results(measured_results))
    meta = model_meta_for(records)
    assert meta, "the measured model should be found under SCR_NLP_MODELS"
    overall = aggregate(records, ["region"], model_meta=meta).overall
    page = build_report(measured_results, ["region"])
    text = _text(page)
    assert (
        "common there, 0 to 1, higher is better): 0.71 for sentences and 0.80 for documents"
        in text.header
    )
    corrected_themes = [t for t in THEME_IDS if overall[t].corrected is not None]
    assert len(corrected_themes) >= 3
    for t in THEMES:
        tc = overall[t.id]
        corrected = " ".join(text.rows[t.id][3].split())
        if tc.corrected is None:  # a theme never tagged: 0% is below the false-positive rate
            assert tc.count == 0 and tc.no_correction == "beyond_error_rates"
            assert corrected.startswith("not available")
            continue
        assert corrected == f"{tc.corrected:.0f}% ({tc.corrected_low:.0f}–{tc.corrected_high:.0f}%)"
    assert "would only be clipped to 0% or 100%" in page
    figure = _figure(page, "chart-overall")
    assert [trace["type"] for trace in figure["data"]] == ["bar", "scatter"]
    assert figure["data"][1]["x"] == [overall[t].corrected for t in corrected_themes]
    assert figure["layout"]["showlegend"] is False
    assert "◆ marks the corrected estimate" in page  # said once in words, not in a legend


def test_threshold_override_says_why_nothing_is_corrected(measured_results, tmp_path):
    lines = []
    for line in measured_results.read_text().splitlines():
        record = json.loads(line)
        record["settings"] = {"threshold": 0.3}
        lines.append(json.dumps(record))
    overridden = tmp_path / "override.jsonl"
    overridden.write_text("\n".join(lines) + "\n")
    text = _text(build_report(overridden, ["region"]))
    assert "tagged with a threshold override" in text.header
    assert all(" ".join(text.rows[t][3].split()).startswith("not available") for t in THEME_IDS)


def test_cohort_sections_titles_sizes_readings_and_sources(report_html, records):
    text = _text(report_html)
    assert text.h2 == [
        "Overall",
        "By region",
        "By year band",
        "Failings found together",
        "Documents",
    ]
    region = _figure(report_html, "chart-by-0")
    for trace, t in zip(region["data"], THEMES, strict=True):
        assert trace["marker"]["color"] == t.colour
        labels = dict(zip(trace["y"], trace["marker"]["opacity"], strict=True))
        assert labels == {
            "London (n=11)": 1.0,
            "Scotland (small, n=2)": 0.3,
            "Wales (n=11)": 1.0,
            "unknown (small, n=1)": 0.3,
        }
    result = aggregate(records, ["region"])
    for t in THEMES:
        reading = readable_reading(result.tests[t.id].reading, "region", "Region")
        assert html.escape(reading) in report_html
    years = aggregate(records, ["year_band"])
    assert "year_band" not in readable_reading(
        years.tests["child_not_seen"].reading, "year_band", "Year band"
    )
    sources = re.search(
        r"Where the region came from</caption>(.*?)</table>", report_html, re.S
    ).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", sources).split())
    assert words == "From the manifest 24 Read from the text 0 Unknown 1"


def test_charts_share_theme_order_and_one_legend_at_most(report_html, records):
    figures = {f["id"]: f["figure"] for f in _payload(report_html)["figures"]}
    names = [t.name for t in THEMES]
    overall = figures["chart-overall"]
    axis = overall["layout"]["yaxis"]
    assert overall["data"][0]["y"] == axis["tickvals"] == [0, 1, 2, 3, 4]
    assert axis["ticktext"] == names and axis["autorange"] == "reversed"
    together = figures["chart-together"]
    heat = together["data"][0]
    assert [n.replace("<br>", " ") for n in heat["y"]] == names
    # First theme on top, as in the bars.
    assert together["layout"]["yaxis"]["autorange"] == "reversed"
    # The diagonal is out of the colour scale (null) and labelled with the theme's own count.
    co = aggregate(records, ["region"]).cooccurrence
    assert all(heat["z"][i][i] is None for i in range(len(THEMES)))
    assert heat["zmax"] == max(co[a][b] for a in THEME_IDS for b in THEME_IDS if a != b)
    assert heat["text"][0][0] == "(9 tagged)"
    cohort_titles = [
        a["text"].replace("<br>", " ") for a in figures["chart-by-0"]["layout"]["annotations"]
    ]
    assert cohort_titles == names  # panels left to right in the same order
    assert all(f["layout"]["showlegend"] is False for f in figures.values())


def test_script_never_builds_html_from_strings():
    from importlib.resources import files

    script = files("scr_nlp.report").joinpath("report.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def _inline_results(
    tmp_path: Path, n: int, tagged: int, meta=None, model=None, prefix: str = "d"
) -> Path:
    """A results file of ``n`` one-sentence documents, ``tagged`` of them with
    fathers_overlooked; ``meta(i)`` gives each document's manifest values."""
    from scr_nlp.tagging import TaggedSentence, TagResult

    lines = []
    for i in range(n):
        labels = ("fathers_overlooked",) if i < tagged else ()
        scores = {t: (0.9 if t in labels else 0.1) for t in THEME_IDS}
        sentence = TaggedSentence(0, 5, "Text.", "other", None, labels, scores)
        record = TagResult(f"{prefix}{i}", f"{prefix}{i}.txt", "0" * 64, meta(i) if meta else {},
                           model or {"name": "inline", "type": "t", "version": "1", "sha256": "a"},
                           labels, scores, (sentence,), {"threshold": None})  # fmt: skip
        lines.append(json.dumps(record.to_dict()))
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_default_fields_are_those_the_results_have(tmp_path):
    years_only = _inline_results(tmp_path, 3, 1, meta=lambda i: {"year": 2010 + i})
    page = build_report(years_only)
    assert _text(page).h2 == ["Overall", "By year band", "Failings found together", "Documents"]
    assert "No cohort charts" not in page
    (tmp_path / "none").mkdir()
    neither = _inline_results(tmp_path / "none", 3, 1)
    page = build_report(neither)
    assert _text(page).h2 == ["Overall", "Failings found together", "Documents"]
    assert "No cohort charts: these results have none of the default cohort fields" in page
    with pytest.raises(UsageError, match="unknown cohort field 'region'"):
        build_report(neither, ["region"])  # asked for by name: still an error


def test_report_rounds_percentages_as_aggregate_does(tmp_path):
    results = _inline_results(tmp_path, 11, 5, meta=lambda i: {"region": "A"})
    page = build_report(results, ["region"])
    table = format_aggregate(aggregate(read_results(results), ["region"]), "table")
    assert "5 (45%," in table and "5 of 11 (45%)" in page and "(46%)" not in page
    bars = _figure(page, "chart-overall")["data"][0]["customdata"]
    assert "45%, 95% interval 21–72%" in bars[THEME_IDS.index("fathers_overlooked")]


def test_diagonal_of_found_together_matches_aggregate(tmp_path):
    results = _inline_results(tmp_path, 4, 3)
    result = aggregate(read_results(results), ["year_band"])
    assert result.cooccurrence["fathers_overlooked"]["fathers_overlooked"] == 3
    assert f"{result.overall['fathers_overlooked'].count} tagged" in build_report(results)


def test_mixed_models_are_named_and_left_uncorrected(tmp_path):
    one = _inline_results(tmp_path, 3, 1).read_text()
    (tmp_path / "b").mkdir()
    other = {"name": "other", "type": "linear", "version": "1", "sha256": "b"}
    two = _inline_results(tmp_path / "b", 2, 1, model=other, prefix="e").read_text()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(one + two)
    text = _text(build_report(mixed))
    models = "Models inline (t 1, sha256 a), 3 documents; other (linear 1, sha256 b), 2 documents"
    assert models in text.header
    assert "made by more than one model or with different settings" in text.header
    assert all(" ".join(text.rows[t][3].split()).startswith("not available") for t in THEME_IDS)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_bad_out_paths_are_refused_before_any_work(tmp_path):
    results = _inline_results(tmp_path, 2, 1)
    before = results.read_bytes()
    (tmp_path / "outdir").mkdir()
    (tmp_path / "link.jsonl").symlink_to(results)
    cases = {
        tmp_path / "outdir": "is a directory",
        tmp_path / "nodir" / "x.html": "does not exist",
        results: "is the results file being read",
        tmp_path / "link.jsonl": "is the results file being read",
        Path("/dev/null"): "is not a regular file",
    }
    for out, message in cases.items():
        with pytest.raises(OutputNotWritableError, match=message):
            write_report(results, out)
    assert results.read_bytes() == before and results.is_file()
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "outdir") == []
    assert Path("/dev/null").is_char_device()


def test_a_symbolic_link_out_writes_the_file_it_leads_to(tmp_path):
    results = _inline_results(tmp_path, 2, 1)
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "report.html"
    page.write_text("old")
    link = tmp_path / "report.html"
    link.symlink_to(page)
    assert write_report(results, link) == link
    assert link.is_symlink() and page.read_text().startswith("<!DOCTYPE html>")
    (tmp_path / "to-a-pipe").symlink_to("/dev/null")
    with pytest.raises(OutputNotWritableError, match="is not a regular file"):
        write_report(results, tmp_path / "to-a-pipe")
    assert Path("/dev/null").is_char_device()


def test_a_failed_report_leaves_no_temporary_file(tmp_path):
    results = tmp_path / "bad.jsonl"
    results.write_text('{"doc_id": "a", "sha256": "x", "labels": "child_not_seen"}\n')
    with pytest.raises(DataError, match="bad.jsonl:1: labels must be a list"):
        write_report(results, tmp_path / "report.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def test_cli_errors_are_one_line_with_their_exit_codes(tmp_path):
    from .conftest import run_cli

    results = _inline_results(tmp_path, 2, 1)
    done = run_cli("report", results, "--out", results)
    assert done.returncode == 12 and done.stderr.count("\n") == 1
    assert "is the results file being read" in done.stderr
    done = run_cli("report", results, "--out", tmp_path / "nodir" / "x.html")
    assert done.returncode == 12 and done.stderr.count("\n") == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "a", "sha256": "x", "labels": [], "model": "hybrid"}\n')
    for args in (("aggregate", bad, "--by", "year_band"), ("report", bad)):
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 9, done.stderr
        assert done.stderr == f'scr-nlp: error: {bad}:1: model must be an object, not "hybrid"\n'
    assert _leftovers(tmp_path) == []


# ------------------------------------------------------------------ in the browser


def browser_test(test):
    """Marked ``browser``; skipped, saying why, where there is no Chromium."""
    reason = f"no Chromium at {CHROMIUM} (CI installs Debian's chromium): browser test not run"
    return pytest.mark.browser(pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=reason)(test))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A report page in the browser, with every console error, page error and dialog kept."""

    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1300, "height": 1000})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("#chart-together .main-svg", timeout=30_000)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def count(self) -> str:
        return self.page.locator("#doc-count").inner_text()

    def click_at(self, selector: str, fx: float = 0.5, fy: float = 0.5) -> None:
        """A real mouse click inside an element's box (plotly listens on a layer above it)."""
        target = self.page.locator(selector)
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        self.page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)

    def open(self, doc_id: str) -> None:
        self.page.locator("button.doc-toggle", has_text=doc_id).first.click()

    def reset(self) -> None:
        """As freshly loaded, without paying plotly's start-up again: no filter, nothing open."""
        self.page.mouse.move(0, 0)
        self.page.evaluate(
            """() => {
              document.getElementById('f-clear').click();
              document.querySelectorAll('button.doc-toggle[aria-expanded="true"]').forEach(b => b.click());
              document.querySelectorAll('details[open]').forEach(d => { d.open = false; });
              document.activeElement.blur();
              window.scrollTo(0, 0);
            }"""
        )


@pytest.fixture(scope="module")
def shared_page(browser, report_file):
    page = Opened(browser, report_file)
    yield page
    page.page.close()


@pytest.fixture
def opened(shared_page):
    """The report, reset for this test; fails the test on any console error it caused."""
    shared_page.reset()
    yield shared_page
    assert shared_page.errors == []


def _contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    def luminance(rgb):
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(css: str) -> tuple[float, ...]:
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(float(v) for v in re.findall(r"[\d.]+", css))


def _evidence(records, theme_id: str) -> set[str]:
    return {s.text for r in records for s in r.sentences if theme_id in s.labels}


@browser_test
def test_bars_and_heatmap_draw_themes_in_one_order(opened):
    def drawn(chart: str) -> list[str]:
        ticks = opened.page.locator(f"#{chart} .ytick text").evaluate_all(
            "ts => ts.map(t => [t.getBoundingClientRect().top, t.textContent])"
        )
        return [text.replace(" ", "") for _, text in sorted(ticks)]

    names = [t.name.replace(" ", "") for t in THEMES]
    assert drawn("chart-overall") == drawn("chart-together") == names  # top to bottom


@browser_test
def test_counter_and_filters(opened):
    assert opened.count() == "25 of 25 documents"
    assert opened.page.locator("button.doc-toggle").count() == 25
    opened.page.select_option("#f-0", "Wales")
    assert opened.count() == "11 of 25 documents · region Wales"
    assert opened.page.locator("button.doc-toggle").count() == 11
    opened.page.click("#f-clear")
    assert opened.count() == "25 of 25 documents"


@browser_test
def test_clicking_an_overall_bar_lists_that_themes_evidence(opened, records):
    opened.click_at("#chart-overall .point path >> nth=0")  # the first bar: child_not_seen
    assert opened.page.input_value("#f-theme") == "child_not_seen"
    assert opened.count() == "9 of 25 documents · tagged Child not seen or heard"
    quotes = opened.page.locator(".evidence-list q").all_inner_texts()
    assert quotes and set(quotes) <= _evidence(records, "child_not_seen")
    focused = opened.page.evaluate("document.activeElement.id")
    assert focused == "documents-h"  # the reader is taken to the list


@browser_test
def test_clicking_a_cohort_bar_filters_theme_and_cohort(opened, records):
    # Region chart, first panel (child_not_seen), first bar (London, 11 documents).
    opened.click_at("#chart-by-0 .subplot.xy .point path >> nth=0")
    assert opened.page.input_value("#f-theme") == "child_not_seen"
    assert opened.page.input_value("#f-0") == "London"
    london = [c for c in aggregate(records, ["region"]).cohorts if c.cohort["region"] == "London"][
        0
    ]
    assert opened.count().startswith(f"{london.themes['child_not_seen'].count} of 25 documents")
    assert opened.page.locator(".evidence-list q").count() >= 1


@browser_test
def test_clicking_a_heatmap_cell_filters_to_both_themes(opened, records):
    co = aggregate(records, ["region"]).cooccurrence
    # Row 1 (fathers_overlooked), column 4 (agency_absence) of the 5 x 5 grid.
    opened.click_at("#chart-together .nsewdrag", fx=4.5 / 5, fy=1.5 / 5)
    assert opened.page.input_value("#f-theme") == "fathers_overlooked"
    assert opened.page.input_value("#f-also") == "agency_absence"
    n = co["fathers_overlooked"]["agency_absence"]
    assert n > 0 and opened.count().startswith(f"{n} of 25 documents")


@browser_test
def test_theme_filter_narrows_highlighting(opened):
    opened.open("d00")  # REVIEW_TEXT: child_not_seen, fathers_overlooked, third_party...
    themes = opened.page.locator("mark.evidence").evaluate_all(
        "ms => ms.map(m => m.dataset.themes)"
    )
    assert len(set(themes)) >= 2
    opened.page.select_option("#f-theme", "fathers_overlooked")
    marks = opened.page.locator("mark.evidence")
    assert marks.count() >= 1
    assert set(marks.evaluate_all("ms => ms.map(m => m.dataset.themes)")) == {"fathers_overlooked"}
    chips = opened.page.locator("tr.doc-text .chip").all_inner_texts()
    assert chips and all(c.startswith("Fathers and men overlooked") for c in chips)


@browser_test
def test_multi_theme_sentence_shows_both_themes_and_scores_on_focus(opened):
    opened.open("d01")  # MULTI_TEXT
    both = opened.page.locator("mark.evidence[data-themes='fathers_overlooked agency_absence']")
    assert both.count() == 1
    sentence = opened.page.locator(".ev", has=both)
    names = sentence.locator(".chip").all_inner_texts()
    assert [n.split("score")[0].strip() for n in names] == [
        "Fathers and men overlooked",
        "Agency missing from joint work",
    ]
    score = sentence.locator(".score").first
    assert score.bounding_box()["width"] <= 1  # hidden until asked for
    sentence.focus()
    assert score.bounding_box()["width"] > 1
    assert re.fullmatch(r"score 0\.\d\d", score.inner_text().strip())


@browser_test
def test_keyboard_reaches_and_opens_a_document(opened):
    page = opened.page
    page.click("header h1")  # Tab from the top of the page
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('doc-toggle')"):
            break
    else:
        pytest.fail("Tab never reached a document row")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")  # a visible focus ring
    toggle = page.locator("button.doc-toggle:focus")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(f"#{toggle.get_attribute('aria-controls')} .doctext").is_visible()
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "false"


@browser_test
def test_chart_numbers_work_from_the_keyboard(opened):
    page = opened.page
    page.locator("#overall button.num[data-theme='fathers_overlooked']").focus()
    page.keyboard.press("Enter")
    assert page.input_value("#f-theme") == "fathers_overlooked"
    page.locator("#by-0 details summary").focus()
    page.keyboard.press("Enter")  # opens "Numbers behind this chart"
    page.locator("#by-0 button.num[data-theme='agency_absence'][data-cohort='Wales']").focus()
    page.keyboard.press(" ")
    assert page.input_value("#f-0") == "Wales" and page.input_value("#f-theme") == "agency_absence"


@browser_test
def test_text_on_coloured_backgrounds_has_contrast(opened):
    for t in THEMES:
        assert _contrast((255, 255, 255), _rgb(t.colour)) >= 4.5, t.id
    opened.open("d01")
    header = _rgb(
        opened.page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
    )
    pairs = opened.page.evaluate(
        """() => [...document.querySelectorAll('.chip, mark.evidence, header h1, header p, button.num')]
          .map(e => [e.className, !!e.closest('header'), getComputedStyle(e).color,
                     getComputedStyle(e).backgroundColor])"""
    )
    assert len([p for p in pairs if p[0] == "chip"]) >= 2
    for name, in_header, fg, bg in pairs:
        background = _rgb(bg)
        if len(background) == 4 and background[3] == 0:  # transparent: on the header or page
            background = header if in_header else (255, 255, 255)
        assert _contrast(_rgb(fg), background) >= 4.5, (name, fg, bg)


@pytest.fixture
def hostile_report(results, tmp_path):
    """Every field a document brings, set to strings that would run if treated as HTML."""
    lines = []
    for i, line in enumerate(results.read_text().splitlines()):
        record = json.loads(line)
        bad = HOSTILE[i % len(HOSTILE)]
        record["doc_id"] = f"{bad}{i}"
        record["meta"] |= {"region": bad, HOSTILE[2]: bad}
        record["model"] |= {"name": HOSTILE[0], "type": HOSTILE[1], "version": HOSTILE[3]}
        for s in record["sentences"]:
            s |= {"text": f"{bad} {s['text']}", "section": bad, "para": bad}
            s["labels"] = [*s["labels"], HOSTILE[1]]  # an unknown theme is ignored, not shown
        lines.append(json.dumps(record))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return write_report(path, tmp_path / "hostile.html", ["region", HOSTILE[2]])


@browser_test
def test_hostile_strings_render_as_text(browser, hostile_report, results):
    source = hostile_report.read_text()
    for bad in HOSTILE[:3]:
        assert bad not in source  # every one escaped in the page source
    opened = Opened(browser, hostile_report)
    page = opened.page
    ids = page.locator("button.doc-toggle").all_inner_texts()
    assert ids == [f"{HOSTILE[i % 4]}{i}" for i in range(25)]
    for toggle in page.locator("button.doc-toggle").all():
        toggle.click()
    assert page.locator("tr.doc-text:not([hidden]) .doctext").count() == 25
    body = page.inner_text("body")
    for bad in HOSTILE:
        assert bad in body
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 3  # data, plotly, report: nothing injected
    ticks = page.locator("#chart-by-0 .ytick text").all_text_contents()
    assert any(t.startswith(HOSTILE[2]) for t in ticks)  # plotly shows it as text too
    assert "Model <!--<script>" in page.inner_text("header")
    assert opened.dialogs == [] and opened.errors == []
    page.close()
