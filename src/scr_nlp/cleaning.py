"""Undo PDF-extraction damage while keeping a map back to the original text.

Input is the decoded original text. Output is a list of blocks (headings and
body paragraphs) whose clean text carries, character by character, the offset of
the original character it came from; so any span of clean text maps back to an
exact ``start``/``end`` in the original. Removed material (page furniture,
contents pages, glued footnote digits, line-break hyphens) is recorded in
``dropped`` so nothing disappears unaccounted for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_LINE = re.compile(r"([^\r\n\f]*)(\r\n|\r|\n|\f|$)")
_FURNITURE = re.compile(
    r"""(?ix)
    (?:page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)            # Page 12 of 43
    |(?:\d{1,4}\s*\|\s*p\s?a\s?g\s?e)                        # 1 | P a g e
    |(?:p\s?a\s?g\s?e\s*\|?\s*\d{1,4})                       # Page | 3
    |(?:[-–—]?\s*\d{1,4}\s*[-–—]?)                           # bare page number
    |(?:official(?:\s*[-–—:]?\s*sensitive)?)
    |(?:(?:strictly\s+)?confidential(?:\s*[-–—:]\s*.{0,60})?)
    |(?:not\s+protectively\s+marked|restricted|protect)
    |(?:(?:not\s+for\s+(?:publication|circulation)).{0,40})
    """
)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\s*$|…{2,}\s*\d{1,4}\s*$")
_CONTENTS_HEADING = re.compile(r"(?i)(table\s+of\s+)?contents(\s+page)?:?")
_CONTENTS_ENTRY = re.compile(r"^\S.{1,100}?\s+\d{1,4}$")
_BULLET = re.compile(
    r"^(?:[•●▪■◦‣∙·*o–-]|\(?[a-hj-z]\)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s+"
)
_PARA_ID = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){1,3}\.?|\d{1,2}\.)(?:\s+|$)")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){0,3})\.?\s+(\S.*)$")
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"^([a-z]+)")
# Footnote reference digits glued to a word ("assessment3.") or a year ("Together 20131").
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z]{3})\d{1,2}(?=[\s.,;:)]|$)")
_GLUED_YEAR_FOOTNOTE = re.compile(
    r"(?:Together|Act|Guidance|Regulations|Review|Report) (?:19|20)\d\d(\d{1,2})\b"
)
_SOFT_HYPHEN = re.compile(r"([A-Za-z]+)([\ufffe\u00ad])([a-z]+)")
_HYPHEN_PREFIXES = frozenset(
    [
        "co",
        "re",
        "pre",
        "non",
        "self",
        "multi",
        "inter",
        "anti",
        "post",
        "sub",
        "step",
        "half",
        "ex",
        "cross",
        "well",
        "long",
        "short",
        "full",
        "part",
        "over",
        "under",
        "mid",
        "semi",
        "pro",
        "out",
        "one",
        "two",
        "three",
        "four",
    ]
)
_KNOWN_HEADINGS = re.compile(
    r"""(?ix)^(?:\d{1,2}(?:\.\d{1,3})*\.?\s+)?(?:
    introduction|background|context|overview|summary|executive\s+summary|conclusions?|
    recommendations?|findings?|learning|lessons(\s+learn[et]d?)?|analysis|appraisal(\s+of\s+practice)?|
    methodology|method|terms\s+of\s+reference|scope(\s+of\s+the\s+review)?|chronology|
    narrative(\s+chronology)?|summary\s+of\s+events|what\s+happened\??|what\s+we\s+learn[et]d?\??|
    what\s+needs\s+to\s+change\??|what\s+went\s+well\??|family\s+(involvement|composition|background)|
    key\s+lines\s+of\s+enquiry|glossary|references|appendix(\s+\w+)?|annex(\s+\w+)?|
    good\s+practice|the\s+review\s+process|review\s+process|acknowledg(e)?ments?
    )$""",
)
_NOT_HEADING_END = re.compile(r"[.,;!]$")
# A line ending in one of these is a wrapped sentence, not a heading.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "with",
        "by",
        "for",
        "in",
        "on",
        "at",
        "that",
        "was",
        "were",
        "but",
        "from",
        "as",
        "or",
        "is",
        "are",
        "had",
        "has",
        "be",
        "not",
        "no",
        "who",
        "which",
        "when",
        "where",
        "their",
        "his",
        "her",
        "its",
        "this",
    ]
)


@dataclass
class Block:
    kind: str  # "heading" | "body"
    text: str
    origin: list[int]  # original offset of every character of `text`
    para: str | None = None


@dataclass
class CleanDocument:
    blocks: list[Block]
    dropped: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class _Line:
    start: int  # original offset of first non-space character
    end: int  # original offset after last non-space character
    text: str
    page: int
    blank_before: int = 0
    page_break_before: bool = False
    furniture: bool = False


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    page = 0
    blanks = 0
    page_break = False
    for m in _LINE.finditer(text):
        raw_start, raw_end = m.span(1)
        if raw_start == len(text) and not m.group(2):
            break
        content = m.group(1)
        stripped = content.strip()
        if stripped:
            lead = len(content) - len(content.lstrip())
            start = raw_start + lead
            lines.append(_Line(start, start + len(stripped), stripped, page, blanks, page_break))
            blanks = 0
            page_break = False
        else:
            blanks += 1
        if m.group(2) == "\f":
            page += 1
            page_break = True
    return lines


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _mark_furniture(lines: list[_Line]) -> None:
    for line in lines:
        if len(line.text) <= 80 and _FURNITURE.fullmatch(line.text):
            line.furniture = True
    # Lines next to a page boundary (a form feed or a page-number line) that recur
    # on several pages are running headers/footers, such as a repeated report title.
    near_boundary: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if len(line.text) > 120 or line.furniture:
            continue
        window = lines[max(0, i - 3) : i + 4]
        if line.page_break_before or any(
            o.furniture or o.page_break_before for o in window if o is not line
        ):
            near_boundary[_norm(line.text)] += 1
    pages = 1 + (lines[-1].page if lines else 0)
    for line in lines:
        if line.furniture or len(line.text) > 120:
            continue
        count = near_boundary.get(_norm(line.text), 0)
        if count >= 3 or (pages >= 3 and count >= max(2, pages // 2)):
            line.furniture = True
    _mark_contents(lines)
    # A running header identical to the line under it (a title printed twice) is furniture.
    for line, nxt in zip(lines, lines[1:], strict=False):
        if (
            not line.furniture
            and not nxt.furniture
            and len(line.text) <= 120
            and line.text == nxt.text
        ):
            line.furniture = True


def _mark_contents(lines: list[_Line]) -> None:
    in_contents = False
    for line in lines:
        if line.furniture:
            continue
        if _CONTENTS_HEADING.fullmatch(line.text):
            line.furniture = True
            in_contents = True
            continue
        if _DOT_LEADER.search(line.text):
            line.furniture = True
            continue
        if in_contents and _CONTENTS_ENTRY.match(line.text) and not _TERMINAL.search(line.text):
            line.furniture = True
            continue
        in_contents = False


def looks_like_heading(text: str, standalone: bool, next_text: str | None = None) -> bool:
    """Heuristic heading test for a line that starts a paragraph; see tests for the cases."""
    if len(text) > 140 or _NOT_HEADING_END.search(text):
        return False
    if next_text is not None and next_text[:1].islower():
        return False  # a heading is never continued by a lower-case line
    words = text.split()
    last = words[-1]
    if len(words) > 16 or (
        last.lower() in _FUNCTION_WORDS and not (len(last) == 1 and last.isupper())
    ):
        return False  # "Child A" is a heading ending; "... and" is a wrapped line
    if re.search(r"[a-z][.!?]\s+\S", text):
        return False  # a sentence ends inside it
    if _KNOWN_HEADINGS.fullmatch(text.rstrip(":")):
        return True
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
        return True
    m = _NUMBERED_HEADING.match(text)
    if m:
        rest = m.group(2)
        return len(rest.split()) <= 12 and rest[:1].isupper() and not rest.endswith(":")
    if re.match(r"(?i)(finding|learning theme|theme|key line of enquiry|part|section)\s+\w+", text):
        return len(words) <= 14
    if standalone and text[:1].isupper() and len(words) <= 16:
        return not text.endswith("?") or len(words) <= 6
    return False


class _Builder:
    """Accumulates clean text and its origin map for one block."""

    def __init__(self, original: str):
        self.original = original
        self.chars: list[str] = []
        self.origin: list[int] = []

    def add(self, start: int, end: int) -> None:
        self.chars.append(self.original[start:end])
        self.origin.extend(range(start, end))

    def add_synthetic(self, text: str, at: int) -> None:
        self.chars.append(text)
        self.origin.extend([at] * len(text))

    def text(self) -> str:
        return "".join(self.chars)


def clean(original: str, heading_spans: tuple[tuple[int, int], ...] = ()) -> CleanDocument:
    lines = _split_lines(original)
    _mark_furniture(lines)
    dropped = [(ln.start, ln.end) for ln in lines if ln.furniture]
    kept = []
    after_furniture = False
    for ln in lines:
        if ln.furniture:
            after_furniture = True
            continue
        # Furniture between two lines means a page boundary: treat it like a form feed.
        ln.page_break_before = ln.page_break_before or after_furniture
        after_furniture = False
        kept.append(ln)
    body_lengths = sorted(len(ln.text) for ln in kept if len(ln.text) > 20)
    wrap_width = body_lengths[int(len(body_lengths) * 0.75)] if len(body_lengths) >= 8 else 10**6
    vocabulary: set[str] | None = None

    def keep_hyphen(left: str, right: str) -> bool:
        nonlocal vocabulary
        if vocabulary is None:
            vocabulary = set(re.findall(r"[a-z]+(?:-[a-z]+)*", original.lower()))
        return _keep_hyphen(left, right, vocabulary)

    blocks: list[Block] = []
    builder: _Builder | None = None
    current: Block | None = None
    pending_para: str | None = None
    prev: _Line | None = None

    def finish() -> None:
        nonlocal builder, current
        if current is not None and builder is not None:
            current.text = builder.text()
            current.origin = builder.origin
            if current.text.strip():
                blocks.append(current)
        builder, current = None, None

    for idx, line in enumerate(kept):
        nxt = kept[idx + 1] if idx + 1 < len(kept) else None
        at_start = (
            current is None
            or current.kind == "heading"
            or _is_paragraph_break(prev, line, wrap_width)
        )
        standalone = (
            (prev is None or line.blank_before > 0 or line.page_break_before)
            and (nxt is None or nxt.blank_before > 0 or nxt.page_break_before)
        ) or (
            # no blank lines around (PDF text): a short unpunctuated line before a capital
            nxt is not None
            and len(line.text) < 0.7 * wrap_width
            and nxt.text[:1].isupper()
            and not _TERMINAL.search(line.text)
        )
        text = line.text
        start = line.start
        if _PARA_ID.fullmatch(text):
            # A paragraph number on a line of its own numbers the next paragraph.
            finish()
            pending_para = text.rstrip(".")
            dropped.append((line.start, line.end))
            prev = line
            continue
        if heading_spans:
            is_heading = any(s <= line.start < e for s, e in heading_spans)
        else:
            is_heading = (
                at_start
                and not _BULLET.match(text)
                and looks_like_heading(text, standalone, nxt.text if nxt else None)
            )
        if is_heading:
            finish()
            m = _NUMBERED_HEADING.match(text)
            current = Block("heading", "", [], m.group(1).rstrip(".") if m else None)
            builder = _Builder(original)
            builder.add(start, line.end)
            finish()
            pending_para = None
            prev = line
            continue

        bullet = _BULLET.match(text)
        para_m = _PARA_ID.match(text) if not bullet else None
        new_block = (
            current is None
            or bool(bullet)
            or bool(para_m)
            or _is_paragraph_break(prev, line, wrap_width)
        )
        if new_block:
            finish()
            current = Block("body", "", [], pending_para)
            pending_para = None
            builder = _Builder(original)
            if bullet:
                dropped.append((start, start + bullet.end()))
                start += bullet.end()
            elif para_m:
                current.para = para_m.group(1).rstrip(".")
                dropped.append((start, start + para_m.end()))
                start += para_m.end()
        else:
            assert builder is not None and prev is not None
            hyphen = _HYPHEN_END.search(prev.text)
            word = _WORD_START.match(text)
            if hyphen and word:
                if keep_hyphen(hyphen.group(1).lower(), word.group(1)):
                    pass  # the hyphen is real: join with nothing in between
                else:
                    # drop the line-break hyphen (the last char already added)
                    builder.chars[-1] = builder.chars[-1][:-1]
                    builder.origin.pop()
                    dropped.append((prev.end - 1, prev.end))
            else:
                builder.add_synthetic(" ", prev.end)
        _add_line_text(builder, original, start, line.end, dropped, keep_hyphen)
        prev = line
    finish()
    dropped.sort()
    return CleanDocument(blocks, dropped)


def _is_paragraph_break(prev: _Line | None, line: _Line, wrap_width: int) -> bool:
    if prev is None:
        return True
    prev_terminal = bool(_TERMINAL.search(prev.text))
    if _HYPHEN_END.search(prev.text) and line.text[:1].islower():
        return False
    gap = line.blank_before > 0 or line.page_break_before
    if not prev_terminal:
        # A short unpunctuated line followed by a gap and a capital starts something new.
        return bool(
            gap
            and line.text[:1].isupper()
            and len(prev.text) < 0.7 * wrap_width
            and not line.page_break_before
        )
    if gap and not line.page_break_before:
        return True
    if line.page_break_before:
        return line.text[:1].isupper() or line.text[:1].isdigit()
    return len(prev.text) < 0.8 * wrap_width


def _keep_hyphen(left: str, right: str, vocabulary: set[str]) -> bool:
    if left + right in vocabulary:
        return False
    if f"{left}-{right}" in vocabulary:
        return True
    return left in _HYPHEN_PREFIXES


def _add_line_text(
    builder: _Builder,
    original: str,
    start: int,
    end: int,
    dropped: list[tuple[int, int]],
    keep_hyphen,
) -> None:
    segment = original[start:end]
    # (start, end, replacement) edits within the line, in original offsets
    edits = [
        (start + a, start + b, "") for a, b in (m.span() for m in _GLUED_FOOTNOTE.finditer(segment))
    ]
    edits += [
        (start + m.start(1), start + m.end(1), "") for m in _GLUED_YEAR_FOOTNOTE.finditer(segment)
    ]
    # PDFium marks a hyphen it removed at a line end with U+FFFE; soft hyphens likewise.
    for m in _SOFT_HYPHEN.finditer(segment):
        at = start + m.start(2)
        keep = keep_hyphen(m.group(1).lower(), m.group(3))
        edits.append((at, at + 1, "-" if keep else ""))
    pos = start
    for a, b, replacement in sorted(edits):
        if a < pos:
            continue
        builder.add(pos, a)
        if replacement:
            builder.add_synthetic(replacement, a)
        else:
            dropped.append((a, b))
        pos = b
    builder.add(pos, end)
