"""Tiny PDFs written by hand (Helvetica text, ruling lines), for the PDF reader's tests."""

from __future__ import annotations

import io


def text(x: float, y: float, s: str, size: int = 12) -> str:
    escaped = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 {size} Tf {x} {y} Td ({escaped}) Tj ET\n"


def rect(x: float, y: float, w: float, h: float) -> str:
    return f"{x} {y} {w} {h} re S\n"


def line(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{x0} {y0} m {x1} {y1} l S\n"


def make_pdf(pages: list[str], width: int = 595, height: int = 842) -> bytes:
    """A PDF whose pages draw the given content streams."""
    objects: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, content in enumerate(pages):
        stream = content.encode("latin-1")
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def image_only_pdf() -> bytes:
    """What a scanner produces: a page that is one picture and no text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 560), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 80), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return buffer.getvalue()


def scan_with_a_stamp() -> bytes:
    """A scanned page (one picture) that a later tool stamped with a few words of text."""
    import pypdfium2 as pdfium

    scan = pdfium.PdfDocument(image_only_pdf())
    numbered = pdfium.PdfDocument(make_pdf([text(200, 300, "No. 0017")], width=400, height=560))
    page = numbered[0]
    xobject = scan.page_as_xobject(0, numbered)
    page.insert_obj(xobject.as_pageobject())
    page.gen_content()
    buffer = io.BytesIO()
    numbered.save(buffer)
    return buffer.getvalue()
