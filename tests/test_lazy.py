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


def test_import_spacy_leaves_torch_importable():
    _lazy.import_spacy()
    assert sys.modules.get("torch", 0) is not None
