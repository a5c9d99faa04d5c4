"""Write annotation tasks in the import formats of Prodigy, Label Studio, Doccano and our JSONL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scr_nlp.taxonomy import THEMES

EXPORT_FORMATS = ("prodigy", "labelstudio", "doccano", "jsonl")


def _task_id(text: str) -> str:
    return "task-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def to_prodigy(item: dict) -> dict:
    return {
        "text": item["text"],
        "options": [{"id": t.id, "text": t.name} for t in THEMES],
        "accept": list(item["suggested"]),
        "meta": {
            "doc_id": item["doc_id"],
            "start": item["start"],
            "end": item["end"],
            "reason": item["reason"],
        },
    }


def to_labelstudio(item: dict) -> dict:
    return {
        "data": {
            "text": item["text"],
            "doc_id": item["doc_id"],
            "start": item["start"],
            "end": item["end"],
        },
        "predictions": [
            {
                "model_version": item["model"],
                "score": item["priority"],
                "result": [
                    {
                        "from_name": "themes",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": list(item["suggested"])},
                    }
                ],
            }
        ],
    }


def to_doccano(item: dict) -> dict:
    return {
        "text": item["text"],
        "label": list(item["suggested"]),
        "meta": {"doc_id": item["doc_id"], "start": item["start"], "end": item["end"]},
    }


def to_jsonl(item: dict) -> dict:
    return {
        "doc_id": _task_id(item["text"]),
        "genre": "annotation",
        "meta": {"source_doc": item["doc_id"]},
        "text": item["text"],
        "spans": [{"start": 0, "end": len(item["text"]), "labels": list(item["suggested"])}],
    }


def write_tasks(items: list[dict], fmt: str, out: Path) -> Path:
    convert = {
        "prodigy": to_prodigy,
        "labelstudio": to_labelstudio,
        "doccano": to_doccano,
        "jsonl": to_jsonl,
    }[fmt]
    tasks = [convert(item) for item in items]
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        if fmt == "labelstudio":
            json.dump(tasks, handle, ensure_ascii=False, indent=1)
        else:
            for task in tasks:
                handle.write(json.dumps(task, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out
