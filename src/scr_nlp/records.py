"""Typed records passed one way along the pipeline: read -> clean -> segment -> classify.

Offsets (``start``/``end``) are always character offsets into ``RawDocument.text``,
the decoded original text before any clean-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECTION_KINDS = (
    "introduction",
    "terms_of_reference",
    "methodology",
    "background",
    "chronology",
    "analysis",
    "findings",
    "learning",
    "recommendations",
    "conclusion",
    "appendix",
    "other",
)


@dataclass(frozen=True)
class RawDocument:
    """A document as read: decoded text plus what the reader knows of its layout."""

    path: str
    sha256: str
    format: str  # txt | pdf | docx | string
    text: str
    # (start, end) of paragraphs the source marks as headings (docx styles).
    heading_spans: tuple[tuple[int, int], ...] = ()
    pages: int | None = None


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    section: str
    para: str | None = None


@dataclass(frozen=True)
class SegmentedDocument:
    raw: RawDocument
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    # Original ranges removed as page furniture or contents pages.
    dropped: tuple[tuple[int, int], ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "path": self.raw.path,
            "sha256": self.raw.sha256,
            "sections": [
                {"kind": s.kind, "heading": s.heading, "start": s.start, "end": s.end}
                for s in self.sections
            ],
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "section": s.section,
                    "para": s.para,
                }
                for s in self.sentences
            ],
        }
