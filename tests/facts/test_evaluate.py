from __future__ import annotations

import pytest

from scr_nlp.facts import evaluate_facts
from scr_nlp.facts.records import AgencyFact, AgencySet, CaseFacts, FactValue

GOLD = [
    {
        "doc_id": "a",
        "child_age_years": 3,
        "child_age_band": "1_to_5",
        "outcome": "death",
        "year": 2015,
        "review_type": "SCR",
        "known_to_social_care": "yes",
        "child_protection_plan": None,
        "agencies": ["gp", "police"],
    },
    {
        "doc_id": "b",
        "child_age_years": None,
        "child_age_band": None,
        "outcome": "serious_harm",
        "year": 2019,
        "review_type": "CSPR",
        "known_to_social_care": "no",
        "child_protection_plan": "no",
        "agencies": ["school"],
    },
    {
        "doc_id": "c",
        "child_age_years": 14,
        "child_age_band": "11_to_15",
        "outcome": "death",
        "year": None,
        "review_type": None,
        "known_to_social_care": None,
        "child_protection_plan": None,
        "agencies": [],
    },
]


def _fact(value):
    return FactValue(value, 0.9, ())


PREDICTED = [
    # CaseFacts, as extract_facts returns them
    CaseFacts(
        child_age_years=_fact(3),
        child_age_band=_fact("1_to_5"),
        outcome=_fact("death"),
        year=_fact(2014),
        review_type=_fact("SCR"),
        known_to_social_care=_fact("yes"),
        agencies=AgencySet.of([AgencyFact("gp", 0.9), AgencyFact("hospital", 0.6)]),
    ),
    # the to_dict() form of CaseFacts
    CaseFacts(
        child_age_years=_fact(5),
        child_age_band=_fact("1_to_5"),
        outcome=_fact("serious_harm"),
        review_type=_fact("CSPR"),
        known_to_social_care=_fact("no"),
        child_protection_plan=_fact("yes"),
        agencies=AgencySet.of([AgencyFact("school", 0.9)]),
    ).to_dict(),
    # a flat dict, as gold files are written
    {
        "child_age_years": None,
        "child_age_band": None,
        "outcome": "serious_harm",
        "year": 2020,
        "review_type": None,
        "known_to_social_care": None,
        "child_protection_plan": None,
        "agencies": ["police"],
    },
]


def test_per_field_precision_counts_only_stated_values():
    fields = evaluate_facts(GOLD, PREDICTED)["fields"]
    assert fields["child_age_years"] == {
        "precision": 0.5,
        "recall": 0.5,
        "support": 2,
        "predicted": 2,
        "correct": 1,
    }
    assert fields["outcome"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert fields["outcome"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert fields["year"] == {
        "precision": 0.0,
        "recall": 0.0,
        "support": 2,
        "predicted": 2,
        "correct": 0,
    }
    assert fields["review_type"]["precision"] == 1.0 and fields["review_type"]["recall"] == 1.0
    assert fields["known_to_social_care"]["support"] == 2
    assert fields["child_protection_plan"]["precision"] == 0.0


def test_age_band_precision_where_an_age_is_stated():
    band = evaluate_facts(GOLD, PREDICTED)["child_age_band_where_age_stated"]
    # only documents a and c state an age; b's predicted band does not count here
    assert band == {"precision": 1.0, "predicted": 1, "correct": 1}


def test_agencies_are_micro_averaged():
    agencies = evaluate_facts(GOLD, PREDICTED)["agencies"]
    # tp: gp, school; fp: hospital, police; fn: police (document a)
    assert agencies["precision"] == 0.5
    assert agencies["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert agencies["f1"] == pytest.approx(4 / 7, abs=1e-4)


def test_gold_with_only_some_fields_is_scored_on_those():
    gold = [{"child_age_years": 17, "year": 2018, "agencies": ["police"]}]
    predicted = [
        {"child_age_years": 16, "year": 2018, "review_type": "SCR", "agencies": ["police"]}
    ]
    result = evaluate_facts(gold, predicted)
    assert set(result["fields"]) == {"child_age_years", "child_age_band", "year"}
    assert result["fields"]["child_age_band"]["correct"] == 1  # 16 and 17 are both 16_plus
    assert result["agencies"]["f1"] == 1.0


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="3 gold records but 1 predictions"):
        evaluate_facts(GOLD, PREDICTED[:1])
