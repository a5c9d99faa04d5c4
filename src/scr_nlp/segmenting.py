"""Sections and sentences with exact offsets into the original text.

Sentences are split by a blank spaCy English pipeline plus ``scr_sentencizer``, a
rule component for review prose (abbreviations, initials such as ``Child A.``,
closing quotes, paragraph numbers). Blocks from clean-up are already paragraph
units, so no sentence crosses a heading, bullet or numbered paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from scr_nlp._lazy import import_spacy
from scr_nlp.cleaning import Block, clean
from scr_nlp.reading import DEFAULT_MAX_SIZE_MB, read_document
from scr_nlp.records import RawDocument, Section, SegmentedDocument, Sentence

_SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "appendix",
            r"\b(appendix|appendices|annex|glossary|references|bibliography|panel membership)\b",
        ),
        (
            "terms_of_reference",
            r"\b(terms of reference|scope|key lines of enquiry|review questions)\b",
        ),
        (
            "methodology",
            r"\b(methodology|method|review process|the process|approach|learning together|family involvement|involvement of the family|practitioner event)",
        ),
        (
            "recommendations",
            r"\b(recommendation|what needs to (change|happen)|actions?\b|next steps)",
        ),
        (
            "learning",
            r"\b(learning|lessons?|what we learn|what went well|good practice|implications for practice)",
        ),
        ("findings", r"\b(findings?|key issues)\b"),
        ("conclusion", r"\b(conclusions?|concluding|closing remarks)\b"),
        (
            "chronology",
            r"\b(chronology|timeline|summary of events|narrative|what happened|agency involvement|key events|period \d)|^((january|february|march|april|may|june|july|august|september|october|november|december)\s+)?(19|20)\d\d\s*(-|–|to)\s*",
        ),
        (
            "analysis",
            r"\b(analysis|appraisal|practice issues|themes?|discussion|evaluation|assessment of practice)\b",
        ),
        (
            "background",
            r"\b(background|family (composition|history|structure|context)|the family|context|history|about the child|pen picture|who was)",
        ),
        (
            "introduction",
            r"\b(introduction|why this case|reason for|purpose|circumstances|overview|summary|executive summary|the case|foreword)",
        ),
    )
)
# Abbreviations that take a number after them ("para. 4.12", "No. 3"): not an end there.
_NUMBERED_ABBREVIATIONS = frozenset(
    [
        "para",
        "paras",
        "no",
        "nos",
        "vol",
        "fig",
        "ch",
        "pp",
        "p",
        "s",
        "ss",
        "ref",
        "art",
        "reg",
        "sec",
    ]
)
_ABBREVIATIONS = frozenset(
    ["approx", "cf", "ibid", "al", "dept", "est", "nr", "st", "vs", "viz"]
    # titles spaCy does not know as abbreviations ("Sgt. Brown", "Cllr. Patel")
    + ["sgt", "det", "insp", "supt", "cllr", "prof", "rev", "capt", "lt", "col", "hon", "con", "ch"]
)
_TERMINAL_TOKENS = frozenset({".", "!", "?", "…", "?!", "!?", "..."})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]"})
_OPENERS = frozenset({'"', "“", "‘", "'", "(", "["})
_MAX_SENTENCE_TOKENS = 250


def section_kind(heading: str) -> str:
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.search(heading):
            return kind
    return "other"


def _starts_sentence(text: str) -> bool:
    first = text[0]
    return first.isupper() or first.isdigit() or first in _OPENERS or first in "•–-£$€"


def sentence_starts(texts: list[str], spaces: list[str]) -> list[bool]:
    """Rule-based sentence starts over tokens; see tests/test_segmenting.py for the cases."""
    n = len(texts)
    starts = [False] * n
    if not n:
        return starts
    starts[0] = True
    since = 0
    for i in range(n - 1):
        text = texts[i]
        end = False
        if text in _TERMINAL_TOKENS:
            prev = texts[i - 1].lower() if i else ""
            end = not (
                text == "."
                and (
                    prev in _ABBREVIATIONS
                    or (prev in _NUMBERED_ABBREVIATIONS and texts[i + 1][:1].isdigit())
                )
            )
        elif len(text) == 2 and text[1] == "." and text[0].isupper():
            end = True  # "Child A." and "Mr X." end sentences far more often than initials start names
        elif (
            text.lower() in ("a.m.", "p.m.", "etc.")
            or len(text) > 1
            and text[-1] in "!?"
            and not text[0].isalnum()
        ):
            end = True
        since += 1
        if end:
            j = i + 1
            # a quote glued to the full stop closes it; one followed by a word opens the next
            while j < n and texts[j] in _CLOSERS and not spaces[j - 1]:
                j += 1
            # spaCy makes a token of whitespace beyond one space ("seen.  The", a tab, a
            # no-break space): the next sentence starts at the word after it
            while j < n and texts[j].isspace():
                j += 1
            if j < n and _starts_sentence(texts[j]):
                starts[j] = True
                since = 0
        elif since >= _MAX_SENTENCE_TOKENS and texts[i + 1][:1].isupper() and text in (";", ":"):
            starts[i + 1] = True  # break run-on lists that never end
            since = 0
    return starts


def scr_sentencizer(doc):
    """spaCy component: set ``is_sent_start`` on every token by ``sentence_starts``."""
    starts = sentence_starts([t.text for t in doc], [t.whitespace_ for t in doc])
    for token, is_start in zip(doc, starts, strict=True):
        token.is_sent_start = is_start
    return doc


@lru_cache(maxsize=1)
def sentence_pipeline():
    spacy = import_spacy()
    from spacy.language import Language

    if not Language.has_factory("scr_sentencizer"):
        Language.component("scr_sentencizer")(scr_sentencizer)
    nlp = spacy.blank("en")
    nlp.add_pipe("scr_sentencizer")
    return nlp


def _fold(text: str) -> str:
    return " ".join(text.split())


def segment(raw: RawDocument) -> SegmentedDocument:
    return next(iter(segment_many([raw])))


def segment_text(text: str, path: str = "<text>") -> SegmentedDocument:
    import hashlib

    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return segment(RawDocument(path, sha, "string", text))


def segment_file(path: str | Path, max_size_mb: float = DEFAULT_MAX_SIZE_MB) -> SegmentedDocument:
    return segment(read_document(path, max_size_mb))


def segment_many(raws: Iterable[RawDocument]) -> Iterator[SegmentedDocument]:
    nlp = sentence_pipeline()
    for raw in raws:
        cleaned = clean(raw.text, raw.heading_spans)
        body = [b for b in cleaned.blocks if b.kind == "body"]
        docs = nlp.tokenizer.pipe(b.text for b in body)
        sections, block_section = _sections(cleaned.blocks, len(raw.text))
        sentences: list[Sentence] = []
        last_para: str | None = None
        for block, doc in zip(body, docs, strict=True):
            kind, para_reset = block_section[id(block)]
            if para_reset:
                last_para = None
            para = block.para or last_para
            last_para = para
            sentences.extend(_block_sentences(block, doc, kind, para))
        yield SegmentedDocument(raw, tuple(sections), tuple(sentences), tuple(cleaned.removed))


def _sections(blocks: list[Block], text_len: int):
    """Headings open sections; sub-headings with no recognised kind inherit their parent's."""
    sections: list[Section] = []
    block_section: dict[int, tuple[str, bool]] = {}
    kind, heading, start, heading_end = "other", None, 0, None
    reset = False
    first_body_seen = False
    for block in blocks:
        if block.kind == "heading":
            if sections or first_body_seen or heading is not None:
                sections.append(Section(kind, heading, start, block.origin[0], heading_end))
            heading = _fold(block.text)
            new_kind = section_kind(heading)
            if new_kind == "other" and sections and sections[-1].kind != "other":
                new_kind = sections[-1].kind
            kind, start, reset = new_kind, block.origin[0], True
            heading_end = block.origin[-1] + 1
        else:
            first_body_seen = True
            block_section[id(block)] = (kind, reset)
            reset = False
    if blocks:
        sections.append(Section(kind, heading, start, text_len, heading_end))
    return sections, block_section


def _block_sentences(block: Block, doc, kind: str, para: str | None) -> Iterator[Sentence]:
    origin, text = block.origin, block.text
    tokens = [(t.text, t.whitespace_, t.idx) for t in doc]
    if not tokens:
        return
    starts = sentence_starts([t[0] for t in tokens], [t[1] for t in tokens])
    bounds = [i for i, s in enumerate(starts) if s] + [len(tokens)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        cs = tokens[a][2]
        last = tokens[b - 1]
        ce = last[2] + len(last[0])
        chunk = text[cs:ce]
        cs += len(chunk) - len(chunk.lstrip())
        ce -= len(chunk) - len(chunk.rstrip())
        if ce <= cs:
            continue
        yield Sentence(origin[cs], origin[ce - 1] + 1, _fold(text[cs:ce]), kind, para)
