"""Imports that need care to stay fast."""

from __future__ import annotations

import sys


def import_spacy():
    """Import spaCy without letting thinc import torch (about 3 s) as a side effect.

    scr-nlp uses spaCy only for tokenising and rules, never thinc's torch layers; the
    transformer back end imports torch itself when it is chosen.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes thinc's probe fail fast
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy
