"""Read annotation files in the formats annotators already use, detected from content.

Supported: the project's corpus JSONL; Prodigy textcat exports (``accept`` with
``answer``); Label Studio JSON exports (choices on text); Doccano JSONL (``text``
plus ``label``); CSV (``text`` plus a ``labels`` column). Every problem is
reported with file and line; a file with any problem is refused whole unless
the caller asks to skip invalid records.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.errors import DataError, InputNotFoundError
from scr_nlp.taxonomy import THEME_IDS, THEMES

FORMATS = ("corpus", "prodigy", "labelstudio", "doccano", "csv")
_SPLIT_LABELS = re.compile(r"[;,|]")
# Theme ids, their readable names (what exported tasks show) and id-with-spaces.
_ALIASES = (
    {t.lower(): t for t in THEME_IDS}
    | {t.replace("_", " "): t for t in THEME_IDS}
    | {t.name.lower(): t.id for t in THEMES}
)


@dataclass(frozen=True)
class Annotation:
    text: str
    labels: tuple[str, ...]
    source: str
    line: int
    annotator: str = ""
    resolved: bool = False  # from a filled-in conflicts file: overrides other labels


@dataclass
class ReadResult:
    format: str
    annotations: list[Annotation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Tasks that came back without an annotator's decision (suggestions only).
    not_annotated: int = 0


def detect_format(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "csv"
    head = path.read_text(encoding="utf-8-sig", errors="replace").lstrip()[:20000]
    if head.startswith("["):
        return "labelstudio"
    first = head.split("\n", 1)[0]
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        raise DataError(
            f"{path}:1: not JSON Lines, a JSON array or CSV; cannot tell the format"
        ) from None
    if not isinstance(record, dict):
        raise DataError(f"{path}:1: expected a JSON object per line")
    if "spans" in record and "doc_id" in record:
        return "corpus"
    if "accept" in record or "answer" in record:
        return "prodigy"
    if "data" in record and ("annotations" in record or "completions" in record):
        return "labelstudio"
    if "label" in record or "labels" in record or ("text" in record and "meta" in record):
        return "doccano"  # an unlabelled Doccano record has only text and meta
    raise DataError(
        f"{path}:1: unrecognised annotation record with keys {sorted(record)}; expected corpus, "
        "Prodigy (accept/answer), Label Studio (data/annotations), Doccano (text/label) or CSV"
    )


def _normalise_labels(raw, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if isinstance(raw, str):
        raw = (
            [x for x in _SPLIT_LABELS.split(raw) if x.strip()]
            if raw.lower() not in _ALIASES
            else [raw]
        )
    if not isinstance(raw, list):
        problems.append(f"{where}: labels must be a list or a delimited string, got {raw!r}")
        return None
    out = []
    for label in raw:
        if isinstance(label, list):  # Doccano span labels [start, end, label]
            label = label[-1] if label else ""
        key = str(label).strip().lower()
        theme = _ALIASES.get(key)
        if theme is None:
            problems.append(f"{where}: unknown theme {label!r}; known: {list(THEME_IDS)}")
            return None
        out.append(theme)
    return tuple(t for t in THEME_IDS if t in out)


def _check_text(text, where: str, problems: list[str]) -> str | None:
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: empty or missing text")
        return None
    return " ".join(text.split())


def _jsonl(path: Path, problems: list[str]):
    from scr_nlp.jsonl import iter_json_lines

    for number, record in iter_json_lines(path, "utf-8-sig"):
        if isinstance(record, json.JSONDecodeError):
            problems.append(f"{path}:{number}: malformed JSON ({record.msg})")
        elif not isinstance(record, dict):
            problems.append(f"{path}:{number}: expected a JSON object")
        else:
            yield number, record


def read_annotations(path: str | Path, fmt: str | None = None) -> ReadResult:
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(f"{path}: annotation file not found")
    fmt = fmt or detect_format(path)
    result = ReadResult(fmt)
    problems = result.problems
    add = result.annotations.append
    if fmt == "corpus":
        from scr_nlp.corpus.io import iter_documents, labelled_sentences, span_problems

        try:
            docs = list(iter_documents(path))
        except DataError as exc:
            problems.append(str(exc))
            docs = []
        problems.extend(
            f"{path}:{doc.line}: {problem}" for doc in docs for problem in span_problems(doc)
        )
        if not problems:
            # A span off the sentence boundaries would give its labels to the wrong sentences.
            from scr_nlp.corpus.validate import boundary_problems

            problems.extend(str(p) for p in boundary_problems(docs, path))
        if not problems:
            for s in labelled_sentences(docs):
                add(Annotation(s.text, s.labels, str(path), 0, ""))
    elif fmt == "prodigy":
        for number, record in _jsonl(path, problems):
            where = f"{path}:{number}"
            if "answer" not in record:
                result.not_annotated += 1  # a task exported before anyone answered it
                continue
            if record["answer"] != "accept":
                continue  # rejected or ignored tasks carry no labels to learn from
            text = _check_text(record.get("text"), where, problems)
            labels = _normalise_labels(record.get("accept", []), where, problems)
            if text is not None and labels is not None:
                add(
                    Annotation(
                        text, labels, str(path), number, str(record.get("_annotator_id", ""))
                    )
                )
    elif fmt == "doccano":
        for number, record in _jsonl(path, problems):
            where = f"{path}:{number}"
            raw_labels = record.get("label", record.get("labels"))
            if raw_labels is None:
                result.not_annotated += 1  # a task nobody has labelled yet
                continue
            text = _check_text(record.get("text"), where, problems)
            labels = _normalise_labels(raw_labels, where, problems)
            if text is not None and labels is not None:
                add(Annotation(text, labels, str(path), number, str(record.get("annotator", ""))))
    elif fmt == "labelstudio":
        _read_labelstudio(path, result)
    elif fmt == "csv":
        _read_csv(path, result)
    else:
        raise DataError(f"{path}: unknown format {fmt!r}; choose from {list(FORMATS)}")
    return result


def _read_labelstudio(path: Path, result: ReadResult) -> None:
    text = path.read_text(encoding="utf-8-sig")
    try:
        tasks = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(x) for x in text.splitlines() if x.strip()]
        )
    except json.JSONDecodeError as exc:
        result.problems.append(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})")
        return
    for number, task in enumerate(tasks, start=1):
        where = f"{path}: task {number}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            result.problems.append(f"{where}: expected an object with 'data'")
            continue
        annotations = task.get("annotations") or task.get("completions") or []
        if not annotations:
            result.not_annotated += 1  # predictions alone are suggestions, not annotations
            continue
        sentence = _check_text(task["data"].get("text"), where, result.problems)
        for annotation in annotations:
            if not isinstance(annotation, dict):
                result.problems.append(f"{where}: an annotation is not an object")
                continue
            if annotation.get("was_cancelled"):
                continue
            chosen = _labelstudio_choices(annotation.get("result"), where, result.problems)
            if chosen is None:
                continue
            labels = _normalise_labels(chosen, where, result.problems)
            if sentence is not None and labels is not None:
                annotator = str(annotation.get("completed_by", ""))
                result.annotations.append(
                    Annotation(sentence, labels, str(path), number, annotator)
                )


def _labelstudio_choices(items, where: str, problems: list[str]) -> list[str] | None:
    """The choices of one Label Studio annotation; a malformed result is a problem, never
    silently "no theme". An empty result list is an annotator's "none of these"."""
    if not isinstance(items, list):
        problems.append(f"{where}: annotation 'result' must be a list, got {items!r}")
        return None
    chosen: list[str] = []
    for item in items:
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, dict) or "choices" not in value:
            problems.append(f"{where}: result item has no value.choices: {item!r}")
            return None
        choices = value["choices"]
        chosen += [choices] if isinstance(choices, str) else list(choices)
    return chosen


def _read_csv(path: Path, result: ReadResult) -> None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        resolution = "resolution" in columns  # a conflicts.csv an annotator filled in
        label_column = (
            "resolution"
            if resolution
            else next((c for c in ("labels", "label", "themes") if c in columns), None)
        )
        if "text" not in columns or label_column is None:
            result.problems.append(
                f"{path}:1: CSV needs a 'text' column and a 'labels' column; found {columns}"
            )
            return
        for number, row in enumerate(reader, start=2):
            where = f"{path}:{number}"
            value = (row.get(label_column) or "").strip()
            if resolution and not value:
                continue  # not resolved yet
            if value.lower() == "none":
                value = ""
            text = _check_text(row.get("text"), where, result.problems)
            labels = _normalise_labels(value, where, result.problems)
            if text is not None and labels is not None:
                annotator = row.get("annotator", "") or ""
                result.annotations.append(
                    Annotation(text, labels, str(path), number, annotator, resolution)
                )


def load_annotation_files(paths: list[Path], skip_invalid: bool = False) -> list[ReadResult]:
    """Read every file; refuse all of it when any file has a problem, unless skipping."""
    results = [read_annotations(p) for p in paths]
    problems = [p for r in results for p in r.problems]
    if problems and not skip_invalid:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise DataError(
            f"{len(problems)} problem(s) in annotations (nothing imported; --skip-invalid to import the rest): {shown}"
        )
    return results
