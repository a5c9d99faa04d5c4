from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from scr_nlp.batch import errors_path, plan_items, read_manifest, run_batch
from scr_nlp.errors import DataError

from .conftest import REVIEW_TEXT, cli_command, run_cli


def _corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for i in range(n):
        target = folder / ("sub" if i % 2 else "") / f"doc{i:02d}.txt"
        target.write_text(REVIEW_TEXT + f"\n1.3 This is document number {i}.\n")
    (folder / "notes.csv").write_text("ignored,by,extension\n")
    return folder


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_batch_manifest_errors_and_resume(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 4)
    (folder / "empty.txt").write_text("")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,doc_id,year,region\nin/doc00.txt,case-0,2016,London\n")
    out = tmp_path / "results.jsonl"
    summary = run_batch([folder, tmp_path / "missing.pdf"], out, str(tiny_model_dir), manifest)
    assert (summary.tagged, summary.failed) == (4, 2)
    records = _records(out)
    by_id = {r["doc_id"]: r for r in records}
    assert by_id["case-0"]["meta"] == {"year": 2016, "region": "London"}
    assert by_id["doc01"]["meta"] == {}
    errors = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert {e["exit_code"] for e in errors} == {3, 4}
    again = run_batch([folder], out, str(tiny_model_dir), manifest)
    assert (again.tagged, again.skipped) == (0, 4)
    assert len(_records(out)) == 4


def test_workers_give_the_same_records(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 5)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch([folder], one, str(tiny_model_dir), workers=1)
    run_batch([folder], two, str(tiny_model_dir), workers=2)
    assert _records(one) == _records(two)


def test_resume_after_kill_and_torn_line(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 30)
    out = tmp_path / "results.jsonl"
    cmd = cli_command("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "--quiet")
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 2):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with out.open("a") as handle:  # what a kill in the middle of a write leaves behind
        handle.write('{"doc_id": "doc99", "sha256": "abc", "sente')
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    ids = [r["doc_id"] for r in _records(out)]
    assert sorted(ids) == sorted(f"doc{i:02d}" for i in range(30))


def test_manifest_needs_a_key_column(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,year\na.txt,2010\n")
    with pytest.raises(DataError, match="'path' or 'doc_id'"):
        read_manifest(manifest)


def test_manifest_by_doc_id(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,region\nreview-7,Wales\n")
    items = plan_items([tmp_path / "review-7.pdf"], manifest)
    assert items[0].meta == {"region": "Wales"} and items[0].doc_id == "review-7"


def test_exit_code_when_some_fail(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    (folder / "bad.txt").write_bytes(bytes(range(256)))
    result = run_cli("tag-batch", folder, "--out", tmp_path / "r.jsonl", "--model", tiny_model_dir)
    assert result.returncode == 10
    assert "Traceback" not in result.stderr
    assert "binary" in result.stderr
