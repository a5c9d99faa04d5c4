"""Reading tag-batch results back: typed records, checked, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.tagging import TagResult
from scr_nlp.taxonomy import THEME_IDS

# Optional parts of a record: each may be missing or null, and is otherwise an object.
_OBJECTS = ("meta", "facts", "model", "settings", "scores")
# Parts of one sentence and the types they must have (section and para may be missing).
_SENTENCE = {"start": int, "end": int, "text": str}


def read_results(path: Path, sentences: bool = True) -> Iterator[TagResult]:
    """Each record of a results file; a malformed line or a repeated doc_id is refused
    (a repeated document would be counted twice). ``sentences=False`` leaves the
    sentences out, for counting documents without holding every sentence in memory."""
    from scr_nlp.jsonl import iter_json_lines

    path = Path(path)
    if path.is_dir():
        raise InputNotFoundError(f"{path}: is a directory, expected a tag-batch results file")
    if not path.is_file():
        raise InputNotFoundError(f"{path}: results file not found")
    seen: dict[str, int] = {}
    try:
        for number, record in iter_json_lines(path):
            where = f"{path}:{number}"
            if isinstance(record, json.JSONDecodeError):
                raise DataError(f"{where}: not a JSON record (is this a tag-batch output?)")
            if not isinstance(record, dict) or not {"doc_id", "labels", "sha256"} <= record.keys():
                raise DataError(f"{where}: not a tag-batch record (needs doc_id, sha256, labels)")
            problem = record_problem(record, sentences)
            if problem:
                raise DataError(f"{where}: {problem}")
            doc_id = record["doc_id"]
            if doc_id in seen:
                raise DataError(
                    f"{where}: doc_id {doc_id!r} already appears on line {seen[doc_id]}; "
                    "each document may appear once (two runs into one file?)"
                )
            seen[doc_id] = number
            record = {k: v for k, v in record.items() if sentences or k != "sentences"}
            record["path"] = record.get("path") or ""  # optional: the doc_id names the document
            yield TagResult.from_dict(record)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; is this a tag-batch output?") from None
    except OSError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def record_problem(record: dict, sentences: bool = True) -> str | None:
    """What is wrong with a results record (a dict with doc_id, sha256 and labels), in
    words, or None. Everything aggregate and the report read is checked here."""
    for key in ("doc_id", "sha256"):
        if not isinstance(record[key], str) or not record[key]:
            return f"{key} must be a non-empty string, not {_shown(record[key])}"
    labels = record["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        return f"labels must be a list of theme ids, not {_shown(labels)}"
    unknown = [x for x in labels if x not in THEME_IDS]
    if unknown:
        return f"unknown theme {unknown[0]!r} in labels (results made with another theme list?)"
    if record.get("path") is not None and not isinstance(record["path"], str):
        return f"path must be a string, not {_shown(record['path'])}"
    for key in _OBJECTS:
        if record.get(key) is not None and not isinstance(record[key], dict):
            return f"{key} must be an object, not {_shown(record[key])}"
    values = (record.get("facts") or {}).get("values")
    if values is not None and not isinstance(values, dict):
        return f"facts.values must be an object, not {_shown(values)}"
    if not isinstance(record.get("warnings", []), list):
        return f"warnings must be a list, not {_shown(record['warnings'])}"
    if sentences:
        return _sentences_problem(record.get("sentences", []))
    return None


def _sentences_problem(items) -> str | None:
    if not isinstance(items, list):
        return f"sentences must be a list, not {_shown(items)}"
    for i, s in enumerate(items, start=1):
        if not isinstance(s, dict):
            return f"sentence {i} must be an object, not {_shown(s)}"
        for key, kind in _SENTENCE.items():
            value = s.get(key)
            if key not in s:
                return f"sentence {i} has no {key}"
            if not isinstance(value, kind) or isinstance(value, bool):
                return f"sentence {i}: {key} must be {kind.__name__}, not {_shown(value)}"
        if not isinstance(s.get("section", ""), str):
            return f"sentence {i}: section must be a string, not {_shown(s['section'])}"
        if s.get("para") is not None and not isinstance(s["para"], str):
            return f"sentence {i}: para must be a string or null, not {_shown(s['para'])}"
        labels = s.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            return f"sentence {i}: labels must be a list of theme ids, not {_shown(labels)}"
        if not isinstance(s.get("scores", {}), dict):
            return f"sentence {i}: scores must be an object, not {_shown(s['scores'])}"
    return None


def _shown(value) -> str:
    """A bad value as the message names it: its JSON, cut short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"
