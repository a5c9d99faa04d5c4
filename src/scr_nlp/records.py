"""Typed records passed one way along the pipeline: read -> clean -> segment -> classify.

Offsets (``start``/``end``) are always character offsets into ``RawDocument.text``,
the decoded original text before any clean-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # Things the reader repaired and the user should know (e.g. stray non-UTF-8 bytes).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    kind: str
    heading: str | None
    start: int
    end: int
    # End of the heading's own text; the section's sentences follow it.
    heading_end: int | None = None


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
    # Original ranges removed by clean-up (page furniture, contents pages, paragraph
    # numbers, bullets, line-break hyphens, footnote digits): reported, never silent.
    removed: tuple[tuple[int, int], ...] = field(default=())

    def to_dict(self) -> dict:
        path, escaped = printable(self.raw.path)
        return {
            "path": path,
            **({"path_escaped": True} if escaped else {}),
            "sha256": self.raw.sha256,
            "sections": [
                {
                    "kind": s.kind,
                    "heading": s.heading,
                    "start": s.start,
                    "end": s.end,
                    "heading_end": s.heading_end,
                }
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
            "removed": [list(span) for span in self.removed],
        }


def printable(text: str) -> tuple[str, bool]:
    """``text`` safe to write as UTF-8: undecodable file-name bytes (surrogate escapes) become
    ``\\xNN``; the flag says whether that happened, so the path is marked as escaped."""
    try:
        text.encode("utf-8")
        return text, False
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
            return text.encode("utf-8", "backslashreplace").decode("utf-8"), True
        return raw.decode("utf-8", "backslashreplace"), True
