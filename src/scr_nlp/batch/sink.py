"""The results file and its errors file: exactly-once records, locking, safe resume.

Guarantees (the README's RELIABILITY section):
- one run at a time writes an output: an exclusive lock, else ``OutputLockedError``;
- an existing output is only ever appended to, and only when every line is a results
  record made with the same model (content hash) and settings; a torn last line (a
  killed write) is the one thing repaired; anything else is refused, nothing deleted;
- a document is done when a record with its doc_id, path and sha256 is present;
- each record is written whole, flushed and fsynced; a failed write (disk full) is cut
  back so no half record remains;
- the errors file is rewritten atomically with one line per failing document and the
  number of attempts so far; documents that succeed later leave it.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

from scr_nlp.batch.records import ErrorRecord
from scr_nlp.errors import (
    DiskFullError,
    OutputLockedError,
    OutputNotWritableError,
    ResumeRefusedError,
)

_RECORD_KEYS = frozenset({"doc_id", "path", "sha256", "model", "labels", "sentences"})


def errors_path(out: Path) -> Path:
    return out.with_name(out.name + ".errors.jsonl")


def _os_error(out: Path, exc: OSError) -> Exception:
    if exc.errno == errno.ENOSPC:
        return DiskFullError(f"{out}: no space left on the device")
    if exc.errno == errno.EISDIR:
        return OutputNotWritableError(f"{out}: is a directory; give a file name for --out")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputNotWritableError(f"{out}: cannot be written ({exc.strerror})")
    return OutputNotWritableError(f"{out}: cannot be written ({exc.strerror or exc})")


class ResultsSink:
    """Use as a context manager: ``with ResultsSink(out, run_key) as sink: sink.write(...)``."""

    def __init__(self, out: Path, run_key: dict):
        self.out = Path(out)
        self.run_key = run_key  # {"model_sha256": ..., "settings": {...}}
        self.done: set[tuple[str, str, str]] = set()
        self.repaired = False
        self._handle = None
        self._errors: dict[tuple[str, str | None], ErrorRecord] = {}

    # -- opening, locking and checking what is there
    def __enter__(self) -> ResultsSink:
        import fcntl

        if self.out.is_dir():
            raise OutputNotWritableError(f"{self.out}: is a directory; give a file name for --out")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.out.open("a+b")
        except OSError as exc:
            raise _os_error(self.out, exc) from None
        try:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.close()
            raise OutputLockedError(
                f"{self.out}: another scr-nlp run is writing this file; wait for it, or "
                "write to another --out"
            ) from None
        try:
            self._scan()
            self._errors = self._read_errors()
        except BaseException:
            self._handle.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self._handle is not None:
            self._handle.close()  # also releases the lock

    def _scan(self) -> None:
        handle = self._handle
        handle.seek(0)
        data = handle.read()
        if not data:
            return
        lines = data.split(b"\n")
        torn = lines.pop()  # after the last newline: empty unless a write was cut short
        good_bytes = len(data) - len(torn)
        for number, line in enumerate(lines, start=1):
            record = self._parse(line, number, last=False)
            self._check_run(record, number)
            self.done.add((record["doc_id"], record["path"], record["sha256"]))
        if torn:
            # Only a line without its newline can be a killed write; it is never data.
            handle.truncate(good_bytes)
            self.repaired = True
            print(
                f"scr-nlp: repaired {self.out}: removed a partly written last line "
                f"(line {len(lines) + 1})",
                file=sys.stderr,
            )

    def _parse(self, line: bytes, number: int, last: bool) -> dict:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            record = None
        if not isinstance(record, dict) or not record.keys() >= _RECORD_KEYS:
            what = "is blank" if not line.strip() else "is not a tag-batch record"
            raise ResumeRefusedError(
                f"{self.out}: line {number} {what}; this is not a results file of scr-nlp, or it "
                "was damaged: nothing was changed (repair or move it, or write to another --out)"
            )
        return record

    def _check_run(self, record: dict, number: int) -> None:
        model = record.get("model") or {}
        found = {
            "model_sha256": model.get("sha256"),
            "settings": record.get("settings") or {},
        }
        if found != self.run_key:
            raise ResumeRefusedError(
                f"{self.out}: line {number} was made with model {model.get('name')} "
                f"({str(model.get('sha256'))[:12]}) and settings {found['settings']}, this run uses "
                f"{str(self.run_key['model_sha256'])[:12]} and {self.run_key['settings']}; "
                "write to another --out to keep both"
            )

    def _read_errors(self) -> dict[tuple[str, str | None], ErrorRecord]:
        from scr_nlp.jsonl import iter_json_lines

        path = errors_path(self.out)
        if not path.exists():
            return {}
        out = {}
        for _, record in iter_json_lines(path):
            if isinstance(record, dict) and {"path", "error", "exit_code"} <= record.keys():
                error = ErrorRecord.from_dict(record)
                out[(error.path, error.doc_id)] = error
        return out

    # -- writing
    def write(self, record_json: str, key: tuple[str, str, str]) -> None:
        handle = self._handle
        before = handle.tell()
        try:
            handle.write(record_json.encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            handle.truncate(before)  # no half record stays behind
            raise _os_error(self.out, exc) from None
        self.done.add(key)

    def succeeded(self, path: str, doc_id: str) -> None:
        if self._errors.pop((path, doc_id), None) is not None:
            self._flush_errors()

    def failed(self, error: ErrorRecord) -> ErrorRecord:
        previous = self._errors.get((error.path, error.doc_id))
        attempts = previous.attempts + 1 if previous else 1
        counted = ErrorRecord(error.path, error.doc_id, error.error, error.exit_code, attempts)
        self._errors[(error.path, error.doc_id)] = counted
        self._flush_errors()
        return counted

    def _flush_errors(self) -> None:
        path = errors_path(self.out)
        if not self._errors:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(path.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                for error in self._errors.values():
                    handle.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _os_error(path, exc) from None
