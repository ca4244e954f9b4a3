"""Edit operations on a Design.

Each operation validates everything first and raises a DesignError without touching the
design; only then does it change the design in place. It returns what changed (for the
graph mirror and the canvas) and what the inverse operation needs (for undo).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.domain.catalog import Catalog
from app.domain.errors import (
    DuplicateIdError,
    InvalidLinkError,
    UnknownComponentError,
    UnknownKindError,
    UnknownLinkError,
    UnknownPropertyError,
)
from app.domain.model import (
    FLOWS,
    OVERRIDE_LEVELS,
    PHASES,
    Component,
    Decision,
    Design,
    Link,
    Position,
    PropertyValue,
)

ChangeKind = Literal[
    "component_added",
    "component_removed",
    "component_changed",
    "component_moved",
    "link_added",
    "link_removed",
    "link_changed",
    "meta_changed",
    "decisions_changed",
    "overrides_changed",
]

COMPONENT_TEXT_FIELDS = ("name", "technology", "notes")
LINK_FIELDS = ("flow", "phase", "feedback", "label")
META_FIELDS = ("title", "author", "problem", "notes")


@dataclass(frozen=True)
class Change:
    """One thing that changed: what, and the id of the component or link."""

    what: ChangeKind
    id: str = ""


@dataclass
class RemovedComponent:
    """Everything needed to put a removed component back where it was."""

    component: Component
    index: int
    links: list[tuple[int, Link]] = field(default_factory=list)


# ---- ids ---------------------------------------------------------------------------------


def next_id(prefix: str, taken: Iterable[str]) -> str:
    """The first `prefix<n>` (n = 1, 2, ...) not in `taken`."""
    used = set(taken)
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def new_component_id(design: Design, kind: str) -> str:
    return next_id(f"{kind}_", design.component_by_id())


def new_link_id(design: Design) -> str:
    return next_id("l", design.link_by_id())


def new_decision_id(design: Design) -> str:
    return next_id("d", (d.id for d in design.decisions))


# ---- lookups -----------------------------------------------------------------------------


def get_component(design: Design, component_id: str) -> Component:
    try:
        return design.component_by_id()[component_id]
    except KeyError:
        raise UnknownComponentError(component_id) from None


def get_link(design: Design, link_id: str) -> Link:
    try:
        return design.link_by_id()[link_id]
    except KeyError:
        raise UnknownLinkError(link_id) from None


def find_link(design: Design, source: str, target: str) -> Link | None:
    for link in design.links:
        if link.source == source and link.target == target:
            return link
    return None


def _index_of(items: Sequence[object], item: object) -> int:
    """Position of `item` by identity (list.index would compare whole pydantic models)."""
    for index, candidate in enumerate(items):
        if candidate is item:
            return index
    raise ValueError("item not in list")


# ---- components --------------------------------------------------------------------------


def make_component(
    design: Design,
    catalog: Catalog,
    kind: str,
    x: float = 0.0,
    y: float = 0.0,
    name: str | None = None,
) -> Component:
    """A new component of `kind` with a fresh id and default name (not yet added)."""
    spec = catalog.kind(kind)
    if spec is None:
        raise UnknownKindError(kind)
    return Component(
        id=new_component_id(design, kind),
        kind=kind,
        name=name if name is not None else spec.label,
        position=Position(x=x, y=y),
    )


def add_component(
    design: Design, catalog: Catalog, component: Component, index: int | None = None
) -> list[Change]:
    if component.id in design.component_by_id():
        raise DuplicateIdError(component.id)
    spec = catalog.kind(component.kind)
    if spec is None:
        raise UnknownKindError(component.kind)
    for name, value in component.properties.items():
        prop = spec.property(name)
        if prop is None:
            raise UnknownPropertyError(component.kind, name)
        prop.validate(value)
    at = len(design.components) if index is None else max(0, min(index, len(design.components)))
    design.components.insert(at, component)
    design.component_by_id()[component.id] = component
    return [Change("component_added", component.id)]


def remove_component(design: Design, component_id: str) -> tuple[RemovedComponent, list[Change]]:
    """Remove a component and every link touching it."""
    component = get_component(design, component_id)
    index = _index_of(design.components, component)
    removed_links = [
        (i, link)
        for i, link in enumerate(design.links)
        if link.source == component_id or link.target == component_id
    ]
    changes = [Change("link_removed", link.id) for _, link in removed_links]
    gone = {link.id for _, link in removed_links}
    design.links[:] = [link for link in design.links if link.id not in gone]
    links_index = design.link_by_id()
    for link_id in gone:
        links_index.pop(link_id, None)
    del design.components[index]
    design.component_by_id().pop(component_id, None)
    changes.append(Change("component_removed", component_id))
    return RemovedComponent(component, index, removed_links), changes


def restore_component(design: Design, removed: RemovedComponent) -> list[Change]:
    """Inverse of remove_component: the component and its links back at their places."""
    component = removed.component
    if component.id in design.component_by_id():
        raise DuplicateIdError(component.id)
    design.components.insert(min(removed.index, len(design.components)), component)
    design.component_by_id()[component.id] = component
    changes = [Change("component_added", component.id)]
    for index, link in sorted(removed.links, key=lambda item: item[0]):
        design.links.insert(min(index, len(design.links)), link)
        design.link_by_id()[link.id] = link
        changes.append(Change("link_added", link.id))
    return changes


def move_components(
    design: Design, positions: Mapping[str, tuple[float, float]]
) -> tuple[dict[str, tuple[float, float]], list[Change]]:
    """Move several components at once; returns their previous positions."""
    components = [get_component(design, cid) for cid in positions]
    previous: dict[str, tuple[float, float]] = {}
    changes = []
    for component in components:
        x, y = positions[component.id]
        previous[component.id] = (component.position.x, component.position.y)
        component.position = Position(x=float(x), y=float(y))
        changes.append(Change("component_moved", component.id))
    return previous, changes


def set_pinned(
    design: Design, pinned: Mapping[str, bool]
) -> tuple[dict[str, bool], list[Change]]:
    """Pin or unpin components (auto-layout leaves pinned ones in place); returns the old flags."""
    components = [get_component(design, cid) for cid in pinned]
    for component in components:
        if not isinstance(pinned[component.id], bool):
            raise TypeError(f"pinned of {component.id!r} must be true or false")
    previous: dict[str, bool] = {}
    changes = []
    for component in components:
        previous[component.id] = component.pinned
        component.pinned = pinned[component.id]
        changes.append(Change("component_changed", component.id))
    return previous, changes


def set_component_field(
    design: Design, component_id: str, field_name: str, value: str
) -> tuple[str, list[Change]]:
    """Set name, technology or notes; returns the old value."""
    if field_name not in COMPONENT_TEXT_FIELDS:
        raise ValueError(f"not an editable component field: {field_name!r}")
    if not isinstance(value, str):
        raise TypeError(f"{field_name} must be text")
    component = get_component(design, component_id)
    old = getattr(component, field_name)
    setattr(component, field_name, value)
    return old, [Change("component_changed", component_id)]


def set_property(
    design: Design, catalog: Catalog, component_id: str, name: str, value: Any
) -> tuple[PropertyValue, list[Change]]:
    """Set one catalog property (None unsets it); returns the old value."""
    component = get_component(design, component_id)
    spec = catalog.kind(component.kind)
    if spec is None:
        raise UnknownKindError(component.kind)
    prop = spec.property(name)
    if prop is None:
        raise UnknownPropertyError(component.kind, name)
    canonical = prop.validate(value)
    old = component.properties.get(name)
    if canonical is None:
        component.properties.pop(name, None)
    else:
        component.properties[name] = canonical
    return old, [Change("component_changed", component_id)]


# ---- links -------------------------------------------------------------------------------


def check_link(design: Design, source: str, target: str, ignore: str | None = None) -> None:
    """Raise InvalidLinkError if source -> target may not be drawn."""
    index = design.component_by_id()
    for end in (source, target):
        if end not in index:
            raise InvalidLinkError(f"no component with id {end!r}")
    if source == target:
        raise InvalidLinkError("a component cannot link to itself")
    existing = find_link(design, source, target)
    if existing is not None and existing.id != ignore:
        raise InvalidLinkError(
            f"{index[source].name or source} already links to {index[target].name or target}"
        )


def make_link(design: Design, catalog: Catalog, source: str, target: str, **fields: Any) -> Link:
    """A new link with a fresh id and the catalog's default flow (not yet added)."""
    check_link(design, source, target)
    index = design.component_by_id()
    flow = fields.pop("flow", None) or catalog.default_flow(index[source].kind, index[target].kind)
    return Link(id=new_link_id(design), source=source, target=target, flow=flow, **fields)


def add_link(design: Design, link: Link, index: int | None = None) -> list[Change]:
    if link.id in design.link_by_id():
        raise DuplicateIdError(link.id)
    check_link(design, link.source, link.target)
    _check_link_values(link.flow, link.phase)
    at = len(design.links) if index is None else max(0, min(index, len(design.links)))
    design.links.insert(at, link)
    design.link_by_id()[link.id] = link
    return [Change("link_added", link.id)]


def remove_link(design: Design, link_id: str) -> tuple[tuple[int, Link], list[Change]]:
    link = get_link(design, link_id)
    index = _index_of(design.links, link)
    del design.links[index]
    design.link_by_id().pop(link_id, None)
    return (index, link), [Change("link_removed", link_id)]


def set_link_fields(design: Design, link_id: str, **values: Any) -> tuple[dict[str, Any], list[Change]]:
    """Change flow, phase, feedback or label of a link; returns the old values."""
    link = get_link(design, link_id)
    unknown = set(values) - set(LINK_FIELDS)
    if unknown:
        raise InvalidLinkError(f"not editable link fields: {sorted(unknown)}")
    _check_link_values(values.get("flow", link.flow), values.get("phase", link.phase))
    if "feedback" in values and not isinstance(values["feedback"], bool):
        raise InvalidLinkError("feedback must be true or false")
    if "label" in values and not isinstance(values["label"], str):
        raise InvalidLinkError("label must be text")
    old = {name: getattr(link, name) for name in values}
    for name, value in values.items():
        setattr(link, name, value)
    return old, [Change("link_changed", link_id)]


def _check_link_values(flow: str, phase: str) -> None:
    if flow not in FLOWS:
        raise InvalidLinkError(f"unknown flow {flow!r}; expected one of {', '.join(FLOWS)}")
    if phase not in PHASES:
        raise InvalidLinkError(f"unknown phase {phase!r}; expected one of {', '.join(PHASES)}")


# ---- design-level ------------------------------------------------------------------------


def set_meta_field(design: Design, field_name: str, value: str) -> tuple[str, list[Change]]:
    if field_name not in META_FIELDS:
        raise ValueError(f"not an editable meta field: {field_name!r}")
    if not isinstance(value, str):
        raise TypeError(f"{field_name} must be text")
    old = getattr(design.meta, field_name)
    setattr(design.meta, field_name, value)
    return old, [Change("meta_changed")]


def add_decision(design: Design, decision: Decision, index: int | None = None) -> list[Change]:
    """Add a checked decision record (see app.domain.decision_ops, where decisions are edited)."""
    from app.domain import decision_ops

    return decision_ops.add_decision(design, decision, index)


def remove_decision(design: Design, decision_id: str) -> tuple[tuple[int, Decision], list[Change]]:
    from app.domain import decision_ops

    return decision_ops.remove_decision(design, decision_id)


def set_rule_override(design: Design, rule_id: str, level: str | None) -> tuple[str | None, list[Change]]:
    """Set a rule's per-design severity ('off', 'info', 'warning', 'error'); None removes it."""
    if level is not None and level not in OVERRIDE_LEVELS:
        raise ValueError(f"unknown override level {level!r}")
    old = design.rule_overrides.get(rule_id)
    if level is None:
        design.rule_overrides.pop(rule_id, None)
    else:
        design.rule_overrides[rule_id] = level  # type: ignore[assignment]
    return old, [Change("overrides_changed", rule_id)]
