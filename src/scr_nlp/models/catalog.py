"""The installed models under ``models/`` and which one is the default."""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.errors import ModelError
from scr_nlp.models.store import models_dir, read_meta, verify_files


def default_name(directory: Path | None = None) -> str | None:
    path = (directory or models_dir()) / "default.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("default")


def list_models(directory: Path | None = None) -> list[dict]:
    directory = directory or models_dir()
    current = default_name(directory)
    out = []
    for path in (
        sorted(p for p in directory.iterdir() if (p / "meta.json").is_file())
        if directory.is_dir()
        else []
    ):
        try:
            meta = read_meta(path)
        except ModelError:
            continue
        dev = meta.get("metrics", {}).get("dev", {})
        out.append(
            {
                "name": path.name,
                "type": meta.get("type"),
                "version": meta.get("version"),
                "default": path.name == current,
                "dev_sentence_macro_f1": dev.get("sentence", {}).get("macro_f1"),
                "dev_document_macro_f1": dev.get("document", {}).get("macro_f1"),
                "path": str(path),
            }
        )
    return out


def use_model(name: str, directory: Path | None = None) -> Path:
    """Make ``name`` the default after checking it is a complete, untampered model."""
    directory = directory or models_dir()
    path = directory / name
    meta = read_meta(path)
    verify_files(path, meta)
    target = directory / "default.json"
    tmp = target.with_suffix(".json.tmp")
    previous = default_name(directory)
    tmp.write_text(
        json.dumps({"default": name, "previous": previous}, indent=1) + "\n", encoding="utf-8"
    )
    tmp.replace(target)
    return path
