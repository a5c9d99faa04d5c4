"""tag-batch: the output contract (exactly once, resume keys, lock, refusals) and a batch
that no single input can stall or kill."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from scr_nlp.batch import BatchOptions, errors_path, plan_items, read_manifest, run_batch
from scr_nlp.batch.sink import ResultsSink
from scr_nlp.errors import (
    DataError,
    DiskFullError,
    OutputLockedError,
    OutputNotWritableError,
    ResumeRefusedError,
)

from .conftest import REVIEW_TEXT, cli_command, run_cli


def _corpus(tmp_path: Path, n: int, name: str = "in") -> Path:
    folder = tmp_path / name
    (folder / "sub").mkdir(parents=True)
    for i in range(n):
        target = folder / ("sub" if i % 2 else "") / f"doc{i:02d}.txt"
        target.write_text(REVIEW_TEXT + f"\n1.3 This is document number {i}.\n")
    (folder / "notes.csv").write_text("ignored,by,extension\n")
    return folder


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def _options(model, **kwargs) -> BatchOptions:
    return BatchOptions(model=str(model), **kwargs)


def test_batch_manifest_errors_and_resume(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 4)
    (folder / "empty.txt").write_text("")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,doc_id,year,region\nin/doc00.txt,case-0,2016,London\n")
    out = tmp_path / "results.jsonl"
    options = _options(tiny_model_dir, manifest=manifest)
    summary = run_batch([folder, tmp_path / "missing.pdf"], out, options)
    assert (summary.tagged, summary.failed) == (4, 2)
    by_id = {r["doc_id"]: r for r in _records(out)}
    assert by_id["case-0"]["meta"] == {"year": 2016, "region": "London"}
    assert by_id["doc01"]["meta"] == {}
    assert by_id["case-0"]["model"]["sha256"] and by_id["case-0"]["settings"] == {"threshold": None}
    errors = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert {e["exit_code"] for e in errors} == {3, 4} and {e["attempts"] for e in errors} == {1}
    again = run_batch([folder, tmp_path / "missing.pdf"], out, options)
    assert (again.tagged, again.skipped, again.failed) == (0, 4, 2)
    assert len(_records(out)) == 4
    # the errors file is rewritten with the attempt counted, not appended to
    errors = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert len(errors) == 2 and {e["attempts"] for e in errors} == {2}
    (folder / "empty.txt").write_text(REVIEW_TEXT)  # fixed: it leaves the errors file
    run_batch([folder, tmp_path / "missing.pdf"], out, options)
    errors = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert [(e["path"], e["attempts"]) for e in errors] == [(str(tmp_path / "missing.pdf"), 3)]


def test_errors_file_holds_only_this_runs_failures(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 1)
    (folder / "empty.txt").write_text("")
    out = tmp_path / "r.jsonl"
    first = run_batch([folder, tmp_path / "missing.txt"], out, _options(tiny_model_dir))
    assert first.failed == 2 and len(errors_path(out).read_text().splitlines()) == 2
    (folder / "empty.txt").unlink()
    again = run_batch([folder], out, _options(tiny_model_dir))  # nothing fails this time
    assert again.failed == 0 and not errors_path(out).exists()
    (folder / "bad.txt").write_bytes(bytes(range(256)))
    run_batch([folder], out, _options(tiny_model_dir))
    (error,) = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
    assert error["path"].endswith("bad.txt") and error["exit_code"] == 5


def test_workers_give_the_same_records(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 5)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch([folder], one, _options(tiny_model_dir, workers=1))
    run_batch([folder], two, _options(tiny_model_dir, workers=2))
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
    assert "removed a partly written last line" in result.stderr
    ids = [r["doc_id"] for r in _records(out)]
    assert sorted(ids) == sorted(f"doc{i:02d}" for i in range(30))


def test_bad_line_in_the_middle_is_refused_and_nothing_deleted(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 6)
    out = tmp_path / "results.jsonl"
    run_batch([folder], out, _options(tiny_model_dir))
    lines = out.read_text().splitlines(keepends=True)
    lines[2] = "{not json\n"
    out.write_text("".join(lines))
    before = out.read_bytes()
    with pytest.raises(ResumeRefusedError, match="line 3"):
        run_batch([folder], out, _options(tiny_model_dir))
    lines[2] = "\n"
    out.write_text("".join(lines))
    with pytest.raises(ResumeRefusedError, match="line 3 is blank"):
        run_batch([folder], out, _options(tiny_model_dir))
    assert len(out.read_bytes()) == len(before) - len("{not json")


def test_an_existing_file_that_is_not_results_is_never_overwritten(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    other = tmp_path / "manifest.csv"
    other.write_text("path,year\na.txt,2016\n")
    result = run_cli("tag-batch", folder, "--out", other, "--model", tiny_model_dir, "-q")
    assert result.returncode == 15 and "not a results file" in result.stderr
    assert other.read_text() == "path,year\na.txt,2016\n"


def test_identical_files_under_two_doc_ids_are_two_documents(tiny_model_dir, tmp_path):
    folder = tmp_path / "same"
    folder.mkdir()
    (folder / "a.txt").write_text(REVIEW_TEXT)
    (folder / "b.txt").write_text(REVIEW_TEXT)
    out = tmp_path / "r.jsonl"
    cmd = ["tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q"]
    clean = run_cli(*cmd)
    assert clean.returncode == 0
    out.write_text(out.read_text().splitlines(keepends=True)[0])  # as if killed after one
    resumed = run_cli(*cmd)
    assert resumed.returncode == 0
    assert sorted(r["doc_id"] for r in _records(out)) == ["a", "b"]


def test_changed_settings_refuse_resume(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    out = tmp_path / "r.jsonl"
    assert (
        run_cli("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q").returncode == 0
    )
    result = run_cli(
        "tag-batch", folder, "--out", out, "--model", tiny_model_dir, "--threshold", "0.99", "-q"
    )
    assert result.returncode == 15
    assert "another --out" in result.stderr and "0.99" in result.stderr


def test_second_run_on_the_same_output_is_refused(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    out = tmp_path / "r.jsonl"
    with ResultsSink(out, {"model_sha256": "x", "settings": {}}):
        result = run_cli("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q")
        assert result.returncode == 14 and "another scr-nlp run" in result.stderr
        with pytest.raises(OutputLockedError):
            ResultsSink(out, {"model_sha256": "x", "settings": {}}).__enter__()


def test_output_paths_that_cannot_be_written(tiny_model_dir, tmp_path, monkeypatch):
    folder = _corpus(tmp_path, 1)
    result = run_cli("tag-batch", folder, "--out", tmp_path, "--model", tiny_model_dir, "-q")
    assert result.returncode == 12 and "is a directory" in result.stderr

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "open", read_only)
    with pytest.raises(OutputNotWritableError, match="Read-only"):
        ResultsSink(tmp_path / "ro.jsonl", {"model_sha256": "x", "settings": {}}).__enter__()


def test_disk_full_leaves_no_half_record(tmp_path, monkeypatch):
    out = tmp_path / "r.jsonl"
    with ResultsSink(out, {"model_sha256": "x", "settings": {}}) as sink:
        sink.write('{"a": 1}', ("a", "a", "a"))

        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(DiskFullError, match="no space left"):
            sink.write('{"b": 2}', ("b", "b", "b"))
    assert out.read_text() == '{"a": 1}\n'


def test_undecodable_file_name_is_recorded_escaped(tiny_model_dir, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-review.txt")  # Latin-1 bytes in a UTF-8 world
    (folder / name).write_text(REVIEW_TEXT)
    (folder / "plain.txt").write_text(REVIEW_TEXT)
    out = tmp_path / "r.jsonl"
    result = run_cli("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    escaped = [r for r in records if r.get("path_escaped")]
    assert len(records) == 2 and len(escaped) == 1
    assert escaped[0]["path"].endswith("caf\\xe9-review.txt")
    again = run_cli("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q")
    assert again.returncode == 0 and "0 tagged, 2 already done" in again.stderr


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def test_a_killed_worker_does_not_stall_the_batch(tiny_model_dir, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"d{i:02d}.txt").write_text((REVIEW_TEXT * 40) + f"\n9.9 Document {i}.\n")
    out = tmp_path / "r.jsonl"
    cmd = cli_command("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-w", "2", "-q")
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert sorted(r["doc_id"] for r in _records(out)) == [f"d{i:02d}" for i in range(40)]


def test_time_budget_stops_one_document_not_the_batch(tiny_model_dir, tmp_path):
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "huge.txt").write_text(REVIEW_TEXT * 8000)
    for i in range(3):
        (folder / f"ok{i}.txt").write_text(REVIEW_TEXT)
    for workers in ("1", "2"):
        out = tmp_path / f"r{workers}.jsonl"
        result = run_cli(
            "tag-batch", folder, "--out", out, "--model", tiny_model_dir,
            "--time-budget", "1", "-w", workers, "-q",
        )  # fmt: skip
        assert result.returncode == 10, result.stderr
        assert "time budget" in result.stderr
        assert sorted(r["doc_id"] for r in _records(out)) == ["ok0", "ok1", "ok2"]
        (error,) = [json.loads(line) for line in errors_path(out).read_text().splitlines()]
        assert error["exit_code"] == 6 and error["path"].endswith("huge.txt")


def test_manifest_needs_a_key_column(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,year\na.txt,2010\n")
    with pytest.raises(DataError, match="'path' or 'doc_id'"):
        read_manifest(manifest)


def test_manifest_by_doc_id_keeps_text_values(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,region,board,year\nreview-7,Wales,007,2016.0\n")
    plan = plan_items([tmp_path / "review-7.pdf"], manifest)
    assert plan.items[0].doc_id == "review-7"
    assert plan.items[0].meta == {"region": "Wales", "board": "007", "year": 2016}
    assert plan.items[0].meta_sources == {
        "region": "manifest",
        "board": "manifest",
        "year": "manifest",
    }


def test_manifest_in_windows_1252_and_bad_values(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_bytes("doc_id,board\nr1,Ynys Môn – North\n".encode("cp1252"))
    plan = plan_items([tmp_path / "r1.txt"], manifest)
    assert plan.items[0].meta["board"] == "Ynys Môn – North"
    manifest.write_text("doc_id,year\nr1,²015\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, column 'year': '²015' is not a whole number"):
        read_manifest(manifest)
    manifest.write_text("doc_id,notes\nr1," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2"):
        read_manifest(manifest)


def test_manifest_problems_are_reported_and_strict_fails(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,region\nr1,Wales\nr1,London\nghost,Wales\n")
    files = [tmp_path / "r1.txt", tmp_path / "r2.txt"]
    plan = plan_items(files, manifest)
    joined = " ".join(plan.warnings)
    assert "rows 2 and 3 both describe 'r1'" in joined
    assert "1 row(s) match no input file: rows 4" in joined
    assert "1 file(s) have no manifest row" in joined and "r2.txt" in joined
    with pytest.raises(DataError, match="--strict"):
        plan_items(files, manifest, strict=True)


def test_two_files_with_one_name_get_distinct_doc_ids(tmp_path):
    plan = plan_items([tmp_path / "2019" / "report.pdf", tmp_path / "2020" / "report.pdf"], None)
    assert [i.doc_id for i in plan.items] == ["2019/report", "2020/report"]
    assert "share doc_id 'report'" in plan.warnings[0]


def test_exit_code_when_some_fail(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    (folder / "bad.txt").write_bytes(bytes(range(256)))
    result = run_cli("tag-batch", folder, "--out", tmp_path / "r.jsonl", "--model", tiny_model_dir)
    assert result.returncode == 10
    assert "Traceback" not in result.stderr
    assert "binary" in result.stderr


def test_records_carry_facts_and_the_manifest_wins(tiny_model_dir, tmp_path):
    folder = tmp_path / "facts"
    folder.mkdir()
    text = "1.1 Baby F died in March 2016, aged eleven weeks, at home.\n\n1.2 The GP saw Baby F twice.\n"
    (folder / "f1.txt").write_text(text)
    (folder / "f2.txt").write_text(text)
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,year\nf1,2015\n")
    out = tmp_path / "r.jsonl"
    run_batch([folder], out, _options(tiny_model_dir, manifest=manifest))
    by_id = {r["doc_id"]: r for r in _records(out)}
    f1, f2 = by_id["f1"]["facts"], by_id["f2"]["facts"]
    assert f1["values"]["year"] == 2015 and f1["sources"]["year"] == "manifest"
    assert f2["values"]["year"] == 2016 and f2["sources"]["year"] == "extracted"
    assert f2["values"]["child_age_band"] == "under_1" and f2["values"]["outcome"] == "death"
    assert "gp" in f2["values"]["agencies"]
    evidence = f2["extracted"]["year"]["evidence"][0]
    assert text[evidence["start"] : evidence["end"]] == "March 2016"
    result = run_cli("aggregate", out, "--by", "child_age_band")
    assert result.returncode == 0 and "under_1" in result.stdout
    assert "child_age_band: 0 from the manifest, 2 read from the text, 0 unknown" in result.stdout


def test_workers_leave_no_private_encoder_graph_behind(tiny_encoder_dir, tmp_path):
    """With a cache that cannot be written, each worker exports its encoder into a private
    temporary file; stopping the workers must still remove it."""
    from scr_nlp.models.config import HybridConfig
    from scr_nlp.models.hybrid import HybridThemeClassifier
    from scr_nlp.models.store import ThemeModel, save_model
    from scr_nlp.taxonomy import THEME_IDS

    from .models.conftest import TRAIN, inputs

    config = HybridConfig(encoder=str(tiny_encoder_dir), fine_tune=False, threads=1)
    clf = HybridThemeClassifier(config).fit(inputs(TRAIN), [y for _, y in TRAIN])
    model = save_model(
        ThemeModel(clf, {t: 0.5 for t in THEME_IDS}, {"type": "hybrid"}), tmp_path / "hybrid"
    )
    (tmp_path / "not-a-directory").write_text("")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {
        **os.environ,
        "SCR_NLP_CACHE": str(tmp_path / "not-a-directory" / "cache"),
        "TMPDIR": str(private_tmp),
    }
    out = tmp_path / "out.jsonl"
    args = ["tag-batch", str(_corpus(tmp_path, 3)), "--out", str(out), "-m", str(model)]
    result = run_cli(*args, "-w", "2", "-q", env=env)
    assert result.returncode == 0, result.stderr
    assert len(_records(out)) == 3
    assert not list(private_tmp.rglob("*.onnx"))


def test_ctrl_c_stops_at_once_and_keeps_what_was_written(tiny_model_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-small.txt").write_text(REVIEW_TEXT)
    for name in ("b-huge.txt", "c-huge.txt"):
        (folder / name).write_text(REVIEW_TEXT * 10000)  # about 10 s each
    out = tmp_path / "r.jsonl"
    cmd = cli_command("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-w", "2", "-q")
    # A shell's background jobs inherit Ctrl-C ignored: give the run the default back.
    proc = subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 120
    while time.time() < deadline and not (out.exists() and out.read_text().count("\n")):
        time.sleep(0.05)
    time.sleep(0.5)  # both workers are now inside a huge document
    workers = [
        pid
        for pid in _children(proc.pid)
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    interrupted = time.time()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted; records already written are kept" in stderr
    assert time.time() - interrupted < 4, "the driver waited for documents nobody will read"
    assert [r["doc_id"] for r in _records(out)] == ["a-small"]
    assert workers and not [w for w in workers if Path(f"/proc/{w}").exists()]


def test_files_with_one_stem_in_one_folder_get_distinct_stable_doc_ids(tiny_model_dir, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "s-001.txt").write_text(REVIEW_TEXT)
    (folder / "s-001.md").write_text(REVIEW_TEXT + "\n1.3 Another review.\n")
    (folder / "other.txt").write_text(REVIEW_TEXT + "\n1.3 A third review.\n")
    out = tmp_path / "r.jsonl"
    first = run_batch([folder], out, _options(tiny_model_dir))
    assert "share doc_id 's-001'" in first.warnings[0]
    assert sorted(r["doc_id"] for r in _records(out)) == ["other", "s-001.md", "s-001.txt"]
    again = run_batch([folder], out, _options(tiny_model_dir))  # the same ids: all done
    assert (again.tagged, again.skipped) == (0, 3)


def test_relative_and_absolute_inputs_with_one_name(tmp_path, monkeypatch):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "s-001.txt").write_text(REVIEW_TEXT)
    monkeypatch.chdir(tmp_path)
    mixed = plan_items([Path("a/s-001.txt"), tmp_path / "b" / "s-001.txt"], None)
    assert [i.doc_id for i in mixed.items] == ["a/s-001", "b/s-001"]
    absolute = plan_items([tmp_path / "a" / "s-001.txt", Path("b/s-001.txt")], None)
    assert [i.doc_id for i in absolute.items] == ["a/s-001", "b/s-001"]


def test_resume_never_repeats_a_doc_id(tiny_model_dir, tmp_path, monkeypatch):
    folder = _corpus(tmp_path, 2)
    out = tmp_path / "r.jsonl"
    monkeypatch.chdir(tmp_path)
    run_batch([Path("in")], out, _options(tiny_model_dir))
    # the same files spelled absolutely: done, whatever the path spelling
    again = run_batch([folder], out, _options(tiny_model_dir))
    assert (again.tagged, again.skipped) == (0, 2) and len(_records(out)) == 2
    # an edited file would be a second record for its doc_id: refused before any work
    with (folder / "doc00.txt").open("a") as handle:
        handle.write("1.4 An addendum.\n")
    (folder / "new.txt").write_text(REVIEW_TEXT)
    before = out.read_bytes()
    with pytest.raises(ResumeRefusedError, match="line 1 already holds doc_id 'doc00'"):
        run_batch([folder], out, _options(tiny_model_dir))
    assert out.read_bytes() == before
    result = run_cli("tag-batch", folder, "--out", out, "--model", tiny_model_dir, "-q")
    assert result.returncode == 15 and "another --out" in result.stderr
    assert "Traceback" not in result.stderr and out.read_bytes() == before


def test_out_that_is_not_a_regular_file_is_refused_before_reading(tiny_model_dir, tmp_path):
    with pytest.raises(OutputNotWritableError, match="not a regular file"):
        ResultsSink(Path("/dev/null"), {"model_sha256": "x", "settings": {}}).__enter__()
    folder = _corpus(tmp_path, 1)
    result = run_cli("tag-batch", folder, "--out", "/dev/null", "--model", tiny_model_dir, "-q")
    assert result.returncode == 12 and "not a regular file" in result.stderr


def test_a_complete_last_record_without_its_newline_is_kept(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 3)
    out = tmp_path / "r.jsonl"
    run_batch([folder / "doc00.txt", folder / "doc02.txt"], out, _options(tiny_model_dir))
    kept = _records(out)
    out.write_text(out.read_text().rstrip("\n"))  # as an editor may save it
    run_batch([folder / "sub" / "doc01.txt"], out, _options(tiny_model_dir))
    records = _records(out)
    assert records[:2] == kept and [r["doc_id"] for r in records] == ["doc00", "doc02", "doc01"]
    assert out.read_text().endswith("\n")


def test_resume_with_other_metadata_is_refused(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    out = tmp_path / "r.jsonl"
    run_batch([folder], out, _options(tiny_model_dir))
    before = out.read_bytes()
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,region\ndoc00,London\ndoc01,Wales\n")
    with pytest.raises(ResumeRefusedError, match=r"'doc00'.*other metadata.*\(region\)"):
        run_batch([folder], out, _options(tiny_model_dir, manifest=manifest))
    with pytest.raises(ResumeRefusedError, match="--no-facts"):
        run_batch([folder], out, _options(tiny_model_dir, facts=False))
    assert out.read_bytes() == before
    same = run_batch([folder], out, _options(tiny_model_dir))
    assert (same.tagged, same.skipped) == (0, 2)


def test_manifest_with_a_quote_left_open_is_refused(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        'doc_id,region,year\ns-000,"North\nEast",2014\ns-001,"Inner London,2015\ns-004,North,2020\n'
    )
    with pytest.raises(DataError, match=r"m.csv: row 3 \(line 4\): a quote .* never closed"):
        read_manifest(manifest)


def test_a_file_done_under_a_derived_doc_id_is_still_done_on_its_own(tiny_model_dir, tmp_path):
    # a/r.txt alone is "r"; beside b/r.txt the two are told apart ("a/r", "b/r"); b/r.txt
    # alone is "r" again, which a/r.txt's record holds, but b/r.txt's own record is there
    for name, text in (("a", REVIEW_TEXT), ("b", REVIEW_TEXT + "\n1.9 Another case.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.txt").write_text(text)
    out = tmp_path / "r.jsonl"
    a, b = tmp_path / "a" / "r.txt", tmp_path / "b" / "r.txt"
    run_batch([a], out, _options(tiny_model_dir))
    second = run_batch([a, b], out, _options(tiny_model_dir))
    assert (second.tagged, second.skipped) == (1, 1)
    third = run_batch([b], out, _options(tiny_model_dir))
    assert (third.tagged, third.skipped) == (0, 1) and len(_records(out)) == 2


def test_an_out_inside_the_folder_being_tagged_is_never_an_input(tiny_model_dir, tmp_path):
    folder = _corpus(tmp_path, 2)
    out = folder / "results.md"  # an extension the folder search would take
    for _ in range(2):
        summary = run_batch([folder], out, _options(tiny_model_dir))
    assert summary.skipped == 2 and len(_records(out)) == 2


def test_a_users_one_line_file_as_out_is_refused_not_cut(tiny_model_dir, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("TODO: ask the board for the 2019 reviews")  # no final newline
    folder = _corpus(tmp_path, 1)
    with pytest.raises(ResumeRefusedError, match="not a tag-batch record"):
        run_batch([folder], notes, _options(tiny_model_dir))
    assert notes.read_text() == "TODO: ask the board for the 2019 reviews"


def test_another_file_with_the_same_doc_id_is_refused_with_advice_that_keeps_records(
    tiny_model_dir, tmp_path
):
    for name, extra in (("a", ""), ("b", "\n1.9 Another case.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.txt").write_text(REVIEW_TEXT + extra)
    out = tmp_path / "r.jsonl"
    run_batch([tmp_path / "a" / "r.txt"], out, _options(tiny_model_dir))
    with pytest.raises(ResumeRefusedError, match="own doc_ids in a --manifest") as caught:
        run_batch([tmp_path / "b" / "r.txt"], out, _options(tiny_model_dir))
    assert "remove that line" not in str(caught.value)


def test_an_edited_file_recorded_under_a_derived_doc_id_is_refused_not_repeated(
    tiny_model_dir, tmp_path
):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.txt").write_text(REVIEW_TEXT + f"\n1.9 Case {name}.\n")
    out = tmp_path / "r.jsonl"
    run_batch([tmp_path / "a" / "r.txt", tmp_path / "b" / "r.txt"], out, _options(tiny_model_dir))
    with (tmp_path / "b" / "r.txt").open("a") as handle:
        handle.write("1.10 An addendum.\n")
    with pytest.raises(ResumeRefusedError, match="edited since"):
        run_batch([tmp_path / "b" / "r.txt"], out, _options(tiny_model_dir))
    assert len(_records(out)) == 2


def test_a_file_reached_through_a_symbolic_link_is_done(tiny_model_dir, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.txt").write_text(REVIEW_TEXT + f"\n1.9 Case {name}.\n")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    out = tmp_path / "r.jsonl"
    run_batch([tmp_path / "link" / "r.txt"], out, _options(tiny_model_dir))  # doc_id "r"
    # beside b/r.txt its doc_id is "a/r": the same file, known by its real path
    again = run_batch(
        [tmp_path / "a" / "r.txt", tmp_path / "b" / "r.txt"], out, _options(tiny_model_dir)
    )
    assert (again.tagged, again.skipped) == (1, 1) and len(_records(out)) == 2
