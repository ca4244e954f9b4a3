"""DOT export: escaping, structure, colours and determinism."""

from __future__ import annotations

import re

import pytest

from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Link
from app.export import build_graph, render, to_dot
from app.export.text import wrap_lines
from app.rules.engine import CheckResult, stage_coverage
from app.rules.model import Finding
from tests.export.designs import HOSTILE_NAMES
from tests.export.svgtext import SVG, node_texts

HTML_LABEL = re.compile(r"<(?:[^<>]|<[^<>]*>)*>")


def _without_labels(source: str) -> str:
    """DOT source with every HTML-like label removed: what is left is ids and attributes."""
    previous = None
    while previous != source:
        previous = source
        source = re.sub(r"(x?label)=<(?:[^<>]|<[^<>]*>)*>", r"\1=LABEL", source)
    return source


def test_node_ids_are_generated_never_user_text(hostile, catalog):
    source = to_dot(hostile, catalog)
    skeleton = _without_labels(source)
    for fragment in ("passwd", "pwned", "bold", "推荐", "Extraordinarily", "braces", "slash", "Café"):
        assert fragment not in skeleton, fragment
    statements = re.findall(r"^\s*([^\s\[]+) \[", skeleton, flags=re.MULTILINE)
    assert statements and all(re.fullmatch(r"(n|a)\d+|node|edge", s) for s in statements), statements
    edges = re.findall(r"^\s*(\S+) -> (\S+)", skeleton, flags=re.MULTILINE)
    assert edges and all(re.fullmatch(r"[na]\d+", a) and re.fullmatch(r"[na]\d+", b) for a, b in edges)


def test_every_user_string_is_html_escaped(hostile, catalog):
    source = to_dot(hostile, catalog)
    assert "a&quot; -&gt; b [image=&quot;/etc/passwd&quot;" in source
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;markup&lt;/i&gt;" in source
    assert "&amp;amp; already escaped" in source
    assert "back\\\\slash \\\\N \\\\G \\\\" in source  # Graphviz would expand \N and \G
    assert "line one<BR/>line two" in source
    assert 'image="' not in source and "<b>" not in source


def _as_labelled(name: str) -> str:
    """A name as its node's label holds it: shortened past NAME_LIMIT, as the report shows it."""
    return shortened(name) if len(name) > NAME_LIMIT else name


def test_a_name_of_thousands_of_letters_is_a_label_of_a_few_lines(catalog):
    """A 9,000-letter name was a label of 10,500 characters (375 lines of the node's width)."""
    name = " ".join(f"word{i}" for i in range(1500))
    source = to_dot(Design(components=[Component(id="c1", kind="model", name=name)]), catalog)
    assert "word0 " in source and "word1499" not in source and "…" in source
    assert max(len(line) for line in source.splitlines()) < 2 * NAME_LIMIT + 100


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_name_survives_graphviz_verbatim(name, renderer, catalog):
    design = Design(components=[Component(id="c1", kind="model", name=name, technology=name)])
    svg = render(to_dot(design, catalog), "svg", renderer=renderer)
    texts = node_texts(svg)["n0"]
    lines = wrap_lines(_as_labelled(name))
    assert texts[: len(lines)] == lines
    assert texts[len(lines)] == "Model"
    assert texts[len(lines) + 1 :] == wrap_lines(name, 36)


def test_hostile_design_renders_literally(hostile, hostile_check, catalog, renderer):
    import xml.etree.ElementTree as ET

    graph = build_graph(hostile, catalog, hostile_check)
    svg = render(graph.source, "svg", renderer=renderer)
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}image")), "a label injected an image"
    texts = node_texts(svg)
    drawn = {name for name in texts if re.fullmatch(r"n\d+", name)}
    assert drawn == set(graph.node_ids.values())
    for component in hostile.components:
        lines = wrap_lines(_as_labelled(component.name))
        assert texts[graph.node_ids[component.id]][: len(lines)] == lines
    assert 'a" -> b [image="/etc/passwd"' in texts[graph.node_ids["h0"]]


def test_one_cluster_per_stage_in_framework_order(recommender, catalog):
    source = to_dot(recommender, catalog)
    labels = re.findall(r"subgraph cluster_\d+ \{\s*[^\n]*label=<<B>([^<]+)</B>>", source)
    assert labels == [f"{s.number}. {s.label}" for s in catalog.stages]


def test_links_carry_flow_labels_feedback_is_dashed_and_unconstrained(recommender, catalog):
    graph = build_graph(recommender, catalog)
    source = graph.source
    ids = graph.node_ids
    feedback = re.search(rf"{ids['app']} -> {ids['labels']} \[([^\n]*)\]", source)
    assert feedback, source
    assert "style=dashed" in feedback.group(1) and "constraint=false" in feedback.group(1)
    assert "label=<label<BR/>watch time>" in feedback.group(1)
    # monitor (stage 6) -> endpoint (stage 5) points backwards: drawn reversed, arrow kept
    watch = re.search(rf"{ids['feed_api']} -> {ids['ops_monitor']} \[([^\n]*)\]", source)
    assert watch and "dir=back" in watch.group(1) and "label=<watch>" in watch.group(1)


def test_unlabelled_and_external_labels(catalog, builder):
    a, b = builder.add("data_source"), builder.add("dataset")
    builder.link(a, b)
    assert "label=<data>" in to_dot(builder.design, catalog)
    assert "label=<data>" not in to_dot(builder.design, catalog, flow_labels=False)


def _result(design: Design, catalog, *findings: Finding) -> CheckResult:
    return CheckResult(findings=list(findings), coverage=stage_coverage(design, catalog))


def test_findings_colour_components_by_worst_open_severity(recommender, recommender_check, catalog):
    graph = build_graph(recommender, catalog, recommender_check)
    source = graph.source

    def attrs(cid: str) -> str:
        match = re.search(rf"^\s*{graph.node_ids[cid]} \[(.*)\]$", source, flags=re.MULTILINE)
        assert match
        return match.group(1)

    assert 'color="#C0392B"' in attrs("feed_api")  # error beats the accepted info finding
    assert 'color="#B9770E"' in attrs("labels")  # warning
    assert "fillcolor=white" in attrs("ranker")
    assert "Components with open findings" in source
    accepted_only = _result(
        recommender,
        catalog,
        Finding(
            rule="R1",
            severity="error",
            stage="business",
            title="t",
            message="m",
            components=("ranker",),
            accepted=True,
        ),
    )
    assert (
        "fillcolor=white"
        in build_graph(recommender, catalog, accepted_only)
        .source.split(graph.node_ids["ranker"] + " [", 1)[1]
        .split("\n", 1)[0]
    )
    assert "Components with open findings" not in to_dot(recommender, catalog)


def test_output_is_deterministic(recommender, catalog):
    copy = Design.model_validate(recommender.to_json_data())
    assert to_dot(recommender, catalog) == to_dot(copy, catalog)


def test_control_characters_and_dangling_links_are_dropped(catalog):
    design = Design(
        components=[Component(id="a", kind="model", name="bell\x07 null\x00 esc\x1b")],
        links=[Link(id="l1", source="a", target="ghost")],
    )
    source = to_dot(design, catalog)
    assert "bell null esc" in source
    assert "ghost" not in source and "\x07" not in source


def test_unknown_kinds_get_their_own_cluster(catalog):
    design = Design(
        components=[Component(id="a", kind="quantum", name="Q"), Component(id="b", kind="model", name="M")]
    )
    source = to_dot(design, catalog)
    assert source.index("4. Model design") < source.index("Other (unknown kinds)")


def test_rankdir_is_checked(recommender, catalog):
    assert "rankdir=TB" in to_dot(recommender, catalog, rankdir="TB")
    with pytest.raises(ValueError):
        to_dot(recommender, catalog, rankdir="RL; image=x")


def test_a_lone_closing_bracket_does_not_break_graphviz(catalog):
    """System Graphviz (2.43) refused a label text that is a lone ']' ('syntax error in line 1
    ... ]</I>'): a component named ']' or built with ']' made SVG and PNG export fail."""
    import shutil

    from app.export.renderer import Renderer, find_renderer

    design = Design(
        components=[
            Component(id="a", kind="model", name="]", technology="]"),
            Component(id="b", kind="endpoint", name="]]]", technology="x"),
        ],
        links=[Link(id="l", source="a", target="b", flow="data", label="]")],
    )
    renderers = [find_renderer()]
    if shutil.which("dot"):
        renderers.append(Renderer(path=str(shutil.which("dot")), name="dot", found_by="PATH"))
    for renderer in renderers:
        svg = render(to_dot(design, catalog), "svg", renderer=renderer).decode("utf-8")
        assert "]]]" in svg and svg.count(">]<") >= 3, renderer
