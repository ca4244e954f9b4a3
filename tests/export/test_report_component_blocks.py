"""A component's entry under "Design by stage" (heading, properties, notes, links, risks) moves
whole to the next page rather than leave its last lines at the top of one, away from the
heading that says whose they are: on the start of this change 31 pages of the 17 reports of
the QA pass began so ("Sends to Consent & pseudonymization (govern)" alone at the top of the
example's page 6, three such pages in the fraud template's report)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.persistence import load_design
from app.rules.engine import check_design

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
# the lines that end a component's entry, never its start
TAIL = re.compile(r"\s*(Sends to |Notes\. |Not specified: |Risks \(see Risks\)|Decisions \(see Decisions\))")

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")


@pytest.mark.parametrize(
    "path",
    [
        RESOURCES / "examples" / "example.mlsd",
        RESOURCES / "templates" / "fraud_detection.mlsd",
        RESOURCES / "templates" / "rag_assistant.mlsd",
    ],
    ids=lambda path: path.stem,
)
def test_no_page_starts_with_the_tail_of_a_component_entry(path, tmp_path):
    catalog = default_catalog()
    design = load_design(path).design
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_bytes(design, check_design(design, catalog), catalog, report_date="2026-01-01"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = text.decode("utf-8", "replace").split("\f")
    starts = {
        number: next((line for line in page.splitlines() if line.strip()), "")
        for number, page in enumerate(pages, 1)
    }
    tails = {number: line.strip()[:60] for number, line in starts.items() if TAIL.match(line)}
    assert not tails
    assert "Design by stage" in text.decode("utf-8", "replace")
