"""Typed errors raised by the domain's edit operations."""

from __future__ import annotations

QUOTE_LIMIT = 60
NUMBER_TOO_LARGE = "the number is too large (more than 1.8e308)"  # beyond a float's range


def quoted(value: object) -> str:
    """repr(value) for a message, cut after QUOTE_LIMIT characters: a message stays one
    readable line whatever a file holds (a 6,000-character name, id or value)."""
    text = repr(value)
    if len(text) <= QUOTE_LIMIT:
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return f"{text[:QUOTE_LIMIT]}...{size}"


def quoted_all(values: list[str], shown: int = 3) -> str:
    """The first `shown` values quoted, and how many more there are."""
    more = f" and {len(values) - shown:,} more" if len(values) > shown else ""
    return ", ".join(map(quoted, values[:shown])) + more


def rule_id(rule: str) -> str:
    """A rule id for a message: as it is when it reads as one (R12), else quoted."""
    return rule if rule.isascii() and rule.isalnum() else quoted(rule)


class DesignError(ValueError):
    """Base of every error an edit operation raises; the design is left untouched."""


class UnknownComponentError(DesignError):
    def __init__(self, component_id: str):
        super().__init__(f"no component with id {quoted(component_id)}")
        self.component_id = component_id


class UnknownLinkError(DesignError):
    def __init__(self, link_id: str):
        super().__init__(f"no link with id {quoted(link_id)}")
        self.link_id = link_id


class DuplicateIdError(DesignError):
    def __init__(self, item_id: str):
        super().__init__(f"id {quoted(item_id)} is already used")
        self.item_id = item_id


class UnknownKindError(DesignError):
    def __init__(self, kind: str):
        super().__init__(f"unknown component kind {quoted(kind)}")
        self.kind = kind


class InvalidLinkError(DesignError):
    """A self-link, a duplicate link, or a link with an unknown flow or phase."""


class PropertyValueError(DesignError):
    def __init__(self, name: str, problem: str):
        super().__init__(f"property {name!r}: {problem}")
        self.name = name
        self.problem = problem


class UnknownPropertyError(DesignError):
    def __init__(self, kind: str, name: str):
        super().__init__(f"kind {kind!r} has no property {name!r}")
        self.kind = kind
        self.name = name


class InvalidFieldError(DesignError):
    """An edit names a field that cannot be edited, or gives it a value it cannot hold."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
