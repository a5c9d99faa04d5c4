"""What corpus documents may say about themselves: genres and cohort values.

Shared by validation (in the package) and the corpus tools that build the corpus.
"""

from __future__ import annotations

# Sentences imported from annotators (scr-nlp retrain) carry provenance, not case metadata.
ANNOTATION_GENRE = "annotation"

GENRES = (
    "overview_introduction",
    "overview_chronology",
    "overview_appraisal",
    "overview_findings",
    "overview_learning",
    "overview_recommendations",
    "executive_summary",
    "cspr",
    "rapid_review",
    "national_analysis",
    "inspectorate_report",
    "news",
    "child_practice_review",
    "domestic_homicide_review",
    "safeguarding_adults_review",
    "coroner_report",
    "learning_briefing",
)
OUTCOMES = ("death", "serious_harm")
AGE_BANDS = ("under_1", "1_to_5", "6_to_10", "11_to_15", "16_plus")
REVIEW_TYPES = ("SCR", "CSPR", "thematic", "other")
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
)
YEAR_RANGE = (2006, 2025)
