"""The real-text development set: labels for real coroners' reports, joined to their text.

The project keeps only its own work on the reports — for every sentence, the report
id, the field (``circumstances`` or ``concerns``), character offsets into that field,
the sha256 of the sentence text and the labels (``corpus/real/pfd_labels.jsonl``),
with a fixed split by report (``pfd_splits.json``). The text stays in the user's copy
of ``pfd_reports.csv`` (the public data of the PFD-toolkit project; see the README).
Loading joins the two and checks every hash, so a different or edited CSV is refused
rather than silently mislabelled.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from scr_nlp.corpus.io import SPLITS, LabelledSentence
from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.models.base import with_neighbours
from scr_nlp.taxonomy import THEME_IDS

FIELDS = ("circumstances", "concerns")
LABELS_FILE = "pfd_labels.jsonl"
SPLITS_FILE = "pfd_splits.json"


@dataclass(frozen=True)
class RealSentence:
    field: str
    start: int
    end: int
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class RealReport:
    report_id: str
    split: str
    sentences: tuple[RealSentence, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        carried = {t for s in self.sentences for t in s.labels}
        return tuple(t for t in THEME_IDS if t in carried)


def pfd_csv_path(path: str | Path | None = None) -> Path:
    from scr_nlp.settings import get_settings

    chosen = Path(path) if path else get_settings().pfd_csv
    if chosen is None:
        raise InputNotFoundError(
            "no real-text CSV given: set SCR_NLP_PFD_CSV to your copy of pfd_reports.csv "
            "(see the README, 'Real-text development set')"
        )
    if not chosen.is_file():
        raise InputNotFoundError(f"{chosen}: real-text CSV not found")
    return chosen


def _read_reports(path: Path) -> dict[str, dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("id", *FIELDS) if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"{path}: not the PFD reports CSV (missing columns {missing})")
            return {row["id"]: {f: row[f] for f in FIELDS} for row in reader}
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8; is this the PFD reports CSV?") from None


def load_real_reports(
    csv_path: str | Path | None = None,
    split: str | None = None,
    labels_dir: Path | None = None,
) -> list[RealReport]:
    """Labelled reports (optionally one split), each hash checked against the CSV's text."""
    from scr_nlp.jsonl import iter_json_lines
    from scr_nlp.settings import get_settings

    if split is not None and split not in SPLITS:
        raise DataError(f"unknown split {split!r}; choose from {list(SPLITS)}")
    labels_dir = labels_dir or get_settings().real_labels_dir
    reports_text = _read_reports(pfd_csv_path(csv_path))
    splits = json.loads((labels_dir / SPLITS_FILE).read_text(encoding="utf-8"))["splits"]
    labels_path = labels_dir / LABELS_FILE
    by_report: dict[str, list[RealSentence]] = {}
    for number, record in iter_json_lines(labels_path):
        where = f"{labels_path}:{number}"
        if isinstance(record, json.JSONDecodeError) or not isinstance(record, dict):
            raise DataError(f"{where}: not a label record")
        report_id = record["report_id"]
        if split is not None and splits.get(report_id) != split:
            continue
        fields = reports_text.get(report_id)
        if fields is None:
            raise DataError(f"{where}: report {report_id} is not in the CSV; is it the same file?")
        text = fields[record["field"]][record["start"] : record["end"]]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["sha256"]:
            raise DataError(
                f"{where}: the text of report {report_id} ({record['field']} "
                f"{record['start']}-{record['end']}) does not match its hash; this CSV is "
                "not the one the labels were made on"
            )
        by_report.setdefault(report_id, []).append(
            RealSentence(
                record["field"],
                record["start"],
                record["end"],
                " ".join(text.split()),
                tuple(t for t in THEME_IDS if t in record["labels"]),
            )
        )
    return [
        RealReport(report_id, splits[report_id], tuple(sentences))
        for report_id, sentences in sorted(by_report.items())
    ]


def real_labelled_sentences(reports: list[RealReport]) -> list[LabelledSentence]:
    """Sentences ready for a model, each with its neighbours within the same field."""
    out: list[LabelledSentence] = []
    for report in reports:
        for field in FIELDS:
            sentences = [s for s in report.sentences if s.field == field]
            inputs = with_neighbours([s.text for s in sentences])
            out.extend(
                LabelledSentence(
                    doc_id=report.report_id,
                    input=sentence_input,
                    labels=s.labels,
                    hard_negative=False,
                    start=s.start,
                    end=s.end,
                )
                for s, sentence_input in zip(sentences, inputs, strict=True)
            )
    return out
