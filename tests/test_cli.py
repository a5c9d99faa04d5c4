from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REVIEW_TEXT, run_cli

HEAVY = (
    "spacy",
    "torch",
    "transformers",
    "sklearn",
    "datasets",
    "numpy",
    "scipy",
    "thinc",
    "onnxruntime",
)


run = run_cli
ROOT = Path(__file__).resolve().parents[1]


def test_help_imports_nothing_heavy():
    code = (
        "import sys\nfrom scr_nlp.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["segment", "/nonexistent/review.txt"], 3, "no such file"),
        (["segment", "/"], 3, "is a directory"),
        (["tag", "/nonexistent/review.pdf"], 3, "no such file"),
        (["segment", "--format", "xml", "x.txt"], 2, "Invalid value"),
        (["evaluate", "--model", "keyword", "--compare", "no-such-model"], 8, "no-such-model"),
        (["queue", "/nonexistent/r.txt", "--out", "/tmp/t.jsonl"], 3, "no such file"),
        (["evaluate", "--model", "keyword", "--data", "/nonexistent/d.jsonl"], 3, "no such file"),
    ],
)
def test_errors_are_one_line_with_exit_codes(args, code, message):
    result = run(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "big.txt").write_text("word " * 300_000)
    assert run("segment", str(tmp_path / "empty.txt")).returncode == 4
    assert run("segment", str(tmp_path / "blob.txt")).returncode == 5
    assert run("segment", str(tmp_path / "big.txt"), "--max-size-mb", "1").returncode == 6


def test_segment_json(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REVIEW_TEXT)
    data = json.loads(run("segment", str(path), "--format", "json", check=True).stdout)
    assert set(data) == {"path", "sha256", "sections", "sentences", "removed"}
    assert [path.read_text()[a:b] for a, b in data["removed"]] == ["1.1 ", "1.2 "]
    assert data["sentences"][0] == {
        "start": 47,
        "end": 97,
        "text": "Child A was never seen alone by the social worker.",
        "section": "findings",
        "para": "1.1",
    }


def test_tag_text_and_json(tiny_model_dir, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REVIEW_TEXT)
    text = run("tag", str(path), "--model", str(tiny_model_dir), check=True).stdout
    assert "FOUND  Child not seen or heard" in text and "NOT FOUND" in text
    record = json.loads(
        run("tag", str(path), "--model", str(tiny_model_dir), "--format", "json", check=True).stdout
    )
    assert record["doc_id"] == "r" and "child_not_seen" in record["labels"]
    assert run("tag", str(path), "--model", str(tmp_path)).returncode == 8


def test_first_tag_on_a_fresh_machine_exports_the_encoder(tmp_path):
    """With nothing cached, the default model exports its encoder (which imports torch)
    while the text is segmented (which imports spaCy with torch hidden): it must wait,
    not fail."""
    import os

    env = {**os.environ, "SCR_NLP_CACHE": str(tmp_path / "cache")}
    result = run("tag", "corpus/samples/s-001.txt", "-n", "0", env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "FOUND  Child not seen or heard" in result.stdout
    assert list((tmp_path / "cache").glob("encoder-*.onnx"))


def test_exit_codes_listed_from_the_error_classes():
    from scr_nlp.errors import ScrError, exit_code_table

    listed = run("exit-codes", check=True).stdout.splitlines()
    table = exit_code_table()
    assert [int(line.split()[0]) for line in listed] == sorted(table)
    assert set(table) >= {0, 1, 2, *range(3, 16)}

    def classes(cls):
        return [cls, *(c for sub in cls.__subclasses__() for c in classes(sub))]

    assert {c.exit_code for c in classes(ScrError)} <= set(table)


def test_version_short_help_and_usage_names():
    from scr_nlp import __version__

    assert run("--version", check=True).stdout.strip() == f"scr-nlp {__version__}"
    usage = run("tag", "-h", check=True).stdout.splitlines()[0]
    assert usage == "Usage: scr-nlp tag [OPTIONS] {FILE}"
    batch = run("tag-batch", "-h", check=True).stdout.splitlines()[0]
    assert batch == "Usage: scr-nlp tag-batch [OPTIONS] {INPUT}..."


def test_evaluate_writes_nothing_unless_asked(tiny_model_dir, tmp_path):
    before = sorted(p.name for p in tiny_model_dir.iterdir())
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"doc_id": "d", "split": "dev", "text": REVIEW_TEXT,
                    "spans": [{"start": 47, "end": 97, "labels": ["child_not_seen"]}]}) + "\n"
    )  # fmt: skip
    result = run("evaluate", "--model", tiny_model_dir, "--data", corpus, "--compare", "")
    assert result.returncode == 0, result.stderr
    assert "child not seen or heard" in result.stdout.lower()
    assert sorted(p.name for p in tiny_model_dir.iterdir()) == before
    out = tmp_path / "eval"
    run("evaluate", "--model", tiny_model_dir, "--data", corpus, "--out", out, check=True)
    assert (out / "metrics.json").is_file() and (out / "report.md").is_file()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_behind_stdout_is_exit_13(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REVIEW_TEXT)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "scr_nlp", "segment", str(path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 13
    assert done.stderr.strip().splitlines() == [
        "scr-nlp: error: writing output: No space left on device"
    ]


def test_output_paths_that_cannot_be_written_are_refused_before_any_work(tmp_path):
    review = tmp_path / "r.txt"
    review.write_text(REVIEW_TEXT)
    folder = tmp_path / "folder"
    folder.mkdir()
    a_file = tmp_path / "a_file"
    a_file.write_text("keep me")
    cases = [
        (("queue", str(review), "--out", str(folder)), "is a directory"),
        (
            ("queue", str(review), "--out", str(tmp_path / "missing" / "t.jsonl")),
            "does not exist",
        ),
        (("evaluate", "--model", "keyword", "--out", str(a_file)), "is not a directory"),
        (("train", "--type", "keyword", "--out", str(a_file)), "is not a directory"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.returncode == 12, args
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert a_file.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "folder", "r.txt"]
