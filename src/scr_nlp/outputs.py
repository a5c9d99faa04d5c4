"""Output paths: checked before any work, so a long run never ends on a path that cannot
be written (exit 12, nothing left behind), and write failures named the same way
everywhere (exit 13 for a full disk, 12 otherwise)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from scr_nlp.errors import DiskFullError, OutputNotWritableError, ScrError


def check_output_file(path: Path, read_from: Path | None = None) -> Path:
    """The file a command will (re)write whole: ``path``, or where it leads when it is a
    symbolic link (renaming onto the link would replace the link, not its file). Refused:
    a directory, something other than a regular file (a device, a pipe), a missing or
    unwritable folder, or the file the command reads (``read_from``)."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    if target.exists():
        check_regular_file(path, target.stat())
    _check_folder(target.parent, path)
    if (
        read_from is not None
        and target.exists()
        and Path(read_from).exists()
        and os.path.samefile(target, read_from)
    ):
        raise OutputNotWritableError(
            f"{path}: is the results file being read; give another file to write"
        )
    return target


def check_regular_file(path: Path, status: os.stat_result) -> None:
    """An output file must be a regular file: a directory cannot take the records, and a
    device or pipe would be read without end (/dev/zero) or never hold them."""
    if stat.S_ISDIR(status.st_mode):
        raise OutputNotWritableError(f"{path}: is a directory; give a file name")
    if not stat.S_ISREG(status.st_mode):
        raise OutputNotWritableError(
            f"{path}: is not a regular file (a device, pipe or socket); give a file name"
        )


def check_output_dir(path: Path) -> Path:
    """A directory the command will create or fill."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputNotWritableError(f"{path}: exists and is not a directory")
    existing = path
    while not existing.exists():  # the directories still to be made go under this one
        existing = existing.parent
    _check_folder(existing, path)
    return path


def output_error(path: Path, exc: OSError) -> ScrError:
    """The one-line error for a failed write to ``path``."""
    if exc.errno == errno.ENOSPC:
        return DiskFullError(f"{path}: no space left on the device; nothing half-written is kept")
    if exc.errno == errno.EISDIR:
        return OutputNotWritableError(f"{path}: is a directory; give a file name")
    return OutputNotWritableError(f"{path}: cannot be written ({exc.strerror or exc})")


def _check_folder(folder: Path, path: Path) -> None:
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputNotWritableError(f"{path}: cannot be written ({folder} {what})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritableError(f"{path}: cannot be written ({folder} is not writable)")
