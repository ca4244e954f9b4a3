"""The report's figures, drawn natively from our own layout (app.layout): which figure goes
where, at what scale, on which page.

* The system figure has a landscape page of its own. A design of up to SYSTEM_FIGURE_LIMIT
  components is shown whole, laid out for the page's proportions; a bigger one gets the stage
  overview instead (one box per stage, arrows counting the links between stages).
* Every stage section opens with the stage's figure: its components and, greyed, the other
  stages' components linked to them. It follows the section's intro in the text when it
  reads there legibly; else it gets a landscape page of its own; a stage
  too big for one page is split into parts, a page each. Nothing is left out. A figure is
  only used at a scale where its cards stay legible (SceneFigure.floor); flat cards (name
  only) are tried before giving up on a page.

Text in figures is set at MIN_TEXT_PT or more whatever the scale (app.export.report.figure).
If the layout fails, the report gets a note instead of the figure and is still built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export.dot import stage_groups, stage_view
from app.export.report.figure import FIGURE_CARD, FLAT_CARD, HEADER_ROOM, MAX_SCALE, SceneFigure, card_floor
from app.export.report.fonts import markup
from app.export.report.overview import StageOverview, stage_summary
from app.export.report.paragraph import Paragraph
from app.export.report.spans import quote
from app.export.report.styles import LANDSCAPE, MARGIN, PORTRAIT, Styles, heading, rich
from app.export.scene import build_scene, layout_for, least_size

SYSTEM_FIGURE_LIMIT = 60  # components; a bigger design's system figure is the stage overview
INLINE_CARDS = 24  # cards beyond which a stage figure is not even tried in the text
PAGE_CARDS = 56  # cards a part of a split stage figure is packed for first (fewer when they do not fit)
SYSTEM_HEAD_ROOM = 62.0  # heading and legend above the system figure
STAGE_HEAD_ROOM = 80.0  # heading and intro above a stage figure on its page
_FOOTER = 17.0


def frame_for(pagesize: tuple[float, float], head: float) -> tuple[float, float]:
    """Width and height a figure has on a page of `pagesize` below `head` points of text."""
    width, height = pagesize
    return width - 2 * MARGIN, height - 2 * MARGIN - _FOOTER - head


def _aspect(frame: tuple[float, float]) -> float:
    return frame[0] / max(frame[1] - HEADER_ROOM, 1.0)


def _fits(figure: SceneFigure, frame: tuple[float, float]) -> float:
    return figure.fit(*frame)


def _note(text: str, styles: Styles) -> Paragraph:
    return rich(f"<i>{text}</i>", styles.small)


CUT_NOTE = (
    "A name too long for its card ends in “…” in this figure; it is whole in its "
    "component's entry under “Design by stage”."
)


def _shown(figure: SceneFigure, styles: Styles, frame: tuple[float, float] | None = None) -> list[Flowable]:
    """The figure, after a note when some name on it is cut: drawn in `frame`, or (None) at
    its legible floor."""
    scale = figure.floor if frame is None else max(figure.floor, _fits(figure, frame))
    return [_note(CUT_NOTE, styles), figure] if figure.cut_names(scale) else [figure]


LEGEND = (
    "Components with open findings are outlined and filled in the colour of their most severe finding; "
    "dashed purple links are intended feedback loops; grey components belong to other stages."
)


def system_story(
    design: Design, catalog: Catalog, result: object | None, styles: Styles, *, error: str | None = None
) -> tuple[list[Flowable], str]:
    """The "Architecture" section's system figure: a landscape page of its own, then back to
    portrait; and what it shows: "whole" (every component), "overview" (the stage overview)
    or "note" (it could not be drawn).
    A design without components has no such section ([]); a figure left out for a reason
    (`error`) is a note on a portrait page, with no blank landscape page."""
    if not design.components:
        return [], "note"
    title = heading("Architecture", styles, 0)
    if error is not None:
        text = "<b>The diagram could not be drawn:</b> " + markup(error, styles.fonts) + "."
        return [title, Paragraph(text + " The rest of the report is complete.", styles.body)], "note"
    head: list[Flowable] = [NextPageTemplate("landscape"), PageBreak(), title]
    tail: list[Flowable] = [NextPageTemplate("portrait"), PageBreak()]
    frame = frame_for(LANDSCAPE, SYSTEM_HEAD_ROOM)
    try:
        if len(design.components) <= SYSTEM_FIGURE_LIMIT:
            every = {c.id for c in design.components}
            figure, legible = _legible(
                design, catalog, result, styles, every, None, frame, max_scale=0.65, plain=True
            )
            if legible:
                legend = LEGEND.replace("; grey components belong to other stages", "")
                return [*head, rich(legend, styles.small), *_shown(figure, styles, frame), *tail], "whole"
        boxes, arrows = stage_summary(design, catalog, result)
    except Exception as exc:  # a failing layout must not sink the whole report
        text = (
            f"<b>The diagram could not be drawn:</b> {markup(f'{type(exc).__name__}: {exc}', styles.fonts)}."
        )
        return [*head, Paragraph(text + " The rest of the report is complete.", styles.body), *tail], "note"
    legend = (
        f"The design has {len(design.components):,} components, more than one page shows legibly: this "
        "overview shows its stages, each with its number of components and links and its most severe open "
        "finding, and the number of links between stages (links skipping stages arc above, links back to "
        "an earlier stage below; dashed purple when they are all intended feedback). The figures of the "
        "stages that follow show all its components."
    )
    return [*head, rich(legend, styles.small), StageOverview(boxes, arrows, styles.fonts), *tail], "overview"


@dataclass(frozen=True)
class StageFigure:
    """What a stage section shows before its components: figures or a note about them.

    `page` is the template of a page of its own ("portrait"/"landscape"), None when it follows
    the section's intro in the text; `room` is the height it needs there at least.
    """

    flowables: list[Flowable] = field(default_factory=list)
    page: str | None = None
    room: float = 0.0


def _figure(
    design: Design,
    catalog: Catalog,
    result: object | None,
    styles: Styles,
    shown: set[str],
    focus: set[str] | None,
    frame: tuple[float, float],
    card: tuple[float, float] = FIGURE_CARD,
    **kw: float,
) -> SceneFigure:
    layout = layout_for(design, catalog, _aspect(frame), only=shown, card_size=card)
    scene = build_scene(design, catalog, result, layout, focus=focus, card_size=card)
    return SceneFigure(scene, styles.fonts, max_scale=kw.get("max_scale", MAX_SCALE))


def _legible(
    design: Design,
    catalog: Catalog,
    result: object | None,
    styles: Styles,
    shown: set[str],
    focus: set[str] | None,
    frame: tuple[float, float],
    cards: tuple[tuple[float, float], ...] = (FIGURE_CARD, FLAT_CARD),
    *,
    plain: bool = False,
    **kw: float,
) -> tuple[SceneFigure, bool]:
    """The figure of `shown` in `frame` with the first card size that makes it legible there,
    and whether one did (when none did, the figure with the last size). With `plain`, a figure
    too tall for the frame with every row its names need made taller gets only as many of them
    as fit (the rows with the most of those names first). A card size whose lanes alone are too
    wide to be legible in the frame is passed over without a layout."""
    for number, card in enumerate(cards):
        if number < len(cards) - 1 and _too_wide(design, catalog, shown, frame, card, kw.get("max_scale")):
            continue
        figure = _figure(design, catalog, result, styles, shown, focus, frame, card, **kw)
        if _fits(figure, frame) >= figure.floor:
            return figure, True
        if plain:  # legible with as many rows made taller as fit (the other names cut)
            for rows in range(figure.needed_rows(figure.floor) - 1, -1, -1):
                some = SceneFigure(figure.plain, styles.fonts, max_scale=figure.max_scale, rows=rows)
                if _fits(some, frame) >= some.floor:
                    return some, True
    return figure, False


def _too_wide(
    design: Design,
    catalog: Catalog,
    shown: set[str],
    frame: tuple[float, float],
    card: tuple[float, float],
    max_scale: float | None,
) -> bool:
    """Whether the figure of `shown` with `card` is sure not to be legible in `frame`: the
    scale fitting its least size (scene.least_size) is below the legible floor."""
    width, height = least_size(design, catalog, _aspect(frame), shown, card)
    best = min(
        MAX_SCALE if max_scale is None else max_scale,
        frame[0] / max(width, 1.0),
        (frame[1] - HEADER_ROOM) / max(height, 1.0),
    )
    return best < card_floor(card)


def _shortfall(figure: SceneFigure, frame: tuple[float, float]) -> float:
    """How much of the scale a legible figure needs `figure` reaches in `frame` (below 1)."""
    return _fits(figure, frame) / figure.floor if figure.floor else 1.0


def _linked(design: Design, members: set[str]) -> set[str]:
    """The components outside `members` linked to one of them."""
    found: set[str] = set()
    for link in design.links:
        if link.source in members and link.target not in members:
            found.add(link.target)
        elif link.target in members and link.source not in members:
            found.add(link.source)
    return found & {c.id for c in design.components}


def _neighbours(design: Design) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {c.id: set() for c in design.components}
    for link in design.links:
        if link.source in found and link.target in found and link.source != link.target:
            found[link.source].add(link.target)
            found[link.target].add(link.source)
    return found


def _connected_order(members: list[str], neighbours: dict[str, set[str]]) -> list[str]:
    """The members in design order, each followed (breadth first) by the members linked to
    it: linked components tend to share a part of a split figure."""
    inside, seen, order = set(members), set(), []
    for start in members:
        if start in seen:
            continue
        queue = [start]
        seen.add(start)
        while queue:
            current = queue.pop(0)
            order.append(current)
            for other in sorted(neighbours[current] & inside, key=members.index):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return order


def _first_run(members: list[str], neighbours: dict[str, set[str]], budget: int) -> list[str]:
    """The longest run of members from the first that shows, with the components linked to
    it, at most `budget` cards (at least one member)."""
    run: list[str] = []
    shown: set[str] = set()
    for member in members:
        more = shown | {member} | neighbours[member]
        if run and len(more) > budget:
            break
        run.append(member)
        shown = more
    return run


def stage_figure(
    design: Design, catalog: Catalog, result: object | None, stage_id: str, styles: Styles
) -> StageFigure | None:
    """The figure(s) of a stage ("other" for components of unknown kinds); None when the
    stage has no components."""
    view = stage_view(design, catalog, stage_id)
    if not view.members:
        return None
    members = [design.components[i].id for i in view.members]
    focus = set(members)
    shown = focus | {design.components[i].id for i in view.context}
    if len(shown) <= INLINE_CARDS:
        inline = frame_for(PORTRAIT, STAGE_HEAD_ROOM)
        wide = (inline[0], inline[1] * 0.45)  # laid out wide: it shares its page with text
        figure = _figure(design, catalog, result, styles, shown, focus, wide, max_scale=0.5)
        figure.min_scale = figure.floor
        if _fits(figure, inline) >= figure.floor:
            drawn_height = figure.scene_at(figure.floor).height * figure.floor
            room = drawn_height + HEADER_ROOM + 24  # + the heading's space before
            drawn = _shown(figure, styles)
            return StageFigure(drawn, room=room + (30 if len(drawn) > 1 else 0))
    frame = frame_for(LANDSCAPE, STAGE_HEAD_ROOM)
    neighbours = _neighbours(design)
    placed: list[tuple[list[str], SceneFigure, str]] = []
    remaining, budget = _connected_order(members, neighbours), PAGE_CARDS
    cards: tuple[tuple[float, float], ...] = (FIGURE_CARD, FLAT_CARD)
    order = {c.id: number for number, c in enumerate(design.components)}
    left: list[str] | None = None  # the linked components of a lone member still to show
    while remaining:
        chunk = _first_run(remaining, neighbours, budget)
        own = set(chunk)
        linked = sorted(_linked(design, own), key=order.__getitem__)
        lone = len(chunk) == 1 and (left is not None or len(linked) >= budget)
        if lone:  # one member linked to more than a page shows: its links over several parts
            left = linked if left is None else left
            context = left[: max(1, budget - 1)]
        else:
            context = linked
        figure, legible = _legible(design, catalog, result, styles, own | set(context), own, frame, cards)
        if not legible and len(chunk) + len(context) > 2:  # too many cards: fewer, by the area missing
            cards = (FLAT_CARD,)  # a stage split in parts: flat cards in all of them
            count = len(chunk) + len(context)
            budget = max(2, min(count - 2, int(count * _shortfall(figure, frame) ** 2 * 0.9)))
            continue
        what = _part_of(design, chunk, len(members), context, len(linked), lone, styles)
        placed.append((chunk, figure, what))
        budget = min(PAGE_CARDS, int(budget * 1.25))  # the next run may be less entangled
        if lone and left is not None and len(left) > len(context):
            left = left[len(context) :]
            continue
        left = None
        remaining = remaining[len(chunk) :]
    if len(placed) == 1:
        return StageFigure(_shown(placed[0][1], styles, frame), page="landscape")
    flowables: list[Flowable] = []
    for number, (_chunk, figure, shows) in enumerate(placed, 1):
        if number > 1:
            flowables.append(PageBreak())
        caption = f"Part {number} of {len(placed)} of this stage's figure: {shows}."
        flowables += [_note(caption, styles), *_shown(figure, styles, frame)]
    return StageFigure(flowables, page="landscape")


def _part_of(
    design: Design, chunk: list[str], members: int, context: list[str], linked: int, lone: bool,
    styles: Styles,
) -> str:  # fmt: skip
    """What a part of a split stage figure shows, for its caption."""
    by_id = design.component_by_id()
    first, last = by_id[chunk[0]], by_id[chunk[-1]]
    if lone:
        return (
            f"{quote(first.name or first.id, styles.fonts)} with {len(context)} of the {linked} components "
            "it is linked to"
        )
    return (
        f"{len(chunk)} of its {members} components, from {quote(first.name or first.id, styles.fonts)} to "
        f"{quote(last.name or last.id, styles.fonts)}, with the components they are linked to"
    )


class StageFigures:
    """The stage figures of a report, each made when its section asks for it (the `figures`
    of sections.stage_sections())."""

    def __init__(self, design: Design, catalog: Catalog, result: object | None, styles: Styles):
        self.design, self.catalog, self.result, self.styles = design, catalog, result, styles
        self._stages = {stage_id for (stage_id, _label, _color), _members in stage_groups(design, catalog)}

    def any_diagram(self) -> bool:
        """Whether some stage gets a figure."""
        return bool(self._stages)

    def figure(self, stage_id: str) -> StageFigure | None:
        """The figure a stage section opens with (None when the stage has no components)."""
        if stage_id not in self._stages:
            return None
        try:
            return stage_figure(self.design, self.catalog, self.result, stage_id, self.styles)
        except Exception as exc:  # a failing layout must not sink the whole report
            problem = markup(f"{type(exc).__name__}: {exc}", self.styles.fonts)
            return StageFigure(
                [_note(f"The figure of this stage could not be drawn: {problem}.", self.styles)]
            )
