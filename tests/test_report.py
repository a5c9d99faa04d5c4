from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest

from scr_nlp.batch import BatchOptions, run_batch
from scr_nlp.report import build_report, write_report

from .conftest import REVIEW_TEXT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def results(tiny_model_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    lines = ["path,region,year"]
    for i in range(12):
        (folder / f"d{i}.txt").write_text(
            REVIEW_TEXT if i % 3 else "1.1 Every agency attended the conference.\n"
        )
        lines.append(f"d{i}.txt,{'London' if i % 2 else 'Wales'},{2010 + i}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n")
    out = folder / "results.jsonl"
    run_batch(
        [folder], out, BatchOptions(model=str(tiny_model_dir), manifest=folder / "manifest.csv")
    )
    return out


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:")):
                self.external.append(f"{tag} {name}={value}")


def test_report_is_self_contained(results, tmp_path):
    html = build_report(results, ["region", "year_band"])
    parser = _Resources()
    parser.feed(html)
    assert parser.external == []  # nothing fetched: scripts, styles and data are inline
    assert html.count('class="plotly-graph-div"') >= 3
    assert "report-data" in html and "Wales" in html


def test_report_in_headless_browser(results, tmp_path):
    if CHROMIUM is None:
        pytest.skip(
            "no chromium on this machine (CI installs Debian's chromium): browser test not run"
        )
    from playwright.sync_api import sync_playwright

    out = write_report(results, tmp_path / "report.html", ["region", "year_band"])
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1800})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_selector(".plotly-graph-div .main-svg", timeout=30_000)
        assert page.locator(".plotly-graph-div").count() >= 3
        assert page.locator("mark.evidence").count() >= 1
        title = page.locator("mark.evidence").first.get_attribute("title")
        assert "child_not_seen" in title
        page.select_option("#f-theme", "child_not_seen")
        assert "of 12 documents" in page.locator("#doc-count").inner_text()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert errors == []
