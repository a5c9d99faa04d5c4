"""Errors a user can act on, each with the documented exit code the CLI returns.

The CLI prints ``str(error)`` as one line on stderr and exits with ``exit_code``;
anything else that escapes is a bug and is reported as such (exit 1). The exit-code
table (``scr-nlp exit-codes``, the README) is derived from these classes.
"""

from __future__ import annotations

from typing import ClassVar


class ScrError(Exception):
    exit_code: ClassVar[int] = 1
    meaning: ClassVar[str] = (
        "internal error (a bug: rerun with SCR_NLP_DEBUG=1 and report the traceback)"
    )


class UsageError(ScrError):
    exit_code = 2
    meaning = "bad command-line usage"


class InputNotFoundError(ScrError):
    exit_code = 3
    meaning = "input path missing, a directory where a file is expected, or unreadable"


class EmptyDocumentError(ScrError):
    exit_code = 4
    meaning = "empty document (no text)"


class UnsupportedInputError(ScrError):
    exit_code = 5
    meaning = "unsupported file type, binary content, or undecodable text"


class InputTooLargeError(ScrError):
    exit_code = 6
    meaning = (
        "file larger than the size limit, a container that expands too far, or a document "
        "over the per-document time budget (raise --max-size-mb / --time-budget)"
    )


class UnreadablePdfError(ScrError):
    exit_code = 7
    meaning = "PDF without a text layer (needs OCR), encrypted, or damaged"


class ModelError(ScrError):
    exit_code = 8
    meaning = "model missing, tampered with, foreign, or for another taxonomy"


class TaxonomyMismatchError(ModelError):
    """A model or file was labelled with a different theme list."""


class DataError(ScrError):
    exit_code = 9
    meaning = "invalid corpus, annotation, manifest or results data (file and line named)"


class SourceError(DataError):
    """A corpus source file with bad markup or front matter."""


class PartialFailureError(ScrError):
    exit_code = 10
    meaning = "batch finished but some documents failed (see <out>.errors.jsonl)"


class ClusterUnreachableError(ScrError):
    exit_code = 11
    meaning = "the Dask scheduler could not be reached"


class OutputNotWritableError(ScrError):
    exit_code = 12
    meaning = "the output path is a directory, a device or pipe, read-only, or not permitted"


class DiskFullError(ScrError):
    exit_code = 13
    meaning = "no space left on the device while writing output (nothing half-written is kept)"


class OutputLockedError(ScrError):
    exit_code = 14
    meaning = "another scr-nlp run is writing the same output file"


class ResumeRefusedError(ScrError):
    exit_code = 15
    meaning = (
        "the output file exists but is not a results file of this tool, is damaged before its "
        "last line, was made with another model or settings, or already holds an input's doc_id "
        "for other content or metadata (use a new --out)"
    )


def _all_classes(cls: type[ScrError]) -> list[type[ScrError]]:
    out = [cls]
    for sub in cls.__subclasses__():
        out.extend(_all_classes(sub))
    return out


INTERRUPTED = 130  # the shells' convention for a process ended by Ctrl-C (128 + SIGINT)


def exit_code_table() -> dict[int, str]:
    """Every exit code and its meaning, from the classes that define one."""
    table = {0: "success", INTERRUPTED: "interrupted (Ctrl-C); records already written are kept"}
    for cls in _all_classes(ScrError):
        if "meaning" in cls.__dict__:
            table[cls.exit_code] = cls.meaning
    return dict(sorted(table.items()))
