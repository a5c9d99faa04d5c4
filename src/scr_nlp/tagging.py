"""Tag documents: segment, score every sentence, apply thresholds, roll up to the document.

``Tagger.load(path=None).tag(text_or_path)`` returns a ``TagResult`` whose
``to_dict()`` is exactly the batch JSONL record documented in the README.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.reading import DEFAULT_MAX_SIZE_MB, SUPPORTED_SUFFIXES, read_document
from scr_nlp.records import RawDocument, SegmentedDocument
from scr_nlp.taxonomy import THEME_IDS

_DIGITS = 4


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
    text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "path": self.path,
            "sha256": self.sha256,
            "meta": self.meta,
            "model": self.model,
            "labels": list(self.labels),
            "scores": self.scores,
            "sentences": [s.to_dict() for s in self.sentences],
        }

    def evidence(self, theme: str, n: int = 3) -> list[TaggedSentence]:
        """The best-scoring sentences that carry ``theme``."""
        carrying = [s for s in self.sentences if theme in s.labels]
        return sorted(carrying, key=lambda s: -s.scores[theme])[:n]


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and len(value) < 4096 and value.lower().endswith(SUPPORTED_SUFFIXES)


class Tagger:
    def __init__(self, model, threshold: float | None = None):
        self.model = model
        self.threshold = threshold
        self._thresholds = model.threshold_array(threshold)

    @classmethod
    def load(cls, path: str | Path | None = None, threshold: float | None = None) -> Tagger:
        from scr_nlp.models.store import load_model

        return cls(load_model(path), threshold)

    @property
    def model_info(self) -> dict:
        return {
            "name": self.model.name,
            "type": self.model.type_name,
            "version": self.model.version,
        }

    def tag(
        self,
        source: str | Path | RawDocument,
        doc_id: str | None = None,
        meta: dict | None = None,
        max_size_mb: float = DEFAULT_MAX_SIZE_MB,
    ) -> TagResult:
        if isinstance(source, RawDocument):
            raw = source
        elif isinstance(source, Path) or _looks_like_path(source):
            raw = read_document(source, max_size_mb)
        else:
            import hashlib

            raw = RawDocument(
                "<text>", hashlib.sha256(source.encode()).hexdigest(), "string", source
            )
        return next(self.tag_many([raw], [doc_id], [meta]))

    def tag_many(
        self,
        raws: Iterable[RawDocument],
        doc_ids: Iterable[str | None] | None = None,
        metas: Iterable[dict | None] | None = None,
    ) -> Iterator[TagResult]:
        """Stream results, one document in memory at a time."""
        from itertools import repeat

        from scr_nlp.segmenting import segment_many

        for seg, doc_id, meta in zip(
            segment_many(raws), doc_ids or repeat(None), metas or repeat(None), strict=False
        ):
            yield self.tag_segmented(seg, doc_id, meta)

    def tag_segmented(
        self, seg: SegmentedDocument, doc_id: str | None = None, meta: dict | None = None
    ) -> TagResult:
        from scr_nlp.models.base import with_neighbours

        sents = seg.sentences
        inputs = with_neighbours([s.text for s in sents])
        scores = self.model.predict_proba(inputs)
        carried = scores >= self._thresholds
        tagged = tuple(
            TaggedSentence(
                s.start,
                s.end,
                s.text,
                s.section,
                s.para,
                tuple(t for j, t in enumerate(THEME_IDS) if carried[i, j]),
                {t: round(float(scores[i, j]), _DIGITS) for j, t in enumerate(THEME_IDS)},
            )
            for i, s in enumerate(sents)
        )
        doc_scores = {
            t: round(float(scores[:, j].max()) if len(sents) else 0.0, _DIGITS)
            for j, t in enumerate(THEME_IDS)
        }
        labels = tuple(t for j, t in enumerate(THEME_IDS) if len(sents) and carried[:, j].any())
        path = seg.raw.path
        return TagResult(
            doc_id=doc_id or (Path(path).stem if path != "<text>" else "text"),
            path=path,
            sha256=seg.raw.sha256,
            meta=dict(meta or {}),
            model=self.model_info,
            labels=labels,
            scores=doc_scores,
            sentences=tagged,
            text=seg.raw.text,
        )
