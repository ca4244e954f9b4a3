"""Mermaid flowchart export."""

from __future__ import annotations

import html
import re

from app.domain.model import Design
from app.export import to_mermaid
from app.export.mermaid import label_lines, mermaid_escape

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
        assert [_numeric(line) for line in name_part.split("<br/>")] == label_lines(component.name)
    assert "title: 'Hostile <title> & \"quotes\" 推荐'" in text


def test_escape_covers_entity_lookalikes():
    assert mermaid_escape("#quot;") == "#35;quot#59;"
    assert _numeric(mermaid_escape('a"b<c>&|d')) == 'a"b<c>&|d'


def test_empty_design(catalog):
    assert to_mermaid(Design(), catalog).splitlines()[-1] == "flowchart LR"


def _node_parts(path) -> list[list[str]]:
    """The one node's label parts (name, kind, technology), each a list of decoded lines."""
    ((_node, label),) = NODE.findall(path.read_text(encoding="utf-8"))
    name, rest = label.removeprefix("<b>").split("</b><br/>", 1)
    kind, _, tech = rest.partition("<br/>")
    return [[_numeric(line) for line in part.split("<br/>")] for part in (name, kind, tech)]


def test_a_very_long_technology_and_name_are_capped_with_an_ellipsis(tmp_path, catalog):
    """A 5,000-letter technology was written whole: a node of 139 lines. It is capped as the
    name is (two lines, an ellipsis at the end), escaped like any label."""
    from app.cli import main
    from app.domain.model import Component
    from app.persistence import save_design

    words = " ".join(["Kafka", "<Streams>", '"exactly"', "#once|[x]"] * 500)
    tech = ("T" * 5000, words[:5000])
    for index, technology in enumerate(tech):
        name = "N" * 5000 if index == 0 else words[:3000]
        design = Design(components=[Component(id="a", kind="model", name=name, technology=technology)])
        path, out = tmp_path / f"d{index}.mlsd", tmp_path / f"d{index}.mmd"
        save_design(design, path)
        assert main(["export", str(path), "--mermaid", str(out)]) == 0
        name_lines, kind, tech_lines = _node_parts(out)
        assert kind == ["<i>Model</i>"]
        assert len(tech_lines) == 2 and tech_lines[-1].endswith("…"), tech_lines
        assert len(name_lines) == 4 and name_lines[-1].endswith("…"), name_lines
        shown = "".join(line.rstrip("-…") for line in tech_lines)  # the breaks' hyphens and the ellipsis
        assert technology.replace(" ", "").startswith(shown.replace(" ", ""))
        assert sum(len(line) for line in tech_lines) <= 80
        assert len(out.read_text(encoding="utf-8")) < 2000
        ((_node, raw),) = NODE.findall(out.read_text(encoding="utf-8"))
        assert not re.search(r'["|\[\]{}();`%\\]', re.sub(r"#\w+;", "", raw))  # escaped as any label
