"""Errors a user can act on, each with the documented exit code the CLI returns.

The CLI prints ``str(error)`` as one line on stderr and exits with ``exit_code``;
anything else that escapes is a bug and is reported as such (exit 1).
"""

from __future__ import annotations


class ScrError(Exception):
    exit_code = 1


class InputNotFoundError(ScrError):
    """Missing path, a directory where a file is expected, or an unreadable file."""

    exit_code = 3


class EmptyDocumentError(ScrError):
    exit_code = 4


class UnsupportedInputError(ScrError):
    """Unsupported extension, binary content or text that cannot be decoded."""

    exit_code = 5


class InputTooLargeError(ScrError):
    exit_code = 6


class UnreadablePdfError(ScrError):
    """A PDF with no text layer (needs OCR), encrypted, or damaged."""

    exit_code = 7


class ModelError(ScrError):
    """A model directory that is missing, tampered with, foreign, or for another taxonomy."""

    exit_code = 8


class DataError(ScrError):
    """Invalid corpus or annotation data; the message names file and line."""

    exit_code = 9


class PartialFailureError(ScrError):
    """A batch finished but some documents failed (listed in the errors file)."""

    exit_code = 10


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "internal error (a bug: please report it with --debug output)",
    2: "bad command-line usage",
    3: "input path missing, a directory where a file is expected, or unreadable",
    4: "empty document (no text)",
    5: "unsupported file type, binary content, or undecodable text",
    6: "file larger than the size limit (raise it with --max-size-mb)",
    7: "PDF without a text layer (needs OCR), encrypted, or damaged",
    8: "model missing, tampered with, foreign, or for another taxonomy",
    9: "invalid corpus or annotation data",
    10: "batch finished but some documents failed (see <out>.errors.jsonl)",
    11: "the Dask scheduler could not be reached",
}
