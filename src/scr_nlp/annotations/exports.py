"""Annotation tasks in the import formats of Prodigy, Label Studio, Doccano and plain JSONL.

Each format keeps the model's suggestion where the tool shows it as a suggestion, not
as an annotation, so that an untouched task is never read back as a correction:

- Prodigy: ``accept`` pre-selects options; only tasks Prodigy saved with an ``answer``
  count when they come back;
- Label Studio: ``predictions`` (shown as pre-annotations); only ``annotations``
  count, and ``labelstudio.xml`` (the labelling configuration to paste into the
  project) is written beside the tasks;
- Doccano and JSONL: the suggestion goes in ``meta``/``suggested``; the ``label`` the
  annotator sets is what counts (JSONL tasks start with ``labels: null``, unannotated).

Choices use the themes' readable names; the importer maps them back to ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from scr_nlp.taxonomy import THEMES, theme

EXPORT_FORMATS = ("prodigy", "labelstudio", "doccano", "jsonl")
LABEL_STUDIO_FROM = "themes"


def _names(ids) -> list[str]:
    return [theme(t).name for t in ids]


def _meta(item) -> dict:
    return {
        "doc_id": item.doc_id,
        "path": item.path,
        "start": item.start,
        "end": item.end,
        "reason": item.reason,
        "model": item.model,
    }


def to_prodigy(item) -> dict:
    return {
        "text": item.text,
        "options": [{"id": t.id, "text": t.name} for t in THEMES],
        "accept": list(item.suggested),
        "meta": _meta(item) | {"before": item.before, "after": item.after},
    }


def to_labelstudio(item) -> dict:
    return {
        "data": {"text": item.text, "before": item.before, "after": item.after} | _meta(item),
        "predictions": [
            {
                "model_version": item.model,
                "score": item.priority,
                "result": [
                    {
                        "from_name": LABEL_STUDIO_FROM,
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": _names(item.suggested)},
                    }
                ],
            }
        ],
    }


def to_doccano(item) -> dict:
    return {
        "text": item.text,
        "meta": _meta(item)
        | {"suggested": _names(item.suggested), "before": item.before, "after": item.after},
    }


def to_jsonl(item) -> dict:
    return {
        "text": item.text,
        "before": item.before,
        "after": item.after,
        "suggested": list(item.suggested),
        "labels": None,
        "meta": _meta(item),
    }


def labelstudio_config() -> str:
    """The Label Studio labelling interface for these tasks (Settings > Labeling Interface)."""
    choices = "\n".join(
        f"    <Choice value={quoteattr(t.name)} hint={quoteattr(t.description)}/>" for t in THEMES
    )
    return f"""<View>
  <Header value="Sentence before"/>
  <Text name="before" value="$before" granularity="word"/>
  <Header value="Sentence to label"/>
  <Text name="text" value="$text"/>
  <Header value="Sentence after"/>
  <Text name="after" value="$after" granularity="word"/>
  <Header value="Which failings does the sentence assert? (none: leave all unticked)"/>
  <Choices name="{LABEL_STUDIO_FROM}" toName="text" choice="multiple" showInLine="false">
{choices}
  </Choices>
</View>
"""


def write_tasks(items, fmt: str, out: Path) -> list[Path]:
    """Write tasks atomically; return the files written (tasks first)."""
    convert = {
        "prodigy": to_prodigy,
        "labelstudio": to_labelstudio,
        "doccano": to_doccano,
        "jsonl": to_jsonl,
    }[fmt]
    tasks = [convert(item) for item in items]
    written = [out]
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        if fmt == "labelstudio":
            json.dump(tasks, handle, ensure_ascii=False, indent=1)
        else:
            for task in tasks:
                handle.write(json.dumps(task, ensure_ascii=False) + "\n")
    tmp.replace(out)
    if fmt == "labelstudio":
        config = out.with_name(out.stem + ".labelstudio.xml")
        config.write_text(labelstudio_config(), encoding="utf-8")
        written.append(config)
    return written
