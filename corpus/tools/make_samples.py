"""Write corpus/samples/ (txt, PDF with a text layer, docx; some in raw PDF layout),
its manifest.csv and gold.jsonl, from corpus/sources/samples/. Deterministic.

    .venv/bin/python corpus/tools/make_samples.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(Path(__file__).resolve().parent)]

from build import (  # noqa: E402
    _rng,
    assign_region_and_board,
    snap_spans_to_sentences,
    to_pdf_layout,
)
from sources import parse_source_file  # noqa: E402

from scr_nlp.corpus.io import CorpusDocument, write_documents  # noqa: E402

OUT = ROOT / "corpus" / "samples"
_ASCII = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-", "£": "GBP "}
)
_HEADING = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?\s+)?[A-Z][^.!?]{0,90}$")


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 12 and bool(_HEADING.match(line)) and not line.endswith((",", ";"))


def write_pdf(path: Path, text: str, title: str) -> None:
    from fpdf import FPDF

    class Review(FPDF):
        def header(self):
            self.set_font("helvetica", size=8)
            self.cell(0, 5, "OFFICIAL", align="C", new_x="LMARGIN", new_y="NEXT")
            self.cell(
                0,
                5,
                title.translate(_ASCII).encode("latin-1", "replace").decode("latin-1"),
                align="R",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    import datetime

    pdf = Review()
    pdf.set_creation_date(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))  # stable bytes
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for line in text.split("\n"):
        line = line.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")
        if not line.strip():
            pdf.ln(3)
            continue
        heading = _is_heading(line)
        pdf.set_font("helvetica", style="B" if heading else "", size=12 if heading else 10.5)
        pdf.multi_cell(0, 5.2, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write_docx(path: Path, text: str) -> None:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        if not line.strip():
            continue
        if _is_heading(line):
            document.add_heading(line, level=2 if re.match(r"\d+\.\d", line) else 1)
        else:
            document.add_paragraph(line)
    import datetime

    document.core_properties.created = datetime.datetime(2024, 1, 1)  # stable bytes
    document.core_properties.modified = datetime.datetime(2024, 1, 1)
    import io
    import zipfile

    buffer = io.BytesIO()
    document.save(buffer)
    # Rewrite the zip with fixed entry times so the same text gives the same bytes.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("s-*"):
        old.unlink()
    sources = [
        parse_source_file(p) for p in sorted((ROOT / "corpus" / "sources" / "samples").glob("*.md"))
    ]
    rows, gold = [], []
    for i, src in enumerate(sources):
        region, board = assign_region_and_board(src)
        meta = {**src.meta, "region": region, "board": board}
        title = src.text.strip().split("\n", 1)[0][:80]
        kind = ("txt", "pdf", "docx")[i % 3]
        if kind == "txt" and _rng("sample-layout", src.doc_id).random() < 0.6:
            text, _spans = to_pdf_layout(src.text, src.spans, src.doc_id, src.genre)
            name = f"{src.doc_id}.txt"
            # some councils still publish Windows-1252 text
            encoding = "cp1252" if i % 2 else "utf-8"
            (OUT / name).write_bytes(text.encode(encoding, errors="replace"))
        elif kind == "txt":
            name = f"{src.doc_id}.txt"
            (OUT / name).write_text(src.text, encoding="utf-8")
        elif kind == "pdf":
            name = f"{src.doc_id}.pdf"
            write_pdf(OUT / name, src.text, title)
        else:
            name = f"{src.doc_id}.docx"
            write_docx(OUT / name, src.text)
        rows.append(
            {
                "path": name,
                "doc_id": src.doc_id,
                **{
                    k: ("" if meta.get(k) is None else meta[k])
                    for k in ("year", "region", "outcome", "child_age_band", "review_type", "board")
                },
                "genre": src.genre,
            }
        )
        gold.append(CorpusDocument(src.doc_id, src.genre, src.text, meta, tuple(src.spans), None))
    with (OUT / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    write_documents(snap_spans_to_sentences(gold), OUT / "gold.jsonl")
    print(f"wrote {len(rows)} samples, manifest.csv and gold.jsonl to {OUT}")


if __name__ == "__main__":
    main()
