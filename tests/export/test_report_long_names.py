"""A component name of thousands of letters in the PDF report: shortened with an ellipsis
wherever the report quotes it (headings, bookmarks, findings, tables), printed whole once, in
its component's entry under "Design by stage". Laid out in full in every cell and sentence, a
design of ten such names took 8.6 s and 236 pages to export."""

from __future__ import annotations

from pathlib import Path

from app.cli import main
from app.domain import ops
from app.domain.catalog import default_catalog
from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Link, Meta
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


def _versions(tmp_path) -> tuple[Path, Path]:
    """An old and a new version of a long-named data source: the new one names its owner and
    loses its link to the model (a finding about it introduced)."""
    source = Component(id="s", kind="data_source", name=NAME)
    model = Component(id="m", kind="model", name="Ranker")
    old = Design(
        meta=Meta(title="Long"), components=[source, model], links=[Link(id="l", source="s", target="m")]
    )
    new = Design.model_validate(old.model_dump(mode="json"))
    ops.set_property(new, default_catalog(), "s", "owner", "Data platform team")
    ops.remove_link(new, "l")
    paths = tmp_path / "old.mlsd", tmp_path / "new.mlsd"
    save_design(old, paths[0])
    save_design(new, paths[1])
    return paths


def test_the_changes_since_an_earlier_version_quote_a_long_name_shortened(tmp_path):
    """The "Changes since" section is built from the two designs as they are (a rename past the
    limit is a change too), and quoted each long name whole in its changes and findings."""
    old, new = _versions(tmp_path)
    pdf = tmp_path / "new.pdf"
    assert main(["export", str(new), "--pdf", str(pdf), "--since", str(old)]) == 0
    text = text_of(pdf.read_bytes())
    changes = text[text.index("Changes since old.mlsd Compared with") : text.index("Stage coverage change")]
    assert changes.count(shortened(NAME)) >= 3  # the property change, the link, the finding
    assert WORDS[-1] not in changes
    assert text.count(WORDS[-1]) == 1  # whole once, under Design by stage


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
