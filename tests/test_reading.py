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
from scr_nlp.segmenting import segment_file

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


def test_docx_table_cells_are_read_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "3 May 2019"
    table.cell(0, 1).text = "The grandmother reported bruising and no referral was made."
    document.add_paragraph("After the table.")
    # a cell merged down several rows comes back in each of them: it is read once
    merged = document.add_table(rows=3, cols=2)
    merged.cell(0, 0).merge(merged.cell(2, 0)).text = "March 2019"
    for row in range(3):
        merged.cell(row, 1).text = f"Event {row}."
    path = tmp_path / "chronology.docx"
    document.save(path)
    assert read_document(path).text.split("\n\n") == [
        "Before the table.",
        "3 May 2019",
        "The grandmother reported bruising and no referral was made.",
        "After the table.",
        "March 2019",
        "Event 0.",
        "Event 1.",
        "Event 2.",
    ]


def test_docx_styling_only_its_title_leaves_headings_to_detection(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Serious Case Review: Child P", level=0)  # the Title style
    document.add_paragraph("1. INTRODUCTION")
    document.add_paragraph("Child P was seven years old.")
    path = tmp_path / "titled.docx"
    document.save(path)
    assert read_document(path).heading_spans == ()
    kinds = [s.kind for s in segment_file(path).sections]
    assert "introduction" in kinds


def test_docx_with_broken_xml_is_unsupported(tmp_path):
    import io
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("The child was not seen.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(UnsupportedInputError, match="not a readable .docx"):
        read_document(path)


def test_markdown_headings_are_headings(tmp_path):
    path = tmp_path / "review.md"
    path.write_text("# Review of Child T\n\n## 1. Findings\n\nThe father was not invited.\n")
    doc = segment_file(path)
    assert [(s.kind, s.heading) for s in doc.sections] == [
        ("other", "# Review of Child T"),
        ("findings", "## 1. Findings"),
    ]
    assert [s.text for s in doc.sentences] == ["The father was not invited."]


def test_utf32_with_bom(tmp_path):
    path = tmp_path / "u32.txt"
    path.write_bytes("The child was not seen.\n".encode("utf-32"))
    assert read_document(path).text == "The child was not seen.\n"


def test_stray_windows_1252_bytes_after_a_utf8_bom_are_repaired_with_a_warning(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfMrs O\x92Brien rang.\n")
    raw = read_document(path)
    assert raw.text == "Mrs O\u2019Brien rang.\n"
    assert raw.warnings


def test_a_dos_end_of_file_mark_is_not_content(tmp_path):
    path = tmp_path / "dos.txt"
    path.write_bytes(b"The child was not seen.\r\n" * 400 + b"\x1a")
    assert "\x1a" not in read_document(path).text


def test_a_dos_end_of_file_mark_after_utf16_or_utf32_text_is_not_content(tmp_path):
    for codec in ("utf-16", "utf-32"):
        path = tmp_path / f"{codec}.txt"
        path.write_bytes("The child was not seen.\r\n\x1a".encode(codec))
        assert read_document(path).text == "The child was not seen.\r\n"
