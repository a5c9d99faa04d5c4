from __future__ import annotations

import os
import re

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def fold(text: str) -> str:
    return " ".join(text.split())


def assert_offsets_faithful(original: str, sentences) -> None:
    """Each sentence maps back to its source: equal after folding whitespace, or (when
    clean-up removed a line-break hyphen or furniture inside it) a deletion-only subsequence."""
    last_end = 0
    for s in sentences:
        assert 0 <= last_end <= s.start < s.end <= len(original), (s, last_end)
        last_end = s.end
        source = fold(original[s.start : s.end]).replace("\ufffe", "-").replace("\u00ad", "-")
        if source == s.text:
            continue
        it = iter(re.sub(r"\s", "", source))
        assert all(ch in it for ch in re.sub(r"\s", "", s.text)), (source, s.text)
