"""Undo PDF-extraction damage while keeping a map back to the original text.

Input is the decoded original text. Output is a list of blocks (headings and
body paragraphs) whose clean text carries, character by character, the offset of
the original character it came from; so any span of clean text maps back to an
exact ``start``/``end`` in the original. Removed material (page furniture,
contents pages, paragraph numbers, bullets, glued footnote digits, line-break
hyphens) is recorded in ``removed`` so nothing disappears unaccounted for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

# Unicode's own line and paragraph separators (and NEL) end lines as \n does.
_LINE = re.compile(r"([^\r\n\f\x85\u2028\u2029]*)(\r\n|\r|\n|\f|\x85|\u2028|\u2029|$)")
_FURNITURE = re.compile(
    r"""(?ix)
    (?:page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)            # Page 12 of 43
    |(?:\d{1,4}\s*\|\s*p\s?a\s?g\s?e)                        # 1 | P a g e
    |(?:p\s?a\s?g\s?e\s*\|?\s*\d{1,4})                       # Page | 3
    |(?:[-–—]?\s*(?!(?:19|20)\d\d\b)\d{1,4}\s*[-–—]?)           # bare page number, not a year
    |(?:official(?:\s*[-–—:]?\s*sensitive)?)
    |(?:(?:strictly\s+)?confidential)
    |(?:not\s+protectively\s+marked|restricted|protect)
    |(?:(?:not\s+for\s+(?:publication|circulation)).{0,40})
    """
)
# "Confidential - Child B": a marking when it stands alone or is in capitals; a line that
# runs on into the next is the start of a sentence ("Confidential: the nurse had ...").
_MARKING_WITH_TAIL = re.compile(
    r"(?i)(?:strictly\s+)?confidential\s*[-–—:]\s*([^\s.!?]+(?:\s+[^\s.!?]+){0,7})"
)
_YEAR_LINE = re.compile(r"(?:19|20)\d\d")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\s*$|…{2,}\s*\d{1,4}\s*$")
_CONTENTS_HEADING = re.compile(r"(?i)(table\s+of\s+)?contents(\s+page)?:?")
_CONTENTS_ENTRY = re.compile(r"^\S.{1,100}?\s+\d{1,4}$")
_BULLET = re.compile(
    r"^(?:[•●▪■◦‣∙·*o–-]|\(?[a-hj-z]\)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s+"
)
# A paragraph number, not a decimal that starts a sentence ("2.5 miles separated ...").
_PARA_ID = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){1,3}\.?|\d{1,2}\.)(?:\s+(?![a-z\s])|$)")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){0,3})\.?\s+(\S.*)$")
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"^([a-z]+)")
_NUMBER_HYPHEN_END = re.compile(r"\d[-–]$")
# Footnote reference digits glued to a word ("assessment3.") or a year ("Together 20131").
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z]{3})\d{1,2}(?=[\s.,;:)]|$)")
_GLUED_YEAR_FOOTNOTE = re.compile(
    r"(?:Together|Act|Guidance|Regulations|Review|Report) (?:19|20)\d\d(\d{1,2})\b"
)
_NUMBERED_WORD = re.compile(r"\b([A-Z][a-z]{2,})(\d{1,2})\b")
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
_NOT_HEADING_END = re.compile(r"[.,;!]$|[A-Za-z0-9][-–]$")  # "Ms Blyth-", "3.4-" run on
# A line that begins by finishing a sentence: "2014. The child...", "12, when..."
_CONTINUATION = re.compile(r"(?:(?:19|20)\d\d[.,;)]|\d{1,3}[,;)])(?!\d)")
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# "... visited on 3" then "March 2006 ...": a date wrapped across two lines.
_DAY_AT_END = re.compile(r"\b(?:[12]?\d|3[01])$")
_MONTH_AT_START = re.compile("(?:" + "|".join(m.capitalize() for m in MONTH_NAMES) + r")\b")
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
    removed: list[tuple[int, int]] = field(default_factory=list)


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
    for i, line in enumerate(lines):
        if len(line.text) > 80:
            continue
        marking = _MARKING_WITH_TAIL.fullmatch(line.text)
        if _FURNITURE.fullmatch(line.text) or (
            marking
            and (
                line.text.upper() == line.text
                or _stands_alone(lines, i)
                or all(w[:1].isupper() or w[:1].isdigit() for w in marking.group(1).split())
            )
        ):
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
            near_boundary[_header_key(line.text)] += 1
    pages = 1 + (lines[-1].page if lines else 0)
    for line in lines:
        if line.furniture or len(line.text) > 120:
            continue
        count = near_boundary.get(_header_key(line.text), 0)
        if count >= 3 or (pages >= 3 and count >= max(2, pages // 2)):
            line.furniture = True
    _mark_page_edges(lines, pages)
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


def _stands_alone(lines: list[_Line], i: int) -> bool:
    line, nxt = lines[i], lines[i + 1] if i + 1 < len(lines) else None
    return (i == 0 or line.blank_before > 0 or line.page_break_before) and (
        nxt is None or nxt.blank_before > 0 or nxt.page_break_before
    )


def _header_key(text: str, page: int | None = None) -> str:
    """Running headers count as one whatever page number they carry: any number, or with
    ``page`` given only that page's own. A year on its own line (a chronology heading)
    and a numbered heading ("Appendix 2") keep their digits."""
    folded = " ".join(text.lower().split())
    if _YEAR_LINE.fullmatch(text) or _KNOWN_HEADINGS.fullmatch(text):
        return folded
    if page is None:
        return _norm(text)
    return re.sub(rf"(?<!\d){page + 1}(?!\d)", "#", folded)


def _mark_page_edges(lines: list[_Line], pages: int) -> None:
    """A line that opens every page, or closes every page, is a running header or footer,
    however few the pages (the count above needs three)."""
    if pages < 2:
        return
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        if not line.furniture:
            by_page.setdefault(line.page, []).append(line)
    if len(by_page) < pages:
        return
    for edge in (0, -1):
        ends = [page[edge] for page in by_page.values()]
        # Only the page's own number may differ ("Review of Child M, page 2"): lines such as
        # "2018" / "2019" or "Appendix 1" / "Appendix 2" are headings, not one header.
        if len(ends[0].text) <= 120 and len({_header_key(e.text, e.page) for e in ends}) == 1:
            for e in ends:
                e.furniture = True


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
    if next_text is not None and (
        next_text[:1].islower()
        or _CONTINUATION.match(next_text)
        or (_DAY_AT_END.search(text) and _MONTH_AT_START.match(next_text))
    ):
        return False  # a heading is never continued by a lower-case line, "2014. ..." or a date
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
        rest = m.group(2).split()
        capitalised = sum(w[:1].isupper() or not w[:1].isalpha() for w in rest) / len(rest)
        # "4.12 The first strategy discussion was held in March" is a wrapped paragraph line;
        # "4.1 Housing and the family" and "3. How the plan came about" are headings.
        short_or_titled = "." not in m.group(1) or len(rest) <= 6 or capitalised >= 0.6
        return (
            len(rest) <= 12 and rest[0][:1].isupper() and short_or_titled and not text.endswith(":")
        )
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
    return _Cleaner(original, heading_spans).run()


class _Cleaner:
    """One pass over the lines of a document, building heading and body blocks.

    The state a pass needs (the block being built, a paragraph number waiting for its
    paragraph, the previous line) lives here rather than in closures.
    """

    def __init__(self, original: str, heading_spans: tuple[tuple[int, int], ...]):
        self.original = original
        self.heading_spans = heading_spans
        self.removed: list[tuple[int, int]] = []
        self.blocks: list[Block] = []
        self.builder: _Builder | None = None
        self.current: Block | None = None
        self.pending_para: str | None = None
        self.prev: _Line | None = None
        self._vocabulary: set[str] | None = None
        self._labels: frozenset[str] | None = None

    def run(self) -> CleanDocument:
        lines = _split_lines(self.original)
        _mark_furniture(lines)
        self.removed = [(ln.start, ln.end) for ln in lines if ln.furniture]
        kept = self._kept_lines(lines)
        body_lengths = sorted(len(ln.text) for ln in kept if len(ln.text) > 20)
        self.wrap_width = (
            body_lengths[int(len(body_lengths) * 0.75)] if len(body_lengths) >= 8 else 10**6
        )
        for idx, line in enumerate(kept):
            self._take(line, kept[idx + 1] if idx + 1 < len(kept) else None)
            self.prev = line
        self._finish()
        self.removed.sort()
        return CleanDocument(self.blocks, self.removed)

    @staticmethod
    def _kept_lines(lines: list[_Line]) -> list[_Line]:
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
        return kept

    @property
    def labels(self) -> frozenset[str]:
        if self._labels is None:
            self._labels = numbered_labels(self.original)
        return self._labels

    def keep_hyphen(self, left: str, right: str) -> bool:
        if self._vocabulary is None:
            self._vocabulary = set(re.findall(r"[a-z]+(?:-[a-z]+)*", self.original.lower()))
        return _keep_hyphen(left, right, self._vocabulary)

    def _finish(self) -> None:
        if self.current is not None and self.builder is not None:
            self.current.text = self.builder.text()
            self.current.origin = self.builder.origin
            if self.current.text.strip():
                self.blocks.append(self.current)
        self.builder, self.current = None, None

    def _is_heading(self, line: _Line, nxt: _Line | None) -> bool:
        if self.heading_spans:
            return any(s <= line.start < e for s, e in self.heading_spans)
        prev = self.prev
        at_start = (
            self.current is None
            or self.current.kind == "heading"
            or _is_paragraph_break(prev, line, self.wrap_width)
            # a numbered heading ("5. FINDINGS") may follow a paragraph with no gap
            or bool(_NUMBERED_HEADING.match(line.text) and prev and _TERMINAL.search(prev.text))
        )
        if not at_start or _BULLET.match(line.text):
            return False
        standalone = (
            (prev is None or line.blank_before > 0 or line.page_break_before)
            and (nxt is None or nxt.blank_before > 0 or nxt.page_break_before)
        ) or (
            # no blank lines around (PDF text): a short unpunctuated line before a capital
            nxt is not None
            and len(line.text) < 0.7 * self.wrap_width
            and nxt.text[:1].isupper()
            and not _TERMINAL.search(line.text)
        )
        return looks_like_heading(line.text, standalone, nxt.text if nxt else None)

    def _take(self, line: _Line, nxt: _Line | None) -> None:
        text, start = line.text, line.start
        if _PARA_ID.fullmatch(text) and not self._continues_sentence(line):
            # A paragraph number on a line of its own numbers the next paragraph.
            self._finish()
            self.pending_para = text.rstrip(".")
            self.removed.append((line.start, line.end))
            return
        if self._is_heading(line, nxt):
            self._finish()
            m = _NUMBERED_HEADING.match(text)
            self.current = Block("heading", "", [], m.group(1).rstrip(".") if m else None)
            self.builder = _Builder(self.original)
            self.builder.add(start, line.end)
            self._finish()
            self.pending_para = None
            return
        bullet = _BULLET.match(text)
        para_m = None if bullet or self._continues_sentence(line) else _PARA_ID.match(text)
        if (
            self.current is None
            or bullet
            or para_m
            or _is_paragraph_break(self.prev, line, self.wrap_width)
        ):
            self._finish()
            self.current = Block("body", "", [], self.pending_para)
            self.pending_para = None
            self.builder = _Builder(self.original)
            if bullet or para_m:
                marker = bullet or para_m
                if para_m:
                    self.current.para = para_m.group(1).rstrip(".")
                self.removed.append((start, start + marker.end()))
                start += marker.end()
        else:
            self._join(line)
        _add_line_text(
            self.builder,
            self.original,
            start,
            line.end,
            self.removed,
            self.keep_hyphen,
            self.labels,
        )

    def _continues_sentence(self, line: _Line) -> bool:
        """A line inside an unfinished sentence is never a paragraph number, even when it
        begins like one ("... on 3 March" / "2014. The child ...")."""
        prev = self.prev
        return (
            self.current is not None
            and self.current.kind == "body"
            and prev is not None
            and not _TERMINAL.search(prev.text)
            and not line.blank_before
            and not line.page_break_before
        )

    def _join(self, line: _Line) -> None:
        """Continue the current block across a line break, mending a line-break hyphen."""
        builder, prev = self.builder, self.prev
        assert builder is not None and prev is not None
        hyphen = _HYPHEN_END.search(prev.text)
        word = _WORD_START.match(line.text)
        if hyphen and word:
            # an acronym keeps its hyphen ("CAMHS-" / "led"): it is never one word broken
            if not hyphen.group(1).isupper() and not self.keep_hyphen(
                hyphen.group(1).lower(), word.group(1)
            ):
                # drop the line-break hyphen (the last character already added)
                builder.chars[-1] = builder.chars[-1][:-1]
                builder.origin.pop()
                self.removed.append((prev.end - 1, prev.end))
        elif hyphen and line.text[:1].isupper():
            pass  # "Blyth-" / "Harper", "Anglo-" / "Irish": a compound, joined as it is
        elif _NUMBER_HYPHEN_END.search(prev.text) and line.text[:1].isdigit():
            pass  # a range broken after its hyphen ("2019-" / "2020", "3.4-" / "3.9")
        else:
            builder.add_synthetic(" ", prev.end)


def _is_paragraph_break(prev: _Line | None, line: _Line, wrap_width: int) -> bool:
    if prev is None:
        return True
    prev_terminal = bool(_TERMINAL.search(prev.text))
    if _HYPHEN_END.search(prev.text) and line.text[:1].isalpha():
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
    """Whether ``left-`` at a line end and ``right`` on the next line form a hyphenated word.
    The document's own spelling decides first, then the lexicon of review prose, then
    number words ("twenty-four"), then a list of prefixes that usually keep their hyphen."""
    joined, hyphenated = left + right, f"{left}-{right}"
    if joined in vocabulary:
        return False
    if hyphenated in vocabulary:
        return True
    lexicon = _lexicon()
    if hyphenated in lexicon or joined in lexicon:
        # Where review prose spells it both ways ("well-being", "wellbeing"), the joined
        # spelling is taken: a line-end hyphen is more often the printer's than the word's.
        return joined not in lexicon
    if left in _TENS and right in _UNITS:
        return True
    return left in _HYPHEN_PREFIXES


_TENS = frozenset(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
_UNITS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Words of the corpus's train split (corpus/tools/build_lexicon.py writes the file)."""
    from importlib.resources import files

    text = files("scr_nlp").joinpath("lexicon.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


def _add_line_text(
    builder: _Builder,
    original: str,
    start: int,
    end: int,
    removed: list[tuple[int, int]],
    keep_hyphen,
    labels: frozenset[str] = frozenset(),
) -> None:
    segment = original[start:end]
    # (start, end, replacement) edits within the line, in original offsets
    edits = [
        (start + m.start(), start + m.end(), "")
        for m in _GLUED_FOOTNOTE.finditer(segment)
        if _word_before(segment, m.start()) not in labels
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
            removed.append((a, b))
        pos = b
    builder.add(pos, end)


def numbered_labels(text: str) -> frozenset[str]:
    """Capitalised words that carry two or more different numbers ("Sibling1", "Sibling2";
    "Worker1", "Worker2"): names given to people, whose digits are not footnote marks."""
    numbers: dict[str, set[str]] = {}
    for m in _NUMBERED_WORD.finditer(text):
        numbers.setdefault(m.group(1), set()).add(m.group(2))
    return frozenset(word for word, seen in numbers.items() if len(seen) > 1)


def _word_before(text: str, at: int) -> str:
    start = at
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:at]
