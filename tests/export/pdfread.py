"""Reading generated PDFs in tests (pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]


def text_of(data: bytes) -> str:
    """All text, whitespace collapsed (line wraps become single spaces)."""
    return flat(" ".join(page_texts(data)))


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """(level, title, page number from 1) of every bookmark, in order."""
    pdf = reader(data)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), pdf.get_destination_page_number(item) + 1))

    walk(pdf.outline, 0)
    return found


def font_names(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in reader(data).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def multiply(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f] (a `cm` operand times the current matrix)."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _walk_text(
    pdf: PdfReader, stream: object, resources: object, ctm: list[float], out: list[tuple[str, float]]
) -> None:
    from pypdf.generic import ContentStream

    stack: list[list[float]] = []
    font, size, matrix = "", 0.0, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    fonts = resources.get("/Font", {}) if resources else {}  # type: ignore[attr-defined]
    forms = resources.get("/XObject", {}) if resources else {}  # type: ignore[attr-defined]
    for operands, operator in ContentStream(stream, pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = multiply([float(v) for v in operands], ctm)
        elif operator == b"Tf":
            name = str(operands[0])
            font = str(fonts[name].get_object().get("/BaseFont")) if name in fonts else name
            size = float(operands[1])
        elif operator == b"Tm":
            matrix = [float(v) for v in operands]
        elif operator == b"BT":
            matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            m = multiply(matrix, ctm)
            out.append((font, size * (m[2] ** 2 + m[3] ** 2) ** 0.5))
        elif operator == b"Do" and str(operands[0]) in forms:
            form = forms[str(operands[0])].get_object()
            if form.get("/Subtype") == "/Form":
                _walk_text(pdf, form, form.get("/Resources"), ctm, out)


def page_text_fonts(data: bytes) -> list[list[tuple[str, float]]]:
    """Per page, the font (its /BaseFont, subset tag and all) and size in points of every piece
    of text drawn (the font size times the text matrix and every scaling in force, figures'
    forms included)."""
    pdf = reader(data)
    pages: list[list[tuple[str, float]]] = []
    for page in pdf.pages:
        found: list[tuple[str, float]] = []
        _walk_text(pdf, page.get_contents(), page.get("/Resources"), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], found)
        pages.append(found)
    return pages


def page_text_sizes(data: bytes) -> list[list[float]]:
    """Per page, the size in points of every piece of text drawn (page_text_fonts)."""
    return [[size for _font, size in page] for page in page_text_fonts(data)]
