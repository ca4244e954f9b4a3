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


STAGE_MIX = {"business": 9, "data": 9, "features": 4, "model": 6, "serving": 6, "monitoring": 6}


def staged_design(
    catalog: Catalog,
    n_components: int,
    seed: int = 1,
    *,
    links_per_component: float = 1.5,
    positioned: bool = False,
    cluster_size: int = 40,
) -> Design:
    """A design shaped like the templates: the templates' stage mix, links mostly forward to the
    same or the next stage, some back (watch, govern, feedback), grouped in subsystems of about
    `cluster_size` components that mostly link among themselves.

    positioned=False leaves every card at (0, 0), like a design a script wrote.
    """
    rng = random.Random(seed)
    stages = [s.id for s in catalog.stages]
    weights = [STAGE_MIX.get(s, 1) for s in stages]
    kinds = {s: sorted(k.id for k in catalog.kinds_in_stage(s)) for s in stages}
    components: list[Component] = []
    by_cluster_stage: dict[tuple[int, int], list[int]] = {}
    for i in range(n_components):
        stage = rng.choices(range(len(stages)), weights)[0]
        kind = rng.choice(kinds[stages[stage]])
        position = Position(x=(i % 10) * 260.0, y=(i // 10) * 140.0) if positioned else Position()
        components.append(
            Component(id=f"c{i}", kind=kind, name=f"{catalog.kinds[kind].label} {i}", position=position)
        )
        by_cluster_stage.setdefault((i // cluster_size, stage), []).append(i)
    stage_of = {c.id: stages.index(catalog.kinds[c.kind].stage) for c in components}
    steps = [(0, 35), (1, 35), (2, 8), (-1, 10), (3, 4), (-2, 4), (5, 2), (-5, 2)]
    pairs: set[tuple[int, int]] = set()
    links: list[Link] = []
    attempts = 0
    while len(links) < int(n_components * links_per_component) and attempts < n_components * 20:
        attempts += 1
        a = rng.randrange(n_components)
        step = rng.choices([s for s, _ in steps], [w for _, w in steps])[0]
        target_stage = stage_of[components[a].id] + step
        cluster = a // cluster_size if rng.random() < 0.9 else rng.randrange(n_components // cluster_size + 1)
        pool = by_cluster_stage.get((cluster, target_stage))
        if not pool:
            continue
        b = rng.choice(pool)
        if a == b or (a, b) in pairs:
            continue
        pairs.add((a, b))
        src, tgt = components[a], components[b]
        if step >= 0:
            flow = catalog.default_flow(src.kind, tgt.kind)
        else:
            flow = rng.choice(["watch", "govern", "label"])
        feedback = step < 0 and flow == "label"
        links.append(Link(id=f"l{len(links)}", source=src.id, target=tgt.id, flow=flow, feedback=feedback))
    return Design(
        meta=Meta(title=f"Staged design ({n_components} components)"), components=components, links=links
    )
