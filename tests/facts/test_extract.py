"""Extraction on small written fixtures (never real report text)."""

from __future__ import annotations

import pytest

from scr_nlp.facts import extract_facts
from scr_nlp.segmenting import segment_text


def _review(*paragraphs: str, title: str = "SERIOUS CASE REVIEW: CHILD A") -> str:
    body = "\n\n".join(f"1.{i} {p}" for i, p in enumerate(paragraphs, 1))
    return f"{title}\n\n1. INTRODUCTION\n\n{body}\n"


def _assert_exact(facts, text: str) -> None:
    """Every evidence span slices the original text exactly."""

    def walk(node):
        if isinstance(node, dict):
            if {"start", "end", "text"} <= node.keys():
                assert text[node["start"] : node["end"]] == node["text"], node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(facts.to_dict())


# Ages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "years", "band", "evidence"),
    [
        (
            "Child A (aged 14) was admitted to hospital with serious injuries.",
            14,
            "11_to_15",
            "aged 14",
        ),
        ("Child A, a 14-year-old boy, was stabbed in the street.", 14, "11_to_15", "14-year-old"),
        (
            "Child A was fourteen years old when he was stabbed.",
            14,
            "11_to_15",
            "fourteen years old",
        ),
        (
            "Baby F was eleven weeks old when she died in hospital.",
            0,
            "under_1",
            "eleven weeks old",
        ),
        ("Baby F died at the age of 7 months.", 0, "under_1", "age of 7 months"),
        (
            "Child B was 16 months old when he was admitted with a fractured skull.",
            1,
            "1_to_5",
            "16 months old",
        ),
        (
            "Child A died aged three years and two months.",
            3,
            "1_to_5",
            "aged three years and two months",
        ),
        (
            "Child A was aged twenty-two months when she died.",
            1,
            "1_to_5",
            "aged twenty-two months",
        ),
        ("Child A died in a fire. He was eight.", 8, "6_to_10", "was eight"),
        (
            "P died seven weeks before his eighteenth birthday.",
            17,
            "16_plus",
            "before his eighteenth birthday",
        ),
    ],
)
def test_age_forms(sentence, years, band, evidence):
    text = _review(
        sentence,
        title='Child Safeguarding Practice Review: "P"'
        if sentence[0] == "P"
        else "SERIOUS CASE REVIEW: CHILD A",
    )
    facts = extract_facts(segment_text(text))
    assert facts.value("child_age_years") == years
    assert facts.value("child_age_band") == band
    assert facts.child_age_years.evidence[0].text == evidence
    _assert_exact(facts, text)


def test_age_in_a_title_line(facts_of):
    facts, _ = facts_of(
        "Rapid Review Report\n\nChild V (aged 14)\n\nSummary of the case\n\n"
        "Child V was admitted to the children's ward with sepsis.\n"
    )
    assert facts.value("child_age_years") == 14


def test_a_mothers_age_is_never_the_childs(facts_of):
    facts, _ = facts_of(
        _review(
            "Baby F died in March 2019 at the age of ten weeks.",
            "Mother was 24 and her partner, Mr T, was 31 when Baby F was born.",
            "At the time of Baby F's death, Mother (aged 24) lived with Mr T (aged 31).",
        )
    )
    assert facts.value("child_age_years") == 0
    assert [(c.label, c.years) for c in facts.children] == [("Baby F", 0)]


def test_only_adult_ages_means_no_child_age(facts_of):
    facts, _ = facts_of(
        _review("Baby F died in March 2019. Mother was 24 at the time of Baby F's death.")
    )
    assert facts.value("child_age_years") is None
    assert facts.children == ()


def test_an_earlier_age_gives_way_to_the_age_at_the_incident(facts_of):
    facts, _ = facts_of(
        _review(
            "Child M is a fourteen-year-old girl who has had diabetes since the age of seven.",
            "In 2019 Child M was admitted to hospital in a critical condition and survived.",
            "His mother died when he was nine.",
        )
    )
    assert facts.value("child_age_years") == 14


def test_several_children_listed_and_the_subject_chosen(facts_of):
    facts, text = facts_of(
        _review(
            "Child A (aged 3) died in a house fire in 2016.",
            "Her brother, Child B (aged 6), and Sibling 1 (then aged 9) were rescued.",
        )
    )
    assert facts.value("child_age_years") == 3
    assert {(c.label, c.years) for c in facts.children} == {
        ("Child A", 3),
        ("Child B", 6),
        ("Sibling 1", 9),
    }
    assert facts.children[0].label == "Child A"  # the subject first
    _assert_exact(facts, text)


def test_without_a_named_subject_the_youngest_harmed_child(facts_of):
    facts, _ = facts_of(
        "Two children, a boy aged 4 and a girl aged 2, were found alone in a flat and were "
        "admitted to hospital with serious injuries, a serious case review has found.\n"
    )
    assert facts.value("child_age_years") == 2
    assert facts.value("child_age_band") == "1_to_5"


def test_the_age_of_an_injury_is_not_a_persons_age(facts_of):
    facts, _ = facts_of(_review("Child M had a deep burn to his forearm, about a week old."))
    assert facts.value("child_age_years") is None


# Outcome and year ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraphs", "outcome"),
    [
        (["Child A died in hospital in 2015 from a head injury."], "death"),
        (["Child A took his own life in the autumn of 2021."], "death"),
        (["Child A survived but has life-changing injuries."], "serious_harm"),
        (["Child A suffered a non-fatal stab wound."], "serious_harm"),
        (
            [
                "Child A's mother died in 2012.",
                "In 2019 Child A was admitted to hospital with serious injuries and survived.",
            ],
            "serious_harm",
        ),
        (["Had he been seen, Child A would have survived.", "Child A died in 2013."], "death"),
    ],
)
def test_outcome(facts_of, paragraphs, outcome):
    facts, text = facts_of(_review(*paragraphs))
    assert facts.value("outcome") == outcome
    _assert_exact(facts, text)


def test_year_of_the_incident_not_of_publication_or_guidance(facts_of):
    facts, text = facts_of(
        "Child Safeguarding Practice Review: Child D\n\n"
        "Published by the Safeguarding Children Partnership, March 2021\n\n"
        "1. INTRODUCTION\n\n"
        "1.1 This review was carried out under Working Together to Safeguard Children 2018.\n\n"
        "1.2 The review covers the period from January 2017 to Child D's admission.\n\n"
        "1.3 In June 2019 Child D was admitted to hospital with serious injuries.\n\n"
        "1.4 The Partnership agreed in August 2019 that a local review should be held.\n"
    )
    assert facts.value("year") == 2019
    assert facts.year.evidence[0].text == "June 2019"
    _assert_exact(facts, text)


def test_death_year_from_the_date_of_death(facts_of):
    facts, _ = facts_of(
        _review("Child K died in December 2008, aged three.", "The review was completed in 2010.")
    )
    assert facts.value("year") == 2008


def test_year_not_stated(facts_of):
    facts, _ = facts_of(
        _review("Child D was admitted to hospital last summer with serious injuries.")
    )
    assert facts.value("outcome") == "serious_harm"
    assert facts.value("year") is None


# Review type --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "review_type"),
    [
        ("SERIOUS CASE REVIEW: CHILD A", "SCR"),
        ("Rapid Review – Baby B", "CSPR"),
        ("Local Child Safeguarding Practice Review: Child C", "CSPR"),
        ("National analysis of serious case reviews, 2014 to 2017", "thematic"),
        ("What the reviews tell us: an analysis of serious case reviews", "thematic"),
        ("Thematic review: children living with neglect", "thematic"),
        ("Domestic Homicide Review into the death of Ms K", "other"),
        ("Safeguarding Adults Review: Adult D", "other"),
        ("Concise Child Practice Review: Child Y", "other"),
        ("Prevention of Future Deaths report", "other"),
    ],
)
def test_review_type_from_the_documents_own_description(facts_of, title, review_type):
    facts, _ = facts_of(f"{title}\n\n1. INTRODUCTION\n\n1.1 The child was harmed.\n")
    assert facts.value("review_type") == review_type


def test_a_later_mention_of_another_review_does_not_count(facts_of):
    facts, _ = facts_of(
        _review(
            "An earlier serious case review had looked at the family's other child.",
            title="Child Safeguarding Practice Review: Child C",
        )
    )
    assert facts.value("review_type") == "CSPR"


def test_review_type_not_stated(facts_of):
    facts, _ = facts_of("FINDINGS\n\nThe school did not share what it knew.\n")
    assert facts.value("review_type") is None


def test_thematic_reviews_have_no_single_case(facts_of):
    facts, _ = facts_of(
        "National analysis of serious case reviews\n\n1. SUMMARY\n\n"
        "1.1 In one review a 14-year-old girl died. In another, a baby aged six weeks was "
        "seriously injured and the GP and the police were involved.\n"
    )
    assert facts.value("review_type") == "thematic"
    for field in ("child_age_years", "outcome", "year", "known_to_social_care", "agencies"):
        assert facts.value(field) in (None, [])
    assert {c.years for c in facts.children} == {14, 0}


# Social care ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "known", "plan"),
    [
        ("The family were known to children's social care.", "yes", None),
        (
            "Child A was subject to a child protection plan under the category of neglect.",
            "yes",
            "yes",
        ),
        ("The family had an open child in need case.", "yes", None),
        ("The family was not known to children's social care before Child A died.", "no", "no"),
        ("Child A had never been subject to a child protection plan.", None, "no"),
        ("The child protection plan had ended in 2016.", "yes", "no"),
        ("Child A lived with her mother and liked drawing.", None, None),
        # a plan made after the incident is not "at the time"; social care is involved now
        ("Baby M now lives with her father under a child protection plan.", "yes", None),
    ],
)
def test_social_care_and_plan(facts_of, sentence, known, plan):
    facts, text = facts_of(_review(sentence))
    assert facts.value("known_to_social_care") == known
    assert facts.value("child_protection_plan") == plan
    _assert_exact(facts, text)


def test_not_known_before_a_year_then_referred_is_known(facts_of):
    facts, _ = facts_of(
        _review(
            "Before 2010 Child L was not known to children's social care.",
            "In 2011 the school made a referral to children's social care.",
        )
    )
    assert facts.value("known_to_social_care") == "yes"


# Agencies ---------------------------------------------------------------------------


def test_agencies_with_exact_evidence(facts_of):
    facts, text = facts_of(
        _review(
            "Child A was seen by the GP, the health visitor (HV1) and CAMHS.",
            "The police attended the home and an ambulance took Child A to the emergency department.",
        )
    )
    assert facts.value("agencies") == [
        "ambulance",
        "camhs",
        "gp",
        "health_visitor",
        "hospital",
        "police",
    ]
    by_agency = {a.agency: a for a in facts.agencies.by_agency}
    assert [e.text for e in by_agency["health_visitor"].evidence] == ["health visitor", "HV1"]
    assert by_agency["health_visitor"].confidence == 0.75  # named twice
    assert by_agency["gp"].confidence == 0.6  # named once
    _assert_exact(facts, text)


def test_agency_evidence_in_pdf_like_text_with_hard_line_breaks(facts_of):
    text = (
        "SERIOUS CASE REVIEW: CHILD A\n\n1. INTRODUCTION\n\n"
        "1.1 Child A was seen at home on three occasions by the health visitor and twice\n"
        "by the school nurse before the community drug and alcohol service closed\n"
        "Mother's case, and the Multi-Agency Safeguarding Hub recorded no concerns at\n"
        "that time, although the children's social\ncare team had been told of the risk.\n"
    )
    facts, _ = facts_of(text)
    by_agency = {a.agency: a for a in facts.agencies.by_agency}
    assert set(by_agency) == {
        "health_visitor",
        "school",
        "substance_misuse",
        "childrens_social_care",
    }
    care = [e.text for e in by_agency["childrens_social_care"].evidence]
    assert "children's social\ncare" in care  # the original, line break and all
    _assert_exact(facts, text)


def test_recommendations_and_guidance_are_not_involvement(facts_of):
    facts, _ = facts_of(
        "SERIOUS CASE REVIEW: CHILD A\n\n1. INTRODUCTION\n\n"
        "1.1 Child A was seen by the GP.\n\n"
        "1.2 Practitioners should always ask the school for information.\n\n"
        "7. RECOMMENDATIONS\n\n"
        "7.1 The Board should ensure that housing and probation attend core groups.\n\n"
        "7.2 The police will review their procedures.\n"
    )
    assert facts.value("agencies") == ["gp"]


@pytest.mark.parametrize(
    ("sentence", "absent"),
    [
        ("The police had never been called to the home.", "police"),
        ("Child A lived with her mother in a housing association flat.", "housing"),
        ("Child A's father was in prison for most of the period.", "prison_or_custody"),
        ("The family were not known to children's social care or the police.", "police"),
    ],
)
def test_mentions_that_are_not_involvement(facts_of, sentence, absent):
    facts, _ = facts_of(_review(sentence, "Child A was seen by the GP."))
    assert absent not in facts.value("agencies")
    assert "gp" in facts.value("agencies")


def test_mental_health_service_depends_on_whose(facts_of):
    teenager, _ = facts_of(
        _review("Child A (aged 15) was seen by the crisis team after an overdose.")
    )
    parent, _ = facts_of(
        _review("Child A (aged 15) lived with Mother, whose psychiatrist saw her monthly.")
    )
    baby, _ = facts_of(_review("Baby B (aged 10 weeks) was at home when the crisis team visited."))
    assert teenager.value("agencies") == ["camhs"]
    assert parent.value("agencies") == ["adult_mental_health"]
    assert baby.value("agencies") == ["adult_mental_health"]


# Whole documents ------------------------------------------------------------------------


def test_nothing_stated_gives_none(facts_of):
    facts, _ = facts_of("NOTES\n\nThe weather was cold and the meeting started late.\n")
    data = facts.to_dict()
    assert all(data[field] is None for field in data if field != "children")
    assert data["children"] == []


def test_output_is_deterministic():
    text = _review(
        "Child A (aged 3) died in hospital in May 2016.",
        "The GP, the police and children's social care knew the family.",
    )
    first = extract_facts(segment_text(text)).to_dict()
    assert all(extract_facts(segment_text(text)).to_dict() == first for _ in range(3))


def test_a_text_longer_than_spacys_length_guard_is_read(monkeypatch):
    """spaCy's make_doc refuses texts over nlp.max_length (a million characters by
    default); a long bundle of reviews must still be read, not fail the document."""
    from scr_nlp.segmenting import sentence_pipeline

    text = "Child A was 4 years old when she died in 2019. " * 40
    seg = segment_text(text)
    monkeypatch.setattr(sentence_pipeline(), "max_length", len(text) // 4)
    facts = extract_facts(seg)
    assert facts.child_age_years.value == 4
    assert facts.outcome.value == "death"
