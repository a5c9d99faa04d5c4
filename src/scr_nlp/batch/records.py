"""Typed records of a batch run: what is to be done, what happened, and what went wrong.

The output contract is defined here once: a results line is a ``TagResult.to_dict()``
(see ``scr_nlp.tagging``), an errors line is ``ErrorRecord.to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from scr_nlp.records import printable
from scr_nlp.settings import DOCUMENT_TIME_BUDGET_S, MAX_SIZE_MB


@dataclass(frozen=True)
class BatchItem:
    path: str
    doc_id: str
    meta: dict = field(default_factory=dict)
    # Which manifest fields came from where: {"year": "manifest"}; extracted facts add theirs.
    meta_sources: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorRecord:
    path: str
    doc_id: str | None
    error: str
    exit_code: int
    attempts: int = 1

    def to_dict(self) -> dict:
        path, escaped = printable(self.path)
        return {
            "path": path,
            **({"path_escaped": True} if escaped else {}),
            "doc_id": None if self.doc_id is None else printable(self.doc_id)[0],
            "error": printable(self.error)[0],
            "exit_code": self.exit_code,
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ErrorRecord:
        return cls(
            data["path"],
            data.get("doc_id"),
            data["error"],
            int(data["exit_code"]),
            int(data.get("attempts", 1)),
        )

    @classmethod
    def for_item(cls, item: BatchItem, exc: BaseException) -> ErrorRecord:
        from scr_nlp.errors import ScrError

        if isinstance(exc, ScrError):
            return cls(item.path, item.doc_id, str(exc), exc.exit_code)
        return cls(item.path, item.doc_id, f"{type(exc).__name__}: {exc}", 1)


class Status(StrEnum):
    TAGGED = "tagged"
    FAILED = "failed"


@dataclass(frozen=True)
class BatchOutcome:
    item: BatchItem
    status: Status
    record_json: str | None = None  # the results line, for TAGGED
    sha256: str | None = None  # of the document, for TAGGED
    error: ErrorRecord | None = None  # for FAILED


@dataclass(frozen=True, kw_only=True)
class BatchOptions:
    """Everything a batch run needs besides its inputs and output."""

    model: str | None = None
    manifest: Path | None = None
    workers: int = 1
    threshold: float | None = None
    max_size_mb: float = MAX_SIZE_MB
    time_budget_s: float = DOCUMENT_TIME_BUDGET_S
    engine: str = "local"
    scheduler: str | None = None
    progress: bool = False
    strict: bool = False
    facts: bool = True

    def __post_init__(self):
        from scr_nlp.errors import UsageError

        if self.workers < 1:
            raise UsageError(f"workers must be at least 1, got {self.workers}")
        if self.time_budget_s <= 0:
            raise UsageError(f"the time budget must be positive, got {self.time_budget_s}")
        if self.threshold is not None and not 0 <= self.threshold <= 1:
            raise UsageError(f"threshold must be in [0, 1], got {self.threshold}")


@dataclass
class BatchSummary:
    out: str
    total: int = 0
    tagged: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
