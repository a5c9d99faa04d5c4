from __future__ import annotations

import json

import pytest

from scr_nlp.facts.records import (
    AgencyFact,
    AgencySet,
    CaseFacts,
    ChildAge,
    Evidence,
    FactValue,
    age_band,
)


@pytest.mark.parametrize(
    ("years", "band"),
    [
        (0, "under_1"),
        (1, "1_to_5"),
        (5, "1_to_5"),
        (6, "6_to_10"),
        (10, "6_to_10"),
        (11, "11_to_15"),
        (15, "11_to_15"),
        (16, "16_plus"),
        (17, "16_plus"),
        (40, "16_plus"),
    ],
)
def test_age_band_boundaries(years, band):
    assert age_band(years) == band


def _full_facts() -> CaseFacts:
    said = Evidence(10, 16, "aged 3")
    return CaseFacts(
        child_age_years=FactValue(3, 0.9, (said,)),
        child_age_band=FactValue("1_to_5", 0.9, (said,)),
        children=(ChildAge("Child A", 3, (said,), 0.9), ChildAge("Sibling 1", 7, (), 0.75)),
        outcome=FactValue("death", 0.9, (Evidence(30, 34, "died"),)),
        year=None,
        review_type=FactValue("SCR", 0.9, (Evidence(0, 19, "Serious Case Review"),)),
        known_to_social_care=FactValue("no", 0.9, ()),
        child_protection_plan=None,
        agencies=AgencySet.of(
            [
                AgencyFact("police", 0.6, (Evidence(40, 46, "police"),)),
                AgencyFact("gp", 0.9, (Evidence(50, 52, "GP"), Evidence(60, 62, "GP"))),
            ]
        ),
    )


def test_round_trip_through_json_is_lossless():
    facts = _full_facts()
    data = json.loads(json.dumps(facts.to_dict()))
    assert CaseFacts.from_dict(data) == facts


def test_to_dict_is_plain_json_with_null_for_unstated_facts():
    data = _full_facts().to_dict()
    assert data["year"] is None and data["child_protection_plan"] is None
    assert data["agencies"]["value"] == ["gp", "police"]  # sorted, a list in JSON
    assert data["children"][1] == {
        "label": "Sibling 1",
        "years": 7,
        "band": "6_to_10",
        "evidence": [],
        "confidence": 0.75,
    }
    assert CaseFacts().to_dict()["agencies"] is None


def test_each_agency_keeps_its_own_evidence():
    agencies = _full_facts().agencies
    assert agencies.value == ("gp", "police")
    by_agency = {a.agency: a for a in agencies.by_agency}
    assert [e.text for e in by_agency["gp"].evidence] == ["GP", "GP"]
    assert agencies.confidence == 0.6  # the weakest agency


def test_value_gives_plain_values():
    facts = _full_facts()
    assert facts.value("outcome") == "death"
    assert facts.value("year") is None
    assert facts.value("agencies") == ["gp", "police"]
    assert CaseFacts().value("agencies") == []
