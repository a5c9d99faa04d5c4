"""Command line: thin wrappers that parse options and call library functions.

Heavy libraries are imported inside commands only (ruff TID253 enforces it) so that
``scr-nlp --help`` stays fast. ``--model`` means the same everywhere: a model
directory, or the name of an installed model (default: the default model).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Choices come from their one definition; these modules import nothing heavy.
from scr_nlp import __version__
from scr_nlp.annotations.exports import EXPORT_FORMATS
from scr_nlp.annotations.queue import STRATEGIES
from scr_nlp.batch import ENGINES
from scr_nlp.errors import INTERRUPTED, DiskFullError, ScrError, UsageError, exit_code_table
from scr_nlp.models.registry import MODEL_TYPES
from scr_nlp.outputs import check_output_dir, check_output_file
from scr_nlp.settings import (
    DOCUMENT_TIME_BUDGET_S,
    MAX_SIZE_MB,
    MIN_COHORT_SIZE,
    PROMOTION_TOLERANCE,
    SEED,
)

_CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="scr-nlp",
    help="Tag recurring practice failings in child safeguarding case reviews. Runs offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=_CONTEXT,
)
corpus_app = typer.Typer(
    help="Validate and describe the annotated corpus.",
    no_args_is_help=True,
    context_settings=_CONTEXT,
)
models_app = typer.Typer(
    help="List the installed models and choose the default.",
    no_args_is_help=True,
    context_settings=_CONTEXT,
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"scr-nlp {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """Tag recurring practice failings in child safeguarding case reviews. Runs offline."""


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class Split(StrEnum):
    dev = "dev"
    test = "test"


class AggregateFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


ModelTypeName = StrEnum("ModelTypeName", {n: n for n in MODEL_TYPES})
Engine = StrEnum("Engine", {n: n for n in ENGINES})
QueueStrategy = StrEnum("QueueStrategy", {n: n for n in STRATEGIES})
TaskFormat = StrEnum("TaskFormat", {n: n for n in EXPORT_FORMATS})

FileArg = Annotated[
    Path, typer.Argument(metavar="FILE", help="A .txt, .md, .pdf or .docx document.")
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        metavar="MODEL",
        help="Model directory or installed model name (default: the default model).",
    ),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--threshold", min=0.0, max=1.0, help="Override every theme's threshold with this value."
    ),
]
MaxSize = Annotated[
    float,
    typer.Option(
        "--max-size-mb", min=0.001, help="Refuse input files larger than this many megabytes."
    ),
]
FormatOpt = Annotated[TextOrJson, typer.Option("--format", "-f")]
ResultsArg = Annotated[Path, typer.Argument(metavar="RESULTS", help="tag-batch output (JSONL).")]


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _err(text: str) -> None:
    print(f"scr-nlp: {text}", file=sys.stderr)


@app.command()
def segment(
    file: FileArg, format: FormatOpt = TextOrJson.text, max_size_mb: MaxSize = MAX_SIZE_MB
) -> None:
    """Split a document into sections and sentences with offsets into its text."""
    from scr_nlp.segmenting import segment_file

    result = segment_file(file, max_size_mb)
    if format is TextOrJson.json:
        _out(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    from scr_nlp.display import format_segmented

    _out(format_segmented(result))


@app.command()
def tag(
    file: FileArg,
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    format: FormatOpt = TextOrJson.text,
    evidence: Annotated[
        int, typer.Option("--evidence", "-n", min=0, help="Evidence sentences per theme.")
    ] = 3,
    max_size_mb: MaxSize = MAX_SIZE_MB,
) -> None:
    """Tag one review: themes found, document scores and the evidence sentences."""
    from scr_nlp.reading import read_document
    from scr_nlp.tagging import tag_document

    raw = read_document(file, max_size_mb)  # bad input fails before the model loads
    result = tag_document(raw, model, threshold, facts=True)
    if format is TextOrJson.json:
        _out(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    from scr_nlp.display import format_tag_result

    _out(format_tag_result(result, evidence))


@app.command()
def facts(
    file: FileArg, format: FormatOpt = TextOrJson.text, max_size_mb: MaxSize = MAX_SIZE_MB
) -> None:
    """The case facts the text states (age, outcome, year, review type, social care,
    agencies), each with its evidence."""
    from scr_nlp.facts import extract_facts, format_facts
    from scr_nlp.segmenting import segment_file

    seg = segment_file(file, max_size_mb)
    found = extract_facts(seg)
    if format is TextOrJson.json:
        _out(json.dumps(found.to_dict(), ensure_ascii=False, indent=1))
        return
    _out(format_facts(found, seg.raw.text))


@app.command("tag-batch")
def tag_batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="Files and/or directories (searched recursively), or fsspec URLs.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="FILE", help="JSONL results file (appended; resumable)."
        ),
    ],
    model: ModelOpt = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            metavar="CSV",
            help="CSV with a path or doc_id column plus metadata columns.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    threshold: ThresholdOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    max_size_mb: MaxSize = MAX_SIZE_MB,
    time_budget: Annotated[
        float,
        typer.Option(
            "--time-budget", min=1.0, help="Seconds one document may take before it is stopped."
        ),
    ] = DOCUMENT_TIME_BUDGET_S,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Local processes, or a Dask cluster.")
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler address (dask engine); without one a LocalCluster with --workers starts.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail on manifest warnings (unmatched rows or files, duplicates)."
        ),
    ] = False,
    facts: Annotated[
        bool,
        typer.Option(
            "--facts/--no-facts",
            help="Read case facts (age, outcome, year, agencies) from the text.",
        ),
    ] = True,
) -> None:
    """Tag many documents into one JSON object per line; re-running skips what is done."""
    from scr_nlp.batch import BatchOptions, errors_path, run_batch
    from scr_nlp.errors import PartialFailureError

    options = BatchOptions(
        model=model,
        manifest=manifest,
        workers=workers,
        threshold=threshold,
        max_size_mb=max_size_mb,
        time_budget_s=time_budget,
        engine=engine.value,
        scheduler=scheduler,
        progress=not quiet and sys.stderr.isatty(),
        strict=strict,
        facts=facts,
    )
    summary = run_batch(inputs, out, options)
    _err(
        f"{summary.tagged} tagged, {summary.skipped} already done, {summary.failed} failed -> {out}"
    )
    if summary.failed:
        raise PartialFailureError(
            f"{summary.failed} document(s) failed; reasons in {errors_path(out)}"
        )


@app.command()
def aggregate(
    results: ResultsArg,
    by: Annotated[
        list[str],
        typer.Option(
            "--by",
            metavar="FIELD",
            help="Cohort field (repeat for combinations): a manifest column, a fact read from the text "
            "(child_age_band, outcome, year, review_type, ...), or year_band.",
        ),
    ],
    format: Annotated[AggregateFormat, typer.Option("--format", "-f")] = AggregateFormat.table,
    min_size: Annotated[
        int,
        typer.Option(
            "--min-size", min=1, help="Cohorts smaller than this are flagged and left out of tests."
        ),
    ] = MIN_COHORT_SIZE,
) -> None:
    """Theme prevalence per cohort: tagged and error-corrected, with 95% intervals and tests."""
    from scr_nlp.aggregate import aggregate as run_aggregate
    from scr_nlp.aggregate import format_aggregate, model_meta_for
    from scr_nlp.results import read_results

    records = list(read_results(results, sentences=False))
    _out(
        format_aggregate(
            run_aggregate(records, by, min_size, model_meta_for(records)), format.value
        )
    )


@app.command()
def report(
    results: ResultsArg,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="HTML file to write.")
    ] = Path("report.html"),
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            metavar="FIELD",
            help="Cohort fields for the charts (default: year_band and region, those the results have).",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML report: prevalence, cohorts, and every document's evidence."""
    from scr_nlp.report import write_report

    write_report(results, out, by)
    _out(f"wrote {out}")


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set needs KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


@app.command()
def train(
    type: Annotated[ModelTypeName, typer.Option("--type", "-t", help="Model type to train.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Model directory to write, e.g. models/linear."
        ),
    ],
    corpus: Annotated[
        Path | None, typer.Option("--corpus", metavar="JSONL", help="Corpus (default: shipped).")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Same data and seed give the same model.")
    ] = SEED,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Override a config field of the model type (repeatable).",
        ),
    ] = None,
    real_csv: Annotated[
        Path | None,
        typer.Option(
            "--real-csv",
            metavar="CSV",
            help="pfd_reports.csv: add the real-text train part and tune on real dev.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Train a model on the corpus (and real text), tune on dev, save it with a model card."""
    from scr_nlp.models.registry import parse_config_overrides
    from scr_nlp.models.training import set_score, train_model

    overrides = parse_config_overrides(type.value, _parse_settings(settings or []))
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=f"training {type.value}", unit="step", file=sys.stderr)
    summary = train_model(
        type.value,
        out,
        corpus,
        seed,
        overrides,
        bar.update if bar else None,
        (lambda m: None) if quiet else _err,
        real_csv=real_csv,
    )
    if bar:
        bar.close()
    figures = ", ".join(
        f"{name} sentence macro-F1 {set_score(m, name):.3f}"
        for name, m in summary["metrics"].items()
    )
    _out(
        f"saved {summary['type']} to {summary['out']} in {summary['training_seconds']} s; {figures}"
    )


@app.command()
def evaluate(
    model: ModelOpt = None,
    split: Annotated[
        Split, typer.Option("--split", help="dev, or test for final figures only.")
    ] = Split.dev,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", metavar="JSONL", help="Score a JSONL file in the corpus format instead."
        ),
    ] = None,
    real: Annotated[
        bool,
        typer.Option(
            "--real",
            help="Score the real coroners' reports part (needs SCR_NLP_PFD_CSV or --real-csv).",
        ),
    ] = False,
    real_csv: Annotated[Path | None, typer.Option("--real-csv", metavar="CSV")] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare", metavar="MODEL", help="A model to show beside it (default: keyword)."
        ),
    ] = "keyword",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Also write metrics.json and report.md here."
        ),
    ] = None,
    threshold: ThresholdOpt = None,
) -> None:
    """Precision, recall and F1 per theme at sentence and document level."""
    from scr_nlp.models.evaluate import evaluate_model, evaluation_markdown, write_evaluation

    if out is not None:
        check_output_dir(out)
    results = evaluate_model(
        model, split.value, data, threshold=threshold, compare=compare, real=real, real_csv=real_csv
    )
    _out(evaluation_markdown(results))
    if out is not None:
        metrics_path, report_path = write_evaluation(results, out)
        _out(f"wrote {metrics_path} and {report_path}")


@models_app.command("list")
def models_list(
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
) -> None:
    """Show installed models, their dev scores, and the default (*)."""
    from scr_nlp.models.catalog import list_models

    models = list_models()
    if format is TableOrJson.json:
        _out(json.dumps(models, indent=1))
        return

    def fig(value) -> str:
        return "-" if value is None else f"{value:.3f}"

    width = max([24, *(len(m["name"]) + 2 for m in models)])  # long names keep their column
    _out(f"{'':2}{'name':<{width}}{'type':<16}{'corpus dev F1':>14}{'real dev F1':>13}")
    for m in models:
        _out(
            f"{'*' if m['default'] else ' ':2}{m['name']:<{width}}"
            f"{m['type'] + ' ' + m['version']:<16}"
            f"{fig(m['dev_sentence_macro_f1']):>14}{fig(m['real_dev_sentence_macro_f1']):>13}"
        )


@models_app.command("use")
def models_use(
    name: Annotated[
        str, typer.Argument(metavar="MODEL", help="Installed model name or directory.")
    ],
) -> None:
    """Make MODEL the default (checked for integrity first); no retraining needed."""
    from scr_nlp.models.catalog import use_model

    _out(f"default model is now {use_model(name)}")


@app.command()
def retrain(
    annotations: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Annotation exports: corpus JSONL, Prodigy, Label Studio, Doccano or CSV.",
        ),
    ],
    model: ModelOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="New model directory (default: models/TYPE-set-NNNN).",
        ),
    ] = None,
    promote: Annotated[
        bool, typer.Option("--promote", help="Make the new model the default if it is not worse.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid records of files that have errors."),
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", min=0.0, max=1.0, help="Allowed macro-F1 drop on either held-out set."
        ),
    ] = PROMOTION_TOLERANCE,
    seed: Annotated[int, typer.Option("--seed")] = SEED,
) -> None:
    """Import corrections, retrain, compare with and without them, optionally promote."""
    from scr_nlp.annotations.retrain import retrain as run_retrain

    result = run_retrain(annotations, model, out, promote, skip_invalid, tolerance, seed, log=_err)
    _out(result["summary"])


@app.command()
def queue(
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="INPUT", help="Documents or directories to draw sentences from."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="Task file to write.")],
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="Number of sentences.")] = 200,
    strategy: Annotated[QueueStrategy, typer.Option("--strategy")] = QueueStrategy.uncertainty,
    format: Annotated[
        TaskFormat, typer.Option("--format", "-f", help="Annotation tool import format.")
    ] = TaskFormat.jsonl,
    model: ModelOpt = None,
    second_model: Annotated[
        str | None,
        typer.Option("--second-model", metavar="MODEL", help="For disagreement: the other model."),
    ] = None,
    max_size_mb: MaxSize = MAX_SIZE_MB,
) -> None:
    """Write the sentences whose annotation would help most, as tasks with the model's suggestion."""
    from scr_nlp.annotations.exports import write_tasks
    from scr_nlp.annotations.queue import build_queue

    target = check_output_file(out)  # where a symbolic link leads, so the link survives
    items = build_queue(inputs, n, strategy.value, model, second_model, max_size_mb)
    written = write_tasks(items, format.value, target)
    _out(
        f"wrote {len(items)} {format.value} tasks to {out}" + "".join(f"; {p}" for p in written[1:])
    )


@app.command()
def agreement(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="Two or more annotation files of the same sentences."),
    ],
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
) -> None:
    """Cohen's kappa (two annotators) or Krippendorff's alpha (more) per theme, with disagreements."""
    from scr_nlp.annotations.agreement import agreement_from_files, format_agreement

    if len(files) < 2:
        raise UsageError("agreement needs at least two annotation files")
    result = agreement_from_files(files)
    _out(json.dumps(result, indent=1) if format is TableOrJson.json else format_agreement(result))


CorpusPath = Annotated[
    Path | None,
    typer.Argument(metavar="[JSONL]", help="Corpus JSON Lines file (default: the shipped corpus)."),
]


@corpus_app.command("validate")
def corpus_validate(
    path: CorpusPath = None,
    no_split: Annotated[
        bool, typer.Option("--no-split", help="Do not require a train/dev/test split (user files).")
    ] = False,
) -> None:
    """Check schema, offsets, sentence boundaries, labels, metadata and duplicates."""
    from scr_nlp.corpus.validate import validate_corpus
    from scr_nlp.errors import DataError

    problems = validate_corpus(path, require_split=not no_split)
    errors = [p for p in problems if p.level == "error"]
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        raise DataError(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    _out(f"corpus valid ({len(problems)} warning(s))")


@corpus_app.command("stats")
def corpus_stats_cmd(
    path: CorpusPath = None,
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
) -> None:
    """Documents, sentences, positives per theme per split, hard negatives, genres, cohorts."""
    from scr_nlp.corpus.stats import corpus_stats, format_stats

    stats = corpus_stats(path)
    _out(json.dumps(stats, indent=1) if format is TableOrJson.json else format_stats(stats))


@app.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes every command uses."""
    for code, meaning in exit_code_table().items():
        _out(f"{code:>3}  {meaning}")


def main() -> None:
    debug = os.environ.get("SCR_NLP_DEBUG") == "1"
    try:
        # Outside standalone mode typer returns, not raises, the code of an Exit; it
        # turns Ctrl-C into Exit(130) itself.
        code = app(prog_name="scr-nlp", standalone_mode=False)
        sys.stdout.flush()  # a full disk behind stdout shows here, not at exit
    except ScrError as exc:
        print(f"scr-nlp: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        code = INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # e.g. stdout on a full disk
            print(f"scr-nlp: error: writing output: {exc.strerror}", file=sys.stderr)
            sys.exit(DiskFullError.exit_code)
        # typer vendors click, so match its exceptions by shape rather than by class
        name = type(exc).__name__
        if name == "Exit":
            sys.exit(getattr(exc, "exit_code", 0))
        if name == "Abort":
            print("scr-nlp: aborted", file=sys.stderr)
            sys.exit(1)
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        if debug:
            raise
        print(
            f"scr-nlp: internal error: {type(exc).__name__}: {exc} "
            "(rerun with SCR_NLP_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(1)
    if code == INTERRUPTED:
        print("scr-nlp: interrupted; records already written are kept", file=sys.stderr)
    if isinstance(code, int) and code:
        sys.exit(code)
