"""`make models` retrains on the corpus the shipped models recorded, not today's whole corpus."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_training_corpus_is_rebuilt_exactly(tmp_path):
    out = tmp_path / "scr_corpus.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "corpus/tools/shipped_corpus.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    splits = [json.loads(line)["split"] for line in out.read_text(encoding="utf-8").splitlines()]
    for name in ("hybrid", "linear", "keyword"):
        meta = json.loads((ROOT / "models" / name / "meta.json").read_text(encoding="utf-8"))
        assert meta["training_data"]["sha256"] == digest
        documents = (
            meta["training_data"]["train_documents"] + meta["training_data"]["dev_documents"]
        )
        assert splits.count("train") + splits.count("dev") == documents


def test_a_usage_error_exits_2():
    done = subprocess.run(
        [sys.executable, str(ROOT / "corpus/tools/shipped_corpus.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "usage" in done.stderr


def test_the_lexicon_is_built_from_the_corpus_train_split(tmp_path):
    out = tmp_path / "lexicon.txt"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "corpus/tools/build_lexicon.py"),
            str(ROOT / "corpus/scr_corpus.jsonl"),
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text() == (ROOT / "src/scr_nlp/lexicon.txt").read_text()
