from __future__ import annotations

import pytest

from scr_nlp.facts import extract_facts
from scr_nlp.segmenting import segment_text


@pytest.fixture(scope="session")
def facts_of():
    """Facts of an inline text, with the text, so tests can check evidence offsets."""

    def read(text: str):
        return extract_facts(segment_text(text)), text

    return read
