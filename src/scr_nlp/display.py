"""Plain-text renderings of results for people reading a terminal."""

from __future__ import annotations

import textwrap

from scr_nlp.records import SegmentedDocument


def format_segmented(doc: SegmentedDocument) -> str:
    lines = [f"{doc.raw.path}  ({doc.raw.format}, sha256 {doc.raw.sha256[:12]}…)"]
    lines.append(f"{len(doc.sections)} sections, {len(doc.sentences)} sentences")
    by_section: dict[int, list] = {}
    for sentence in doc.sentences:
        for i, section in enumerate(doc.sections):
            if section.start <= sentence.start < section.end:
                by_section.setdefault(i, []).append(sentence)
                break
    for i, section in enumerate(doc.sections):
        lines.append("")
        lines.append(f"== [{section.kind}] {section.heading or '(no heading)'}")
        for s in by_section.get(i, []):
            tag = f"{s.para:>7}" if s.para else " " * 7
            body = textwrap.fill(s.text, 96, subsequent_indent=" " * 22)
            lines.append(f"{tag} {s.start:>6}-{s.end:<6} {body}")
    return "\n".join(lines)
