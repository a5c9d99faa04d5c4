"""Command line: thin wrappers that parse options and call library functions.

Heavy libraries are imported inside commands only (ruff TID253 enforces it) so
that ``scr-nlp --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Choices come from their one definition; these modules import nothing heavy.
from scr_nlp.annotations.exports import EXPORT_FORMATS
from scr_nlp.annotations.queue import STRATEGIES
from scr_nlp.batch import ENGINES
from scr_nlp.errors import EXIT_CODES, ScrError
from scr_nlp.models.registry import MODEL_TYPES

app = typer.Typer(
    name="scr-nlp",
    help="Tag recurring practice failings in child safeguarding case reviews. Runs offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
corpus_app = typer.Typer(help="Validate and describe the annotated corpus.", no_args_is_help=True)
models_app = typer.Typer(
    help="List the installed models and choose the default.", no_args_is_help=True
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")

MaxSize = Annotated[
    float,
    typer.Option("--max-size-mb", help="Refuse input files larger than this many megabytes."),
]


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def segment(
    file: Annotated[Path, typer.Argument(help="A .txt, .md, .pdf or .docx document.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    max_size_mb: MaxSize = 50.0,
) -> None:
    """Split a document into sections and sentences with offsets into its text."""
    from scr_nlp.segmenting import segment_file

    result = segment_file(file, max_size_mb)
    if format is TextOrJson.json:
        _out(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    from scr_nlp.display import format_segmented

    _out(format_segmented(result))


@app.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes every command uses."""
    for code, meaning in EXIT_CODES.items():
        _out(f"{code:>3}  {meaning}")


CorpusPath = Annotated[
    Path | None,
    typer.Argument(help="Corpus JSON Lines file (default: the shipped corpus/scr_corpus.jsonl)."),
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


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


@corpus_app.command("stats")
def corpus_stats_cmd(
    path: CorpusPath = None,
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
) -> None:
    """Documents, sentences, positives per theme per split, hard negatives, genres, cohorts."""
    from scr_nlp.corpus.stats import corpus_stats, format_stats

    stats = corpus_stats(path)
    _out(json.dumps(stats, indent=1) if format is TableOrJson.json else format_stats(stats))


@corpus_app.command("build", hidden=True)
def corpus_build(
    sources: Annotated[Path, typer.Option(help="Directory of annotated sources.")] = Path(
        "corpus/sources"
    ),
    out: Annotated[Path, typer.Option(help="Corpus file to write.")] = Path(
        "corpus/scr_corpus.jsonl"
    ),
) -> None:
    """Rebuild the corpus from the annotated sources (keeps existing splits)."""
    from scr_nlp.corpus.build import build_corpus

    docs = build_corpus(sources, out)
    _out(f"wrote {len(docs)} documents to {out}")


ModelTypeName = StrEnum("ModelTypeName", {n: n for n in MODEL_TYPES})


class Split(StrEnum):
    dev = "dev"
    test = "test"


ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="Model directory or name under models/ (default: the default model)."
    ),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--threshold", min=0.0, max=1.0, help="Override every theme's threshold with this value."
    ),
]


@app.command()
def train(
    model: Annotated[ModelTypeName, typer.Option("--model", "-m", help="Model type to train.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Model directory to write, e.g. models/linear.")
    ],
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Corpus JSONL (default: shipped).")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; same data and seed give the same model.")
    ] = 13,
    epochs: Annotated[
        int | None, typer.Option("--epochs", help="Transformer only: training epochs.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Train a model on the corpus train split, tune on dev, save it with a model card."""
    from scr_nlp.models.training import train_model

    overrides = {"epochs": epochs} if epochs is not None and model.value == "transformer" else None
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=f"training {model.value}", unit="step", file=sys.stderr)

    def log(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    summary = train_model(
        model.value, out, corpus, seed, overrides, bar.update if bar else None, log
    )
    if bar:
        bar.close()
    dev = summary["dev"]
    _out(
        f"saved {summary['type']} to {summary['out']} in {summary['training_seconds']} s; dev sentence "
        f"macro-F1 {dev['sentence']['macro_f1']:.3f}, document macro-F1 {dev['document']['macro_f1']:.3f}, "
        f"false alarms {dev['sentence']['false_alarm_rate']:.1%}"
    )


@app.command()
def evaluate(
    model: ModelOpt = None,
    split: Annotated[
        Split, typer.Option("--split", help="Corpus split; test is for final figures only.")
    ] = Split.dev,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Score any JSONL file in the corpus format instead."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for metrics.json and report.md.")
    ] = None,
    threshold: ThresholdOpt = None,
) -> None:
    """Precision, recall and F1 per theme at sentence and document level, beside the keyword model."""
    from scr_nlp.models.assess import evaluate_model, evaluation_markdown, write_evaluation
    from scr_nlp.models.store import resolve_model_path

    results = evaluate_model(model, split.value, data, threshold=threshold)
    where = out or resolve_model_path(model) / f"eval-{'data' if data else split.value}"
    metrics_path, report_path = write_evaluation(results, where)
    _out(evaluation_markdown(results))
    _out(f"wrote {metrics_path} and {report_path}")


@app.command()
def tag(
    file: Annotated[Path, typer.Argument(help="A .txt, .md, .pdf or .docx document.")],
    model: ModelOpt = None,
    threshold: ThresholdOpt = None,
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    evidence: Annotated[
        int, typer.Option("--evidence", min=0, help="Evidence sentences per theme.")
    ] = 3,
    max_size_mb: MaxSize = 50.0,
) -> None:
    """Tag one review: themes found, document scores and the evidence sentences."""
    from scr_nlp.reading import read_document
    from scr_nlp.tagging import Tagger

    raw = read_document(file, max_size_mb)  # bad input fails before the model loads
    result = Tagger.load(model, threshold).tag(raw)
    if format is TextOrJson.json:
        _out(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    from scr_nlp.display import format_tag_result

    _out(format_tag_result(result, evidence))


Engine = StrEnum("Engine", {n: n for n in ENGINES})


@app.command("tag-batch")
def tag_batch(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files and/or directories (searched recursively), or fsspec URLs."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="JSONL results file (appended; resumable).")
    ],
    model: ModelOpt = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="CSV with a path or doc_id column plus metadata columns."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    threshold: ThresholdOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    max_size_mb: MaxSize = 50.0,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Local processes, or a Dask cluster.")
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (dask engine); without one a LocalCluster with --workers starts.",
        ),
    ] = None,
) -> None:
    """Tag many documents into one JSON object per line; re-running skips what is done."""
    from scr_nlp.batch import errors_path, run_batch
    from scr_nlp.errors import PartialFailureError

    summary = run_batch(
        inputs,
        out,
        model,
        manifest,
        workers,
        threshold,
        max_size_mb,
        progress=not quiet and sys.stderr.isatty(),
        engine=engine.value,
        scheduler=scheduler,
    )
    print(
        f"scr-nlp: {summary.tagged} tagged, {summary.skipped} already done, {summary.failed} failed -> {out}",
        file=sys.stderr,
    )
    if summary.failed:
        raise PartialFailureError(
            f"{summary.failed} document(s) failed; reasons in {errors_path(out)}"
        )


class AggregateFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def aggregate(
    results: Annotated[Path, typer.Argument(help="tag-batch output (JSONL).")],
    by: Annotated[
        list[str],
        typer.Option(
            "--by",
            help="Metadata field to group by (repeat for combinations); year_band is derived from year.",
        ),
    ],
    format: Annotated[AggregateFormat, typer.Option("--format", "-f")] = AggregateFormat.table,
    min_size: Annotated[
        int,
        typer.Option(
            "--min-size", min=1, help="Cohorts smaller than this are flagged and left out of tests."
        ),
    ] = 10,
) -> None:
    """Theme prevalence per cohort with 95% intervals, difference tests and co-occurrence."""
    from scr_nlp.aggregate import aggregate as run_aggregate
    from scr_nlp.aggregate import format_aggregate, read_results

    _out(format_aggregate(run_aggregate(read_results(results), by, min_size), format.value))


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="tag-batch output (JSONL).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Cohort fields for the charts (default: year_band, region)."),
    ] = None,
) -> None:
    """Write one self-contained HTML report: charts, a filterable document list, evidence highlighted."""
    from scr_nlp.report import write_report

    write_report(results, out, by or ["year_band", "region"])
    _out(f"wrote {out}")


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
    _out(f"{'':2}{'name':<22}{'type':<13}{'dev sent F1':>12}{'dev doc F1':>12}")
    for m in models:
        sent, doc = m["dev_sentence_macro_f1"], m["dev_document_macro_f1"]
        _out(
            f"{'*' if m['default'] else ' ':2}{m['name']:<22}{m['type'] + ' ' + m['version']:<13}"
            f"{sent if sent is not None else '-':>12}{doc if doc is not None else '-':>12}"
        )


@models_app.command("use")
def models_use(
    name: Annotated[str, typer.Argument(help="Model directory name under models/.")],
) -> None:
    """Make NAME the default model (checked for integrity first)."""
    from scr_nlp.models.catalog import use_model

    _out(f"default model is now {use_model(name)}")


QueueStrategy = StrEnum("QueueStrategy", {n: n for n in STRATEGIES})


TaskFormat = StrEnum("TaskFormat", {n: n for n in EXPORT_FORMATS})


@app.command()
def retrain(
    annotations: Annotated[
        list[Path],
        typer.Argument(
            help="Annotation files: corpus JSONL, Prodigy, Label Studio, Doccano or CSV."
        ),
    ],
    base_model: Annotated[
        str | None,
        typer.Option("--base-model", help="Model to improve (default: the default model)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="New model directory (default: models/TYPE-set-NNNN)."),
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
    ] = 0.01,
    seed: Annotated[int, typer.Option("--seed")] = 13,
) -> None:
    """Import corrections, retrain, compare old and new on held-out data, optionally promote."""
    from scr_nlp.annotations.retrain import retrain as run_retrain

    report = run_retrain(
        annotations,
        base_model,
        out,
        promote,
        skip_invalid,
        tolerance,
        seed,
        log=lambda m: print(m, file=sys.stderr),
    )
    status = (
        "promoted to default"
        if report["promoted"]
        else "kept beside the default (" + "; ".join(report["why_not_promoted"]) + ")"
    )
    _out(
        f"new model {report['new_model']}: {status}; report in {report['new_model']}/retrain_report.md"
    )


@app.command()
def queue(
    inputs: Annotated[
        list[Path], typer.Argument(help="Documents or directories to draw sentences from.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Task file to write.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of sentences.")] = 200,
    strategy: Annotated[QueueStrategy, typer.Option("--strategy")] = QueueStrategy.uncertainty,
    format: Annotated[
        TaskFormat, typer.Option("--format", "-f", help="Annotation tool import format.")
    ] = TaskFormat.jsonl,
    model: ModelOpt = None,
    second_model: Annotated[
        str | None, typer.Option("--second-model", help="For disagreement: the other model.")
    ] = None,
    max_size_mb: MaxSize = 50.0,
) -> None:
    """Write the sentences whose annotation would help most, as tasks with the model's suggestion."""
    from scr_nlp.annotations.exports import write_tasks
    from scr_nlp.annotations.queue import build_queue

    items = build_queue(inputs, n, strategy.value, model, second_model, max_size_mb)
    write_tasks(items, format.value, out)
    _out(f"wrote {len(items)} {format.value} tasks to {out}")


@app.command()
def agreement(
    files: Annotated[
        list[Path], typer.Argument(help="Two or more annotation files of the same sentences.")
    ],
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
) -> None:
    """Cohen's kappa (two annotators) or Krippendorff's alpha (more) per theme, with disagreements."""
    from scr_nlp.agreement import agreement_from_files, format_agreement
    from scr_nlp.errors import DataError

    if len(files) < 2:
        raise DataError("agreement needs at least two annotation files")
    result = agreement_from_files(files)
    _out(json.dumps(result, indent=1) if format is TableOrJson.json else format_agreement(result))


def main() -> None:
    debug = os.environ.get("SCR_NLP_DEBUG") == "1"
    try:
        app(standalone_mode=False)
    except ScrError as exc:
        print(f"scr-nlp: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("scr-nlp: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
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
            "(set SCR_NLP_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(1)
