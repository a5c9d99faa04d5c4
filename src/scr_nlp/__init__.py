"""scr-nlp: tag recurring practice failings in child safeguarding case reviews, offline."""

from __future__ import annotations

import os

# Nothing may reach a model hub: set before transformers/datasets are ever imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
__all__ = ["Tagger", "__version__"]


def __getattr__(name: str):
    # Lazy so that `import scr_nlp` stays light.
    if name == "Tagger":
        from scr_nlp.tagging import Tagger

        return Tagger
    raise AttributeError(name)
