"""Where scr-nlp keeps its files, and the defaults every command and function shares.

One place for both, read fresh on each call so tests and users can point the tool
elsewhere with environment variables:

| variable | what | default |
|---|---|---|
| ``SCR_NLP_HOME`` | writable root for models you train and annotation sets | the source checkout when run from one, else ``$XDG_DATA_HOME/scr-nlp`` (``~/.local/share/scr-nlp``) |
| ``SCR_NLP_MODELS`` | models directory (``default.json`` names the default) | ``$SCR_NLP_HOME/models`` |
| ``SCR_NLP_CORPUS`` | the annotated corpus JSONL | the shipped ``corpus/scr_corpus.jsonl`` |
| ``SCR_NLP_ANNOTATIONS`` | where ``retrain`` writes annotation sets | ``$SCR_NLP_HOME/annotations/sets`` |
| ``SCR_NLP_PFD_CSV`` | the real coroners' reports CSV for measurement | none |
| ``SCR_NLP_CACHE`` | derived files that can be rebuilt (the sentence encoder's ONNX export) | ``$XDG_CACHE_HOME/scr-nlp`` (``~/.cache/scr-nlp``) |

The models and corpus that ship with scr-nlp are found inside the installed package
(a wheel carries them) or in the checkout; a name that is not in the writable models
directory is looked up among the shipped ones, so a fresh install tags out of the box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SEED = 13
MAX_SIZE_MB = 50.0
MIN_COHORT_SIZE = 10
PROMOTION_TOLERANCE = 0.01
# Seconds one document may take in a batch run before its worker is stopped.
DOCUMENT_TIME_BUDGET_S = 300.0

_PACKAGE = Path(__file__).resolve().parent


def _checkout_root() -> Path | None:
    """The source checkout this package runs from, if any (``src/scr_nlp`` layout)."""
    root = _PACKAGE.parents[1]
    if (root / "pyproject.toml").is_file() and (root / "models").is_dir():
        return root
    return None


def _shipped(name: str) -> Path:
    """Data shipped with the package: in a wheel under ``scr_nlp/_shipped``, else the checkout."""
    bundled = _PACKAGE / "_shipped" / name
    if bundled.exists():
        return bundled
    root = _checkout_root()
    return (root / name) if root else bundled


@dataclass(frozen=True)
class Settings:
    home: Path
    models_dir: Path
    shipped_models_dir: Path
    corpus_path: Path
    real_labels_dir: Path
    annotations_dir: Path
    pfd_csv: Path | None
    cache_dir: Path


def get_settings() -> Settings:
    env = os.environ
    default_home = (
        _checkout_root()
        or Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "scr-nlp"
    )
    home = Path(env.get("SCR_NLP_HOME") or default_home)
    return Settings(
        home=home,
        models_dir=Path(env.get("SCR_NLP_MODELS") or home / "models"),
        shipped_models_dir=_shipped("models"),
        corpus_path=Path(env.get("SCR_NLP_CORPUS") or _shipped("corpus") / "scr_corpus.jsonl"),
        real_labels_dir=_shipped("corpus") / "real",
        annotations_dir=Path(env.get("SCR_NLP_ANNOTATIONS") or home / "annotations" / "sets"),
        pfd_csv=Path(env["SCR_NLP_PFD_CSV"]) if env.get("SCR_NLP_PFD_CSV") else None,
        cache_dir=Path(
            env.get("SCR_NLP_CACHE")
            or Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scr-nlp"
        ),
    )


def offline_environment() -> None:
    """Forbid every Hugging Face library from reaching a hub; call before importing one."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
