"""Hypothesis strategies: valid designs, and designs edited from them the way users edit."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from app.domain.catalog import PropertySpec, default_catalog
from app.domain.model import FLOWS, PHASES, Component, Decision, Design, Link, Meta, Position
from app.domain.ops import next_id

CATALOG = default_catalog()
KINDS = sorted(CATALOG.kinds)
TEXT = st.text(alphabet="abc XYZ<>*_|[]()\u00e9\u05d0", max_size=8)
RULES = ("R1", "R3", "R7", "R24")
LEVELS = ("off", "info", "warning", "error")


def _value(spec: PropertySpec) -> st.SearchStrategy[Any]:
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "set":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=3).map(
            lambda chosen: [v for v in spec.values if v in chosen]
        )
    if spec.type == "bool":
        return st.booleans()
    if spec.type in ("int", "float"):
        low = int(spec.minimum) if spec.minimum is not None else 0
        high = int(spec.maximum) if spec.maximum is not None else 1000
        numbers = st.integers(low, max(low, high))
        return numbers if spec.type == "int" else numbers.map(float)
    if spec.type == "list":
        return st.lists(TEXT, max_size=3)
    return TEXT


@st.composite
def properties(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    spec = CATALOG.kinds[kind]
    chosen = (
        draw(st.lists(st.sampled_from(spec.properties), unique_by=lambda p: p.name, max_size=3))
        if (spec.properties)
        else []
    )
    return {p.name: draw(_value(p)) for p in chosen}


@st.composite
def components(draw: st.DrawFn, cid: str) -> Component:
    kind = draw(st.sampled_from(KINDS))
    return Component(
        id=cid,
        kind=kind,
        name=draw(TEXT),
        technology=draw(st.sampled_from(["", "Kafka", "Redis"])),
        properties=draw(properties(kind)),
        position=Position(x=float(draw(st.integers(0, 9)) * 100), y=float(draw(st.integers(0, 9)) * 100)),
    )


def _link(draw: st.DrawFn, lid: str, a: str, b: str) -> Link:
    return Link(
        id=lid,
        source=a,
        target=b,
        flow=draw(st.sampled_from(FLOWS)),
        phase=draw(st.sampled_from(PHASES)),
        feedback=draw(st.booleans()),
    )


@st.composite
def designs(draw: st.DrawFn) -> Design:
    n = draw(st.integers(1, 6))
    comps = [draw(components(f"c{i}")) for i in range(n)]
    links: list[Link] = []
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    for a, b in dict.fromkeys(p for p in pairs if p[0] != p[1]):
        links.append(_link(draw, f"l{len(links) + 1}", comps[a].id, comps[b].id))
    decisions = [
        Decision(id=f"d{i + 1}", rule=rule, components=[comps[0].id], rationale="ok", date="2026-01-01")
        for i, rule in enumerate(draw(st.lists(st.sampled_from(RULES), unique=True, max_size=2)))
    ]
    overrides = draw(st.dictionaries(st.sampled_from(RULES), st.sampled_from(LEVELS), max_size=2))
    meta = Meta(title=draw(TEXT), created="2026-01-01T00:00:00+00:00", modified="2026-01-01T00:00:00+00:00")
    return Design(meta=meta, components=comps, links=links, decisions=decisions, rule_overrides=overrides)


EDIT_KINDS = (
    "rename",
    "property",
    "unset",
    "technology",
    "move",
    "add_component",
    "remove_component",
    "add_link",
    "remove_link",
    "flow",
    "retarget",
    "override",
    "decision",
    "remove_decision",
    "title",
)


@st.composite
def edited(draw: st.DrawFn, design: Design, max_edits: int = 3) -> Design:
    """A copy of `design` after a few user edits (every result is a valid design)."""
    d = design.model_copy(deep=True)
    d.invalidate_indexes()
    for edit in draw(st.lists(st.sampled_from(EDIT_KINDS), min_size=1, max_size=max_edits)):
        _apply(draw, d, edit)
        d.invalidate_indexes()
    return d


def _apply(draw: st.DrawFn, d: Design, edit: str) -> None:
    comps = d.components
    if edit == "add_component" or not comps:
        comps.append(draw(components(next_id("c", (c.id for c in comps)))))
        return
    comp = draw(st.sampled_from(comps))
    spec = CATALOG.kinds[comp.kind]
    if edit == "rename":
        comp.name = draw(TEXT)
    elif edit == "property" and spec.properties:
        prop = draw(st.sampled_from(spec.properties))
        comp.properties[prop.name] = draw(_value(prop))
    elif edit == "unset" and comp.properties:
        comp.properties.pop(draw(st.sampled_from(sorted(comp.properties))))
    elif edit == "technology":
        comp.technology = draw(st.sampled_from(["", "Spark", "Feast"]))
    elif edit == "move":
        comp.position = Position(x=comp.position.x + 50, y=comp.position.y)
    elif edit == "remove_component":
        comps.remove(comp)
        d.links = [lk for lk in d.links if comp.id not in (lk.source, lk.target)]
    elif edit in ("add_link", "retarget"):
        pairs = {(lk.source, lk.target) for lk in d.links}
        free = [(a.id, b.id) for a in comps for b in comps if a.id != b.id and (a.id, b.id) not in pairs]
        if not free:
            return
        a, b = draw(st.sampled_from(free))
        if edit == "add_link" or not d.links:
            d.links.append(_link(draw, next_id("l", (lk.id for lk in d.links)), a, b))
        else:
            link = draw(st.sampled_from(d.links))
            link.source, link.target = a, b
    elif edit == "remove_link" and d.links:
        d.links.remove(draw(st.sampled_from(d.links)))
    elif edit == "flow" and d.links:
        draw(st.sampled_from(d.links)).flow = draw(st.sampled_from(FLOWS))
    elif edit == "override":
        rule = draw(st.sampled_from(RULES))
        level = draw(st.sampled_from((*LEVELS, None)))
        if level is None:
            d.rule_overrides.pop(rule, None)
        else:
            d.rule_overrides[rule] = level
    elif edit == "decision":
        if d.decisions and draw(st.booleans()):
            draw(st.sampled_from(d.decisions)).rationale = draw(TEXT.filter(str.strip))
        else:
            did = next_id("d", (x.id for x in d.decisions))
            d.decisions.append(
                Decision(
                    id=did,
                    rule=draw(st.sampled_from(RULES)),
                    components=[comp.id],
                    rationale="because",
                    date="2026-02-02",
                )
            )
    elif edit == "remove_decision" and d.decisions:
        d.decisions.remove(draw(st.sampled_from(d.decisions)))
    elif edit == "title":
        d.meta.title = draw(TEXT)
