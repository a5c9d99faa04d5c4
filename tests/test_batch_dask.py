"""The dask engine: same records as local, survives a killed worker, clear refusal when unreachable."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from scr_nlp.batch import BatchOptions, run_batch

from .conftest import REVIEW_TEXT, run_cli

pytest.importorskip("distributed")


def _docs(tmp_path, n, repeat=1):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i:02d}.txt").write_text(
            (REVIEW_TEXT * repeat) + f"\n9.9 Document {i} ends here.\n"
        )
    return folder


def _records(path):
    return sorted(
        (json.loads(line) for line in path.read_text().splitlines()), key=lambda r: r["doc_id"]
    )


def test_dask_records_equal_local(tiny_model_dir, tmp_path):
    folder = _docs(tmp_path, 24)
    local, dask_out = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    run_batch([folder], local, BatchOptions(model=str(tiny_model_dir)))
    dask = BatchOptions(model=str(tiny_model_dir), engine="dask", workers=2)
    summary = run_batch([folder], dask_out, dask)
    assert summary.tagged == 24 and summary.failed == 0
    assert _records(local) == _records(dask_out)
    again = run_batch([folder], dask_out, dask)
    assert (again.tagged, again.skipped) == (0, 24)


def test_killed_worker_every_document_exactly_once(tiny_model_dir, tmp_path):
    from distributed import Client, LocalCluster

    folder = _docs(tmp_path, 30, repeat=60)
    out = tmp_path / "out.jsonl"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        result = {}
        runner = threading.Thread(
            target=lambda: result.setdefault(
                "summary",
                run_batch(
                    [folder],
                    out,
                    BatchOptions(
                        model=str(tiny_model_dir),
                        engine="dask",
                        scheduler=cluster.scheduler_address,
                    ),
                ),
            )
        )
        runner.start()
        deadline = time.time() + 120
        while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
            time.sleep(0.05)
        pids = list(client.run(os.getpid).values())
        os.kill(pids[0], signal.SIGKILL)
        runner.join(timeout=300)
    summary = result["summary"]
    ids = [r["doc_id"] for r in _records(out)]
    assert ids == sorted(f"doc{i:02d}" for i in range(30))
    assert summary.tagged == 30 and summary.failed == 0


def test_unreachable_scheduler_refused(tiny_model_dir, tmp_path):
    folder = _docs(tmp_path, 1)
    proc = run_cli(
        "tag-batch",
        folder,
        "--out",
        tmp_path / "o.jsonl",
        "--model",
        tiny_model_dir,
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
        timeout=120,
    )
    assert proc.returncode == 11
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr
