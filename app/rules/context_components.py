"""What a rule asks of the components (`RuleContext`'s part that reads no link): which exist of
which kinds, in design order, and their names and properties.

Each component's fields are read once, from its `__dict__`: reading a pydantic model's
attribute goes through the model's `__getattr__` hook, several times the cost of a dict lookup,
and a check of a large design reads hundreds of thousands of them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from app.domain.model import Component, Design

# The per-check values below that read components only (not `_link_order`): an engine whose
# edits since the last check touched no component hands them to the next check's context.
COMPONENT_CACHES = ("fields", "by_kind", "order", "kind_of", "_properties", "_names", "_kind_ids")


class ComponentQueries:
    _design: Design
    index: dict[str, Component]

    def component_caches(self) -> dict[str, Any]:
        """The values of `COMPONENT_CACHES` computed so far (for `adopt_components`)."""
        mine = vars(self)
        return {name: mine[name] for name in COMPONENT_CACHES if name in mine}

    def adopt_components(self, caches: dict[str, Any]) -> None:
        """Take the component values another context of the same components computed: valid
        while no component has been added, removed or changed (properties and names included)."""
        vars(self).update(caches)

    @cached_property
    def fields(self) -> list[dict[str, Any]]:
        """Each component's fields, in design order."""
        return [vars(c) for c in self._design.components]

    @cached_property
    def by_kind(self) -> dict[str, list[Component]]:
        groups: dict[str, list[Component]] = {}
        for component, fields in zip(self._design.components, self.fields, strict=True):
            groups.setdefault(fields["kind"], []).append(component)
        return groups

    @cached_property
    def order(self) -> dict[str, int]:
        """Position of each component id in the design (for deterministic output)."""
        return {fields["id"]: i for i, fields in enumerate(self.fields)}

    @cached_property
    def kind_of(self) -> dict[str, str]:
        return {fields["id"]: fields["kind"] for fields in self.fields}

    @cached_property
    def _properties(self) -> dict[str, dict[str, Any]]:
        return {fields["id"]: fields["properties"] for fields in self.fields}

    @cached_property
    def _names(self) -> dict[str, str]:
        return {fields["id"]: fields["name"] or fields["id"] for fields in self.fields}

    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of any of the kinds, in design order (each kind's own list is in design
        order already: several are merged, not picked out of the whole design)."""
        groups = [group for kind in dict.fromkeys(kinds) if (group := self.by_kind.get(kind))]
        if len(groups) <= 1:
            return list(groups[0]) if groups else []
        order = self.order
        return list(heapq.merge(*groups, key=lambda c: order[vars(c)["id"]]))

    @cached_property
    def _kind_ids(self) -> dict[str, frozenset[str]]:
        ids: dict[str, list[str]] = {}
        for fields in self.fields:
            ids.setdefault(fields["kind"], []).append(fields["id"])
        return {kind: frozenset(found) for kind, found in ids.items()}

    def ids_of_kind(self, *kinds: str) -> set[str]:
        return set().union(*(self._kind_ids.get(kind, ()) for kind in kinds))

    def has_kind(self, *kinds: str) -> bool:
        return any(self.by_kind.get(k) for k in kinds)

    def component(self, component_id: str) -> Component:
        return self.index[component_id]

    def prop(self, component_id: str, name: str) -> Any:
        properties = self._properties.get(component_id)
        return properties.get(name) if properties is not None else None

    def name(self, component_id: str) -> str:
        return self._names.get(component_id, component_id)

    def sorted_ids(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Unique ids in design order (ids of no component last, sorted)."""
        order = self.order
        unique = set(ids)
        try:
            if len(unique) * 8 < len(order):
                return tuple(sorted(unique, key=order.__getitem__))
        except KeyError:
            pass
        else:  # most of the design: picked in design order rather than sorted
            if order.keys() >= unique:
                return tuple(i for i in order if i in unique)
        known = sorted((i for i in unique if i in order), key=order.__getitem__)
        return tuple(known + sorted(i for i in unique if i not in order))

    def with_id(self, ordered: Sequence[str], extra: str) -> tuple[str, ...]:
        """`sorted_ids([*ordered, extra])` for `ordered` unique component ids in design order."""
        at = self.order.get(extra)
        if at is None:
            return self.sorted_ids([*ordered, extra])
        where = bisect_left(ordered, at, key=self.order.__getitem__)
        if where < len(ordered) and ordered[where] == extra:
            return tuple(ordered)
        return (*ordered[:where], extra, *ordered[where:])
