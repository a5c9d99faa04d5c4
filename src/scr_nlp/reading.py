"""Read a document as a user holds it (txt/md, PDF with a text layer, docx) into a RawDocument.

Every refusal is a ScrError with a one-line message and its documented exit code.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from scr_nlp.errors import (
    EmptyDocumentError,
    InputNotFoundError,
    InputTooLargeError,
    UnreadablePdfError,
    UnsupportedInputError,
)
from scr_nlp.records import RawDocument
from scr_nlp.settings import MAX_SIZE_MB as DEFAULT_MAX_SIZE_MB

TEXT_SUFFIXES = (".txt", ".md", ".text")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")
# A page with fewer visible characters than this is treated as having no text layer.
_MIN_CHARS_PER_PAGE = 20
_BINARY_CHUNK = 8192


def read_document(path: str | Path, max_size_mb: float = DEFAULT_MAX_SIZE_MB) -> RawDocument:
    """Read a local path, or an fsspec URL such as ``s3://bucket/review.pdf``."""
    if is_url(path):
        return document_from_bytes(read_url_checked(str(path), max_size_mb), str(path), max_size_mb)
    path = Path(path)
    return document_from_bytes(read_bytes_checked(path, max_size_mb), str(path), max_size_mb)


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


def document_from_bytes(
    data: bytes, name: str, max_size_mb: float = DEFAULT_MAX_SIZE_MB
) -> RawDocument:
    path = Path(name.rsplit("/", 1)[-1]) if is_url(name) else Path(name)
    suffix = path.suffix.lower()
    sha256 = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf" or (suffix not in SUPPORTED_SUFFIXES and data.startswith(b"%PDF-")):
        text, pages = _pdf_text(data, name)
        return RawDocument(name, sha256, "pdf", text, pages=pages)
    if suffix == ".docx":
        text, headings = _docx_text(data, name, max_size_mb)
        return RawDocument(name, sha256, "docx", text, heading_spans=headings)
    if suffix not in TEXT_SUFFIXES:
        raise UnsupportedInputError(
            f"{name}: unsupported file type {suffix or '(no extension)'!r}; "
            f"supported: {' '.join(SUPPORTED_SUFFIXES)}"
        )
    text, warnings = decode_text(data, name)
    if not text.strip():
        raise EmptyDocumentError(f"{name}: the file contains only whitespace")
    headings = _markdown_headings(text) if suffix == ".md" else ()
    return RawDocument(name, sha256, "txt", text, heading_spans=headings, warnings=warnings)


_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+\S[^\r\n]*", re.M)


def _markdown_headings(text: str) -> tuple[tuple[int, int], ...]:
    """The ``#`` headings of a Markdown file: the file says which lines are headings, as
    a .docx's styles do."""
    return tuple(m.span() for m in _MARKDOWN_HEADING.finditer(text))


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


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, tuple[str, ...]]:
    """Decode text bytes; return the text and any warnings about repairs.

    UTF-8/UTF-16 by BOM; else UTF-8, reading the odd stray byte of a file that is otherwise
    UTF-8 as Windows-1252 (a pasted quote mark must not turn the whole file to mojibake);
    else a Western single-byte encoding, which UK council documents very often use.
    """
    # A DOS end-of-file mark (Ctrl-Z) after the text is not content.
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's
        return data.decode("utf-32", errors="replace").rstrip("\x1a"), ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").rstrip("\x1a"), ()
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    data = data.rstrip(b"\x1a")
    if _looks_binary(data):
        raise UnsupportedInputError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    stray = sum(1 for ch in escaped if "\udc80" <= ch <= "\udcff")
    if bom or any(ord(ch) > 127 and not "\udc80" <= ch <= "\udcff" for ch in escaped):
        text = data.decode("utf-8", errors=_STRAY_BYTES)
        return text, (f"{path}: {stray} byte(s) that are not UTF-8 were read as Windows-1252",)
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace"), ()


def _stray_bytes_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


_STRAY_BYTES = "scr_nlp.stray_bytes_as_cp1252"
codecs.register_error(_STRAY_BYTES, _stray_bytes_as_cp1252)


def _looks_binary(data: bytes) -> bool:
    """NUL bytes anywhere, or any 8 KB stretch dense with control characters."""
    if b"\x00" in data:
        return True
    for offset in range(0, len(data), _BINARY_CHUNK):
        chunk = data[offset : offset + _BINARY_CHUNK]
        controls = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13))
        if controls > len(chunk) * 0.05:
            return True
    return False


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
    # Pages are kept apart by a form feed so clean-up can find page furniture. PDFium gives
    # a hyphen it found at a line end as U+FFFE with the line break dropped, which can run
    # the next line (a footer's page number) on: the hyphen and the break are put back, and
    # clean-up decides whether the word is one word or a compound.
    return "\f".join(
        p.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-\n") for p in pages
    ), len(pages)


def _docx_text(
    data: bytes, path: str, max_size_mb: float
) -> tuple[str, tuple[tuple[int, int], ...]]:
    import io
    import zipfile

    import docx

    try:
        expanded = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile as exc:
        raise UnsupportedInputError(f"{path}: not a readable .docx file ({exc})") from None
    # The size limit applies to what the container expands to, so a small file holding
    # hundreds of megabytes of XML is refused before it is parsed.
    if expanded > max_size_mb * 1024 * 1024:
        raise InputTooLargeError(
            f"{path}: the .docx expands to {expanded / 1024 / 1024:.0f} MB, over the "
            f"{max_size_mb:g} MB limit (raise it with --max-size-mb)"
        )
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise UnsupportedInputError(f"{path}: not a readable .docx file ({exc})") from None
    parts: list[str] = []
    headings: list[tuple[int, int]] = []
    styled_sections = False
    offset = 0
    for paragraph in _docx_paragraphs(document):
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        if style.startswith(("Heading", "Title")):
            headings.append((offset, offset + len(text)))
            styled_sections = styled_sections or style.startswith("Heading")
        parts.append(text)
        offset += len(text) + 2
    if not parts:
        raise EmptyDocumentError(f"{path}: the .docx has no text")
    # Styles mark the headings only when sections use Heading styles; a document that
    # styles just its title made its section headings by hand, so they are detected.
    return "\n\n".join(parts), tuple(headings) if styled_sections else ()


def _docx_paragraphs(container):
    """Paragraphs in reading order, table cells included (chronologies are often tables);
    a merged cell is read once."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            seen = set()  # per table: a cell merged across rows comes back in each of them
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _docx_paragraphs(cell)
        else:
            yield item
