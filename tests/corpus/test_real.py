"""The real-text set: labels joined to the user's CSV, every hash checked."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import pytest

from scr_nlp.corpus.real import load_real_reports, real_labelled_sentences
from scr_nlp.errors import DataError, InputNotFoundError

SHARED_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "pfd_reports.csv"
REAL_CSV = Path(os.environ.get("SCR_NLP_PFD_CSV") or SHARED_CSV)


def _write(tmp_path, reports: dict[str, tuple[str, str]], labels: list[tuple]) -> tuple[Path, Path]:
    """An invented CSV and labels for it: (report, field, start, end, labels)."""
    path = tmp_path / "reports.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "url", "circumstances", "concerns"])
        for rid, (circ, conc) in reports.items():
            writer.writerow([rid, "", circ, conc])
    folder = tmp_path / "labels"
    folder.mkdir()
    lines = []
    for rid, field, start, end, theme_ids in labels:
        text = reports[rid][0 if field == "circumstances" else 1][start:end]
        digest = hashlib.sha256(text.encode()).hexdigest()
        lines.append(json.dumps({"report_id": rid, "field": field, "start": start, "end": end,
                                 "sha256": digest, "labels": theme_ids}))  # fmt: skip
    (folder / "pfd_labels.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "pfd_splits.json").write_text(json.dumps({"splits": {rid: "dev" for rid in reports}}))
    return path, folder


REPORTS = {
    "R1": ("Ann died at home. Her mother had rung the team twice.", "The team did not call back."),
}
LABELS = [
    ("R1", "circumstances", 0, 17, []),
    ("R1", "circumstances", 18, 53, []),
    ("R1", "concerns", 0, 27, ["third_party_concerns_ignored"]),
]


def test_loader_joins_text_and_labels(tmp_path):
    csv_path, folder = _write(tmp_path, REPORTS, LABELS)
    (report,) = load_real_reports(csv_path, "dev", labels_dir=folder)
    assert [s.text for s in report.sentences] == [
        "Ann died at home.",
        "Her mother had rung the team twice.",
        "The team did not call back.",
    ]
    assert report.labels == ("third_party_concerns_ignored",)
    sentences = real_labelled_sentences([report])
    assert (
        sentences[1].input.prev_text == "Ann died at home." and sentences[1].input.next_text == ""
    )
    assert sentences[2].input.prev_text == ""  # neighbours stay within a field
    assert load_real_reports(csv_path, "test", labels_dir=folder) == []


def test_a_different_csv_is_refused_by_hash(tmp_path):
    _, folder = _write(tmp_path, REPORTS, LABELS)
    other = tmp_path / "other"
    other.mkdir()
    changed = {"R1": ("Ann died at home. Her father had rung the team twice.", REPORTS["R1"][1])}
    other_csv, _ = _write(other, changed, [])
    with pytest.raises(
        DataError, match=r"pfd_labels.jsonl:2: the text of report R1 .* does not match its hash"
    ):
        load_real_reports(other_csv, labels_dir=folder)


def test_missing_csv_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("SCR_NLP_PFD_CSV", raising=False)
    with pytest.raises(InputNotFoundError, match="SCR_NLP_PFD_CSV"):
        load_real_reports(None)


def test_the_shipped_labels_match_the_real_reports():
    if not REAL_CSV.is_file():
        pytest.skip("the real coroners' reports CSV is not on this machine (see the README)")
    reports = load_real_reports(REAL_CSV)
    assert len(reports) == 287
    splits = {r.split for r in reports}
    assert splits == {"train", "dev", "test"}
    assert sum(len(r.sentences) for r in reports) == 6507
    with_theme = {t for r in reports for t in r.labels}
    assert {"agency_absence", "third_party_concerns_ignored"} <= with_theme
