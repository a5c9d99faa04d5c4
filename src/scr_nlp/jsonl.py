"""Reading JSON Lines with line numbers, so every caller can name the bad line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def iter_json_lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, object]]:
    """Yield (line number, parsed value or the JSONDecodeError); blank lines are skipped."""
    with path.open(encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, exc
