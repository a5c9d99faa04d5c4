from __future__ import annotations

from scr_nlp.facts import format_facts
from scr_nlp.facts.records import AgencyFact, AgencySet, CaseFacts, ChildAge, Evidence, FactValue

TEXT = "Child A (aged 3) died\nin hospital. The GP had seen her."


def _evidence(phrase: str) -> Evidence:
    start = TEXT.index(phrase)
    return Evidence(start, start + len(phrase), phrase)


def test_lists_each_field_with_value_confidence_and_evidence():
    aged = _evidence("aged 3")
    died = _evidence("died")
    gp = _evidence("GP")
    facts = CaseFacts(
        child_age_years=FactValue(3, 0.9, (aged,)),
        children=(ChildAge("Child A", 3, (aged,), 0.9),),
        outcome=FactValue("death", 0.75, (died,)),
        agencies=AgencySet.of([AgencyFact("gp", 0.6, (gp,))]),
    )
    out = format_facts(facts, TEXT)
    assert "child age (years)       3  (confidence 0.90)" in out
    assert "chars 9-15  …Child A ([aged 3]) died in hospital." in out  # line break folded
    assert "outcome                 death  (confidence 0.75)" in out
    assert "year of incident        not stated" in out
    assert "Child A: 3 (1_to_5)" in out
    assert "gp  (confidence 0.60)" in out and "The [GP] had seen her." in out


def test_nothing_stated():
    out = format_facts(CaseFacts(), "")
    assert out.count("not stated") == 7
    assert "children with an age    none stated" in out
    assert "agencies                none stated" in out
