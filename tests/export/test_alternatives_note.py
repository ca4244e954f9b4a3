"""The "Alternatives." line of a decision quotes its option names: user text, so the PDF report
and the Markdown escape it, and the report draws an Arabic name joined and in visual order, as it
draws every other name (a name holding "<b>" made the report fail to build)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Component, Decision, DecisionOption, Design, Meta
from app.export import report_bytes
from app.export.markdown import to_markdown

ARABIC = "نموذج عميق"
BASIC_ARABIC = re.compile("[\u0600-\u06ff]")  # letters not yet in their joined forms


def _design(*names: str) -> Design:
    options = [DecisionOption(name=name) for name in names]  # named, none argued: the note quotes them
    decision = Decision(id="d1", title="Ranker", options=options, date="2026-12-07")
    component = Component(id="m", kind="model", name="Ranker")
    return Design(meta=Meta(title="Alternatives"), components=[component], decisions=[decision])


def _alternatives_line(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return next(line for line in text.splitlines() if line.startswith("Alternatives."))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")
def test_the_report_escapes_and_shapes_the_quoted_option_names(tmp_path):
    data = report_bytes(_design("MF & <b>", "Two-tower"), catalog=default_catalog(), report_date="2026-12-07")
    assert '"MF & <b>" or "Two-tower"' in _alternatives_line(data, tmp_path)
    data = report_bytes(_design("LambdaMART", ARABIC), catalog=default_catalog(), report_date="2026-12-07")
    line = _alternatives_line(data, tmp_path)
    assert '"LambdaMART"' in line and not BASIC_ARABIC.search(line)  # every letter joined


def test_the_markdown_escapes_the_quoted_option_names():
    text = to_markdown(_design("MF & <b>", "Two-tower"), catalog=default_catalog())
    line = next(line for line in text.splitlines() if line.startswith("**Alternatives.**"))
    assert "<b>" not in line and "MF" in line and "Two-tower" in line
