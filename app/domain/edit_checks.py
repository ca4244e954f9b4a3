"""The checks behind the edit operations (app/domain/ops.py): what each field may hold.

Each raises a DesignError (a ValueError) naming the field and the problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from app.domain.catalog import Catalog
from app.domain.errors import (
    DuplicateIdError,
    InvalidFieldError,
    InvalidLinkError,
    UnknownKindError,
    UnknownPropertyError,
)
from app.domain.model import FLOWS, MAX_COORDINATE, PHASES, Component, Design, Link, Position
from app.domain.safe_text import text_problem

COMPONENT_TEXT_FIELDS = ("name", "technology", "notes")
LINK_FIELDS = ("flow", "phase", "feedback", "label")
META_FIELDS = ("title", "author", "problem", "notes")


def check_new_component(catalog: Catalog, component: Component, taken: Iterable[str]) -> None:
    if component.id in taken:
        raise DuplicateIdError(component.id)
    spec = catalog.kind(component.kind)
    if spec is None:
        raise UnknownKindError(component.kind)
    for name, value in component.properties.items():
        prop = spec.property(name)
        if prop is None:
            raise UnknownPropertyError(component.kind, name)
        prop.validate(value)
    for name in COMPONENT_TEXT_FIELDS:
        check_text(name, getattr(component, name))


def check_new_items(design: Design, catalog: Catalog, components: list[Component], links: list[Link]) -> None:
    """Components and links to be added together, checked against the design and each other."""
    taken = set(design.component_by_id())
    for component in components:
        check_new_component(catalog, component, taken)
        taken.add(component.id)
    link_ids = set(design.link_by_id())
    pairs = {(link.source, link.target) for link in design.links}
    for link in links:
        if link.id in link_ids:
            raise DuplicateIdError(link.id)
        for end in (link.source, link.target):
            if end not in taken:
                raise InvalidLinkError(f"no component with id {end!r}")
        if link.source == link.target:
            raise InvalidLinkError("a component cannot link to itself")
        if (link.source, link.target) in pairs:
            raise InvalidLinkError(f"{link.source!r} already links to {link.target!r}")
        check_link_values(link.flow, link.phase)
        check_text("label", link.label)
        link_ids.add(link.id)
        pairs.add((link.source, link.target))


def check_position(component_id: str, x: float, y: float) -> Position:
    field = f"position of {component_id!r}"
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidFieldError(field, f"{value!r} is not a finite number")
        if abs(value) > MAX_COORDINATE:
            raise InvalidFieldError(field, f"{value:g} is beyond ±{MAX_COORDINATE:g}")
    return Position(x=float(x), y=float(y))


def check_text(field_name: str, value: object) -> None:
    """A text field's value must be a string that a design may hold (app/domain/safe_text.py)."""
    if not isinstance(value, str):
        raise InvalidFieldError(field_name, f"must be text, not {type(value).__name__}")
    problem = text_problem(value)
    if problem is not None:
        raise InvalidFieldError(field_name, problem)


def check_new_name(value: object) -> None:
    """A component renamed must keep a name to show: a blank one is refused. Only an edit's new
    name is checked: a design may hold a blank name (a file, `mlsd`), and undo puts it back."""
    if isinstance(value, str) and not value.strip():
        raise InvalidFieldError("name", "cannot be empty or only spaces; the card keeps its name")


def check_link(design: Design, source: str, target: str, ignore: str | None = None) -> None:
    """Raise InvalidLinkError if source -> target may not be drawn."""
    index = design.component_by_id()
    for end in (source, target):
        if end not in index:
            raise InvalidLinkError(f"no component with id {end!r}")
    if source == target:
        raise InvalidLinkError("a component cannot link to itself")
    existing = next((lk for lk in design.links if lk.source == source and lk.target == target), None)
    if existing is not None and existing.id != ignore:
        raise InvalidLinkError(
            f"{index[source].name or source} already links to {index[target].name or target}"
        )


def check_link_values(flow: str, phase: str) -> None:
    if flow not in FLOWS:
        raise InvalidLinkError(f"unknown flow {flow!r}; expected one of {', '.join(FLOWS)}")
    if phase not in PHASES:
        raise InvalidLinkError(f"unknown phase {phase!r}; expected one of {', '.join(PHASES)}")
