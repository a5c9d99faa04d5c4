"""scr-nlp: tag recurring practice failings in child safeguarding case reviews, offline."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Tagger", "__version__"]


def __getattr__(name: str):
    # Lazy so that `import scr_nlp` stays light.
    if name == "Tagger":
        from scr_nlp.tagging import Tagger

        return Tagger
    raise AttributeError(name)
