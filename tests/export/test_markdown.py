"""The design document as GitHub-flavoured Markdown: section order, the Mermaid system figure
(checked as the Mermaid export is), tables, and user text that cannot change the structure."""

from __future__ import annotations

import html
import re
import subprocess
import sys

from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.text import strip_bidi
from app.export.markdown import to_markdown
from app.export.mdtext import md_block, md_cell, md_inline
from app.export.mermaid import label_lines
from app.persistence import load_design
from app.resources import resource_path
from tests.export.designs import HOSTILE_NAMES
from tests.export.test_mermaid import NODE, _numeric

SECTIONS = [
    "Summary",
    "Context and scope",
    "Architecture",
    "Design by stage",
    "Decisions",
    "Risks",
    "Open questions",
    "Appendix A. Rules and their result",
    "Appendix B. Glossary of properties",
]


def _mermaid(text: str) -> str:
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


def _plain(escaped: str) -> str:
    """What a Markdown renderer shows for md_inline() text."""
    return strip_bidi(html.unescape(re.sub(r"\\(.)", r"\1", escaped)))


def _outside_code(text: str) -> str:
    return re.sub(r"^```mermaid\n.*?^```$", "", text, flags=re.MULTILINE | re.DOTALL)


def test_sections_in_order(recommender, recommender_check, catalog):
    text = to_markdown(recommender, recommender_check, catalog, report_date="2024-05-02")
    top = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert top == [s for s in SECTIONS if s in top]
    assert {
        "Summary",
        "Architecture",
        "Design by stage",
        "Risks",
        "Appendix A. Rules and their result",
    } <= set(top)
    assert text.startswith("# Video feed recommender\n")


def test_mermaid_block_passes_the_mermaid_checks(recommender, recommender_check, catalog):
    block = _mermaid(to_markdown(recommender, recommender_check, catalog))
    assert block.splitlines()[3] == "flowchart LR"
    nodes = NODE.findall(block)
    assert len(nodes) == len(recommender.components) == len({n for n, _ in nodes})
    subgraphs = re.findall(r'^  subgraph (s\d)\["([^"]+)"\]$', block, flags=re.MULTILINE)
    assert [label for _, label in subgraphs] == [f"{s.number}. {s.label}" for s in catalog.stages]
    arrows = re.findall(r'^  (n\d+) (-->|-\.->)\|"([^"]*)"\| (n\d+)$', block, flags=re.MULTILINE)
    assert len(arrows) == len(recommender.links)


def test_hostile_names_are_escaped(hostile, hostile_check, catalog):
    text = to_markdown(hostile, hostile_check, catalog)
    block = _mermaid(text)
    nodes = dict(NODE.findall(block))
    for index, component in enumerate(hostile.components):  # the Mermaid export's own check
        label = nodes[f"n{index}"]
        assert '"' not in label and "[" not in label and "]" not in label and "|" not in label
        name_part = label.split("<br/><i>", 1)[0].removeprefix("<b>").removesuffix("</b>")
        assert [_numeric(line) for line in name_part.split("<br/>")] == label_lines(
            component.name
        )  # at most four lines
    prose = _outside_code(text)
    assert "<script>" not in prose and "<b>markup</b>" not in prose and "<title>" not in prose
    headings = re.findall(r"^(#+) (.*)$", prose, flags=re.MULTILINE)
    component_heads = [_plain(t) for level, t in headings if level == "####"]
    for component in hostile.components:
        flat = " ".join(component.name.split())
        if len(component.name) > NAME_LIMIT:  # shortened, as the report shows it, and whole once
            assert shortened(flat) in component_heads and _plain(text).count(flat) == 1, component.name
        else:
            assert flat in component_heads, component.name
    for level, title in headings:  # no heading but the document's own
        assert not title.startswith("#") and level in ("#", "##", "###", "####"), title
    for line in prose.splitlines():
        if line.startswith("|"):  # every table row has its header's number of cell borders
            borders = len(re.findall(r"(?<!\\)\|", line))
            assert borders in (3, 4, 5, 6), line
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", line), line  # no link syntax
    assert "Zoë &lt;script>alert(1)&lt;/script>" in text


def test_escape_helpers():
    for name in HOSTILE_NAMES:
        assert _plain(md_inline(name)) == " ".join(name.split())
    assert md_cell("a|b\nc") == "a\\|b<br>c"
    assert md_block("# not a heading\n- not a list\n1. not numbered") == (
        "\\# not a heading  \n\\- not a list  \n1\\. not numbered"
    )
    assert (
        md_inline("*x* _y_ `z` [l](u) <i> & ~s~") == "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) &lt;i> &amp; \\~s\\~"
    )
    rtl = md_inline("שלום \u202eevil", name=True)  # an unclosed override is dropped, the name isolated
    assert rtl == "\u2068שלום evil\u2069"
    assert md_inline("a\u202eb\u202cc", name=True) == "\u2068a\u202eb\u202cc\u2069"  # a closed pair stays


def test_units_and_groups_as_in_the_pdf(catalog):
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    text = to_markdown(design, None, catalog)
    assert "60 days" in text and "1440 h" not in text
    groups = re.findall(r"^### (R\d+) · ", text, flags=re.MULTILINE)
    assert groups and len(groups) == len(set(groups))
    assert text.count("Typical time from prediction to a known label") == 1


def test_cli_writes_markdown(tmp_path):
    out = tmp_path / "doc.md"
    template = resource_path("templates", "spam_filter.mlsd")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", str(template), "--md", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("```mermaid") == 1 and "## Design by stage" in text
    assert f"wrote {out}" in done.stderr


def test_list_items_cannot_nest_a_list_or_quote(catalog):
    """A goal typed as "1. x", "- x", "+ x" or "> x" stays the text of one bullet: unescaped,
    "- 1. x" renders as an ordered list inside the bullet and "- > x" as a block quote."""
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    design.meta.goals = ["1. numbered", "2) paren", "- dash", "+ plus", "> quote", "= rule"]
    text = to_markdown(design, None, catalog)
    goals = text.split("**Goals**", 1)[1].split("**Non-goals**", 1)[0]
    items = [line for line in goals.splitlines() if line.strip()]
    expected = ["- 1\\. numbered", "- 2\\) paren", "- \\- dash", "- \\+ plus", "- \\> quote", "- \\= rule"]
    assert items == expected


def test_an_acceptance_not_in_force_is_not_counted_or_shown_as_accepted(catalog):
    """A rejected acceptance accepts nothing: the summary does not count it and its row says so
    (not "no matching finding now" while its finding is open)."""
    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    acceptance = next(d for d in design.decisions if d.is_acceptance)
    before = to_markdown(design, None, catalog)
    assert "1 finding accepted as a trade-off" in before and "applies to a current finding" in before
    acceptance.status = "rejected"
    text = to_markdown(design, None, catalog)
    assert "0 findings accepted as a trade-off" in text
    row = next(line for line in text.splitlines() if line.startswith(f"| {acceptance.rule} |"))
    assert row.endswith("| rejected, so not applied |")


def test_dollar_signs_cannot_start_github_math():
    """GitHub renders $...$ as LaTeX: a name like "$x$ per $y$" must print its dollar signs."""
    assert md_inline("Cost $x$ per $y$") == "Cost \\$x\\$ per \\$y\\$"
    assert md_cell("$a$") == "\\$a\\$"
    assert _plain(md_inline("$x$")) == "$x$"


def test_large_fractional_values_read_as_numbers_with_separators(recommender, catalog):
    # Values of a million or more that are not whole read '1.23457e+06' (QPS) and
    # '1.23457e+06 hours' (a duration that is no whole number of days).
    from app.rules.engine import check_design

    endpoint = next(c for c in recommender.components if c.kind == "endpoint")
    endpoint.properties["qps"] = 1234567.89
    delayed = next(c for c in recommender.components if catalog.kind(c.kind).property("delay_hours"))
    delayed.properties["delay_hours"] = 2345678.5
    text = to_markdown(recommender, check_design(recommender, catalog), catalog)
    assert "1,234,567.9 QPS" in text and "2,345,678.5 hours" in text
    assert "e+06" not in text
