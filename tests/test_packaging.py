"""A wheel of scr-nlp carries its default model and corpus, and tags out of the box."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_tags_with_the_shipped_default_model(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            "-q",
        ],  # fmt: skip
        capture_output=True,
        text=True,  # fmt: skip
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("scr_nlp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    default = json.loads((ROOT / "models" / "default.json").read_text())["default"]
    assert f"scr_nlp/_shipped/models/{default}/meta.json" in names
    assert "scr_nlp/_shipped/corpus/scr_corpus.jsonl" in names
    assert not [n for n in names if n.endswith((".pkl", ".joblib"))]
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)  # what pip install puts in site-packages
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCR_NLP_")}
    env |= {"PYTHONPATH": str(target), "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": ""}
    code = (
        "import scr_nlp, sys; from scr_nlp.tagging import Tagger; from scr_nlp.settings import get_settings;"
        "assert str(get_settings().shipped_models_dir).startswith(sys.argv[1]), get_settings();"
        "t = Tagger.load(); r = t.tag('Child A was never seen alone by the social worker.');"
        "print(t.model.name, scr_nlp.__file__)"
    )
    run = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True,
                         env=env, cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    name, location = run.stdout.split()
    assert name == default and location.startswith(str(target))
