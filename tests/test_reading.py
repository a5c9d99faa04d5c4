from __future__ import annotations

import pytest

from scr_nlp.errors import (
    EmptyDocumentError,
    InputNotFoundError,
    InputTooLargeError,
    UnreadablePdfError,
    UnsupportedInputError,
)
from scr_nlp.reading import decode_text, read_document

TEXT = "The social worker’s visit – on 3 May – did not include Child A. £20 was paid.\r\nNext line."


def test_windows_1252_file(tmp_path):
    path = tmp_path / "council.txt"
    path.write_bytes(TEXT.encode("cp1252"))
    assert read_document(path).text == TEXT


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    assert read_document(path).text == TEXT


def test_utf8_bom_is_not_text(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_document(path).text == TEXT


def test_crlf_kept_so_offsets_hold(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    raw = read_document(path)
    assert "\r\n" in raw.text and len(raw.text) == len(TEXT)


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.txt", b"", EmptyDocumentError),
        ("blank.txt", b"  \n\n ", EmptyDocumentError),
        ("image.txt", bytes(range(256)) * 4, UnsupportedInputError),
        ("review.rtf", b"{\\rtf1 hello}", UnsupportedInputError),
        ("review.doc", b"\xd0\xcf\x11\xe0 old word", UnsupportedInputError),
    ],
)
def test_refusals(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_document(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputNotFoundError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputNotFoundError, match="is a directory"):
        read_document(tmp_path)


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 300_000)
    with pytest.raises(InputTooLargeError, match="--max-size-mb"):
        read_document(path, max_size_mb=1)
    assert read_document(path, max_size_mb=2).text.startswith("word")


def test_decode_prefers_utf8():
    assert decode_text("Café – naïve".encode()) == ("Café – naïve", ())


def test_stray_windows_1252_bytes_in_utf8_are_repaired_with_a_warning(tmp_path):
    data = "The social worker’s visit – Café".encode() + b" and a pasted \x93quote\x94."
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    raw = read_document(path)
    assert raw.text == "The social worker’s visit – Café and a pasted “quote”."
    assert raw.warnings and "2 byte(s) that are not UTF-8" in raw.warnings[0]


def test_binary_content_anywhere_is_refused(tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(b"A plain opening paragraph. " * 2000 + bytes(range(256)) * 4)
    with pytest.raises(UnsupportedInputError, match="binary"):
        read_document(path)


def test_docx_that_expands_too_far_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:p/>" * 400_000)  # 2.4 MB of XML in a small file
    assert path.stat().st_size < 100_000
    with pytest.raises(InputTooLargeError, match="expands to 2 MB"):
        read_document(path, max_size_mb=1)


def test_unreadable_file_is_exit_code_3(tmp_path, monkeypatch):
    from pathlib import Path

    path = tmp_path / "locked.txt"
    path.write_text("Some text.")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputNotFoundError, match="Permission denied") as caught:
        read_document(path)
    assert caught.value.exit_code == 3


def test_docx_headings_and_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Findings", level=1)
    document.add_paragraph("Child A was not seen alone.")
    document.add_paragraph("")
    document.add_paragraph("Father was not invited.")
    path = tmp_path / "review.docx"
    document.save(path)
    raw = read_document(path)
    assert raw.text == "Findings\n\nChild A was not seen alone.\n\nFather was not invited."
    assert raw.heading_spans == ((0, 8),)


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 80, 80, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(UnreadablePdfError, match="OCR"):
        read_document(path)


def test_encrypted_pdf_refused(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 5, "Child A was seen alone.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(UnreadablePdfError, match="encrypted"):
        read_document(path)


def test_corrupt_pdf_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n this is not really a pdf")
    with pytest.raises(UnreadablePdfError):
        read_document(path)
