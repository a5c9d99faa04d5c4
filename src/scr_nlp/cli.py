"""Command line: thin wrappers that parse options and call library functions.

Heavy libraries are imported inside commands only (ruff TID253 enforces it) so
that ``scr-nlp --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from scr_nlp.errors import EXIT_CODES, ScrError

app = typer.Typer(
    name="scr-nlp",
    help="Tag recurring practice failings in child safeguarding case reviews. Runs offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
corpus_app = typer.Typer(help="Validate and describe the annotated corpus.", no_args_is_help=True)
models_app = typer.Typer(help="List the installed models and choose the default.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")

MaxSize = Annotated[
    float,
    typer.Option("--max-size-mb", help="Refuse input files larger than this many megabytes."),
]


class TextOrJson(str, Enum):
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
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            print("scr-nlp: aborted", file=sys.stderr)
            sys.exit(1)
        if debug:
            raise
        print(
            f"scr-nlp: internal error: {type(exc).__name__}: {exc} "
            "(set SCR_NLP_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(1)


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


class TableOrJson(str, Enum):
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
    sources: Annotated[Path, typer.Option(help="Directory of annotated sources.")] = Path("corpus/sources"),
    out: Annotated[Path, typer.Option(help="Corpus file to write.")] = Path("corpus/scr_corpus.jsonl"),
) -> None:
    """Rebuild the corpus from the annotated sources (keeps existing splits)."""
    from scr_nlp.corpus.build import build_corpus

    docs = build_corpus(sources, out)
    _out(f"wrote {len(docs)} documents to {out}")
