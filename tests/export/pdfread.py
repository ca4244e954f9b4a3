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
