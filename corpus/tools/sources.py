"""Parse corpus source files: the annotated markup the team writes documents in.

Corpus tooling, not part of the installed package: ``build.py`` and ``check_source.py``
import it with ``corpus/tools`` and ``src`` on the path.

A source file is a front-matter block then prose; a labelled sentence is wrapped
as ``[[theme_a+theme_b: The sentence.]]`` and a hard negative (theme vocabulary,
no failing) as ``[[-: The sentence.]]``. Parsing strips the markup and returns the
plain text with span offsets into it. Stdlib only, so writers can check files
before the package is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.corpus.schema import AGE_BANDS, GENRES, OUTCOMES, REVIEW_TYPES, YEAR_RANGE
from scr_nlp.errors import SourceError
from scr_nlp.taxonomy import THEME_IDS

_MARK = re.compile(r"\[\[([^:\[\]]*):\s?(.*?)\]\]", re.S)
_OPEN_CLOSE = re.compile(r"\[\[|\]\]")


@dataclass
class ParsedSource:
    doc_id: str
    genre: str
    meta: dict
    text: str
    spans: list[dict] = field(default_factory=list)


def _parse_front_matter(raw: str, where: str) -> tuple[dict[str, str], str]:
    lines = raw.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(f"{where}:1: file must start with a '---' front-matter line")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return fields, "\n".join(lines[i:])
        if ":" not in line:
            raise SourceError(f"{where}:{i}: front-matter line needs 'key: value', got {line!r}")
        key, value = line.split(":", 1)
        fields[key.strip()] = value.strip()
    raise SourceError(f"{where}: front matter is not closed with '---'")


def _check_meta(fields: dict[str, str], where: str) -> tuple[str, dict]:
    genre = fields.get("genre", "")
    if genre not in GENRES:
        raise SourceError(f"{where}: genre {genre!r} is not one of {list(GENRES)}")
    meta: dict = {}
    try:
        year = int(fields.get("year", ""))
    except ValueError:
        raise SourceError(f"{where}: year {fields.get('year')!r} is not a whole number") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise SourceError(f"{where}: year {year} outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
    meta["year"] = year
    for key, allowed in (
        ("outcome", OUTCOMES),
        ("child_age_band", AGE_BANDS),
        ("review_type", REVIEW_TYPES),
    ):
        value = fields.get(key, "null")
        if value in ("", "null", "none"):
            if key == "review_type":
                raise SourceError(f"{where}: review_type is required, one of {list(allowed)}")
            meta[key] = None
        elif value not in allowed:
            raise SourceError(f"{where}: {key} {value!r} is not one of {list(allowed)}")
        else:
            meta[key] = value
    for key in ("region", "board"):
        if fields.get(key):
            meta[key] = fields[key]
    return genre, meta


def parse_source(raw: str, doc_id: str, where: str | None = None) -> ParsedSource:
    where = where or doc_id
    raw = raw.replace("\r\n", "\n")
    fields, body = _parse_front_matter(raw, where)
    genre, meta = _check_meta(fields, where)
    body = body.strip("\n") + "\n"
    text_parts: list[str] = []
    spans: list[dict] = []
    pos = 0
    out_len = 0
    for m in _MARK.finditer(body):
        before = body[pos : m.start()]
        _refuse_stray(before, body, pos, where)
        text_parts.append(before)
        out_len += len(before)
        tag, sentence = m.group(1).strip(), m.group(2)
        sentence = sentence.strip()
        if not sentence:
            raise SourceError(f"{where}:{_line(body, m.start())}: empty labelled sentence")
        if tag == "-":
            labels: list[str] = []
        else:
            labels = [t.strip() for t in tag.split("+")]
            bad = [t for t in labels if t not in THEME_IDS]
            if bad:
                raise SourceError(
                    f"{where}:{_line(body, m.start())}: unknown theme {bad}; "
                    f"use '-' for a hard negative or one of {list(THEME_IDS)}"
                )
            labels = [t for t in THEME_IDS if t in labels]
        spans.append(
            {"start": out_len, "end": out_len + len(sentence), "labels": labels}
            | ({"hard_negative": True} if not labels else {})
        )
        text_parts.append(sentence)
        out_len += len(sentence)
        pos = m.end()
    _refuse_stray(body[pos:], body, pos, where)
    text_parts.append(body[pos:])
    return ParsedSource(doc_id, genre, meta, "".join(text_parts), spans)


def _line(body: str, offset: int) -> int:
    return body.count("\n", 0, offset) + 1


def _refuse_stray(chunk: str, body: str, offset: int, where: str) -> None:
    m = _OPEN_CLOSE.search(chunk)
    if m:
        raise SourceError(
            f"{where}:{_line(body, offset + m.start())}: unmatched '{m.group()}' "
            "(markup is [[theme: sentence.]] with no nesting)"
        )


def parse_source_file(path: Path) -> ParsedSource:
    return parse_source(path.read_text(encoding="utf-8"), path.stem, str(path))
