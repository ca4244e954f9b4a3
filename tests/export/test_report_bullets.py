"""The report's list markers (the numbers of the top risks and open questions, the bullets of the
goals and of the changes section) are set in the text's own font and size: reportlab draws a
paragraph's bullet in the style's bulletFontName, Helvetica 10 pt unless told, so they were the
only text of the report in a font it does not embed (every viewer substitutes its own), a size
larger than the 9.2 pt line they head."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.persistence import load_design
from app.rules.engine import check_design
from tests.export.pdfread import page_text_fonts, reader

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "example.mlsd"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory) -> Path:
    catalog = default_catalog()
    design = load_design(EXAMPLE).design
    data = report_bytes(design, check_design(design, catalog), catalog, report_date="2026-01-01")
    path = tmp_path_factory.mktemp("bullets") / "example.pdf"
    path.write_bytes(data)
    return path


def _page_fonts(data: bytes) -> set[str]:
    """The fonts of every page's resources (and of its figures' forms)."""
    found: set[str] = set()

    def walk(resources: object) -> None:
        resources = resources.get_object() if hasattr(resources, "get_object") else resources
        if not resources:
            return
        for ref in resources.get("/Font", {}).values():  # type: ignore[attr-defined]
            found.add(str(ref.get_object().get("/BaseFont")))
        for ref in resources.get("/XObject", {}).values():  # type: ignore[attr-defined]
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                walk(form.get("/Resources"))

    for page in reader(data).pages:
        walk(page.get("/Resources"))
    return found


def test_no_page_names_a_font_the_pdf_does_not_embed(example_pdf):
    """reportlab sets a font at every page's start (Helvetica unless told) and before every table
    cell (the cell style's, Helvetica unless told), even one of paragraphs, drawing nothing with
    it: Helvetica stayed in every page's resources, a font a PDF/A check or `pdffonts` reports as
    not embedded."""
    fonts = _page_fonts(example_pdf.read_bytes())
    assert fonts and all("+" in font for font in fonts), sorted(fonts)


def test_every_piece_of_text_is_drawn_in_an_embedded_font(example_pdf):
    """A subset font embedded in the file is named with a six-letter tag ('AAAAAA+DejaVuSans');
    the standard fonts are not embedded."""
    fonts = {font for page in page_text_fonts(example_pdf.read_bytes()) for font, _size in page}
    assert fonts and all("+" in font for font in fonts), sorted(fonts)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")
def test_list_markers_sit_on_their_line_in_its_font_and_size(example_pdf):
    """pdftotext boxes a word by its font's ascent and descent at its size: a marker in the
    font and size of the words after it has their box, top and bottom."""
    out = subprocess.run(["pdftotext", "-bbox", str(example_pdf), "-"], capture_output=True, check=True)
    words = [
        (page, float(x0), float(y0), float(x1), float(y1), html.unescape(text))
        for page, body in enumerate(out.stdout.decode("utf-8", "replace").split("<page ")[1:], 1)
        for x0, y0, x1, y1, text in WORD.findall(body)
    ]
    markers = [w for w in words if re.fullmatch(r"\d{1,2}\.|•", w[5])]
    checked = 0
    for page, _x0, y0, x1, y1, marker in markers:
        middle = (y0 + y1) / 2
        after = [w for w in words if w[0] == page and abs((w[2] + w[4]) / 2 - middle) < 3 and w[1] > x1]
        if not after:
            continue
        first = min(after, key=lambda w: w[1])
        if first[1] - x1 > 15:  # not the item's first word
            continue
        checked += 1
        box = (round(first[2], 1), round(first[4], 1))
        assert box == (round(y0, 1), round(y1, 1)), (page, marker, first[5])
    assert checked >= 10  # numbered top risks and open questions, bulleted goals and assumptions
