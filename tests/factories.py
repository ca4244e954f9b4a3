"""Builders of designs for tests and benchmarks."""

from __future__ import annotations

import random
from typing import Any

from app.domain import ops
from app.domain.catalog import Catalog
from app.domain.model import Component, Design, Link, Meta, Position


class DesignBuilder:
    """Fluent construction of designs: add components by kind, link them by id."""

    def __init__(self, catalog: Catalog, title: str = "Test design"):
        self.catalog = catalog
        self.design = Design(meta=Meta(title=title))

    def add(self, kind: str, name: str | None = None, /, *, id: str | None = None, **props: Any) -> str:
        """Add a component; `name` is positional so a metric's `name=` property stays a property."""
        component = ops.make_component(self.design, self.catalog, kind, name=name)
        if id is not None:
            component.id = id
        n = len(self.design.components)
        component.position = Position(x=220.0 * (n % 8), y=140.0 * (n // 8))
        tech = props.pop("technology", "")
        component.technology = tech
        component.properties = {k: v for k, v in props.items() if v is not None}
        ops.add_component(self.design, self.catalog, component)
        return component.id

    def link(self, source: str, target: str, **fields: Any) -> str:
        link = ops.make_link(self.design, self.catalog, source, target, **fields)
        ops.add_link(self.design, link)
        return link.id

    def chain(self, *ids: str, **fields: Any) -> list[str]:
        return [self.link(a, b, **fields) for a, b in zip(ids, ids[1:], strict=False)]


def large_design(catalog: Catalog, n_components: int, n_links: int, seed: int = 7) -> Design:
    """A random but valid design: kinds spread over the catalog, links mostly forward."""
    rng = random.Random(seed)
    kinds = list(catalog.kinds)
    components = [
        Component(
            id=f"c{i}",
            kind=kinds[i % len(kinds)],
            name=f"{catalog.kinds[kinds[i % len(kinds)]].label} {i}",
            technology=rng.choice(["", "Kafka", "Spark", "Redis", "MLflow"]),
            notes="" if i % 5 else "Generated component with some notes for realism.",
            position=Position(x=(i % 100) * 240.0, y=(i // 100) * 150.0),
        )
        for i in range(n_components)
    ]
    pairs: set[tuple[int, int]] = set()
    links = []
    while len(links) < n_links:
        a = rng.randrange(n_components)
        b = min(n_components - 1, a + 1 + int(rng.expovariate(0.2)))
        if a == b or (a, b) in pairs:
            b = rng.randrange(n_components)
            if a == b or (a, b) in pairs:
                continue
        pairs.add((a, b))
        src, tgt = components[a], components[b]
        links.append(
            Link(
                id=f"l{len(links)}",
                source=src.id,
                target=tgt.id,
                flow=catalog.default_flow(src.kind, tgt.kind),
                feedback=b < a,
            )
        )
    return Design(
        meta=Meta(title=f"Large design ({n_components} components)"),
        components=components,
        links=links,
    )
