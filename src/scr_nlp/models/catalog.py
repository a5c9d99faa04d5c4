"""Installed models, which one is the default, and how a name becomes a directory.

Two places hold models: the writable models directory (``SCR_NLP_MODELS``, where
``train`` and ``retrain`` write and ``models use`` records the default) and the
models shipped with scr-nlp. A name is looked up in that order; ``default.json``
is read here and nowhere else.
"""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.errors import ModelError
from scr_nlp.models.metrics import REAL_MIN_SUPPORT, macro_over_supported
from scr_nlp.models.store import read_meta, verify_files
from scr_nlp.settings import get_settings

DEFAULT_FILE = "default.json"


def model_roots() -> list[Path]:
    settings = get_settings()
    roots = [settings.models_dir]
    if settings.shipped_models_dir.resolve() != settings.models_dir.resolve():
        roots.append(settings.shipped_models_dir)
    return roots


def default_name() -> str | None:
    """The default model's name: the writable directory's choice, else the shipped one."""
    for root in model_roots():
        path = root / DEFAULT_FILE
        if path.is_file():
            try:
                name = json.loads(path.read_text(encoding="utf-8"))["default"]
            except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
                name = None
            if not isinstance(name, str) or not name:
                raise ModelError(f"{path}: not a valid default-model file")
            return name
    return None


def resolve_model_path(name_or_path: str | Path | None) -> Path:
    """A model directory from a path, a name under a models directory, or the default."""
    if name_or_path is None:
        name = default_name()
        if name is None:
            raise ModelError(
                f"no default model: no {DEFAULT_FILE} in {', '.join(map(str, model_roots()))} "
                "(run `make models`, or pass --model)"
            )
        name_or_path = name
    candidate = Path(name_or_path)
    if candidate.exists():
        return candidate
    for root in model_roots():
        if (root / str(name_or_path)).exists():
            return root / str(name_or_path)
    return candidate  # loading names what is missing


def list_models() -> list[dict]:
    current = default_name()
    seen: set[str] = set()
    out = []
    for root in model_roots():
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.iterdir() if (p / "meta.json").is_file()):
            if path.name in seen:
                continue  # a writable model shadows a shipped one of the same name
            try:
                meta = read_meta(path)
            except ModelError:
                continue
            seen.add(path.name)
            dev = meta.get("metrics", {}).get("dev", {})
            real = meta.get("metrics", {}).get("real_dev", {})
            out.append(
                {
                    "name": path.name,
                    "type": meta.get("type"),
                    "version": meta.get("version"),
                    "default": path.name == current,
                    "dev_sentence_macro_f1": dev.get("sentence", {}).get("macro_f1"),
                    "dev_document_macro_f1": dev.get("document", {}).get("macro_f1"),
                    "real_dev_sentence_macro_f1": (
                        macro_over_supported(real["sentence"], REAL_MIN_SUPPORT) if real else None
                    ),
                    "path": str(path),
                }
            )
    return out


def use_model(name: str) -> Path:
    """Make ``name`` the default after checking it is a complete, untampered model."""
    path = resolve_model_path(name)
    meta = read_meta(path)
    verify_files(path, meta)
    target_dir = get_settings().models_dir
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / DEFAULT_FILE
    previous = default_name()
    tmp = target.with_suffix(".json.tmp")
    in_a_root = any(path.resolve().parent == root.resolve() for root in model_roots())
    record = {"default": path.name if in_a_root else str(path.resolve()), "previous": previous}
    tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    tmp.replace(target)
    return path
