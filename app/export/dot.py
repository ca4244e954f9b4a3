"""A design as Graphviz DOT, built through the `graphviz` library.

Safety: node ids are generated (n0, n1, ...), never user text, and every label is an
HTML-like label assembled here from escaped text, so no user string can close a label, add
attributes or inject HTML. Output is deterministic: same design, same bytes.

Layout: one cluster per stage, stages left to right. Invisible anchor nodes (one per
non-empty stage, chained) pin each stage's components between its anchor and the next, so
the stage order holds whatever the links say. Links pointing back to an earlier stage are
drawn reversed with dir=back (the arrow still points at the link's target) so they do not
pull stages out of order; feedback links are dashed and constraint=false.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from app.domain.catalog import Catalog, default_catalog
from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Link
from app.export.renderer import render
from app.export.text import component_title, fit_lines, html_escape, html_fit, html_lines, measure_in_points
from app.rules.model import SEVERITY_RANK

if TYPE_CHECKING:  # imported by build_graph(): the report uses this module's stage helpers only
    import graphviz

# Arimo (shipped, Helvetica's metrics) rather than "Helvetica": the system dot maps PostScript
# names through its own alias table, which misses today's URW fonts and falls back to a wider
# font (DejaVu Sans), so names wrapped for Helvetica ran out of our layout's fixed-size cards.
FONT = "Arimo"
METRICS = "Helvetica"  # the standard PDF font whose widths (reportlab's) measure FONT's text
# (border, fill) per worst open severity.
SEVERITY_COLORS: dict[str, tuple[str, str]] = {
    "error": ("#C0392B", "#FADBD8"),
    "warning": ("#B9770E", "#FDEBD0"),
    "info": ("#2874A6", "#D6EAF8"),
}
OTHER_STAGE = ("other", "Other (unknown kinds)", "#999999")
# Above this many links, flows become external labels (xlabel): placed after layout, they keep
# big designs fast to lay out, at some cost in label placement.
INLINE_LABEL_LIMIT = 120
# Text in a card of our layout's fixed size (200 pt wide), in points per line: room for the
# card's rounded border and for renderers whose Helvetica stand-in is a little wider.
CARD_TEXT_WIDTH = 176.0
CARD_TECH_WIDTH = 160.0  # italic stand-ins run wider still
LINK_LABEL_WIDTH = 150.0
BIG_DESIGN = 100  # components


@dataclass
class DotGraph:
    """The generated DOT graph and the id each component got in it."""

    graph: graphviz.Digraph
    node_ids: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        source: str = self.graph.source
        return source


def tint(color: str, amount: float) -> str:
    """Mix a #RRGGBB colour with white; amount 0 is white, 1 the colour itself."""
    value = color.lstrip("#")
    if len(value) != 6:
        return "#FFFFFF"
    rgb = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 - (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def worst_severities(result: object | None) -> dict[str, str]:
    """Component id -> worst severity among its open (unaccepted) findings."""
    worst: dict[str, str] = {}
    if result is None:
        return worst
    for finding in getattr(result, "findings", ()):
        if finding.accepted or finding.severity not in SEVERITY_RANK:
            continue
        for cid in finding.components:
            current = worst.get(cid)
            if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current]:
                worst[cid] = finding.severity
    return worst


def stage_groups(design: Design, catalog: Catalog) -> list[tuple[tuple[str, str, str], list[int]]]:
    """Non-empty stages in framework order: ((id, label, colour), component indexes)."""
    order = {s.id: i for i, s in enumerate(catalog.stages)}
    buckets: dict[int, list[int]] = {}
    for index, component in enumerate(design.components):
        stage_id = catalog.stage_of(component.kind)
        buckets.setdefault(order.get(stage_id, len(order)) if stage_id else len(order), []).append(index)
    groups = []
    for position in sorted(buckets):
        if position < len(catalog.stages):
            stage = catalog.stages[position]
            info = (stage.id, f"{stage.number}. {stage.label}", stage.color)
        else:
            info = OTHER_STAGE
        groups.append((info, buckets[position]))
    return groups


def node_label(component: Component, catalog: Catalog, *, card: bool = False) -> str:
    """HTML-like label: the name in bold, then kind and technology in small type. `card`: for
    a box of the layout's fixed size, the name and the technology in at most two lines each."""
    spec = catalog.kind(component.kind)
    kind_label = spec.label if spec else component.kind
    name = component_title(component.name, kind_label)
    if not card and len(name) > NAME_LIMIT:  # as the report shows it, not a label of 300 lines
        name = shortened(name)
    title = (card_name(name) if card else html_lines(name)) or html_escape(component.id)
    parts = [f"<B>{title}</B>", f'<FONT POINT-SIZE="10" COLOR="#444444">{html_escape(kind_label)}</FONT>']
    tech = (
        html_fit(component.technology, CARD_TECH_WIDTH, 2, measure_in_points("Helvetica-Oblique", 10))
        if card
        else html_lines(component.technology, 36)
    )
    if tech:
        parts.append(f'<FONT POINT-SIZE="10" COLOR="#1F4E79"><I>{tech}</I></FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def card_name_lines(name: str) -> list[str]:
    """A name as drawn in a card of our layout: bold 12 pt, at most two lines."""
    return fit_lines(name, CARD_TEXT_WIDTH, 2, measure_in_points("Helvetica-Bold", 12))


def card_name(name: str) -> str:
    return "<BR/>".join(html_escape(line) for line in card_name_lines(name))


def edge_label(link: Link, *, card: bool = False) -> str:
    text = html_escape(link.flow)
    if card:
        extra = html_fit(link.label, LINK_LABEL_WIDTH, 2, measure_in_points(METRICS, 9))
    else:
        extra = html_lines(link.label, 30)
    if extra:
        text += "<BR/>" + extra
    return f"<{text}>"


def _graph_label(design: Design, worst: dict[str, str]) -> str:
    parts = [f'<FONT POINT-SIZE="16"><B>{html_lines(design.meta.title, 80) or "Untitled design"}</B></FONT>']
    if worst:
        legend = "  ".join(
            f'<FONT COLOR="{SEVERITY_COLORS[s][0]}"><B>{s}</B></FONT>'
            for s in ("error", "warning", "info")
            if s in worst.values()
        )
        parts.append(f'<FONT POINT-SIZE="10">Components with open findings: {legend}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def build_graph(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    rankdir: str = "LR",
    flow_labels: bool = True,
) -> DotGraph:
    """Build the Graphviz graph of a design.

    Args:
        design: the design to draw.
        catalog: kinds and stages (the shipped catalog by default).
        result: a CheckResult; its open findings colour the components they concern.
        rankdir: "LR" (stages left to right, the default) or "TB" (top to bottom, more
            compact on a portrait page).
        flow_labels: label links with their flow (inline up to INLINE_LABEL_LIMIT links,
            external xlabels beyond); False leaves links unlabelled.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be LR or TB, not {rankdir!r}")
    catalog = catalog or default_catalog()
    import graphviz

    worst = worst_severities(result)
    graph = graphviz.Digraph("design", format="svg")
    graph.attr(
        rankdir=rankdir,
        newrank="true",
        fontname=FONT,
        nodesep="0.25",
        ranksep="0.55",
        bgcolor="white",
        pad="0.2",
    )
    graph.attr(label=_graph_label(design, worst), labelloc="t", labeljust="l", fontsize="12")
    if len(design.components) > BIG_DESIGN:
        graph.attr(mclimit="0.5")  # fewer crossing-minimisation passes: a big layout in half the time
    graph.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="12", margin="0.12,0.06")
    graph.attr("edge", fontname=FONT, fontsize="9", fontcolor="#555555", color="#666666", arrowsize="0.7")

    node_ids = {c.id: f"n{i}" for i, c in enumerate(design.components)}
    stage_rank: dict[str, int] = {}
    anchors: list[str] = []
    for group_index, ((_stage_id, label, color), members) in enumerate(stage_groups(design, catalog)):
        anchor = f"a{group_index}"
        anchors.append(anchor)
        with graph.subgraph(name=f"cluster_{group_index}") as cluster:
            cluster.attr(
                label=f"<<B>{html_escape(label)}</B>>",
                style="rounded,filled",
                color=color,
                fillcolor=tint(color, 0.14),
                fontname=FONT,
                fontsize="13",
                labeljust="l",
                penwidth="1.2",
            )
            for index in members:
                component = design.components[index]
                stage_rank[component.id] = group_index
                attrs = {"fillcolor": "white", "color": color, "penwidth": "1.2"}
                severity = worst.get(component.id)
                if severity:
                    border, fill = SEVERITY_COLORS[severity]
                    attrs = {"fillcolor": fill, "color": border, "penwidth": "2.2"}
                cluster.node(node_ids[component.id], label=node_label(component, catalog), **attrs)
    _add_anchors(graph, anchors, design, node_ids, stage_rank)
    label_attr = ""
    if flow_labels:
        label_attr = "label" if len(design.links) <= INLINE_LABEL_LIMIT else "xlabel"
    for link in design.links:
        _add_link(graph, link, node_ids, stage_rank, label_attr)
    return DotGraph(graph=graph, node_ids=node_ids)


def _add_anchors(
    graph: graphviz.Digraph,
    anchors: list[str],
    design: Design,
    node_ids: dict[str, str],
    stage_rank: dict[str, int],
) -> None:
    if len(anchors) < 2:
        return
    for anchor in anchors:
        graph.node(anchor, label="", shape="point", style="invis", width="0", height="0", fixedsize="true")
    for first, second in zip(anchors, anchors[1:], strict=False):
        graph.edge(first, second, style="invis", weight="0")
    for component in design.components:
        rank = stage_rank[component.id]
        node = node_ids[component.id]
        graph.edge(anchors[rank], node, style="invis", weight="0", minlen="0")
        if rank + 1 < len(anchors):
            graph.edge(node, anchors[rank + 1], style="invis", weight="0")


def _add_link(
    graph: graphviz.Digraph,
    link: Link,
    node_ids: dict[str, str],
    stage_rank: dict[str, int],
    label_attr: str,
) -> None:
    if link.source not in node_ids or link.target not in node_ids:
        return
    source, target = node_ids[link.source], node_ids[link.target]
    attrs = {label_attr: edge_label(link)} if label_attr else {}
    if link.feedback:
        attrs.update(style="dashed", constraint="false", color="#7D3C98", fontcolor="#7D3C98")
        graph.edge(source, target, **attrs)
    elif stage_rank[link.target] < stage_rank[link.source]:
        # Drawn from target to source with the arrow at the tail: same picture, forward rank.
        graph.edge(target, source, dir="back", **attrs)
    else:
        graph.edge(source, target, **attrs)


def to_dot(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    rankdir: str = "LR",
    flow_labels: bool = True,
) -> str:
    """The design as DOT source text (components by stage, links with their flows)."""
    return build_graph(design, catalog, result, rankdir=rankdir, flow_labels=flow_labels).source


def to_svg(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    timeout: float | None = None,
    rankdir: str = "LR",
    flow_labels: bool = True,
) -> bytes:
    """The design drawn by Graphviz as SVG (raises RenderError when Graphviz cannot)."""
    source = to_dot(design, catalog, result, rankdir=rankdir, flow_labels=flow_labels)
    return render(source, "svg", timeout=timeout)


def to_png(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    timeout: float | None = None,
    rankdir: str = "LR",
) -> bytes:
    """The design drawn by Graphviz as PNG (raises RenderError when Graphviz cannot)."""
    return render(to_dot(design, catalog, result, rankdir=rankdir), "png", timeout=timeout)


# Stage views: what each stage's figure in the report shows ------------------------------


class StageView(NamedTuple):
    """A stage's components and the other stages' ones linked to them (context), as indexes;
    the links touching the stage; every component's group in stage_groups(), the groups
    (id, label, colour) and the stage's group (-1 when the design has none)."""

    members: list[int]
    context: list[int]
    links: list[Link]
    order: list[int]
    groups: list[tuple[str, str, str]]
    position: int


def stage_view(design: Design, catalog: Catalog, stage_id: str) -> StageView:
    """What the diagram of `stage_id` ("other" for unknown kinds) shows."""
    found = stage_groups(design, catalog)
    group_of = {index: p for p, (_info, indexes) in enumerate(found) for index in indexes}
    groups, order = [info for info, _indexes in found], [group_of[i] for i in range(len(design.components))]
    position = next((p for p, info in enumerate(groups) if info[0] == stage_id), -1)
    index_of = {c.id: i for i, c in enumerate(design.components)}
    context: set[int] = set()
    links = []
    for link in design.links:
        ends = [index_of[end] for end in (link.source, link.target) if end in index_of]
        if len(ends) == 2 and position in (order[ends[0]], order[ends[1]]):
            links.append(link)
            context.update(i for i in ends if order[i] != position)
    members = [i for i, p in enumerate(order) if p == position]
    return StageView(members, sorted(context, key=lambda i: (order[i], i)), links, order, groups, position)
