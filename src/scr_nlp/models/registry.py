"""The registry of versioned model types, resolved lazily.

Nothing else in the package branches on the model type: it asks the registry.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from scr_nlp.errors import ModelError


@dataclass(frozen=True)
class ModelType:
    name: str
    version: str
    classifier: str  # "module:Class", imported only when used
    config: str
    # "learned" types are trained from labelled sentences; "rules" types are written by hand.
    kind: str = "learned"

    @property
    def registered_name(self) -> str:
        return f"scr_nlp.{self.name}.{self.version}"

    def load_class(self):
        return _import(self.classifier)

    def load_config_class(self):
        return _import(self.config)


def _import(spec: str):
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


MODEL_TYPES: dict[str, ModelType] = {
    t.name: t
    for t in (
        ModelType(
            "linear",
            "v1",
            "scr_nlp.models.linear:LinearThemeClassifier",
            "scr_nlp.models.config:LinearConfig",
        ),
        ModelType(
            "hybrid",
            "v2",
            "scr_nlp.models.hybrid:HybridThemeClassifier",
            "scr_nlp.models.config:HybridConfig",
        ),
        ModelType(
            "transformer",
            "v2",
            "scr_nlp.models.transformer:TransformerThemeClassifier",
            "scr_nlp.models.config:TransformerConfig",
        ),
        ModelType(
            "keyword",
            "v1",
            "scr_nlp.models.keyword:KeywordThemeClassifier",
            "scr_nlp.models.config:KeywordConfig",
            kind="rules",
        ),
    )
}


def get_model_type(name: str, version: str | None = None) -> ModelType:
    model_type = MODEL_TYPES.get(name)
    if model_type is None:
        raise ModelError(f"unknown model type {name!r}; known: {sorted(MODEL_TYPES)}")
    if version is not None and version != model_type.version:
        raise ModelError(
            f"model type {name!r} version {version!r} is not supported by this scr-nlp "
            f"(it reads {model_type.version!r}); retrain the model or install a matching scr-nlp"
        )
    return model_type


def parse_config_overrides(name: str, values: dict[str, str]) -> dict:
    """Typed config overrides from ``KEY=VALUE`` strings, checked against the type's config."""
    from dataclasses import fields

    from scr_nlp.errors import UsageError

    config_cls = get_model_type(name).load_config_class()
    known = {f.name: f for f in fields(config_cls)}
    out: dict = {}
    for key, raw in values.items():
        if key not in known:
            raise UsageError(f"{name} has no setting {key!r}; settings: {', '.join(sorted(known))}")
        default = getattr(config_cls(), key)
        try:
            if isinstance(default, bool):
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                out[key] = raw.lower() in ("true", "1", "yes")
            elif isinstance(default, int | float | str):
                out[key] = type(default)(raw)
            elif isinstance(default, tuple):
                out[key] = tuple(type(default[0])(x) for x in raw.split(","))
            else:
                out[key] = raw
        except ValueError:
            raise UsageError(
                f"{name} setting {key}: {raw!r} is not a {type(default).__name__}"
            ) from None
    try:
        config_cls(**out)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{name} settings: {exc}") from None
    return out
