from __future__ import annotations

from scr_nlp.facts.offsets import FoldedText
from scr_nlp.segmenting import segment_text


def _span_text(original: str, unit: FoldedText, phrase: str) -> str:
    a = unit.text.index(phrase)
    start, end = unit.span(a, a + len(phrase))
    return original[start:end]


def test_identical_text_maps_one_to_one():
    original = "xx The GP saw her."
    unit = FoldedText(original, 3, len(original), "The GP saw her.")
    assert unit.span(4, 6) == (7, 9)


def test_hard_line_breaks_and_double_spaces_are_skipped():
    original = "Intro.\nThe health\n   visitor  saw her."
    unit = FoldedText(original, 7, len(original), "The health visitor saw her.")
    assert _span_text(original, unit, "health visitor") == "health\n   visitor"
    assert _span_text(original, unit, "saw") == "saw"


def test_deleted_hyphen_and_soft_hyphen_map_back():
    original = "The assess-\nment was late; a co\ufffeordinated plan."
    unit = FoldedText(original, 0, len(original), "The assessment was late; a co-ordinated plan.")
    assert _span_text(original, unit, "assessment") == "assess-\nment"
    assert _span_text(original, unit, "co-ordinated") == "co\ufffeordinated"


def test_heading_finds_its_own_end():
    original = "SERIOUS CASE\nREVIEW\n\nBody text."
    unit = FoldedText.heading(original, 0, "SERIOUS CASE REVIEW")
    assert original[unit.start : unit.end] == "SERIOUS CASE\nREVIEW"


def test_sentences_of_a_pdf_like_text_align_exactly():
    original = (
        "1. INTRODUCTION\n\n1.1 Child A was seen by the school\nnurse and the GP in\n"
        "March 2019. The refer-\nral went to children's social care.\n"
    )
    for sentence in segment_text(original).sentences:
        unit = FoldedText(original, sentence.start, sentence.end, sentence.text)
        for word in sentence.text.split():
            a = sentence.text.index(word)
            start, end = unit.span(a, a + len(word))
            assert "".join(original[start:end].split()).replace("-", "") == word.replace("-", "")
