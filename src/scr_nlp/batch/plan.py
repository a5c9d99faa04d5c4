"""What a batch run will do: the input files, their doc_ids and their manifest metadata.

Manifest problems are never silent: unknown or malformed values stop the run with
row and column; duplicate rows, rows that match no file, files with no row and two
files given one doc_id are reported as warnings, and ``strict`` turns them into errors.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from scr_nlp.batch.records import BatchItem, ErrorRecord
from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.reading import SUPPORTED_SUFFIXES

# Manifest columns read as whole numbers; every other value stays text ("007" is not 7).
INTEGER_FIELDS = ("year",)
_MAX_FIELD_CHARS = 100_000


@dataclass
class Plan:
    items: list[BatchItem] = field(default_factory=list)
    problems: list[ErrorRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def collect_files(
    inputs: list[Path | str], exclude: tuple[Path, ...] = ()
) -> tuple[list[Path | str], list[ErrorRecord]]:
    """Expand directories (recursively, supported extensions) into files; fsspec URLs too.
    ``exclude`` names files never to take (a run's own output, inside a folder it reads)."""
    from scr_nlp.reading import is_url

    files: list = []
    problems: list[ErrorRecord] = []
    for item in inputs:
        if is_url(str(item)):
            files.extend(_expand_url(str(item), problems))
            continue
        item = Path(item)
        if item.is_dir():
            files.extend(
                sorted(
                    p
                    for p in item.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        elif item.exists():
            files.append(item)
        else:
            problems.append(ErrorRecord(str(item), None, f"{item}: no such file or directory", 3))
    seen: set = {p.resolve() for p in exclude}
    unique = []
    for f in files:
        key = f if isinstance(f, str) else f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def _expand_url(url: str, problems: list[ErrorRecord]) -> list[str]:
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(url)
        if fs.isdir(root):
            return sorted(
                fs.unstrip_protocol(p)
                for p in fs.find(root)
                if Path(p).suffix.lower() in SUPPORTED_SUFFIXES
            )
        if fs.exists(root):
            return [url]
    except (ImportError, OSError, ValueError) as exc:
        problems.append(ErrorRecord(url, None, f"{url}: cannot be listed ({exc})", 3))
        return []
    problems.append(ErrorRecord(url, None, f"{url}: no such file or directory", 3))
    return []


@dataclass
class Manifest:
    by_path: dict[str, dict] = field(default_factory=dict)
    by_id: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _value(raw: str, column: str, where: str):
    value = raw.strip()
    if not value:
        return None
    if column in INTEGER_FIELDS:
        number = value[:-2] if value.endswith(".0") else value  # spreadsheet exports write 2016.0
        if not (number.isascii() and number.isdigit()):
            raise DataError(f"{where}, column {column!r}: {value!r} is not a whole number")
        return int(number)
    return value


def read_manifest(path: Path) -> Manifest:
    """Metadata keyed by resolved path and by doc_id; read with the documents' encoding rules."""
    from scr_nlp.reading import decode_text

    if not path.is_file():
        raise InputNotFoundError(f"{path}: manifest not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None
    text, _ = decode_text(data, path)
    # strict: a quote left open must not swallow the rows after it into one value
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    manifest = Manifest()
    row_number, row_line = 1, 1  # the row being read, and the line it starts on
    try:
        columns = [c.strip() for c in (reader.fieldnames or []) if c]
        if "path" not in columns and "doc_id" not in columns:
            raise DataError(
                f"{path}: a manifest needs a 'path' or 'doc_id' column; found {columns}"
            )
        first_row: dict[str, int] = {}
        row_number, row_line = 2, reader.line_num + 1
        for number, row in enumerate(reader, start=2):
            row_number, row_line = number + 1, reader.line_num + 1
            where = f"{path}: row {number}"
            row = {(k or "").strip(): v or "" for k, v in row.items() if k is not None}
            for column, value in row.items():
                if len(value) > _MAX_FIELD_CHARS:
                    raise DataError(
                        f"{where}, column {column!r}: value is over {_MAX_FIELD_CHARS} characters"
                    )
            meta = {
                k: _value(v, k, where) for k, v in row.items() if k not in ("path", "doc_id") and k
            }
            doc_id = row.get("doc_id", "").strip() or None
            entry = {"doc_id": doc_id, "meta": meta, "row": number}
            if row.get("path", "").strip():
                key = str((path.parent / row["path"].strip()).resolve())
                table, shown = manifest.by_path, row["path"].strip()
            elif doc_id:
                key, table, shown = doc_id, manifest.by_id, doc_id
            else:
                raise DataError(f"{where}: row has neither path nor doc_id")
            if key in table:
                manifest.warnings.append(
                    f"{path}: rows {first_row[key]} and {number} both describe {shown!r}; "
                    f"row {number} is used"
                )
            first_row.setdefault(key, number)
            table[key] = entry
    except csv.Error as exc:
        reason = (
            "a quote opened in it is never closed"
            if "unexpected end of data" in str(exc)
            else f"not readable as CSV ({exc})"
        )
        raise DataError(f"{path}: row {row_number} (line {row_line}): {reason}") from None
    return manifest


def plan_items(files: list[Path | str], manifest_path: Path | None, strict: bool = False) -> Plan:
    manifest = read_manifest(manifest_path) if manifest_path else None
    plan = Plan(warnings=list(manifest.warnings) if manifest else [])
    used_rows: set[int] = set()
    unmatched_files = []
    for f in files:
        name = str(f).rsplit("/", 1)[-1]
        stem = Path(name).stem
        entry = None
        if manifest:
            key = str(f) if isinstance(f, str) else str(Path(f).resolve())
            entry = manifest.by_path.get(key) or manifest.by_id.get(stem)
            if entry is None:
                unmatched_files.append(str(f))
            else:
                used_rows.add(entry["row"])
        meta = dict(entry["meta"]) if entry else {}
        plan.items.append(
            BatchItem(
                str(f),
                (entry or {}).get("doc_id") or stem,
                meta,
                {k: "manifest" for k, v in meta.items() if v is not None},
            )
        )
    if manifest:
        rows = {e["row"]: e for table in (manifest.by_path, manifest.by_id) for e in table.values()}
        unused = sorted(set(rows) - used_rows)
        if unused:
            plan.warnings.append(
                f"{manifest_path}: {len(unused)} row(s) match no input file: rows "
                + ", ".join(map(str, unused[:10]))
                + (" ..." if len(unused) > 10 else "")
            )
        if unmatched_files:
            plan.warnings.append(
                f"{len(unmatched_files)} file(s) have no manifest row (empty metadata): "
                + ", ".join(unmatched_files[:5])
                + (" ..." if len(unmatched_files) > 5 else "")
            )
    _unique_doc_ids(plan)
    if strict and plan.warnings:
        raise DataError(
            f"--strict: {plan.warnings[0]}"
            + (f" (and {len(plan.warnings) - 1} more)" if len(plan.warnings) > 1 else "")
        )
    return plan


def _unique_doc_ids(plan: Plan) -> None:
    """Two files must not share a doc_id: results would double-count and ``aggregate``
    refuses them. Files whose doc_ids collide get their path instead, relative to the
    folder they share, without the extension unless it alone tells them apart
    (``s-001.txt`` / ``s-001.md``). Paths are made absolute first, so the ids are the same
    however the inputs are spelled or wherever the run starts (resume keeps working);
    files that do not collide keep their doc_id."""
    counts = Counter(item.doc_id for item in plan.items)
    clashes = sorted(doc_id for doc_id, n in counts.items() if n > 1)
    if not clashes:
        return
    groups: dict[str, list[int]] = {}
    for n, item in enumerate(plan.items):
        if counts[item.doc_id] > 1:
            groups.setdefault(item.doc_id, []).append(n)
    new_ids: dict[int, str] = {}
    for doc_id in clashes:
        members = groups[doc_id]
        derived = _path_ids([plan.items[n].path for n in members])
        new_ids.update(zip(members, derived, strict=True))
        shown = ", ".join(repr(d) for d in derived[:3]) + (" ..." if len(derived) > 3 else "")
        plan.warnings.append(
            f"{len(members)} files share doc_id {doc_id!r} "
            f"({', '.join(plan.items[n].path for n in members[:3])}); "
            f"each is given its path as doc_id: {shown}"
        )
    items = [replace(item, doc_id=new_ids.get(n, item.doc_id)) for n, item in enumerate(plan.items)]
    # A derived id can still meet another file's own doc_id: those take their full location.
    counts = Counter(item.doc_id for item in items)
    items = [
        replace(item, doc_id="/".join(_location(item.path)).replace("//", "/", 1))
        if n in new_ids and counts[item.doc_id] > 1
        else item
        for n, item in enumerate(items)
    ]
    repeated = [d for d, n in Counter(item.doc_id for item in items).items() if n > 1]
    if repeated:
        raise DataError(
            f"cannot give the inputs distinct doc_ids: {repeated[0]!r} is used twice "
            "(check the manifest's doc_id column)"
        )
    plan.items[:] = items


def _location(path: str) -> tuple[str, ...]:
    """An input's absolute location as parts: the same however the path was spelled."""
    from scr_nlp.reading import is_url

    if is_url(path):
        scheme, rest = path.split("://", 1)
        return (f"{scheme}:/", *(p for p in rest.split("/") if p))
    return Path(os.path.abspath(path)).parts


def _path_ids(paths: list[str]) -> list[str]:
    """Distinct ids for files that collide: each one's path below the folder they share."""
    locations = [_location(p) for p in paths]
    common = 0
    for group in zip(*(loc[:-1] for loc in locations), strict=False):
        if len(set(group)) != 1:
            break
        common += 1
    relative = [loc[common:] for loc in locations]
    plain = ["/".join((*rel[:-1], Path(rel[-1]).stem or rel[-1])) for rel in relative]
    counts = Counter(plain)
    return [
        short if counts[short] == 1 else "/".join(rel)
        for short, rel in zip(plain, relative, strict=True)
    ]
