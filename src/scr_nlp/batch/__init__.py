"""`tag-batch`: tag many files into one JSONL, resumable, failures isolated.

The plan (files, doc_ids, manifest) comes from ``plan``; the output contract (lock,
resume, exactly-once records, errors file) from ``sink``; the work runs on an engine
(``local`` processes or a ``dask`` cluster) behind one ``run`` method.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scr_nlp.batch.plan import Plan, collect_files, plan_items, read_manifest
from scr_nlp.batch.records import (
    BatchItem,
    BatchOptions,
    BatchOutcome,
    BatchSummary,
    ErrorRecord,
    Status,
)
from scr_nlp.batch.sink import ResultsSink, errors_path
from scr_nlp.batch.work import WorkContext, done_key, tag_item
from scr_nlp.errors import ResumeRefusedError, UsageError

ENGINES = ("local", "dask")

__all__ = [
    "ENGINES",
    "BatchItem",
    "BatchOptions",
    "BatchOutcome",
    "BatchSummary",
    "ErrorRecord",
    "Plan",
    "Status",
    "collect_files",
    "errors_path",
    "plan_items",
    "read_manifest",
    "run_batch",
    "tag_item",
]


def _engine(options: BatchOptions):
    if options.engine == "local":
        from scr_nlp.batch.local import LocalEngine

        return LocalEngine(options.workers, options.time_budget_s)
    if options.engine == "dask":
        from scr_nlp.batch.dask import DaskEngine

        return DaskEngine(options.scheduler, options.workers)
    raise UsageError(f"unknown engine {options.engine!r}; choose from {list(ENGINES)}")


def run_batch(
    inputs: list[Path | str], out: Path, options: BatchOptions | None = None
) -> BatchSummary:
    from scr_nlp.tagging import Tagger

    options = options or BatchOptions()
    engine = _engine(options)
    # The output and its errors file are never inputs, even inside a folder being tagged.
    files, problems = collect_files(inputs, exclude=(Path(out), errors_path(Path(out))))
    plan = plan_items(files, options.manifest, options.strict)
    tagger = Tagger.load(options.model, options.threshold)  # verifies before any work starts
    summary = BatchSummary(str(out), total=len(plan.items) + len(problems), warnings=plan.warnings)
    for warning in plan.warnings:
        print(f"scr-nlp: warning: {warning}", file=sys.stderr)
    run_key = {
        "model_sha256": tagger.model.content_sha256,
        "settings": tagger.settings,
        "facts": options.facts,
    }
    with ResultsSink(Path(out), run_key) as sink:
        # What is done, and whether this run may add to the output at all, is settled
        # here, before any document is tagged; a refusal leaves everything as it was.
        done = sink.check_plan(plan.items)
        sink.begin()
        todo = [item for n, item in enumerate(plan.items) if n not in done]
        summary.skipped = len(done)
        context = WorkContext(
            str(tagger.model.path),
            options.threshold,
            options.max_size_mb,
            options.facts,
        )
        bar = _progress_bar(len(todo)) if options.progress else None

        def record_failure(error: ErrorRecord) -> None:
            summary.failed += 1
            summary.errors.append(sink.failed(error))
            print(f"scr-nlp: failed: {error.error}", file=sys.stderr)

        for problem in problems:
            record_failure(problem)
        for outcome in engine.run(todo, tagger, context):
            if outcome.status is Status.TAGGED:
                key = done_key(outcome.item, outcome.sha256)
                if sink.has(key):  # a retried task finishing twice: write it once
                    summary.skipped += 1
                elif sink.holds(key[0]):  # the file changed after check_plan read it
                    record_failure(_repeated_doc_id(outcome.item, out))
                else:
                    sink.write(outcome.record_json, key)
                    sink.succeeded(outcome.item.path, outcome.item.doc_id)
                    summary.tagged += 1
            else:
                record_failure(outcome.error)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=summary.failed, skipped=summary.skipped, refresh=False)
        if bar is not None:
            bar.close()
    return summary


def _repeated_doc_id(item: BatchItem, out: Path) -> ErrorRecord:
    error = ResumeRefusedError(
        f"{item.path}: doc_id {item.doc_id!r} is already in {out} for other content (the "
        "file changed during the run?); not written twice: remove the old record, or write "
        "to another --out"
    )
    return ErrorRecord(item.path, item.doc_id, str(error), error.exit_code)


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="tagging", unit="doc", file=sys.stderr)
