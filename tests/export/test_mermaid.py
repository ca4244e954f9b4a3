"""Mermaid flowchart export."""

from __future__ import annotations

import html
import re

from app.domain.model import Design
from app.export import to_mermaid
from app.export.mermaid import mermaid_escape
from app.export.text import wrap_lines

NODE = re.compile(r'^\s+(n\d+)\["(.*)"\]$', re.MULTILINE)


def _numeric(label: str) -> str:
    """What Mermaid shows: #name; and #123; entity codes decoded."""
    return html.unescape(re.sub(r"#(\d+);", r"&#\1;", re.sub(r"#([a-z]+);", r"&\1;", label)))


def test_one_node_per_component_and_one_subgraph_per_stage(recommender, catalog):
    text = to_mermaid(recommender, catalog)
    assert text.splitlines()[3] == "flowchart LR"
    nodes = NODE.findall(text)
    assert len(nodes) == len(recommender.components) == len({n for n, _ in nodes})
    subgraphs = re.findall(r'^  subgraph (s\d)\["([^"]+)"\]$', text, flags=re.MULTILINE)
    assert [label for _, label in subgraphs] == [f"{s.number}. {s.label}" for s in catalog.stages]
    assert text.count("\n  end\n") == len(catalog.stages)


def test_links_have_flow_labels_and_feedback_is_dashed(recommender, catalog):
    text = to_mermaid(recommender, catalog)
    arrows = re.findall(r'^  (n\d+) (-->|-\.->)\|"([^"]*)"\| (n\d+)$', text, flags=re.MULTILINE)
    assert len(arrows) == len(recommender.links)
    dashed = [a for a in arrows if a[1] == "-.->"]
    assert len(dashed) == 1 and dashed[0][2] == "label<br/>watch time"


def test_hostile_labels_are_entity_coded(hostile, catalog):
    text = to_mermaid(hostile, catalog)
    nodes = dict(NODE.findall(text))
    assert len(nodes) == len(hostile.components)
    for index, component in enumerate(hostile.components):
        label = nodes[f"n{index}"]
        assert '"' not in label and "[" not in label and "]" not in label and "|" not in label
        assert not re.search(r"[{}();`%\\]", re.sub(r"#\w+;", "", label))
        name_part = label.split("<br/><i>", 1)[0].removeprefix("<b>").removesuffix("</b>")
        assert [_numeric(line) for line in name_part.split("<br/>")] == wrap_lines(component.name)
    assert "title: 'Hostile <title> & \"quotes\" 推荐'" in text


def test_escape_covers_entity_lookalikes():
    assert mermaid_escape("#quot;") == "#35;quot#59;"
    assert _numeric(mermaid_escape('a"b<c>&|d')) == 'a"b<c>&|d'


def test_empty_design(catalog):
    assert to_mermaid(Design(), catalog).splitlines()[-1] == "flowchart LR"
