"""Aggregation recovers the cohort differences built into the corpus (corpus/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scr_nlp.aggregate import aggregate, cohort_value
from scr_nlp.corpus.io import load_documents
from scr_nlp.records import RawDocument
from scr_nlp.tagging import Tagger

ROOT = Path(__file__).resolve().parents[1]
INTENDED = json.loads((ROOT / "corpus" / "intended_differences.json").read_text())
SPEC = INTENDED["differences"]


@pytest.fixture(scope="module")
def tagged_test_split():
    writers = tuple(f"{w}-" for w in INTENDED["writers"])
    docs = [d for d in load_documents(None, "test") if d.doc_id.startswith(writers)]
    tagger = Tagger.load()  # the shipped default model
    raws = [RawDocument(d.doc_id, "", "string", d.text) for d in docs]
    return list(tagger.tag_many(raws, [d.doc_id for d in docs], [d.meta for d in docs]))


def _share(records, field, values, theme):
    chosen = [r for r in records if cohort_value(r, field)[0] in values]
    return sum(theme in r.labels for r in chosen) / len(chosen)


@pytest.mark.parametrize("spec", SPEC, ids=[s["theme"] for s in SPEC])
def test_direction_recovered(tagged_test_split, spec):
    field, theme = spec["field"], spec["theme"]
    result = aggregate(tagged_test_split, [field], min_size=1)
    present = {c.cohort[field] for c in result.cohorts}
    lower = present - set(spec["higher"]) if spec["lower"] == "rest" else set(spec["lower"])
    assert _share(tagged_test_split, field, set(spec["higher"]), theme) > _share(
        tagged_test_split, field, lower, theme
    )
