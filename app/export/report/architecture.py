"""The "Architecture" section: the system figure (app.export.report.diagram.system_story).

A design the system figure shows whole needs no more figures: its components are all on that
page. A bigger one gets the stage overview, then its components drawn in parts: the design's
connected parts (linked components together, small parts packed onto one page), a landscape
page each, when every part reads legibly on its page; else the figure of each stage (split in
parts of its own when a stage is too big for a page).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from app.domain.catalog import Catalog
from app.domain.digraph import reachable
from app.domain.model import Design
from app.domain.text import isolate
from app.export.report.diagram import (
    LEGEND,
    STAGE_HEAD_ROOM,
    SYSTEM_FIGURE_LIMIT,
    StageFigures,
    _legible,
    _shown,
    frame_for,
    system_story,
)
from app.export.report.fonts import markup
from app.export.report.styles import LANDSCAPE, Styles, heading, rich


def connected_parts(design: Design, limit: int = SYSTEM_FIGURE_LIMIT) -> list[list[str]]:
    """The design's components in groups of at most `limit`: linked components together,
    small groups packed together in design order; [] when a linked group exceeds `limit`."""
    order = {c.id: i for i, c in enumerate(design.components)}
    linked: dict[str, list[str]] = {c.id: [] for c in design.components}
    for lk in design.links:
        if lk.source in linked and lk.target in linked:
            linked[lk.source].append(lk.target)
            linked[lk.target].append(lk.source)
    groups: list[list[str]] = []
    seen: set[str] = set()
    for start in linked:  # design order: each group found from its first component
        if start in seen:
            continue
        group = {start} | reachable(linked, start)
        seen |= group
        groups.append(sorted(group, key=order.__getitem__))
    return packed(groups, limit)


def packed(groups: list[list[str]], limit: int) -> list[list[str]]:
    """Groups (in order) packed together while a pack stays within `limit`; [] when one group
    alone exceeds it."""
    if any(len(g) > limit for g in groups):
        return []
    packs: list[list[str]] = []
    for group in groups:
        if packs and len(packs[-1]) + len(group) <= limit:
            packs[-1].extend(group)
        else:
            packs.append(list(group))
    return packs


def _part_figures(design: Design, catalog: Catalog, result: object | None, styles: Styles) -> list[Flowable]:
    """A landscape page per connected part, or [] when some part is not legible on a page."""
    packs = connected_parts(design)
    if len(packs) < 2:
        return []
    frame = frame_for(LANDSCAPE, STAGE_HEAD_ROOM)
    index = design.component_by_id()
    story: list[Flowable] = []
    for number, pack in enumerate(packs, 1):
        figure, legible = _legible(
            design, catalog, result, styles, set(pack), None, frame, max_scale=0.65, plain=True
        )
        if not legible:
            return []
        first = index[pack[0]]
        title = f"Part {number} of {len(packs)}: {isolate(first.name or first.id)}"
        caption = f"{len(pack):,} components linked with one another (or small unlinked groups)."
        story += [PageBreak(), heading(title, styles, 1), rich(markup(caption), styles.small)]
        story += _shown(figure, styles, frame)
    return story


def architecture_story(
    design: Design,
    catalog: Catalog,
    result: object | None,
    styles: Styles,
    width: float,
    *,
    error: str | None = None,
) -> list[Flowable]:
    """The section, or [] for a design without components."""
    story, shows = system_story(design, catalog, result, styles, error=error)
    if shows != "overview":
        return story
    story = story[:-2]  # still landscape: the figures follow
    try:
        parts = _part_figures(design, catalog, result, styles)
    except Exception:  # a failing layout falls back to the stage figures
        parts = []
    if parts:
        story.append(rich(LEGEND, styles.small))
        return [*story, *parts, NextPageTemplate("portrait"), PageBreak()]
    figures = StageFigures(design, catalog, result, styles)
    stages = [(s.id, f"Stage {s.number}. {s.label}") for s in catalog.stages]
    stages.append(("other", "Components of unknown kinds"))
    for stage_id, label in stages:
        figure = figures.figure(stage_id)
        if figure is None:
            continue
        story += [PageBreak(), heading(label, styles, 1), *figure.flowables]
    return [*story, NextPageTemplate("portrait"), PageBreak()]
