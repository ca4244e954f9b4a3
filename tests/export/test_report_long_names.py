"""A component name of thousands of letters in the PDF report: shortened with an ellipsis
wherever the report quotes it (headings, bookmarks, findings, tables), printed whole once, in
its component's entry under "Design by stage". Laid out in full in every cell and sentence, a
design of ten such names took 8.6 s and 236 pages to export."""

from __future__ import annotations

from app.cli import main
from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Meta
from app.persistence import save_design
from tests.export.pdfread import outline, text_of

WORDS = [f"w{i:04d}" for i in range(1, 1668)]
NAME = " ".join(WORDS)  # 10,001 characters, each word once


def test_a_very_long_name_is_shortened_and_printed_whole_once(tmp_path):
    path, pdf = tmp_path / "long.mlsd", tmp_path / "long.pdf"
    design = Design(meta=Meta(title="Long"), components=[Component(id="m", kind="model", name=NAME)])
    save_design(design, path)
    assert main(["export", str(path), "--pdf", str(pdf), "--rubric"]) == 0
    data = pdf.read_bytes()
    text = text_of(data)
    assert text.count(f"Full name ({len(NAME):,} characters):") == 1
    assert text.count(WORDS[-1]) == 1  # whole once
    assert text.count(WORDS[0]) >= 3  # and quoted shortened: heading, risks, questions ...
    short = shortened(NAME)
    assert len(short) <= NAME_LIMIT + 1 and short.endswith("…") and short.count("…") == 1
    assert text.count(short) >= 3
    titles = [title for _level, title, _page in outline(data) if title.startswith(WORDS[0])]
    assert titles and all(len(title) <= NAME_LIMIT + 1 and title.endswith("…") for title in titles)


def test_shortened_cuts_at_a_word_end():
    assert shortened("short name") == "short name"
    assert shortened("alpha beta gamma", 12) == "alpha beta…"
    assert shortened("N" * 500, 10) == "N" * 10 + "…"


def test_the_markdown_quotes_a_long_name_shortened_and_whole_once(tmp_path):
    path, md = tmp_path / "long.mlsd", tmp_path / "long.md"
    design = Design(meta=Meta(title="Long"), components=[Component(id="m", kind="model", name=NAME)])
    save_design(design, path)
    assert main(["export", str(path), "--md", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert text.count(WORDS[-1]) == 1 and f"*Full name ({len(NAME):,} characters):*" in text
    assert f"#### {shortened(NAME)}" in text
    assert text.count(shortened(NAME)) >= 3  # heading, risks, questions ...
    assert len(text) < 3 * len(NAME)  # was quoted whole some dozen times
