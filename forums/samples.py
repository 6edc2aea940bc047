"""Small real documents for the demo and the tests: a one-page PDF with a text layer, a
"scanned" PDF (a page with a picture-like drawing and no text), and a DOCX made with
python-docx. The PDF writer is the smallest valid PDF 1.4 (catalog, page tree, one page per
call, Helvetica in WinAnsi encoding); Vietnamese letters outside that encoding lose their
diacritics on the page, as they would with any standard PDF font."""

import io
import unicodedata

WIDTH, HEIGHT = 595, 842  # A4 in points


def _winansi(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1252"))
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
            base = base.replace("đ", "d").replace("Đ", "D")
            out.append(base.encode("cp1252", errors="replace"))
    return b"".join(out).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf(content: bytes, with_font: bool) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R /Resources << %s>> >>"
            % (WIDTH, HEIGHT, b"/Font << /F1 5 0 R >> " if with_font else b"")
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    if with_font:
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_pdf(lines) -> bytes:
    """A one-page PDF whose text layer holds `lines`."""
    body = (
        b"BT /F1 11 Tf 56 780 Td 15 TL "
        + b" ".join(b"(%s) Tj T*" % _winansi(line) for line in lines)
        + b" ET"
    )
    return _pdf(body, with_font=True)


def scanned_pdf() -> bytes:
    """A one-page PDF with only drawings on it, as a scanner makes (no text layer)."""
    strokes = b" ".join(b"0 g 56 %d 480 6 re f" % (760 - 14 * i) for i in range(30))
    return _pdf(b"0.9 g 40 300 515 500 re f " + strokes, with_font=False)


def docx(paragraphs) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
