"""`tag-batch`: tag many files into one JSONL, resumable, failures isolated.

Each record is appended whole and flushed; on restart a torn last line (from a
killed run) is cut off, and documents whose sha256 and model are already
recorded are skipped, so an interrupted run loses nothing and duplicates nothing.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError, ScrError
from scr_nlp.reading import DEFAULT_MAX_SIZE_MB, SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class BatchItem:
    path: str
    doc_id: str
    meta: dict = field(default_factory=dict)


@dataclass
class BatchSummary:
    out: str
    total: int = 0
    tagged: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)


def collect_files(inputs: list[Path | str]) -> tuple[list[Path | str], list[dict]]:
    """Expand directories (recursively, supported extensions) into files; fsspec URLs too."""
    from scr_nlp.reading import is_url

    files: list = []
    problems: list[dict] = []
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
            problems.append(
                {"path": str(item), "error": f"{item}: no such file or directory", "exit_code": 3}
            )
    seen: set = set()
    unique = []
    for f in files:
        key = f if isinstance(f, str) else f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def _expand_url(url: str, problems: list[dict]) -> list[str]:
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
        problems.append({"path": url, "error": f"{url}: cannot be listed ({exc})", "exit_code": 3})
        return []
    problems.append({"path": url, "error": f"{url}: no such file or directory", "exit_code": 3})
    return []


def _coerce(value: str):
    value = value.strip()
    if value.isdigit():
        return int(value)
    return value if value else None


def read_manifest(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Return metadata keyed by resolved path and by doc_id."""
    if not path.is_file():
        raise InputNotFoundError(f"{path}: manifest not found")
    by_path: dict[str, dict] = {}
    by_id: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        if "path" not in columns and "doc_id" not in columns:
            raise DataError(
                f"{path}: a manifest needs a 'path' or 'doc_id' column; found {columns}"
            )
        for number, row in enumerate(reader, start=2):
            meta = {
                k: _coerce(v or "") for k, v in row.items() if k not in ("path", "doc_id") and k
            }
            doc_id = (row.get("doc_id") or "").strip()
            if row.get("path"):
                resolved = str((path.parent / row["path"].strip()).resolve())
                by_path[resolved] = {"doc_id": doc_id or None, "meta": meta}
            elif doc_id:
                by_id[doc_id] = {"doc_id": doc_id, "meta": meta}
            else:
                raise DataError(f"{path}:{number}: row has neither path nor doc_id")
    return by_path, by_id


def plan_items(files: list[Path], manifest: Path | None) -> list[BatchItem]:
    by_path, by_id = read_manifest(manifest) if manifest else ({}, {})
    items = []
    for f in files:
        stem = Path(str(f).rsplit("/", 1)[-1]).stem
        key = str(f) if isinstance(f, str) else str(f.resolve())
        entry = by_path.get(key) or by_id.get(stem) or {}
        items.append(BatchItem(str(f), entry.get("doc_id") or stem, entry.get("meta", {})))
    return items


def recorded_keys(out: Path) -> set[tuple[str, str, str]]:
    """(sha256, model name, model version) already in ``out``; repairs a torn last line."""
    if not out.exists():
        return set()
    keys = set()
    good_bytes = 0
    with out.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                record = json.loads(line)
                model = record["model"]
                keys.add((record["sha256"], model["name"], model["version"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            good_bytes += len(line)
    if good_bytes != out.stat().st_size:
        with out.open("rb+") as handle:
            handle.truncate(good_bytes)
        print(f"scr-nlp: repaired {out}: removed a partly written last record", file=sys.stderr)
    return keys


# ------------------------------------------------------------------ workers

_WORKER: dict = {}


def _init_worker(
    model_path: str | None, threshold: float | None, done: frozenset = frozenset()
) -> None:
    from scr_nlp.tagging import Tagger

    _WORKER["tagger"] = Tagger.load(model_path, threshold)
    _WORKER["done"] = done


def tag_item(
    item: BatchItem,
    max_size_mb: float = DEFAULT_MAX_SIZE_MB,
    tagger=None,
    done: frozenset | None = None,
) -> tuple[str, str | dict | None]:
    """Tag one file: ("ok", JSON line), ("skip", None) when already recorded, or ("error", record).

    Never raises for bad input: one bad file must not stop the batch.
    """
    from scr_nlp.reading import read_document

    tagger = tagger or _WORKER["tagger"]
    done = _WORKER.get("done", frozenset()) if done is None else done
    try:
        raw = read_document(item.path, max_size_mb)
        info = tagger.model_info
        if (raw.sha256, info["name"], info["version"]) in done:
            return "skip", None
        result = tagger.tag(raw, doc_id=item.doc_id, meta=item.meta)
        return "ok", json.dumps(result.to_dict(), ensure_ascii=False)
    except ScrError as exc:
        return "error", {
            "path": item.path,
            "doc_id": item.doc_id,
            "error": str(exc),
            "exit_code": exc.exit_code,
        }
    except Exception as exc:  # noqa: BLE001
        return "error", {
            "path": item.path,
            "doc_id": item.doc_id,
            "error": f"{type(exc).__name__}: {exc}",
            "exit_code": 1,
        }


def _tag_item_star(args):
    return tag_item(*args)


def errors_path(out: Path) -> Path:
    return out.with_name(out.name + ".errors.jsonl")


ENGINES = ("local", "dask")


def run_batch(
    inputs: list[Path | str],
    out: Path,
    model_path: str | None = None,
    manifest: Path | None = None,
    workers: int = 1,
    threshold: float | None = None,
    max_size_mb: float = DEFAULT_MAX_SIZE_MB,
    progress: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> BatchSummary:
    from scr_nlp.tagging import Tagger

    files, problems = collect_files(inputs)
    items = plan_items(files, manifest)
    tagger = Tagger.load(model_path, threshold)  # verifies the model before any work starts
    out.parent.mkdir(parents=True, exist_ok=True)
    done = frozenset(recorded_keys(out))
    summary = BatchSummary(str(out), total=len(items) + len(problems))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc="tagging", unit="doc", file=sys.stderr)
    if engine == "dask":
        from scr_nlp.batch_dask import dask_results

        results = dask_results(
            items, str(tagger.model.path), threshold, max_size_mb, done, scheduler, workers
        )
    elif engine == "local":
        results = _local_results(items, tagger, threshold, workers, max_size_mb, done)
    else:
        raise DataError(f"unknown engine {engine!r}; choose from {list(ENGINES)}")
    with (
        out.open("a", encoding="utf-8") as sink,
        errors_path(out).open("a", encoding="utf-8") as err_sink,
    ):

        def record_error(error: dict) -> None:
            summary.failed += 1
            summary.errors.append(error)
            err_sink.write(json.dumps(error, ensure_ascii=False) + "\n")
            err_sink.flush()
            print(f"scr-nlp: failed: {error['error']}", file=sys.stderr)

        for problem in problems:
            record_error(problem)
        for status, payload in results:
            if status == "ok":
                sink.write(payload + "\n")  # one whole record per write, then flushed to disk
                sink.flush()
                os.fsync(sink.fileno())
                summary.tagged += 1
            elif status == "skip":
                summary.skipped += 1
            else:
                record_error(payload)
            if bar:
                bar.update(1)
                bar.set_postfix(failed=summary.failed, skipped=summary.skipped, refresh=False)
    if bar:
        bar.close()
    if not summary.failed and errors_path(out).exists() and errors_path(out).stat().st_size == 0:
        errors_path(out).unlink()
    return summary


def _local_results(
    items, tagger, threshold, workers, max_size_mb, done
) -> Iterator[tuple[str, str | dict | None]]:
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield tag_item(item, max_size_mb, tagger, done)
        return
    import multiprocessing as mp

    # Each worker loads (and verifies) the model once; results come back in input order.
    ctx = mp.get_context("spawn")
    with ctx.Pool(
        workers, initializer=_init_worker, initargs=(str(tagger.model.path), threshold, done)
    ) as pool:
        yield from pool.imap(_tag_item_star, ((item, max_size_mb) for item in items), chunksize=1)
