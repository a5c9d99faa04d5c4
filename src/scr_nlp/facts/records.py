"""Case facts read from a review's text, each with the evidence that states it.

Offsets (``start``/``end``) index ``RawDocument.text``, the decoded original text,
exactly as ``Sentence`` offsets do, so evidence can be highlighted in the source.
A fact the text does not state is ``None``; ``to_dict()`` gives plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AGE_BANDS = ("under_1", "1_to_5", "6_to_10", "11_to_15", "16_plus")
OUTCOMES = ("death", "serious_harm")
REVIEW_TYPES = ("SCR", "CSPR", "thematic", "other")
YES_NO = ("yes", "no")
AGENCIES = (
    "school",
    "gp",
    "camhs",
    "adult_mental_health",
    "hospital",
    "ambulance",
    "police",
    "childrens_social_care",
    "youth_justice",
    "housing",
    "health_visitor",
    "voluntary_sector",
    "prison_or_custody",
    "foster_or_residential_care",
    "probation",
    "substance_misuse",
)
# Document-level fields holding one FactValue each (agencies is separate: a set).
SCALAR_FIELDS = (
    "child_age_years",
    "child_age_band",
    "outcome",
    "year",
    "review_type",
    "known_to_social_care",
    "child_protection_plan",
)


def age_band(years: int) -> str:
    """The codebook's cohort band for an age in whole years."""
    if years < 1:
        return "under_1"
    if years <= 5:
        return "1_to_5"
    if years <= 10:
        return "6_to_10"
    if years <= 15:
        return "11_to_15"
    return "16_plus"


@dataclass(frozen=True)
class Evidence:
    """A span of the original text that states a fact; ``text == original[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict) -> Evidence:
        return cls(data["start"], data["end"], data["text"])


def _evidence_list(items) -> tuple[Evidence, ...]:
    return tuple(Evidence.from_dict(e) for e in items)


@dataclass(frozen=True)
class FactValue:
    value: Any
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict) -> FactValue:
        return cls(data["value"], data["confidence"], _evidence_list(data["evidence"]))


@dataclass(frozen=True)
class AgencyFact:
    """One agency involved with the child or family, with its own evidence."""

    agency: str
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "agency": self.agency,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict) -> AgencyFact:
        return cls(data["agency"], data["confidence"], _evidence_list(data["evidence"]))


@dataclass(frozen=True)
class AgencySet(FactValue):
    """``value`` is the sorted tuple of agency ids (a list in JSON); ``by_agency`` keeps
    each agency's confidence and evidence, so every agency can be checked on its own."""

    by_agency: tuple[AgencyFact, ...] = ()

    @classmethod
    def of(cls, facts: list[AgencyFact]) -> AgencySet:
        ordered = tuple(sorted(facts, key=lambda f: f.agency))
        return cls(
            value=tuple(f.agency for f in ordered),
            confidence=min(f.confidence for f in ordered),
            evidence=tuple(e for f in ordered for e in f.evidence[:1]),
            by_agency=ordered,
        )

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["value"] = list(self.value)
        data["by_agency"] = [f.to_dict() for f in self.by_agency]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> AgencySet:
        return cls(
            value=tuple(data["value"]),
            confidence=data["confidence"],
            evidence=_evidence_list(data["evidence"]),
            by_agency=tuple(AgencyFact.from_dict(f) for f in data["by_agency"]),
        )


@dataclass(frozen=True)
class ChildAge:
    """A child mentioned with an age: ``label`` as the text names them ("Child A",
    "Sibling 1", "brother"), age in whole years."""

    label: str
    years: int
    evidence: tuple[Evidence, ...]
    confidence: float

    @property
    def band(self) -> str:
        return age_band(self.years)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "years": self.years,
            "band": self.band,
            "evidence": [e.to_dict() for e in self.evidence],
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ChildAge:
        return cls(
            data["label"], data["years"], _evidence_list(data["evidence"]), data["confidence"]
        )


def _optional(data: dict, key: str, kind=FactValue):
    value = data.get(key)
    return None if value is None else kind.from_dict(value)


@dataclass(frozen=True)
class CaseFacts:
    child_age_years: FactValue | None = None
    child_age_band: FactValue | None = None
    children: tuple[ChildAge, ...] = ()
    outcome: FactValue | None = None
    year: FactValue | None = None
    review_type: FactValue | None = None
    known_to_social_care: FactValue | None = None
    child_protection_plan: FactValue | None = None
    agencies: AgencySet | None = None

    def value(self, name: str):
        """The plain value of a field (None when not stated); agencies as a sorted list."""
        fact = getattr(self, name)
        if fact is None:
            return [] if name == "agencies" else None
        return list(fact.value) if name == "agencies" else fact.value

    def to_dict(self) -> dict:
        data = {
            name: None if (f := getattr(self, name)) is None else f.to_dict()
            for name in SCALAR_FIELDS
        }
        data["children"] = [c.to_dict() for c in self.children]
        data["agencies"] = None if self.agencies is None else self.agencies.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CaseFacts:
        return cls(
            **{name: _optional(data, name) for name in SCALAR_FIELDS},
            children=tuple(ChildAge.from_dict(c) for c in data.get("children", [])),
            agencies=_optional(data, "agencies", AgencySet),
        )
