"""Validate a corpus file: schema, offsets, labels, metadata, duplicates across splits."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from scr_nlp.corpus.io import SPLITS, CorpusDocument, corpus_path, iter_documents, span_problems
from scr_nlp.corpus.schema import (
    AGE_BANDS,
    ANNOTATION_GENRE,
    GENRES,
    OUTCOMES,
    REGIONS,
    REVIEW_TYPES,
    YEAR_RANGE,
)
from scr_nlp.errors import DataError

_MIN_DUP_WORDS = 8


@dataclass(frozen=True)
class Problem:
    level: str  # "error" | "warning"
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def validate_corpus(path: str | Path | None = None, require_split: bool = True) -> list[Problem]:
    path = corpus_path(path)
    problems: list[Problem] = []
    docs: list[CorpusDocument] = []
    seen_ids: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(
                        Problem("error", f"{path}:{number}", f"invalid JSON: {exc.msg}")
                    )
    except UnicodeDecodeError:
        return [Problem("error", str(path), "not UTF-8 text (corpus files are UTF-8 JSON Lines)")]
    if problems:
        return problems
    try:
        docs = list(iter_documents(path))
    except DataError as exc:
        return [Problem("error", str(path), str(exc))]
    for doc in docs:
        where = f"{path}:{doc.line} ({doc.doc_id})"
        if doc.doc_id in seen_ids:
            problems.append(Problem("error", where, f"doc_id repeats line {seen_ids[doc.doc_id]}"))
        seen_ids[doc.doc_id] = doc.line
        problems.extend(_check_document(doc, where, require_split))
    from scr_nlp.records import RawDocument
    from scr_nlp.segmenting import segment_many

    # Segment once; both checks read the same sentences.
    segmented = list(segment_many(RawDocument(d.doc_id, "", "string", d.text) for d in docs))
    problems.extend(_check_boundaries(docs, segmented, path))
    problems.extend(_check_duplicates(docs, segmented, path))
    return problems


def _check_document(doc: CorpusDocument, where: str, require_split: bool) -> list[Problem]:
    out: list[Problem] = []

    def err(message: str) -> None:
        out.append(Problem("error", where, message))

    if not doc.text.strip():
        err("text is empty")
    if require_split and doc.split not in SPLITS:
        err(f"split {doc.split!r} is not one of {list(SPLITS)}")
    if doc.genre == ANNOTATION_GENRE:  # an annotator's sentence: provenance, not case facts
        if not doc.meta.get("source"):
            err("meta.source (the annotation file it came from) is missing")
    else:
        _check_metadata(doc, err)
    for problem in span_problems(doc):  # what no model could use: off the text, unknown theme
        err(problem)
    previous_end = 0
    for span in sorted(doc.spans, key=lambda s: s["start"]):
        start, end, labels = span["start"], span["end"], span["labels"]
        if not 0 <= start < end <= len(doc.text):
            continue
        if start < previous_end:
            err(f"span {start}-{end} overlaps the previous span")
        previous_end = end
        if len(set(labels)) != len(labels):
            err(f"span {start}-{end} repeats a label")
        if doc.text[start].isspace() or doc.text[end - 1].isspace():
            err(f"span {start}-{end} starts or ends on whitespace")
    return out


def _check_metadata(doc: CorpusDocument, err) -> None:
    if doc.genre not in GENRES:
        err(f"genre {doc.genre!r} is not one of {list(GENRES)}")
    meta = doc.meta
    year = meta.get("year")
    if not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        err(f"meta.year {year!r} is not a year in {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
    for key, allowed, nullable in (
        ("region", REGIONS, False),
        ("review_type", REVIEW_TYPES, False),
        ("outcome", OUTCOMES, True),
        ("child_age_band", AGE_BANDS, True),
    ):
        value = meta.get(key)
        if value is None and nullable:
            if meta.get("review_type") != "thematic" and doc.genre != "news":
                err(f"meta.{key} may be null only for thematic reviews and news")
        elif value not in allowed:
            err(f"meta.{key} {value!r} is not one of {list(allowed)}")
    if not isinstance(meta.get("board"), str) or not meta.get("board"):
        err("meta.board must be a non-empty string")


def boundary_problems(docs: list[CorpusDocument], path: Path) -> list[Problem]:
    """Spans that do not start and end on sentence boundaries, as segmented now."""
    from scr_nlp.records import RawDocument
    from scr_nlp.segmenting import segment_many

    segmented = list(segment_many(RawDocument(d.doc_id, "", "string", d.text) for d in docs))
    return _check_boundaries(docs, segmented, path)


def _check_boundaries(docs: list[CorpusDocument], segmented, path: Path) -> list[Problem]:
    """Every span must start at a sentence start and end at a sentence end, as segmented."""
    out = []
    for doc, seg in zip(docs, segmented, strict=True):
        starts = {s.start for s in seg.sentences}
        ends = {s.end for s in seg.sentences}
        for span in doc.spans:
            if span["start"] not in starts or span["end"] not in ends:
                snippet = " ".join(doc.text[span["start"] : span["end"]].split())[:70]
                out.append(
                    Problem(
                        "error",
                        f"{path}:{doc.line} ({doc.doc_id})",
                        f"span {span['start']}-{span['end']} is not on sentence boundaries: {snippet!r}",
                    )
                )
    return out


def _check_duplicates(docs: list[CorpusDocument], segmented, path: Path) -> list[Problem]:
    """The same or a near-identical sentence in two documents: an error across splits when it
    is labelled (it would leak between train and test), otherwise a warning."""
    from scr_nlp.textkeys import NearDuplicateIndex, sentence_key

    by_key: dict[str, list[tuple[str, str | None, str, bool]]] = defaultdict(list)
    index = NearDuplicateIndex()
    owners: list[tuple[str, str | None, str, bool]] = []
    out = []
    for doc, seg in zip(docs, segmented, strict=True):
        for sent in seg.sentences:
            key = sentence_key(sent.text)
            if len(key.split()) < _MIN_DUP_WORDS:
                continue
            marked = any(sp["start"] < sent.end and sp["end"] > sent.start for sp in doc.spans)
            owner = (doc.doc_id, doc.split, sent.text, marked)
            if key in by_key:
                by_key[key].append(owner)
                continue
            for i, score in index.matches(key):
                other = owners[i]
                if other[0] != doc.doc_id and score < 1.0:
                    out.append(
                        Problem(
                            "error"
                            if other[1] != doc.split and (other[3] or marked)
                            else "warning",
                            str(path),
                            f"near-duplicate sentences in {other[0]} and {doc.doc_id} "
                            f"(jaccard {score:.2f}): {other[2][:60]!r}",
                        )
                    )
            by_key[key].append(owner)
            index.add(key)
            owners.append(owner)
    for occurrences in by_key.values():
        doc_ids = sorted({o[0] for o in occurrences})
        if len(doc_ids) < 2:
            continue
        splits = {o[1] for o in occurrences}
        # Unlabelled boilerplate ("The medical cause of death was 1a hanging.") recurs in real
        # documents too; only a labelled or hard-negative sentence in two splits leaks.
        leaks = len(splits) > 1 and any(o[3] for o in occurrences)
        out.append(
            Problem(
                "error" if leaks else "warning",
                str(path),
                f"sentence repeated in {doc_ids} ({sorted(map(str, splits))}): {occurrences[0][2][:80]!r}",
            )
        )
    return out
