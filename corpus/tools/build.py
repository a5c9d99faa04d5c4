"""Build ``corpus/scr_corpus.jsonl`` from the team's annotated source files.

    .venv/bin/python corpus/tools/build.py   (what `make corpus` runs)

Deterministic: the same sources and seed give the same corpus. Three things are
added by script rather than by the writers:

* region and board, drawn so that agency_absence is deliberately more common in
  one region (recorded in the data card as an intended cohort difference);
* PDF-extracted layout for about a fifth of documents (hard wraps, hyphenation,
  running headers and footers, contents pages), with spans remapped exactly;
* the train/dev/test split, stratified by genre and theme, which is kept for
  every document already in the corpus and only assigned to new ones.
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(Path(__file__).resolve().parent)]

from sources import ParsedSource, parse_source_file  # noqa: E402

from scr_nlp.corpus.io import CorpusDocument, iter_documents, write_documents  # noqa: E402
from scr_nlp.corpus.schema import REGIONS  # noqa: E402
from scr_nlp.taxonomy import THEME_IDS  # noqa: E402

SEED = 20261122
AGENCY_ABSENCE_REGION = "North West"
RAW_LAYOUT_SHARE = 0.22
# Invented areas, two or three per region; none is a real local authority.
BOARDS: dict[str, tuple[str, ...]] = {
    "North East": ("Tynebridge", "Wearmouth Vale"),
    "North West": ("Mersey Fold", "Pennine Cross", "Irwell Reach"),
    "Yorkshire and the Humber": ("Calderholme", "Ouse Ridings"),
    "East Midlands": ("Trentvale", "Soar Valley"),
    "West Midlands": ("Severnside", "Black Brook"),
    "East of England": ("Fenmarsh", "Stour Heath"),
    "London": ("Riverside Borough", "Northgate Borough", "Eastwick Borough"),
    "South East": ("Downsmere", "Weald Hythe"),
    "South West": ("Exe Moor", "Tamar Levels"),
    "Wales": ("Cwm Teifi", "Dyffryn Taf"),
}
_SPLIT_PATTERN = tuple(
    "dev" if i in (3, 10, 17) else "test" if i in (6, 13, 19) else "train" for i in range(20)
)


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, (SEED, *parts))).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _themes(src: ParsedSource) -> set[str]:
    return {label for span in src.spans for label in span["labels"]}


def assign_region_and_board(src: ParsedSource) -> tuple[str, str]:
    rng = _rng("region", src.doc_id)
    if src.genre == "child_practice_review":
        region = "Wales"
    else:
        english = [r for r in REGIONS if r != "Wales"]
        others = [r for r in english if r != AGENCY_ABSENCE_REGION]
        share = 0.22 if "agency_absence" in _themes(src) else 0.05
        region = AGENCY_ABSENCE_REGION if rng.random() < share else rng.choice(others)
    return region, rng.choice(BOARDS[region])


# ---------------------------------------------------------------- PDF layout


@dataclass
class _Out:
    parts: list[str]
    mapping: dict[int, int]
    length: int = 0

    def copy(self, text: str, clean_start: int) -> None:
        for k in range(len(text)):
            self.mapping[clean_start + k] = self.length + k
        self.parts.append(text)
        self.length += len(text)

    def synth(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


_RUNNING_TITLES = {
    "executive_summary": "Serious Case Review – Executive Summary",
    "cspr": "Child Safeguarding Practice Review",
    "rapid_review": "Rapid Review – Submission to the National Panel",
    "national_analysis": "Analysis of Serious Case Reviews",
    "inspectorate_report": "Inspection Report",
    "child_practice_review": "Child Practice Review",
    "domestic_homicide_review": "Domestic Homicide Review – Overview Report",
    "safeguarding_adults_review": "Safeguarding Adults Review",
}
_MARKINGS = ("OFFICIAL", "OFFICIAL - SENSITIVE", "CONFIDENTIAL – NOT FOR CIRCULATION", "")


def to_pdf_layout(text: str, spans: list[dict], doc_id: str, genre: str) -> tuple[str, list[dict]]:
    """Re-lay ``text`` as a PDF text extractor would emit it; remap spans exactly."""
    rng = _rng("layout", doc_id)
    width = rng.randint(62, 92)
    lines_per_page = rng.randint(38, 52)
    gap_lines = rng.random() < 0.2  # some extractors emit blank lines between wrapped lines
    form_feed = rng.random() < 0.5
    title = _RUNNING_TITLES.get(genre, "Serious Case Review Overview Report")
    child = re.search(r"\b(Child|Baby) [A-Z]{1,2}\b", text)
    if child and rng.random() < 0.6:
        title = f"{title.split(' – ')[0]}: {child.group()}"
    marking = rng.choice(_MARKINGS)
    footer_style = rng.choice(("page_of", "pipe", "bare"))

    # Lay out lines first (each a list of copy/synth pieces), paginate after.
    lines: list[list[tuple[str, str, int]]] = []  # (kind, text, clean_start)
    paragraphs = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    headings = [p for _s, p in paragraphs if len(p) < 80 and not re.search(r"[.:;,]$", p)]
    if (
        len(headings) >= 3
        and genre.startswith(("overview", "executive", "domestic"))
        and rng.random() < 0.6
    ):
        lines.append([("synth", "Contents", 0)])
        page = 2
        for h in headings[:14]:
            dots = "." * max(4, width - len(h) - 6)
            lines.append([("synth", f"{h} {dots} {page}", 0)])
            page += rng.randint(0, 2)
        lines.append([])
    for start, para in paragraphs:
        m = re.match(r"(\d{1,2}(?:\.\d{1,3}){1,3}\.?)\s+", para)
        if m and rng.random() < 0.3:
            lines.append([("copy", m.group(1), start)])
            start, para = start + m.end(), para[m.end() :]
        current: list[tuple[str, str, int]] = []
        col = 0
        for wm in re.finditer(r"\S+", para):
            word, ws = wm.group(), start + wm.start()
            need = len(word) + (1 if current else 0)
            if col + need <= width:
                if current:
                    current.append(("copy", " ", ws - 1))
                current.append(("copy", word, ws))
                col += need
                continue
            room = width - col - 2
            if word.isalpha() and len(word) >= 8 and room >= 3 and rng.random() < 0.5:
                cut = min(room, len(word) - 3)
                if current:
                    current.append(("copy", " ", ws - 1))
                current.append(("copy", word[:cut], ws))
                current.append(("synth", "-", 0))
                lines.append(current)
                if gap_lines:
                    lines.append([])
                current = [("copy", word[cut:], ws + cut)]
                col = len(word) - cut
                continue
            if current:
                lines.append(current)
                if gap_lines:
                    lines.append([])
            current = [("copy", word, ws)]
            col = len(word)
        if current:
            lines.append(current)
        lines.append([])

    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    out = _Out([], {})
    for number, page in enumerate(pages, start=1):
        if number > 1 and form_feed:
            out.synth("\f")
        if marking:
            out.synth(marking + "\n")
        if number > 1 or rng.random() < 0.5:
            out.synth(title + "\n\n")
        for line in page:
            for kind, piece, clean_start in line:
                if kind == "copy":
                    out.copy(piece, clean_start)
                else:
                    out.synth(piece)
            out.synth("\n")
        footer = {
            "page_of": f"Page {number} of {len(pages)}",
            "pipe": f"{number} | P a g e",
            "bare": str(number),
        }[footer_style]
        out.synth(f"\n{footer}\n")
    new_text = "".join(out.parts)
    new_spans = [
        span | {"start": out.mapping[span["start"]], "end": out.mapping[span["end"] - 1] + 1}
        for span in spans
    ]
    return new_text, new_spans


# ---------------------------------------------------------------- splits


def _stratum(src: ParsedSource) -> tuple[str, str]:
    themes = _themes(src)
    rarest = next((t for t in reversed(THEME_IDS) if t in themes), "none")
    if "home_education_concealment" in themes:
        rarest = "home_education_concealment"
    return (rarest, src.genre)


def assign_splits(sources: list[ParsedSource], existing: dict[str, str]) -> dict[str, str]:
    splits = {s.doc_id: existing[s.doc_id] for s in sources if s.doc_id in existing}
    new = [s for s in sources if s.doc_id not in existing]
    new.sort(key=lambda s: (_stratum(s), hashlib.sha256(f"{SEED}{s.doc_id}".encode()).hexdigest()))
    offset = _rng("split-offset").randrange(len(_SPLIT_PATTERN))
    for i, src in enumerate(new):
        splits[src.doc_id] = _SPLIT_PATTERN[(i + offset) % len(_SPLIT_PATTERN)]
    return splits


# ---------------------------------------------------------------- build


def build_corpus(sources_dir: Path, out_path: Path) -> list[CorpusDocument]:
    files = sorted(p for d in sorted(sources_dir.glob("w*")) for p in sorted(d.glob("*.md")))
    sources = [parse_source_file(p) for p in files]
    existing = {}
    if out_path.exists():
        existing = {d.doc_id: d.split for d in iter_documents(out_path) if d.split}
    splits = assign_splits(sources, existing)
    raw_ids = {
        s.doc_id
        for s in sources
        if s.genre != "news" and _rng("raw", s.doc_id).random() < RAW_LAYOUT_SHARE / 0.8
    }
    docs = []
    for src in sources:
        region, board = assign_region_and_board(src)
        meta = {**src.meta, "region": region, "board": board}
        text, spans = src.text, src.spans
        if src.doc_id in raw_ids:
            text, spans = to_pdf_layout(text, spans, src.doc_id, src.genre)
            meta["layout"] = "pdf_extracted"
        else:
            meta["layout"] = "clean"
        docs.append(
            CorpusDocument(src.doc_id, src.genre, text, meta, tuple(spans), splits[src.doc_id])
        )
    docs = snap_spans_to_sentences(docs)
    write_documents(docs, out_path)
    return docs


def snap_spans_to_sentences(docs: list[CorpusDocument]) -> list[CorpusDocument]:
    """Widen each span to the segmenter's sentences it touches; merge spans that meet.

    Writers bracket what they read as a sentence; where the segmenter draws the
    boundary elsewhere (a quote inside ``said: "..."``, a ``Reason:`` lead-in) the
    segmenter's sentence is the unit every model sees, so the label goes on it.
    """
    from dataclasses import replace

    from scr_nlp.records import RawDocument
    from scr_nlp.segmenting import segment_many

    out = []
    raws = (RawDocument(d.doc_id, "", "string", d.text) for d in docs)
    for doc, seg in zip(docs, segment_many(raws), strict=True):
        sentences = seg.sentences
        merged: list[dict] = []
        for span in sorted(doc.spans, key=lambda s: s["start"]):
            touched = [s for s in sentences if s.end > span["start"] and s.start < span["end"]]
            if not touched:
                continue
            start, end = touched[0].start, touched[-1].end
            labels = list(span["labels"])
            if merged and start < merged[-1]["end"]:
                prev = merged.pop()
                start, end = prev["start"], max(end, prev["end"])
                labels = sorted(set(labels) | set(prev["labels"]), key=THEME_IDS.index)
            new = {"start": start, "end": end, "labels": labels}
            if not labels:
                new["hard_negative"] = True
            merged.append(new)
        out.append(replace(doc, spans=tuple(merged)))
    return out


if __name__ == "__main__":
    docs = build_corpus(ROOT / "corpus" / "sources", ROOT / "corpus" / "scr_corpus.jsonl")
    print(f"wrote {len(docs)} documents to corpus/scr_corpus.jsonl")
