"""The ``facts`` object of a batch record: facts read from the text beside the manifest's.

``values`` holds one value per cohort field (the manifest's when it gives one, else the
text's), ``sources`` says which ("manifest" or "extracted"), and ``extracted`` is every
fact read from the text with its evidence offsets and confidence.
"""

from __future__ import annotations

from scr_nlp.facts.records import SCALAR_FIELDS, CaseFacts


def facts_record(facts: CaseFacts, meta: dict | None = None) -> dict:
    meta = meta or {}
    values: dict = {}
    sources: dict = {}
    for name in (*SCALAR_FIELDS, "agencies"):
        if meta.get(name) is not None:
            values[name], sources[name] = meta[name], "manifest"
            continue
        value = facts.value(name)
        if value not in (None, []):
            values[name], sources[name] = value, "extracted"
    return {"values": values, "sources": sources, "extracted": facts.to_dict()}
