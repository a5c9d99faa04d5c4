"""The results file and its errors file: exactly-once records, locking, safe resume.

Guarantees (the README's RELIABILITY section):
- one run at a time writes an output: an exclusive lock, else ``OutputLockedError``;
- ``--out`` must be a regular file (or not exist): a device or pipe is never read;
- an existing output is only ever appended to, and only when every line is a results
  record made with the same model (content hash), settings and facts setting; a torn
  last line (a killed write) is the one thing repaired, and a complete last record
  that only lacks its newline gets it; anything else is refused, nothing deleted;
- each doc_id appears once: a document is done when a record with its doc_id and
  sha256 (or its path and sha256) is present; an input whose doc_id is there with
  other content, or whose metadata differ from the done record's, refuses the run
  before anything is written (``check_plan``);
- each record is written whole, flushed and fsynced; a failed write (disk full) is cut
  back so no half record remains;
- the errors file holds this run's failures only: it is rewritten atomically with one
  line per failing document and the number of attempts so far (counted across runs),
  and removed when nothing failed.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from scr_nlp.batch.records import BatchItem, ErrorRecord
from scr_nlp.errors import (
    OutputLockedError,
    ResumeRefusedError,
)
from scr_nlp.outputs import check_regular_file, output_error

_RECORD_KEYS = frozenset({"doc_id", "path", "sha256", "model", "labels", "sentences"})


def errors_path(out: Path) -> Path:
    return out.with_name(out.name + ".errors.jsonl")


@dataclass(frozen=True)
class _Written:
    """What the resume checks need of a record already in the output."""

    line: int
    doc_id: str
    path: str
    sha256: str
    meta: dict


def _same_file(path: str) -> str:
    """A record's path, comparable however it was spelled (relative or absolute)."""
    from scr_nlp.reading import is_url

    return path if is_url(path) else os.path.realpath(path)  # symbolic links followed too


def _hash_one(path: str) -> str | None:
    import hashlib

    from scr_nlp.reading import is_url

    try:
        if is_url(path):
            import fsspec

            opener = fsspec.open(path, "rb")
        elif not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a device or pipe: opening or reading it here might never end
        else:
            opener = open(path, "rb")  # noqa: SIM115 - used in the with below
        digest = hashlib.sha256()
        with opener as handle:  # in chunks: a large remote object never sits in memory whole
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except Exception:  # noqa: BLE001 - unreadable now: tagging it reports why
        return None


def _hashes(paths: list[str]) -> list[str | None]:
    """The sha256 of each file's bytes (what records carry), a few files at a time."""
    if len(paths) < 2:
        return [_hash_one(p) for p in paths]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        return list(pool.map(_hash_one, paths))


class ResultsSink:
    """Use as a context manager: ``with ResultsSink(out, run_key) as sink: sink.write(...)``.

    Opening locks and reads the output but changes nothing; ``check_plan`` may still
    refuse the run; ``begin`` (called by the first write, or by the driver) repairs the
    last line and starts this run's errors file."""

    def __init__(self, out: Path, run_key: dict):
        self.out = Path(out)
        # {"model_sha256": ..., "settings": {...}} and optionally "facts": bool
        self.run_key = run_key
        self.repaired = False
        self._written: dict[str, list[_Written]] = {}  # by doc_id as written
        self._handle = None
        self._lines = 0  # records in the output
        # ("cut", offset, line): a torn last line; ("newline", -1, line): a whole one
        self._repair: tuple[str, int, int] | None = None
        self._begun = False
        self._previous_errors: dict[tuple[str, str | None], ErrorRecord] = {}
        self._errors: dict[tuple[str, str | None], ErrorRecord] = {}

    # -- opening, locking and checking what is there
    def __enter__(self) -> ResultsSink:
        import fcntl

        self._refuse_non_regular(self.out)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.out.open("a+b")
        except OSError as exc:
            raise output_error(self.out, exc) from None
        try:  # it may have been swapped for a device between the check and the open
            self._refuse_non_regular(self.out, os.fstat(self._handle.fileno()))
        except BaseException:
            self._handle.close()
            raise
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
            self._previous_errors = self._read_errors()
        except BaseException:
            self._handle.close()
            raise
        return self

    @staticmethod
    def _refuse_non_regular(out: Path, status: os.stat_result | None = None) -> None:
        """Refuse a directory, device or pipe as --out before reading anything."""
        if status is None:
            try:
                status = out.stat()
            except FileNotFoundError:
                return
            except OSError as exc:
                raise output_error(out, exc) from None
        check_regular_file(out, status)

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
        last = lines.pop()  # after the last newline: empty unless a write was cut short
        if last:
            try:
                json.loads(last)
            except (json.JSONDecodeError, UnicodeDecodeError):
                if not last.lstrip().startswith(b"{"):
                    # Not the start of a record (a user's own file): refused, as any line
                    # that is not a record is, never cut.
                    self._parse(last, len(lines) + 1)
                # A killed write: it is never data, and the next run cuts it off.
                self._repair = ("cut", len(data) - len(last), len(lines) + 1)
            else:
                # Whole JSON with only its newline missing (an editor, a script): a
                # record like any other, kept; its newline is added before appending.
                lines.append(last)
                self._repair = ("newline", -1, len(lines))
        for number, line in enumerate(lines, start=1):
            record = self._parse(line, number)
            self._check_run(record, number)
            self._add(record, number)

    def _add(self, record: dict, number: int) -> None:
        self._lines = number
        meta = record.get("meta")
        self._written.setdefault(record["doc_id"], []).append(
            _Written(
                number,
                record["doc_id"],
                record["path"],
                record["sha256"],
                meta if isinstance(meta, dict) else {},
            )
        )

    def _parse(self, line: bytes, number: int) -> dict:
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
        expected = {k: self.run_key.get(k) for k in ("model_sha256", "settings")}
        if found != expected:
            raise ResumeRefusedError(
                f"{self.out}: line {number} was made with model {model.get('name')} "
                f"({str(model.get('sha256'))[:12]}) and settings {found['settings']}, this run uses "
                f"{str(self.run_key['model_sha256'])[:12]} and {self.run_key['settings']}; "
                "write to another --out to keep both"
            )
        if "facts" in self.run_key and ("facts" in record) != self.run_key["facts"]:
            made, now = ("with", "--no-facts") if "facts" in record else ("without", "--facts")
            raise ResumeRefusedError(
                f"{self.out}: line {number} was made {made} the facts read from the text and "
                f"this run uses {now}; mixed records cannot be compared: use the same setting, "
                "or write to another --out"
            )

    # -- what this run's inputs mean for the records already there
    def check_plan(self, items: list[BatchItem]) -> set[int]:
        """The indexes of ``items`` already done. Refuses the run (``ResumeRefusedError``,
        nothing changed) when an input's doc_id is in the output for other content (a
        second record would repeat the doc_id), or when a done record's metadata differ
        from the manifest's now (it would silently keep the old ones)."""
        from scr_nlp.records import printable

        if not self._written:
            return set()
        by_path: dict[tuple[str, str], _Written] = {}  # (real path, sha256)
        for entries in self._written.values():
            for entry in entries:
                by_path.setdefault((_same_file(entry.path), entry.sha256), entry)
        by_path_only = {p: entry for (p, _), entry in by_path.items()}
        wanted = [
            n
            for n, item in enumerate(items)
            if printable(item.doc_id)[0] in self._written
            or _same_file(printable(item.path)[0]) in by_path_only
        ]
        hashes = _hashes([items[n].path for n in wanted])
        done: set[int] = set()
        conflicts: list[str] = []
        for n, sha256 in zip(wanted, hashes, strict=True):
            if sha256 is None:
                continue  # unreadable: tagging it will fail and say why
            item = items[n]
            doc_id, path = printable(item.doc_id)[0], printable(item.path)[0]
            real = _same_file(path)
            entries = self._written.get(doc_id, [])
            # Done when a record has this doc_id and content, or this path and content (its
            # doc_id may have been derived differently in an earlier run); only then is a
            # doc_id held by other content a clash.
            match = next((e for e in entries if e.sha256 == sha256), None) or by_path.get(
                (real, sha256)
            )
            if match is None and not entries and real in by_path_only:
                # this very file has a record under another doc_id, made before an edit
                other = by_path_only[real]
                conflicts.append(
                    f"{self.out}: line {other.line} holds {path} as doc_id {other.doc_id!r}, "
                    "with other content than it has now (edited since?): remove that line to "
                    "tag the file again, or write to another --out"
                )
                continue
            if match is None and entries:
                other = entries[0]
                if _same_file(other.path) == real:  # this file, edited since
                    advice = "remove that line to tag the file again, or write to another --out"
                else:  # another file whose name gives the same doc_id
                    advice = (
                        "give the files their own doc_ids in a --manifest (a doc_id column), "
                        "or write to another --out"
                    )
                conflicts.append(
                    f"{self.out}: line {other.line} already holds doc_id {doc_id!r} for "
                    f"{other.path}, with other content than {path} has now; a doc_id may "
                    f"appear once: {advice}"
                )
                continue
            if match is None:
                continue
            meta = json.loads(json.dumps(item.meta, ensure_ascii=False))
            if meta != match.meta:
                changed = sorted(
                    k for k in meta.keys() | match.meta.keys() if meta.get(k) != match.meta.get(k)
                )
                conflicts.append(
                    f"{self.out}: line {match.line} ({match.doc_id!r}) was written with other "
                    f"metadata than this run's manifest gives it ({', '.join(changed)}), and "
                    "records already written are never changed: use the same --manifest, "
                    "write to another --out, or remove the old records to tag them again"
                )
                continue
            done.add(n)
        if conflicts:
            more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
            raise ResumeRefusedError(conflicts[0] + more)
        return done

    def has(self, key: tuple[str, str, str]) -> bool:
        """Whether a record with this (doc_id, path, sha256), as written, is in the output."""
        doc_id, path, sha256 = key
        return any(e.path == path and e.sha256 == sha256 for e in self._written.get(doc_id, ()))

    def holds(self, doc_id: str) -> bool:
        """Whether a record with this doc_id (as written) is in the output."""
        return doc_id in self._written

    def _read_errors(self) -> dict[tuple[str, str | None], ErrorRecord]:
        from scr_nlp.jsonl import iter_json_lines

        path = errors_path(self.out)
        if not path.is_file():
            return {}
        out = {}
        for _, record in iter_json_lines(path):
            if isinstance(record, dict) and {"path", "error", "exit_code"} <= record.keys():
                error = ErrorRecord.from_dict(record)
                out[(error.path, error.doc_id)] = error
        return out

    # -- writing
    def begin(self) -> None:
        """Start writing: repair the last line, and start this run's errors file (the
        last run's failures only count attempts). Called once, before the first write."""
        if self._begun:
            return
        self._begun = True
        handle = self._handle
        if self._repair is not None:
            kind, offset, line = self._repair
            try:
                if kind == "cut":
                    handle.truncate(offset)
                else:
                    handle.write(b"\n")
                    handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise output_error(self.out, exc) from None
            self.repaired = True
            message = (
                f"removed a partly written last line (line {line})"
                if kind == "cut"
                else f"added the missing newline at the end of its last record (line {line})"
            )
            print(f"scr-nlp: repaired {self.out}: {message}", file=sys.stderr)
        self._flush_errors()

    def write(self, record_json: str, key: tuple[str, str, str]) -> None:
        self.begin()
        handle = self._handle
        before = handle.tell()
        try:
            handle.write(record_json.encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            handle.truncate(before)  # no half record stays behind
            raise output_error(self.out, exc) from None
        doc_id, path, sha256 = key
        self._lines += 1
        self._written.setdefault(doc_id, []).append(_Written(self._lines, doc_id, path, sha256, {}))

    def succeeded(self, path: str, doc_id: str) -> None:
        if self._errors.pop((path, doc_id), None) is not None:
            self._flush_errors()

    def failed(self, error: ErrorRecord) -> ErrorRecord:
        self.begin()
        key = (error.path, error.doc_id)
        previous = self._errors.get(key) or self._previous_errors.get(key)
        attempts = previous.attempts + 1 if previous else 1
        counted = ErrorRecord(error.path, error.doc_id, error.error, error.exit_code, attempts)
        self._errors[key] = counted
        self._flush_errors()
        return counted

    def _flush_errors(self) -> None:
        path = errors_path(self.out)
        if not self._errors:
            if path.is_file() or path.is_symlink():
                try:
                    path.unlink()
                except OSError as exc:
                    raise output_error(path, exc) from None
            return
        tmp = path.with_name(path.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                for error in self._errors.values():
                    handle.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise output_error(path, exc) from None
