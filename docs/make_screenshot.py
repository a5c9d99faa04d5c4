"""Redraw docs/report.png: tag corpus/samples with the default model, build the report, and
photograph it in headless Chromium with the documents filtered and one of them open.

Run from the checkout: ``python docs/make_screenshot.py`` (needs playwright and
/usr/bin/chromium; never downloads a browser).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def scr_nlp(*args: str) -> None:
    """This checkout's scr-nlp, whichever one is installed."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "scr_nlp", *args], cwd=ROOT, env=env, check=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        results, report = Path(tmp) / "samples.jsonl", Path(tmp) / "report.html"
        samples = ROOT / "corpus" / "samples"
        scr_nlp(
            "tag-batch",
            str(samples),
            "--manifest",
            str(samples / "manifest.csv"),
            "--out",
            str(results),
        )
        scr_nlp("report", str(results), "--out", str(report), "--by", "year_band", "--by", "region")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_selector("#chart-together .main-svg")
            # Two failings found together, in one region: one short document, opened, with a
            # sentence carrying both failings.
            page.select_option("#f-theme", "child_not_seen")
            page.select_option("#f-also", "home_education_concealment")
            page.select_option("#f-1", "London")
            page.click("button.doc-toggle:text-is('s-002')")
            page.evaluate("window.scrollTo(0, 0)")
            out = ROOT / "docs" / "report.png"
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
