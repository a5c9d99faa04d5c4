"""Read a document as a user holds it (txt/md, PDF with a text layer, docx) into a RawDocument.

Every refusal is a ScrError with a one-line message and its documented exit code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scr_nlp.errors import (
    EmptyDocumentError,
    InputNotFoundError,
    InputTooLargeError,
    UnreadablePdfError,
    UnsupportedInputError,
)
from scr_nlp.records import RawDocument

DEFAULT_MAX_SIZE_MB = 50.0
TEXT_SUFFIXES = (".txt", ".md", ".text")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")
# A page with fewer visible characters than this is treated as having no text layer.
_MIN_CHARS_PER_PAGE = 20


def read_document(path: str | Path, max_size_mb: float = DEFAULT_MAX_SIZE_MB) -> RawDocument:
    """Read a local path, or an fsspec URL such as ``s3://bucket/review.pdf``."""
    if is_url(path):
        return document_from_bytes(read_url_checked(str(path), max_size_mb), str(path))
    path = Path(path)
    return document_from_bytes(read_bytes_checked(path, max_size_mb), str(path))


def is_url(path: str | Path) -> bool:
    return isinstance(path, str) and "://" in path and not path.startswith("file://")


def read_url_checked(url: str, max_size_mb: float) -> bytes:
    import fsspec

    try:
        with fsspec.open(url, "rb") as handle:
            data = handle.read(int(max_size_mb * 1024 * 1024) + 1)
    except FileNotFoundError:
        raise InputNotFoundError(f"{url}: no such file") from None
    except ImportError as exc:
        raise UnsupportedInputError(
            f"{url}: this URL scheme needs an extra package ({exc})"
        ) from None
    except OSError as exc:
        raise InputNotFoundError(f"{url}: cannot be read ({exc})") from None
    if not data:
        raise EmptyDocumentError(f"{url}: the file is empty")
    if len(data) > max_size_mb * 1024 * 1024:
        raise InputTooLargeError(
            f"{url}: over the {max_size_mb:g} MB limit (raise it with --max-size-mb)"
        )
    return data


def document_from_bytes(data: bytes, name: str) -> RawDocument:
    path = Path(name.rsplit("/", 1)[-1]) if is_url(name) else Path(name)
    suffix = path.suffix.lower()
    sha256 = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf" or (suffix not in SUPPORTED_SUFFIXES and data.startswith(b"%PDF-")):
        text, pages = _pdf_text(data, name)
        return RawDocument(name, sha256, "pdf", text, pages=pages)
    if suffix == ".docx":
        text, headings = _docx_text(data, name)
        return RawDocument(name, sha256, "docx", text, heading_spans=headings)
    if suffix not in TEXT_SUFFIXES:
        raise UnsupportedInputError(
            f"{name}: unsupported file type {suffix or '(no extension)'!r}; "
            f"supported: {' '.join(SUPPORTED_SUFFIXES)}"
        )
    text = decode_text(data, name)
    if not text.strip():
        raise EmptyDocumentError(f"{name}: the file contains only whitespace")
    return RawDocument(name, sha256, "txt", text)


def read_bytes_checked(path: Path, max_size_mb: float) -> bytes:
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InputNotFoundError(f"{path}: is a directory, expected a file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyDocumentError(f"{path}: the file is empty")
    if size > max_size_mb * 1024 * 1024:
        raise InputTooLargeError(
            f"{path}: {size / 1024 / 1024:.1f} MB is over the {max_size_mb:g} MB limit "
            "(raise it with --max-size-mb)"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode text bytes; UTF-8/UTF-16 by BOM, else UTF-8, else a Western single-byte guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if _looks_binary(data):
        raise UnsupportedInputError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UK council documents are very often Windows-1252; charset-normalizer arbitrates
    # among the single-byte encodings such files realistically use.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _pdf_text(data: bytes, path: str) -> tuple[str, int]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise UnreadablePdfError(
                f"{path}: the PDF is encrypted; save an unprotected copy first"
            ) from None
        raise UnreadablePdfError(f"{path}: the PDF could not be opened ({reason})") from None
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    visible = sum(len("".join(p.split())) for p in pages)
    if not pages or visible < _MIN_CHARS_PER_PAGE * len(pages):
        raise UnreadablePdfError(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it first, "
            "e.g. ocrmypdf, then tag the result"
        )
    # Pages are kept apart by a form feed so clean-up can find page furniture.
    return "\f".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in pages), len(pages)


def _docx_text(data: bytes, path: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsupportedInputError(f"{path}: not a readable .docx file ({exc})") from None
    parts: list[str] = []
    headings: list[tuple[int, int]] = []
    offset = 0
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        if style.startswith(("Heading", "Title")):
            headings.append((offset, offset + len(text)))
        parts.append(text)
        offset += len(text) + 2
    if not parts:
        raise EmptyDocumentError(f"{path}: the .docx has no text")
    return "\n\n".join(parts), tuple(headings)
