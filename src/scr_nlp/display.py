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


def format_tag_result(result, evidence: int = 3) -> str:
    from scr_nlp.taxonomy import THEMES

    lines = [
        f"{result.path}  (doc_id {result.doc_id}; model {result.model['name']}, "
        f"{result.model['type']} {result.model['version']}; {len(result.sentences)} sentences)",
        "",
    ]
    missing = []
    for theme in THEMES:
        if theme.id not in result.labels:
            missing.append(f"{theme.id} (best {result.scores[theme.id]:.2f})")
            continue
        lines.append(
            f"FOUND  {theme.name} [{theme.id}]  document score {result.scores[theme.id]:.2f}"
        )
        for s in result.evidence(theme.id, evidence):
            where = s.section + (f" {s.para}" if s.para else "")
            text = textwrap.fill(s.text, 92, initial_indent="       ", subsequent_indent="       ")
            lines.append(f"    {s.scores[theme.id]:.2f}  [{where}]  chars {s.start}-{s.end}")
            lines.append(text)
        lines.append("")
    lines.append("NOT FOUND  " + (", ".join(missing) if missing else "(every theme was found)"))
    return "\n".join(lines)
