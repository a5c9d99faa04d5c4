from __future__ import annotations

import pytest

from scr_nlp.cleaning import clean, looks_like_heading

PDF_PAGE_TEXT = (
    "Serious Case Review: Child L\n"
    "1.1 The assess-\nment was completed by Social Worker 1 without speaking to\n"
    "Child L. Multi-agency co-\noperation was described as good.\n"
    "Page 1 of 3\n\fSerious Case Review: Child L\n"
    "The GP was not invited to the strategy meeting and no\n"
    "record of the decision exists.\n"
    "Page 2 of 3\n\fSerious Case Review: Child L\n"
    "1.2 Working Together 20131 sets out the expectation3.\n"
    "Page 3 of 3\n"
)


def _bodies(doc):
    return [b.text for b in doc.blocks if b.kind == "body"]


def test_page_furniture_hyphens_and_wraps():
    doc = clean(PDF_PAGE_TEXT)
    bodies = _bodies(doc)
    assert bodies[0].startswith(
        "The assessment was completed by Social Worker 1 without speaking to Child L."
    )
    assert "Multi-agency co-operation was described as good." in bodies[0]
    # the page break between "no" and "record" is joined, furniture gone
    assert (
        bodies[1]
        == "The GP was not invited to the strategy meeting and no record of the decision exists."
    )
    assert bodies[-1] == "Working Together 2013 sets out the expectation."
    assert not any("Page" in b or "Serious Case Review" in b for b in bodies)


def test_origin_map_points_into_original():
    doc = clean(PDF_PAGE_TEXT)
    for block in doc.blocks:
        assert len(block.origin) == len(block.text)
        for ch, pos in zip(block.text, block.origin, strict=True):
            if not ch.isspace():
                assert PDF_PAGE_TEXT[pos] == ch


def test_contents_page_dropped():
    text = (
        "Contents\n1. Introduction ......... 3\n2. Background ........... 5\n3. Findings 9\n\n"
        "1. Introduction\n\nThis review concerns Baby F.\n"
    )
    doc = clean(text)
    assert [b.text for b in doc.blocks] == ["1. Introduction", "This review concerns Baby F."]
    assert doc.blocks[0].kind == "heading"


def test_pipe_page_and_markings_dropped():
    text = "OFFICIAL\nChild B lived with Mother.\n\n4 | P a g e\nCONFIDENTIAL – NOT FOR CIRCULATION\nHe attended nursery.\n"
    assert _bodies(clean(text)) == ["Child B lived with Mother.", "He attended nursery."]


def test_bullets_and_paragraph_ids():
    text = "3.4 The panel found that:\n• housing were not invited\n• the GP held information\n\n3.5\nNo one asked Father.\n"
    doc = clean(text)
    assert [(b.text, b.para) for b in doc.blocks] == [
        ("The panel found that:", "3.4"),
        ("housing were not invited", None),
        ("the GP held information", None),
        ("No one asked Father.", "3.5"),
    ]


@pytest.mark.parametrize(
    ("line", "standalone", "expected"),
    [
        ("3. ANALYSIS", True, True),
        ("4.2 Engagement with fathers", False, True),
        ("Terms of reference", True, True),
        ("What happened", False, True),
        ("March 2013 – June 2013", True, True),
        ("4.12 Child A was seen at home.", False, False),
        ("Child A was seen at home.", True, False),
        ("The social worker visited, and", True, False),
    ],
)
def test_heading_heuristic(line, standalone, expected):
    assert looks_like_heading(line, standalone) is expected


def test_heading_never_continued_in_lower_case():
    assert not looks_like_heading("Child A was not seen by", True, "the health visitor.")


def test_a_date_wrapped_across_lines_is_not_a_heading():
    assert not looks_like_heading("The social worker visited the family on 3", True, "March 2006.")
    assert looks_like_heading("Appendix 3", True, "Terms of reference")


def test_a_sentence_that_starts_with_confidential_is_kept_but_a_marking_is_not():
    text = (
        "CONFIDENTIAL – CHILD B\n\nThe mother asked that her address be kept\n"
        "confidential - the school was not told where the family had moved. The\n"
        "father was not told either.\n\nConfidential: the father told the nurse he had hit "
        "the child.\n"
    )
    bodies = _bodies(clean(text))
    assert bodies == [
        "The mother asked that her address be kept confidential - the school was not told "
        "where the family had moved. The father was not told either.",
        "Confidential: the father told the nurse he had hit the child.",
    ]


def test_a_running_header_on_both_pages_of_a_two_page_pdf_is_dropped():
    page1 = "Review of Child M\nThe father was never spoken to by the probation\nPage 1 of 2"
    page2 = "Review of Child M\nservices in the area where he had lived before.\nPage 2 of 2"
    bodies = _bodies(clean(page1 + "\f" + page2))
    assert bodies == [
        "The father was never spoken to by the probation services in the area where he had "
        "lived before."
    ]


def test_a_year_on_its_own_line_is_not_a_page_number():
    doc = clean("CHRONOLOGY\n\n2018\n\nThe child moved school.\n\n2019\n\nThe child died.\n")
    assert "2018" in [b.text for b in doc.blocks] and "2019" in [b.text for b in doc.blocks]
    assert doc.removed == []


def test_numbers_that_name_people_are_not_footnote_marks():
    text = "Sibling1 was three and Sibling2 was seven. The procedures2 were not followed."
    assert _bodies(clean(text)) == [
        "Sibling1 was three and Sibling2 was seven. The procedures were not followed."
    ]


def test_words_broken_at_a_line_end_are_joined_or_keep_their_hyphen_as_review_prose_spells_them():
    text = (
        "The mother told the mid-\nwife that her part-\nner had moved in. The child was four-\n"
        "teen when the decision-\nmaking panel met, and the twenty-\nfour hour follow-\nup visit "
        "never happened.\n"
    )
    assert _bodies(clean(text)) == [
        "The mother told the midwife that her partner had moved in. The child was fourteen "
        "when the decision-making panel met, and the twenty-four hour follow-up visit never "
        "happened."
    ]


def test_year_headings_at_page_edges_are_kept():
    events = ["The family moved.", "A school place was found.", "The baby was born.", "No visit."]
    for pages in (["2018", "2019"], ["2017", "2018", "2019", "2020"]):
        text = "\f".join(f"{year}\n\n{event}\n" for year, event in zip(pages, events, strict=False))
        doc = clean(text)
        assert [b.text for b in doc.blocks if b.text in pages] == pages
        assert doc.removed == []


def test_a_wrapped_sentence_that_starts_with_confidential_is_kept():
    text = (
        "The nurse saw Child A in the spring term and wrote that she looked thin and tired.\n"
        "Confidential: the school nurse had raised concerns about\n"
        "Child A's weight with the GP in 2019, and nobody followed them up.\n"
    )
    doc = clean(text)
    assert doc.removed == []  # no longer dropped as a marking (headings may end in "about")
    assert "Confidential: the school nurse had raised concerns about" in [
        b.text for b in doc.blocks
    ]
    for marking in ("CONFIDENTIAL - CHILD B", "Confidential - Child B"):
        assert clean(marking + "\nThe child was not seen.\n").removed == [(0, 22)]


def test_a_broken_word_spelt_both_ways_in_review_prose_is_joined():
    # "well-being" and "wellbeing" both occur in the lexicon: the joined spelling is taken
    assert _bodies(clean("Her well-\nbeing was not assessed.\n")) == [
        "Her wellbeing was not assessed."
    ]


def test_ranges_and_acronyms_broken_after_their_hyphen():
    text = (
        "The period under review ran from the 2019-\n2020 school year; the chronology at "
        "paragraphs 3.4-\n3.9 sets out the contacts, and the mother was referred to the CAMHS-\n"
        "led service.\n"
    )
    assert _bodies(clean(text)) == [
        "The period under review ran from the 2019-2020 school year; the chronology at "
        "paragraphs 3.4-3.9 sets out the contacts, and the mother was referred to the "
        "CAMHS-led service."
    ]
