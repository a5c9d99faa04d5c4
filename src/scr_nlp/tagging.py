"""Tag documents: segment, score every sentence, decide labels, roll up to the document.

``Tagger.load(path=None).tag(text_or_path)`` returns a ``TagResult`` whose
``to_dict()`` is exactly the batch JSONL record documented in the README. The
decision rule (``decide``) is the one place thresholds are applied; the spaCy
component and every command go through it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scr_nlp.reading import DEFAULT_MAX_SIZE_MB, SUPPORTED_SUFFIXES, read_document
from scr_nlp.records import RawDocument, SegmentedDocument, printable
from scr_nlp.taxonomy import THEME_IDS, theme

_DIGITS = 4


@dataclass(frozen=True)
class Decision:
    """Per-theme thresholds on sentence scores and on a document's best sentence score.

    A document carries a theme when its best sentence reaches the document threshold;
    a sentence carries a theme when it reaches the sentence threshold in a document that
    carries the theme. Document thresholds are never below sentence thresholds, so a
    document carries a theme exactly when at least one of its sentences does (the
    codebook's rule), and a single weak sentence in a long document is not enough.
    """

    sentence: tuple[float, ...]
    document: tuple[float, ...]

    @classmethod
    def from_model(cls, model, override: float | None = None) -> Decision:
        if override is not None:
            same = tuple(float(override) for _ in THEME_IDS)
            return cls(same, same)
        sentence = tuple(float(model.thresholds[t]) for t in THEME_IDS)
        document = tuple(
            max(s, float(model.document_thresholds.get(t, s)))
            for t, s in zip(THEME_IDS, sentence, strict=True)
        )
        return cls(sentence, document)


@dataclass(frozen=True)
class Decided:
    sentence_labels: list[tuple[str, ...]]
    document_scores: dict[str, float]
    document_labels: tuple[str, ...]


def decide(scores, decision: Decision) -> Decided:
    """Labels for sentences and the document from a (sentences x themes) score array."""
    import numpy as np

    n = len(scores)
    best = scores.max(axis=0) if n else np.zeros(len(THEME_IDS), dtype=np.float32)
    carried = best >= np.asarray(decision.document, dtype=np.float32)
    if not n:
        carried[:] = False
    sentence = (scores >= np.asarray(decision.sentence, dtype=np.float32)) & carried
    return Decided(
        sentence_labels=[tuple(t for j, t in enumerate(THEME_IDS) if row[j]) for row in sentence],
        document_scores={t: round(float(best[j]), _DIGITS) for j, t in enumerate(THEME_IDS)},
        document_labels=tuple(t for j, t in enumerate(THEME_IDS) if carried[j]),
    )


@dataclass(frozen=True)
class TaggedSentence:
    start: int
    end: int
    text: str
    section: str
    para: str | None
    labels: tuple[str, ...]
    scores: dict[str, float]

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "section": self.section,
            "para": self.para,
            "labels": list(self.labels),
            "scores": self.scores,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TaggedSentence:
        return cls(
            data["start"],
            data["end"],
            data["text"],
            data.get("section", "other"),
            data.get("para"),
            tuple(data.get("labels", ())),
            dict(data.get("scores", {})),
        )


@dataclass(frozen=True)
class TagResult:
    doc_id: str
    path: str
    sha256: str
    meta: dict
    model: dict
    labels: tuple[str, ...]
    scores: dict[str, float]
    sentences: tuple[TaggedSentence, ...]
    settings: dict
    warnings: tuple[str, ...] = ()
    facts: dict | None = None

    def to_dict(self) -> dict:
        path, escaped = printable(self.path)
        doc_id, _ = printable(self.doc_id)
        record = {
            "doc_id": doc_id,
            "path": path,
            **({"path_escaped": True} if escaped else {}),
            "sha256": self.sha256,
            "meta": self.meta,
        }
        if self.facts is not None:
            record["facts"] = self.facts
        record |= {
            "model": self.model,
            "settings": self.settings,
            "labels": list(self.labels),
            "scores": self.scores,
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if self.warnings:
            record["warnings"] = list(self.warnings)
        return record

    @classmethod
    def from_dict(cls, data: dict) -> TagResult:
        return cls(
            doc_id=data["doc_id"],
            path=data["path"],
            sha256=data["sha256"],
            meta=dict(data.get("meta") or {}),
            model=dict(data.get("model") or {}),
            labels=tuple(data["labels"]),
            scores=dict(data.get("scores") or {}),
            sentences=tuple(TaggedSentence.from_dict(s) for s in data.get("sentences", ())),
            settings=dict(data.get("settings") or {}),
            warnings=tuple(data.get("warnings", ())),
            facts=data.get("facts"),
        )

    def evidence(self, theme_id: str, n: int = 3) -> list[TaggedSentence]:
        """The best-scoring sentences that carry ``theme_id`` (a misspelt id is an error)."""
        theme(theme_id)
        carrying = [s for s in self.sentences if theme_id in s.labels]
        return sorted(carrying, key=lambda s: -s.scores[theme_id])[:n]


def as_raw_document(source: str | Path | RawDocument, max_size_mb: float) -> RawDocument:
    """A document from a path, a string of text, or an already read document."""
    if isinstance(source, RawDocument):
        return source
    if isinstance(source, Path) or _looks_like_path(source):
        return read_document(source, max_size_mb)
    return RawDocument("<text>", hashlib.sha256(source.encode()).hexdigest(), "string", source)


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and len(value) < 4096 and value.lower().endswith(SUPPORTED_SUFFIXES)


class Tagger:
    """A loaded model and its decision rule; tags texts, files and segmented documents."""

    def __init__(self, model, threshold: float | None = None):
        self.model = model
        self.decision = Decision.from_model(model, threshold)
        self.settings = {"threshold": threshold}

    @classmethod
    def load(cls, path: str | Path | None = None, threshold: float | None = None) -> Tagger:
        from scr_nlp.models.store import load_model

        return cls(load_model(path), threshold)

    def warm_up(self, facts: bool = False) -> Tagger:
        """Load what the first document would otherwise pay for (spaCy, caches, and the
        case-facts matchers when facts are wanted), so that per-document time budgets
        measure documents, not start-up."""
        self.tag("Warm up. The child was seen.")
        if facts:
            from scr_nlp.facts.extract import warm_up as warm_up_facts

            warm_up_facts()
        return self

    @property
    def model_info(self) -> dict:
        return {
            "name": self.model.name,
            "type": self.model.type_name,
            "version": self.model.version,
            "sha256": self.model.content_sha256,
        }

    def tag(
        self,
        source: str | Path | RawDocument,
        doc_id: str | None = None,
        meta: dict | None = None,
        max_size_mb: float = DEFAULT_MAX_SIZE_MB,
        facts: bool = False,
    ) -> TagResult:
        return next(self.tag_many([source], [doc_id], [meta], max_size_mb, facts))

    def tag_many(
        self,
        sources: Iterable[str | Path | RawDocument],
        doc_ids: Iterable[str | None] | None = None,
        metas: Iterable[dict | None] | None = None,
        max_size_mb: float = DEFAULT_MAX_SIZE_MB,
        facts: bool = False,
    ) -> Iterator[TagResult]:
        """Stream results for paths, strings of text or read documents, one at a time."""
        from itertools import repeat

        from scr_nlp.segmenting import segment_many

        raws = (as_raw_document(s, max_size_mb) for s in sources)
        for seg, doc_id, meta in zip(
            segment_many(raws), doc_ids or repeat(None), metas or repeat(None), strict=False
        ):
            yield self.tag_segmented(seg, doc_id, meta, facts)

    def score(self, seg: SegmentedDocument):
        """Sentence scores (sentences x themes), each sentence with its neighbours as context."""
        from scr_nlp.models.base import with_neighbours

        return self.model.predict_proba(with_neighbours([s.text for s in seg.sentences]))

    def tag_segmented(
        self,
        seg: SegmentedDocument,
        doc_id: str | None = None,
        meta: dict | None = None,
        facts: bool = False,
    ) -> TagResult:
        """Tag a segmented document; ``facts`` also reads the case facts the text states."""
        scores = self.score(seg)
        decided = decide(scores, self.decision)
        tagged = tuple(
            TaggedSentence(
                s.start,
                s.end,
                s.text,
                s.section,
                s.para,
                decided.sentence_labels[i],
                {t: round(float(scores[i, j]), _DIGITS) for j, t in enumerate(THEME_IDS)},
            )
            for i, s in enumerate(seg.sentences)
        )
        path = seg.raw.path
        return TagResult(
            doc_id=doc_id or (Path(path).stem if path != "<text>" else "text"),
            path=path,
            sha256=seg.raw.sha256,
            meta=dict(meta or {}),
            model=self.model_info,
            labels=decided.document_labels,
            scores=decided.document_scores,
            sentences=tagged,
            settings=self.settings,
            warnings=seg.raw.warnings,
            facts=_facts(seg, meta) if facts else None,
        )


def tag_document(
    raw: RawDocument,
    model: str | Path | None = None,
    threshold: float | None = None,
    facts: bool = True,
) -> TagResult:
    """Load a model and tag one document, the model loading in a thread while the text is
    segmented: spaCy's import is Python and onnxruntime's set-up mostly native code, so the
    two overlap and a one-file `scr-nlp tag` starts about 0.2 s sooner."""
    from concurrent.futures import ThreadPoolExecutor

    from scr_nlp.segmenting import segment

    def load() -> Tagger:
        from scr_nlp.models.base import with_neighbours

        tagger = Tagger.load(model, threshold)
        tagger.model.predict_proba(with_neighbours(["Warm up."]))  # opens the encoder session
        return tagger

    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(load)
        seg = segment(raw)
        if facts:
            from scr_nlp.facts.extract import warm_up as warm_up_facts

            warm_up_facts()
        tagger = loading.result()  # re-raises a loading error here, in the caller's thread
    return tagger.tag_segmented(seg, facts=facts)


def _facts(seg: SegmentedDocument, meta: dict | None) -> dict:
    from scr_nlp.facts import extract_facts
    from scr_nlp.facts.merge import facts_record

    return facts_record(extract_facts(seg), meta)
