"""Tagging one batch item: the unit of work every engine runs, in whatever process."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scr_nlp.batch.records import BatchItem, BatchOutcome, ErrorRecord, Status
from scr_nlp.records import printable


@dataclass(frozen=True)
class WorkContext:
    """What a worker needs to tag items the same way the driver would."""

    model_path: str
    threshold: float | None
    max_size_mb: float
    facts: bool


def done_key(item: BatchItem, sha256: str) -> tuple[str, str, str]:
    """The resume key as it appears in the output (paths and ids as written)."""
    return (printable(item.doc_id)[0], printable(item.path)[0], sha256)


def tag_item(item: BatchItem, tagger, context: WorkContext) -> BatchOutcome:
    """Tag one file. Never raises for bad input: one bad file must not stop the batch."""
    from scr_nlp.reading import read_document

    try:
        raw = read_document(item.path, context.max_size_mb)
        from scr_nlp.segmenting import segment

        result = tagger.tag_segmented(segment(raw), item.doc_id, item.meta, context.facts)
        record_json = json.dumps(result.to_dict(), ensure_ascii=False)
        return BatchOutcome(item, Status.TAGGED, record_json=record_json, sha256=raw.sha256)
    except Exception as exc:  # noqa: BLE001 - every failure becomes an error record
        return BatchOutcome(item, Status.FAILED, error=ErrorRecord.for_item(item, exc))
