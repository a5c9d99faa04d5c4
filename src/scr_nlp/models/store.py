"""Model directories: save with hashes, metadata and a model card; load with checks.

A model directory holds ``meta.json`` (type and version, the taxonomy in order,
sentence and document thresholds, config, seed, library versions, training-data
hash, metrics, the sha256 of every weight file, and ``content_sha256``: one hash
over all of that), ``MODEL_CARD.md`` and weights in safe formats. Loading refuses a
directory whose weights or meta.json changed after saving; every tag record names
the model by its ``content_sha256``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scr_nlp.errors import ModelError, TaxonomyMismatchError
from scr_nlp.models.config import config_from_dict, config_to_dict
from scr_nlp.models.registry import get_model_type
from scr_nlp.taxonomy import CODEBOOK_VERSION, THEME_IDS, THEMES, check_theme_ids

FORMAT_VERSION = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ThemeModel:
    """A fitted classifier with its thresholds and metadata: what tagging uses.

    ``thresholds`` apply to sentence scores; ``document_thresholds`` (never lower) to a
    document's best sentence score (see ``scr_nlp.tagging.Decision``).
    """

    classifier: object
    thresholds: dict[str, float]
    meta: dict
    path: Path | None = None
    document_thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.meta.get("name") or (self.path.name if self.path else "unsaved")

    @property
    def type_name(self) -> str:
        return self.meta["type"]

    @property
    def version(self) -> str:
        return self.meta["version"]

    @property
    def content_sha256(self) -> str | None:
        return self.meta.get("content_sha256")

    def predict_proba(self, sentences):
        return self.classifier.predict_proba(sentences)


def library_versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in (
        "scr-nlp",
        "scikit-learn",
        "numpy",
        "torch",
        "onnxruntime",
        "spacy",
        "safetensors",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


def save_model(model: ThemeModel, directory: Path) -> Path:
    """Write into a temporary sibling, then swap in, so a crash never leaves half a model."""
    directory = Path(directory)
    tmp = directory.with_name(directory.name + ".tmp-save")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    files = model.classifier.save_weights(tmp)
    model_type = get_model_type(model.meta["type"])
    meta = dict(model.meta)
    meta |= {
        "scr_nlp_model": FORMAT_VERSION,
        "name": directory.name,
        "type": model_type.name,
        "version": model_type.version,
        "registered_name": model_type.registered_name,
        "themes": list(THEME_IDS),
        "taxonomy": [t.__dict__ for t in THEMES],
        "codebook_version": CODEBOOK_VERSION,
        "thresholds": {t: round(float(model.thresholds[t]), 6) for t in THEME_IDS},
        "document_thresholds": {
            t: round(max(float(model.thresholds[t]), float(model.document_thresholds.get(t, 0))), 6)
            for t in THEME_IDS
        },
        "config": config_to_dict(model.classifier.config),
        "versions": library_versions(),
    }
    from scr_nlp.models.card import model_card

    (tmp / "MODEL_CARD.md").write_text(model_card(meta), encoding="utf-8")
    meta["files"] = {name: sha256_file(tmp / name) for name in sorted([*files, "MODEL_CARD.md"])}
    meta["content_sha256"] = content_hash(meta)
    (tmp / "meta.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if directory.exists():
        shutil.rmtree(directory)
    tmp.rename(directory)
    model.meta, model.path = meta, directory
    model.document_thresholds = dict(meta["document_thresholds"])
    return directory


def content_hash(meta: dict) -> str:
    """One hash over everything that defines the model: meta.json (which lists the sha256
    of every weight file) without this hash itself."""
    body = {k: v for k, v in meta.items() if k != "content_sha256"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_meta(directory: Path) -> dict:
    meta_path = directory / "meta.json"
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model directory")
    if not meta_path.exists():
        raise ModelError(f"{directory}: not a scr-nlp model (no meta.json)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: unreadable ({exc.msg})") from None
    if not isinstance(meta, dict) or meta.get("scr_nlp_model") != FORMAT_VERSION:
        raise ModelError(f"{directory}: not a scr-nlp model of format {FORMAT_VERSION}")
    return meta


def verify_files(directory: Path, meta: dict) -> None:
    if meta.get("content_sha256") != content_hash(meta):
        raise ModelError(
            f"{directory}: meta.json does not match its content hash (edited or corrupted "
            "after saving); refusing to load it"
        )
    files = meta.get("files") or {}
    if not files:
        raise ModelError(f"{directory}: meta.json lists no weight files")
    for name, expected in files.items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise ModelError(f"{directory}: weight file {name!r} is missing")
        if sha256_file(path) != expected:
            raise ModelError(
                f"{directory}: {name} does not match the hash in meta.json "
                "(tampered with or corrupted); refusing to load it"
            )


def load_model(path: str | Path | None = None) -> ThemeModel:
    """Load a model by directory or name (default: the default model), verifying it first."""
    from scr_nlp.models.catalog import resolve_model_path

    directory = resolve_model_path(path)
    meta = read_meta(directory)
    try:
        check_theme_ids(meta.get("themes", []), str(directory))
    except TaxonomyMismatchError as exc:
        raise ModelError(str(exc)) from None
    verify_files(directory, meta)
    model_type = get_model_type(meta.get("type", "?"), meta.get("version"))
    try:
        config = config_from_dict(model_type.load_config_class(), meta.get("config", {}))
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{directory}: invalid config in meta.json: {exc}") from None
    classifier = model_type.load_class().load_weights(directory, config)
    thresholds = {t: float(meta["thresholds"][t]) for t in THEME_IDS}
    document = {t: float(v) for t, v in (meta.get("document_thresholds") or {}).items()}
    return ThemeModel(classifier, thresholds, meta, directory, document)
