"""A terminal rendering of case facts: each field, its value, confidence and evidence."""

from __future__ import annotations

from scr_nlp.facts.records import CaseFacts, Evidence, FactValue

_LABELS = {
    "child_age_years": "child age (years)",
    "child_age_band": "child age band",
    "outcome": "outcome",
    "year": "year of incident",
    "review_type": "review type",
    "known_to_social_care": "known to social care",
    "child_protection_plan": "child protection plan",
}
_CONTEXT = 50  # characters of surrounding text shown either side of the evidence


def _context(text: str, evidence: Evidence) -> str:
    """The evidence [bracketed] in the text around it, whitespace folded (PDF line breaks)."""
    start, end = evidence.start, evidence.end
    around = text[max(0, start - _CONTEXT) : start] + "[" + text[start:end] + "]"
    return "…" + " ".join((around + text[end : end + _CONTEXT]).split()) + "…"


def _evidence_lines(text: str, evidence: tuple[Evidence, ...], indent: str) -> list[str]:
    return [f"{indent}chars {e.start}-{e.end}  {_context(text, e)}" for e in evidence]


def _fact_lines(name: str, fact: FactValue | None, text: str) -> list[str]:
    label = f"  {_LABELS[name]:<24}"
    if fact is None:
        return [f"{label}not stated"]
    return [
        f"{label}{fact.value}  (confidence {fact.confidence:.2f})",
        *_evidence_lines(text, fact.evidence, " " * 28),
    ]


def format_facts(facts: CaseFacts, text: str) -> str:
    """``text`` is the document's original text (``RawDocument.text``), which the
    evidence offsets index."""
    lines = ["Case facts"]
    for name in _LABELS:
        lines += _fact_lines(name, getattr(facts, name), text)
    lines.append(
        f"  {'children with an age':<24}{'' if facts.children else 'none stated'}".rstrip()
    )
    for child in facts.children:
        lines.append(
            f"    {child.label}: {child.years} ({child.band})  (confidence {child.confidence:.2f})"
        )
        lines += _evidence_lines(text, child.evidence, " " * 6)
    lines.append(f"  {'agencies':<24}{'' if facts.agencies else 'none stated'}".rstrip())
    for agency in facts.agencies.by_agency if facts.agencies else ():
        lines.append(f"    {agency.agency}  (confidence {agency.confidence:.2f})")
        lines += _evidence_lines(text, agency.evidence, " " * 6)
    return "\n".join(lines)
