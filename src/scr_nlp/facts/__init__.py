"""Case facts read from a review's text (age, outcome, year, review type, social care,
agencies), each with evidence offsets, so cohorts can be formed without a manifest."""

from scr_nlp.facts.display import format_facts
from scr_nlp.facts.evaluate import evaluate_facts
from scr_nlp.facts.extract import extract_facts
from scr_nlp.facts.records import AgencyFact, AgencySet, CaseFacts, ChildAge, Evidence, FactValue

__all__ = [
    "AgencyFact",
    "AgencySet",
    "CaseFacts",
    "ChildAge",
    "Evidence",
    "FactValue",
    "evaluate_facts",
    "extract_facts",
    "format_facts",
]
