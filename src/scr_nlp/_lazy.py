"""Imports that need care to stay fast."""

from __future__ import annotations

import sys
import threading

# ``import_spacy`` hides torch for the whole process while spaCy imports; a thread that
# needs torch meanwhile (the encoder's first export, while ``tag`` segments) waits here
# instead of finding it missing.
_TORCH_GATE = threading.Lock()


def import_spacy():
    """Import spaCy without letting thinc import torch (about 3 s) as a side effect.

    scr-nlp uses spaCy only for tokenising and rules, never thinc's torch layers; the
    transformer back end imports torch itself when it is chosen.
    """
    with _TORCH_GATE:
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


def import_torch():
    """Import torch, waiting while another thread's ``import_spacy`` has it hidden."""
    with _TORCH_GATE:
        import torch
    return torch
