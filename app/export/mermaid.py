"""A design as a Mermaid flowchart (``flowchart LR``), one subgraph per stage.

Node and subgraph ids are generated (n0, n1, ... and s1..s6); labels are quoted and every
character Mermaid or HTML could read as syntax is written as an entity code (``#quot;``,
``#lt;``, ``#35;`` ...), newlines as ``<br/>``. Feedback links are dashed (``-.->``).

A node shows at most NAME_LINES lines of its name and TECH_LINES of its technology, a link at
most LABEL_LINES of its label: text that goes on ends in an ellipsis, so a 5,000-letter
technology is not a node 139 lines tall (the full text stays in the design file, and in the
Markdown document's and the report's component lists).

Right-to-left text and bidi controls: each line of user text is wrapped in FSI ... PDI (a
first-strong isolate) with only its balanced bidi controls kept, so a name cannot reorder the
label text around it (text.isolate).

Built in a job (the window's export worker), it reports progress and honours Cancel through
app.progress: a checkpoint per stage and per batch of links.
"""

from __future__ import annotations

from app import progress
from app.domain.catalog import Catalog, default_catalog
from app.domain.line_breaks import ELLIPSIS
from app.domain.model import Design, Link
from app.export.dot import OTHER_STAGE, stage_groups, tint
from app.export.text import balance_bidi, clean, component_title, isolate, wrap_lines

# Characters written as Mermaid entity codes inside a quoted label.
_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "(": "#40;",
    ")": "#41;",
    "|": "#124;",
    "`": "#96;",
    ";": "#59;",
    "%": "#37;",
    "\\": "#92;",
}


BATCH = 200  # components or links written between two cancellation checkpoints
NAME_WIDTH, NAME_LINES = 30, 4
TECH_WIDTH, TECH_LINES = 36, 2
LABEL_WIDTH, LABEL_LINES = 30, 2


def mermaid_escape(text: str) -> str:
    """One line of user text as safe Mermaid label content."""
    return "".join(_ENTITIES.get(ch, ch) for ch in isolate(clean(text).replace("\n", " ")))


def label_lines(text: str, width: int = NAME_WIDTH, max_lines: int = NAME_LINES) -> list[str]:
    """User text as at most `max_lines` lines of `width` characters (text.wrap_lines): the
    last one ends in an ellipsis when the text goes on."""
    lines = wrap_lines(text, width)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    return [*lines[: max_lines - 1], balance_bidi(last[: width - 1].rstrip()) + ELLIPSIS]


def mermaid_label(text: str, width: int = NAME_WIDTH, max_lines: int = NAME_LINES) -> str:
    """User text as label lines joined with <br/> (label_lines)."""
    return "<br/>".join(mermaid_escape(line) for line in label_lines(text, width, max_lines))


def _yaml_quote(text: str) -> str:
    """A single-quoted YAML scalar (no escapes but doubled quotes) for the front matter."""
    return "'" + isolate(" ".join(clean(text).split())).replace("'", "''") + "'"


def _link_line(link: Link, node_ids: dict[str, str]) -> str | None:
    if link.source not in node_ids or link.target not in node_ids:
        return None
    text = mermaid_escape(link.flow)
    extra = mermaid_label(link.label, LABEL_WIDTH, LABEL_LINES)
    if extra:
        text += "<br/>" + extra
    arrow = "-.->" if link.feedback else "-->"
    return f'  {node_ids[link.source]} {arrow}|"{text}"| {node_ids[link.target]}'


def to_mermaid(design: Design, catalog: Catalog | None = None) -> str:
    """The design as Mermaid flowchart text."""
    catalog = catalog or default_catalog()
    node_ids = {c.id: f"n{i}" for i, c in enumerate(design.components)}
    lines = [
        "---",
        "title: " + _yaml_quote(design.meta.title),
        "---",
        "flowchart LR",
    ]
    class_lines: list[str] = []
    groups = stage_groups(design, catalog)
    placed, total = 0, max(1, len(design.components) + len(design.links))
    for (stage_id, label, color), members in groups:
        progress.checkpoint(placed / total, "Writing the Mermaid figure")
        number = next((s.number for s in catalog.stages if s.id == stage_id), len(catalog.stages) + 1)
        sub_id = f"s{number}"
        lines.append(f'  subgraph {sub_id}["{mermaid_escape(label)}"]')
        lines.append("    direction TB")
        for index in members:
            placed += 1
            if placed % BATCH == 0:
                progress.checkpoint(placed / total)
            component = design.components[index]
            spec = catalog.kind(component.kind)
            kind_label = spec.label if spec else component.kind
            title = mermaid_label(component_title(component.name, kind_label)) or mermaid_escape(component.id)
            parts = [f"<b>{title}</b>", f"<i>{mermaid_escape(kind_label)}</i>"]
            tech = mermaid_label(component.technology, TECH_WIDTH, TECH_LINES)
            if tech:
                parts.append(tech)
            lines.append(f'    {node_ids[component.id]}["{"<br/>".join(parts)}"]')
        lines.append("  end")
        class_name = "other" if stage_id == OTHER_STAGE[0] else stage_id
        class_lines.append(f"  classDef {class_name} fill:#ffffff,stroke:{color},stroke-width:1.5px")
        class_lines.append(f"  style {sub_id} fill:{tint(color, 0.14)},stroke:{color}")
        class_lines.append(
            f"  class {','.join(node_ids[design.components[i].id] for i in members)} {class_name}"
        )
    for number, link in enumerate(design.links):
        if number % BATCH == 0:
            progress.checkpoint((placed + number) / total)
        line = _link_line(link, node_ids)
        if line:
            lines.append(line)
    lines.extend(class_lines)
    progress.checkpoint(1.0)
    return "\n".join(lines) + "\n"
