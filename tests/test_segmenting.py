from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scr_nlp.segmenting import section_kind, segment_file, segment_text

from .conftest import assert_offsets_faithful, unaccounted_text


def _texts(doc):
    return [s.text for s in doc.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Child A. The GP saw him.", ["Child A.", "The GP saw him."]),
        (
            "Mr X was seen (see para. 4.12). Then nothing.",
            ["Mr X was seen (see para. 4.12).", "Then nothing."],
        ),
        ("She replied no. Adult T attended.", ["She replied no.", "Adult T attended."]),
        ('It was "not safe." The GP agreed.', ['It was "not safe."', "The GP agreed."]),
        (
            '"We were not told," said Ms M. Housing did not attend.',
            ['"We were not told," said Ms M.', "Housing did not attend."],
        ),
        (
            'The case was poor. "We rang twice," she said.',
            ["The case was poor.", '"We rang twice," she said.'],
        ),
        (
            "Visits, e.g. at home, were rare. No. 3 was empty.",
            ["Visits, e.g. at home, were rare.", "No. 3 was empty."],
        ),
        (
            "It happened in 2013. In 2014 it stopped.",
            ["It happened in 2013.", "In 2014 it stopped."],
        ),
        # more than one space, a tab or a no-break space after the full stop
        ("He was not seen.  No one asked.", ["He was not seen.", "No one asked."]),
        ("He was not seen.\tNo one asked.", ["He was not seen.", "No one asked."]),
        ("He was not seen.\u00a0No one asked.", ["He was not seen.", "No one asked."]),
        (
            "The officer, Sgt. Brown, came with Det. Insp. Green and Cllr. Patel.",
            ["The officer, Sgt. Brown, came with Det. Insp. Green and Cllr. Patel."],
        ),
        ("The family was in debt. £300 was owed.", ["The family was in debt.", "£300 was owed."]),
        ("2.5 miles separated the homes.", ["2.5 miles separated the homes."]),
        ("2.5  miles separated the homes.", ["2.5 miles separated the homes."]),
        ("Ch. Insp. Lowe and Det. Con. Rees came.", ["Ch. Insp. Lowe and Det. Con. Rees came."]),
    ],
)
def test_sentence_rules(text, expected):
    assert _texts(segment_text(text)) == expected


REVIEW = """Serious Case Review: Child L

1. INTRODUCTION

1.1 This review concerns Child L, who died aged four. The LSCB commissioned it.

2. Terms of Reference

2.1 The review considered the period from 2012.

3. ANALYSIS

3.1 Engagement with fathers

3.1.1 At no point was Mr X invited. Neither the GP nor the school attended.

• Housing held information.

4. Recommendations

4.1 The Board should ensure fathers are assessed.
"""


def test_sections_kinds_headings_and_paras():
    doc = segment_text(REVIEW)
    kinds = [(s.kind, s.heading) for s in doc.sections]
    assert kinds == [
        ("other", "Serious Case Review: Child L"),
        ("introduction", "1. INTRODUCTION"),
        ("terms_of_reference", "2. Terms of Reference"),
        ("analysis", "3. ANALYSIS"),
        ("analysis", "3.1 Engagement with fathers"),
        ("recommendations", "4. Recommendations"),
    ]
    by_text = {s.text: s for s in doc.sentences}
    assert by_text["At no point was Mr X invited."].para == "3.1.1"
    assert by_text["At no point was Mr X invited."].section == "analysis"
    assert by_text["Housing held information."].para == "3.1.1"
    assert by_text["The Board should ensure fathers are assessed."].section == "recommendations"
    assert_offsets_faithful(REVIEW, doc.sentences)
    for s in doc.sentences:
        assert " ".join(REVIEW[s.start : s.end].split()) == s.text


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Why this case was chosen", "introduction"),
        ("Methodology", "methodology"),
        ("Family composition", "background"),
        ("Summary of events: March 2013 – June 2013", "chronology"),
        ("Appraisal of practice", "analysis"),
        ("Finding 2: fathers", "findings"),
        ("Lessons learned", "learning"),
        ("What needs to change", "recommendations"),
        ("Conclusions", "conclusion"),
        ("Appendix 1: Glossary", "appendix"),
        ("Housing", "other"),
    ],
)
def test_section_kind(heading, kind):
    assert section_kind(heading) == kind


def _make_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    pages = [
        ["Contents", "1. Introduction ............ 2", "2. Findings ............ 2"],
        [
            "1. Introduction",
            "1.1 The assess-",
            "ment of Child P was completed without seeing her alone. The",
            "GP was not invited to the strategy meeting.",
            "2. Findings",
            "2.1 Multi-agency co-",
            "operation with Mr Y was",
        ],
        ["never considered. Housing attended every meeting."],
    ]
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_xy(10, 8)
        pdf.cell(0, 5, "Serious Case Review: Child P")
        y = 20
        for line in lines:
            pdf.set_xy(10, y)
            pdf.cell(0, 5, line)
            y += 7
        pdf.set_xy(10, 280)
        pdf.cell(0, 5, f"Page {number} of {len(pages)}")
    pdf.output(str(path))


def test_pdf_end_to_end(tmp_path):
    path = tmp_path / "review.pdf"
    _make_pdf(path)
    doc = segment_file(path)
    assert _texts(doc) == [
        "The assessment of Child P was completed without seeing her alone.",
        "The GP was not invited to the strategy meeting.",
        "Multi-agency co-operation with Mr Y was never considered.",
        "Housing attended every meeting.",
    ]
    assert [s.kind for s in doc.sections] == ["introduction", "findings"]
    assert [s.para for s in doc.sentences] == ["1.1", "1.1", "2.1", "2.1"]
    assert_offsets_faithful(doc.raw.text, doc.sentences)


def test_docx_and_cp1252(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("What happened", level=2)
    document.add_paragraph("HV2 visited on 3 May. Child B was asleep upstairs.")
    path = tmp_path / "review.docx"
    document.save(path)
    doc = segment_file(path)
    assert _texts(doc) == ["HV2 visited on 3 May.", "Child B was asleep upstairs."]
    assert doc.sections[0].kind == "chronology"

    cp = tmp_path / "council.txt"
    cp.write_bytes(
        "The school’s concern – raised by Nan – was logged.\r\nNo one visited.".encode("cp1252")
    )
    doc = segment_file(cp)
    assert _texts(doc) == ["The school’s concern – raised by Nan – was logged.", "No one visited."]
    assert_offsets_faithful(doc.raw.text, doc.sentences)


_words = st.sampled_from(
    [
        "Child",
        "A",
        "was",
        "not",
        "seen.",
        "Mr",
        "X.",
        "the",
        "GP",
        "assess-",
        "ment",
        "4.12",
        "•",
        "Page",
        "1",
        "of",
        "3",
        '"quoted."',
        "co-operation",
        "OFFICIAL",
        "e.g.",
        "HV2",
        "(see",
        "para.",
        "2).",
        "?",
    ]
)
_seps = st.sampled_from([" ", " ", " ", "\n", "\n\n", "\r\n", "\f", "\t"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_words, _seps), min_size=1, max_size=80))
def test_segmentation_never_loses_or_reorders_text(pieces):
    text = "".join(w + s for w, s in pieces)
    doc = segment_text(text)
    covered = [False] * len(text)
    last = 0
    for s in doc.sentences:
        assert 0 <= last <= s.start < s.end <= len(text)
        last = s.end
        for i in range(s.start, s.end):
            covered[i] = True
    for a, b in doc.removed:
        assert 0 <= a <= b <= len(text)
        for i in range(a, b):
            covered[i] = True
    for section in doc.sections:
        if section.heading:
            h = text.find(section.heading.split()[0], section.start)
            for i in range(section.start, min(len(text), h + len(section.heading) + 10)):
                covered[i] = True
    lost = [text[i] for i in range(len(text)) if not covered[i] and not text[i].isspace()]
    assert not lost, (text, lost)
    assert_offsets_faithful(text, doc.sentences)


# -- nothing is silently lost: every character is in a sentence, a heading, or a reported span


def test_every_character_accounted_for_in_the_corpus_pdf_layouts():
    from scr_nlp.corpus.io import load_documents
    from scr_nlp.records import RawDocument
    from scr_nlp.segmenting import segment_many

    docs = [d for d in load_documents() if d.meta.get("layout") == "pdf_extracted"]
    assert len(docs) >= 50
    for doc, seg in zip(
        docs, segment_many(RawDocument(d.doc_id, "", "string", d.text) for d in docs), strict=True
    ):
        assert unaccounted_text(seg) == [], doc.doc_id


def test_year_at_the_start_of_a_wrapped_line_keeps_the_first_line():
    text = (
        "4.12 The first strategy discussion was held in March\n"
        "2014. The child was asleep upstairs when the health visitor called.\n"
    )
    doc = segment_text(text)
    assert [s.text for s in doc.sentences] == [
        "The first strategy discussion was held in March 2014.",
        "The child was asleep upstairs when the health visitor called.",
    ]
    assert doc.sentences[0].para == "4.12" and unaccounted_text(doc) == []


def test_numbered_heading_straight_after_a_paragraph_opens_a_section():
    text = "4.3 Nobody spoke to the child alone at any point.\n5. FINDINGS\n5.1 The review found gaps.\n"
    doc = segment_text(text)
    assert [(s.kind, s.heading) for s in doc.sections][-1] == ("findings", "5. FINDINGS")
    assert [s.section for s in doc.sentences] == ["other", "findings"]


_HEADINGS = st.sampled_from(["FINDINGS", "ANALYSIS", "BACKGROUND", "Chronology", "What we learned"])
_PARA_SENTENCE = st.builds(
    lambda words, date: (
        " ".join(words).capitalize() + (f" on 3 March {date}" if date else "") + "."
    ),
    st.lists(
        st.sampled_from(
            [
                "the",
                "social",
                "worker",
                "visited",
                "home",
                "child",
                "was",
                "not",
                "seen",
                "by",
                "police",
                "and",
                "school",
            ]
        ),
        min_size=4,
        max_size=16,
    ),  # fmt: skip
    st.one_of(st.none(), st.integers(2006, 2023)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _HEADINGS,
            st.lists(st.lists(_PARA_SENTENCE, min_size=1, max_size=3), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=4,
    ),  # fmt: skip
    st.integers(45, 95),
    st.booleans(),
)
def test_generated_pdf_layouts_lose_nothing(sections, width, blank_lines):
    import textwrap

    lines = []
    for n, (heading, paragraphs) in enumerate(sections, start=1):
        lines += [""] if blank_lines else []
        lines.append(f"{n}. {heading}")
        for p, sentences in enumerate(paragraphs, start=1):
            lines += textwrap.wrap(f"{n}.{p} " + " ".join(sentences), width)
            lines += [""] if blank_lines else []
    text = "\n".join(lines) + "\n"
    doc = segment_text(text)
    assert unaccounted_text(doc) == [], text
    assert [s.heading for s in doc.sections if s.heading] == [
        f"{n}. {h}" for n, (h, _) in enumerate(sections, 1)
    ]


def test_unicode_line_separators_end_lines():
    doc = segment_text(
        "INTRODUCTION\u2028The child was not seen.\u2029FINDINGS\x85The father was overlooked."
    )
    assert [(x.kind, x.heading) for x in doc.sections] == [
        ("introduction", "INTRODUCTION"),
        ("findings", "FINDINGS"),
    ]
    assert _texts(doc) == ["The child was not seen.", "The father was overlooked."]


def _pdf_of(path, pages):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    for n, lines in enumerate(pages, start=1):
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.set_xy(20, 25 + 6 * i)
            pdf.cell(170, 6, line)
        pdf.set_xy(20, 280)
        pdf.cell(170, 6, str(n))  # a page-number footer
    pdf.output(str(path))
    return path


def test_pdf_line_end_hyphens_before_a_footer_and_before_a_capital(tmp_path):
    pages = [
        ["4.1 The health visitor and the other pro-"],
        ["fessionals did not share what they knew.", "4.2 The support worker, Ms Blyth-",
         "Harper, said the family was Anglo-", "Irish."],
    ]  # fmt: skip
    doc = segment_file(_pdf_of(tmp_path / "h.pdf", pages))
    assert [s.text for s in doc.sentences] == [
        "The health visitor and the other professionals did not share what they knew.",
        "The support worker, Ms Blyth-Harper, said the family was Anglo-Irish.",
    ]


def test_pdf_appendix_headings_one_per_page_are_kept(tmp_path):
    pages = [[f"Appendix {n}", f"The panel met on {n} occasions in that year."] for n in (1, 2, 3)]
    doc = segment_file(_pdf_of(tmp_path / "a.pdf", pages))
    assert [(s.kind, s.heading) for s in doc.sections] == [
        ("appendix", f"Appendix {n}") for n in (1, 2, 3)
    ]
