"""Change records: what an edit changed, as the document, the rule engine and the graph
mirror read it (kept apart from the ops so that every edit module can import it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class Change:
    """One thing that changed: what, and the id of the component or link."""

    what: ChangeKind
    id: str = ""
