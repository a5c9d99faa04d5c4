"""Imports kept fast without breaking other threads."""

from __future__ import annotations

import sys
import threading
import time

from scr_nlp import _lazy


def test_torch_waits_while_spacy_hides_it():
    import torch

    got = []
    with _lazy._TORCH_GATE:  # as import_spacy holds it, torch hidden meanwhile
        sys.modules["torch"] = None
        try:
            waiter = threading.Thread(target=lambda: got.append(_lazy.import_torch()))
            waiter.start()
            time.sleep(0.2)
            assert waiter.is_alive() and not got
        finally:
            sys.modules["torch"] = torch
    waiter.join(5)
    assert got == [torch]


def test_import_spacy_keeps_torch_out_and_leaves_it_importable():
    """In a fresh process, as the CLI starts: spaCy arrives without torch, and torch can
    still be imported afterwards."""
    import subprocess

    code = (
        "import sys\nfrom scr_nlp import _lazy\n_lazy.import_spacy()\n"
        "print('torch' in sys.modules)\nprint(_lazy.import_torch().__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "torch"]
