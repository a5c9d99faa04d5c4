"""Corpus documents in JSON Lines: reading them, and labelling their segmented sentences.

Format, one object per line::

    {"doc_id", "genre", "split", "text", "meta": {...},
     "spans": [{"start", "end", "labels": [...], "hard_negative"?: true}]}

``split`` is optional in user files (``--data``); the shipped corpus carries it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.models.base import SentenceInput, with_neighbours
from scr_nlp.taxonomy import THEME_IDS

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class CorpusDocument:
    doc_id: str
    genre: str
    text: str
    meta: dict
    spans: tuple[dict, ...]
    split: str | None = None
    line: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    def to_json(self) -> dict:
        record = {"doc_id": self.doc_id, "genre": self.genre}
        if self.split:
            record["split"] = self.split
        record |= {"meta": self.meta, "text": self.text, "spans": list(self.spans)}
        return record


@dataclass(frozen=True)
class LabelledSentence:
    """A sentence with gold labels and its neighbours (``input``), ready for a model."""

    doc_id: str
    input: SentenceInput
    labels: tuple[str, ...]
    hard_negative: bool
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.input.text


def corpus_path(path: str | Path | None) -> Path:
    from scr_nlp.settings import get_settings

    if path:
        path = Path(path)
        if not path.is_file():
            raise InputNotFoundError(f"{path}: no such file")
        return path
    path = get_settings().corpus_path
    if not path.exists():
        raise DataError(f"{path}: corpus file not found (build it with `make corpus`)")
    return path


def iter_documents(path: str | Path | None = None) -> Iterator[CorpusDocument]:
    from scr_nlp.jsonl import iter_json_lines

    path = corpus_path(path)
    try:
        for number, record in iter_json_lines(path):
            if isinstance(record, json.JSONDecodeError):
                raise DataError(f"{path}:{number}: not valid JSON ({record.msg})")
            yield _document(record, path, number)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text (corpus files are UTF-8 JSON Lines)") from None


def _document(record: object, path: Path, number: int) -> CorpusDocument:
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        raise DataError(f"{where}: expected a JSON object per line")
    for key, kind in (("doc_id", str), ("text", str), ("spans", list)):
        if not isinstance(record.get(key), kind):
            raise DataError(f"{where}: field {key!r} must be a {kind.__name__}")
    for key, kind in (("meta", dict), ("genre", str), ("split", str)):
        if record.get(key) is not None and not isinstance(record[key], kind):
            raise DataError(f"{where}: field {key!r} must be a {kind.__name__} or absent")
    spans = []
    for span in record["spans"]:
        if not isinstance(span, dict) or not {"start", "end", "labels"} <= span.keys():
            raise DataError(f"{where}: each span needs start, end and labels, got {span!r}")
        start, end, labels = span["start"], span["end"], span["labels"]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise DataError(f"{where}: span start and end must be whole numbers, got {span!r}")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise DataError(f"{where}: span labels must be a list of theme ids, got {labels!r}")
        spans.append(span)
    return CorpusDocument(
        doc_id=record["doc_id"],
        genre=record.get("genre") or "unknown",
        text=record["text"],
        meta=record.get("meta") or {},
        spans=tuple(spans),
        split=record.get("split"),
        line=number,
    )


def span_problems(doc: CorpusDocument) -> list[str]:
    """What makes a document's spans unusable for training or scoring: offsets off the text
    and labels outside the taxonomy."""
    out = []
    for span in doc.spans:
        start, end = span["start"], span["end"]
        if not 0 <= start < end <= len(doc.text):
            out.append(f"span {start}-{end} is outside the text (length {len(doc.text)})")
        unknown = [x for x in span["labels"] if x not in THEME_IDS]
        if unknown:
            out.append(f"span {start}-{end} has labels {unknown} not in the taxonomy")
    return out


def load_documents(
    path: str | Path | None = None, split: str | None = None
) -> list[CorpusDocument]:
    """The documents of a corpus file, refusing spans no model could learn from or be
    scored on (``scr-nlp corpus validate`` lists every problem at once)."""
    docs = list(iter_documents(path))
    for doc in docs:
        problems = span_problems(doc)
        if problems:
            raise DataError(
                f"{corpus_path(path)}:{doc.line} ({doc.doc_id}): {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            )
    if not docs:
        raise DataError(f"{corpus_path(path)}: no documents")
    if split is None:
        return docs
    chosen = [d for d in docs if d.split == split]
    if not chosen:
        raise DataError(f"{corpus_path(path)}: no documents in split {split!r}")
    return chosen


def labelled_sentences(docs: list[CorpusDocument]) -> list[LabelledSentence]:
    """Segment each document and give every sentence the labels of the spans it overlaps."""
    from scr_nlp.records import RawDocument
    from scr_nlp.segmenting import segment_many

    raws = (RawDocument(d.doc_id, "", "string", d.text) for d in docs)
    out: list[LabelledSentence] = []
    for doc, seg in zip(docs, segment_many(raws), strict=True):
        sents = seg.sentences
        spans = sorted(doc.spans, key=lambda s: s["start"])
        inputs = with_neighbours([s.text for s in sents])
        for sent, sentence_input in zip(sents, inputs, strict=True):
            labels: set[str] = set()
            hard = False
            for span in spans:
                if span["start"] >= sent.end:
                    break
                if span["end"] > sent.start:
                    labels.update(span["labels"])
                    hard = hard or not span["labels"]
            out.append(
                LabelledSentence(
                    doc_id=doc.doc_id,
                    input=sentence_input,
                    labels=tuple(t for t in THEME_IDS if t in labels),
                    hard_negative=hard and not labels,
                    start=sent.start,
                    end=sent.end,
                )
            )
    return out


def write_documents(docs: list[CorpusDocument], path: Path) -> None:
    """Write atomically so a crash never leaves a half-written corpus."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
    tmp.replace(path)
