from __future__ import annotations

import json

import pytest


@pytest.fixture
def models_home(tmp_path, monkeypatch, tiny_model_dir):
    """A models/ directory whose default is the tiny linear model."""
    import shutil

    home = tmp_path / "models"
    home.mkdir()
    shutil.copytree(tiny_model_dir, home / "tiny")
    (home / "default.json").write_text(json.dumps({"default": "tiny"}))
    monkeypatch.setenv("SCR_NLP_MODELS", str(home))
    monkeypatch.chdir(tmp_path)
    return home
