"""Reading tag-batch results back: typed records, checked, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.tagging import TagResult


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
            doc_id = record["doc_id"]
            if doc_id in seen:
                raise DataError(
                    f"{where}: doc_id {doc_id!r} already appears on line {seen[doc_id]}; "
                    "each document may appear once (two runs into one file?)"
                )
            seen[doc_id] = number
            if not sentences:
                record = {k: v for k, v in record.items() if k != "sentences"}
            yield TagResult.from_dict(record)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; is this a tag-batch output?") from None
    except OSError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None
