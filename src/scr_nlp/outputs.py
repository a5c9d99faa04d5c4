"""Checks on output paths, made before any work, so a long run never ends on a path that
cannot be written (exit 12, nothing left behind)."""

from __future__ import annotations

import os
from pathlib import Path

from scr_nlp.errors import OutputNotWritableError


def check_output_file(path: Path) -> Path:
    """A file the command will (re)write: not a directory or a device, in a writable folder."""
    if path.is_dir():
        raise OutputNotWritableError(f"{path}: is a directory; give a file name")
    if path.exists() and not path.is_file():
        raise OutputNotWritableError(f"{path}: is not a regular file")
    _check_folder(path.parent)
    return path


def check_output_dir(path: Path) -> Path:
    """A directory the command will create or fill."""
    if path.exists() and not path.is_dir():
        raise OutputNotWritableError(f"{path}: exists and is not a directory")
    existing = path
    while not existing.exists():  # the directories still to be made go under this one
        existing = existing.parent
    _check_folder(existing)
    return path


def _check_folder(folder: Path) -> None:
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise OutputNotWritableError(f"{folder}: no such directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritableError(f"{folder}: not writable")
