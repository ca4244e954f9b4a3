"""The stage overview: the system figure of a design too big to show whole on a page.

One box per stage (left to right in framework order) with its component count, the links
within it and its worst open finding; one arrow per pair of linked stages, labelled with the
number of links. Links to the next stage are straight arrows between the boxes; links that
skip stages arc above the boxes, links back to an earlier stage arc below (dashed and purple
when all of them are intended feedback).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export.dot import SEVERITY_COLORS, stage_groups, tint, worst_severities
from app.export.report.figtext import draw_label, fit_lines, text_width
from app.export.report.fonts import FontSet
from app.export.scene import FEEDBACK_COLOR, INK, LINK_COLOR
from app.rules.model import SEVERITY_RANK

BOX_HEIGHT = 120.0
TEXT_PT = 8.5
LABEL_PT = 7.5
LEVEL = 15.0
ARROW = 5.0


@dataclass(frozen=True)
class StageBox:
    title: str
    color: str
    components: int
    within: int
    worst: str | None
    flagged: int  # components with open findings


@dataclass(frozen=True)
class StageArrow:
    source: int
    target: int
    links: int
    feedback: bool  # every one of them is an intended feedback link


def stage_summary(
    design: Design, catalog: Catalog, result: object | None
) -> tuple[list[StageBox], list[StageArrow]]:
    """The overview's boxes (the design's non-empty stages, in order) and arrows."""
    worst = worst_severities(result)
    groups = stage_groups(design, catalog)
    group_of = {design.components[i].id: g for g, (_info, members) in enumerate(groups) for i in members}
    within = [0] * len(groups)
    pairs: dict[tuple[int, int], list[bool]] = {}
    for link in design.links:
        if link.source not in group_of or link.target not in group_of:
            continue
        a, b = group_of[link.source], group_of[link.target]
        if a == b:
            within[a] += 1
        else:
            pairs.setdefault((a, b), []).append(link.feedback)
    boxes = []
    for g, ((_stage_id, label, color), members) in enumerate(groups):
        severities = [worst[c] for c in (design.components[i].id for i in members) if c in worst]
        top = max(severities, key=lambda s: SEVERITY_RANK[s]) if severities else None
        boxes.append(StageBox(label, color, len(members), within[g], top, len(severities)))
    arrows = [StageArrow(a, b, len(flags), all(flags)) for (a, b), flags in sorted(pairs.items())]
    return boxes, arrows


def _levels(spans: list[tuple[int, int]]) -> list[int]:
    """A level per span (box index intervals) so that spans on one level do not overlap."""
    taken: list[list[tuple[int, int]]] = []
    levels = [0] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i])):
        lo, hi = spans[index]
        for level, used in enumerate(taken):
            if all(hi <= a or lo >= b for a, b in used):
                used.append((lo, hi))
                levels[index] = level
                break
        else:
            taken.append([(lo, hi)])
            levels[index] = len(taken) - 1
    return levels


class StageOverview(Flowable):
    """The overview figure, as wide as the frame and as tall as its arcs need."""

    def __init__(self, boxes: list[StageBox], arrows: list[StageArrow], fonts: FontSet):
        super().__init__()
        self.boxes, self.arrows, self.fonts = boxes, arrows, fonts
        skipping = [a for a in arrows if a.target > a.source + 1]
        back = [a for a in arrows if a.target < a.source]
        self.above = dict(
            zip(map(id, skipping), _levels([(a.source, a.target) for a in skipping]), strict=True)
        )
        self.below = dict(zip(map(id, back), _levels([(a.target, a.source) for a in back]), strict=True))
        self.rows_above = max(self.above.values(), default=-1) + 1
        self.rows_below = max(self.below.values(), default=-1) + 1
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, BOX_HEIGHT + (self.rows_above + self.rows_below + 1) * LEVEL + 8

    def draw(self) -> None:
        canv: Canvas = self.canv
        if getattr(getattr(canv, "_doctemplate", None), "draft", False) or not self.boxes:
            return
        count = len(self.boxes)
        gap = max(30.0, self.width * 0.045) if count > 1 else 0.0
        box_w = (self.width - gap * (count - 1)) / count
        bottom = (self.rows_below + 0.5) * LEVEL + 4
        lefts = [i * (box_w + gap) for i in range(count)]
        anchors = self._anchors(lefts, box_w)
        canv.saveState()
        for arrow in self.arrows:
            self._draw_arrow(canv, arrow, lefts, box_w, bottom, anchors)
        for left, box in zip(lefts, self.boxes, strict=True):
            self._draw_box(canv, box, left, bottom, box_w)
        canv.restoreState()

    def _anchors(self, lefts: list[float], box_w: float) -> dict[tuple[int, int, int], float]:
        """x of each arc's end on a box: (arrow id, box, side) -> x; spread along the box
        edge, ordered by where the arc goes so that arcs do not cross at the box."""
        ends: dict[tuple[int, int], list[tuple[float, int]]] = {}
        for arrow in self.arrows:
            side = 1 if id(arrow) in self.above else -1 if id(arrow) in self.below else 0
            if side:
                for here, there in ((arrow.source, arrow.target), (arrow.target, arrow.source)):
                    ends.setdefault((here, side), []).append((there, id(arrow)))
        spots: dict[tuple[int, int, int], float] = {}
        for (box, side), items in ends.items():
            items.sort(key=lambda item: (item[0], item[1]))
            for k, (_there, key) in enumerate(items):
                spots[(key, box, side)] = lefts[box] + box_w * (0.15 + 0.7 * (k + 1) / (len(items) + 1))
        return spots

    def _draw_arrow(
        self, canv: Canvas, arrow: StageArrow, lefts: list[float], box_w: float, bottom: float,
        anchors: dict[tuple[int, int, int], float],
    ) -> None:  # fmt: skip
        color = FEEDBACK_COLOR if arrow.feedback else LINK_COLOR
        canv.setStrokeColor(color)
        canv.setFillColor(color)
        canv.setLineWidth(0.9)
        canv.setDash(3, 2) if arrow.feedback else canv.setDash()
        label = str(arrow.links)
        if arrow.target == arrow.source + 1:
            y = bottom + BOX_HEIGHT / 2
            x0, x1 = lefts[arrow.source] + box_w, lefts[arrow.target]
            points = [(x0, y), (x1, y)]
            spot = ((x0 + x1) / 2, y + 3)
        else:
            side = 1 if id(arrow) in self.above else -1
            level = (self.above if side == 1 else self.below)[id(arrow)]
            edge = bottom + BOX_HEIGHT if side == 1 else bottom
            y = edge + side * (level + 0.75) * LEVEL
            xs = anchors[(id(arrow), arrow.source, side)], anchors[(id(arrow), arrow.target, side)]
            points = [(xs[0], edge), (xs[0], y), (xs[1], y), (xs[1], edge)]
            spot = ((xs[0] + xs[1]) / 2, y - LABEL_PT * 0.35)
        path = canv.beginPath()
        (tx, ty), (px, py) = points[-1], points[-2]
        length = max(abs(tx - px) + abs(ty - py), 1e-6)
        ux, uy = (tx - px) / length, (ty - py) / length
        base = (tx - ux * ARROW, ty - uy * ARROW)
        path.moveTo(*points[0])
        for point in [*points[1:-1], base]:
            path.lineTo(*point)
        canv.drawPath(path, stroke=1, fill=0)
        canv.setDash()
        head = canv.beginPath()
        head.moveTo(tx, ty)
        head.lineTo(base[0] - uy * 2.2, base[1] + ux * 2.2)
        head.lineTo(base[0] + uy * 2.2, base[1] - ux * 2.2)
        head.close()
        canv.drawPath(head, stroke=0, fill=1)
        width = text_width(label, LABEL_PT, self.fonts, bold=True) + 4
        canv.setFillColor("#FFFFFF")
        canv.rect(spot[0] - width / 2, spot[1] - 2, width, LABEL_PT + 2, stroke=0, fill=1)
        draw_label(
            canv, label, spot[0], spot[1], LABEL_PT, self.fonts, bold=True, color=color, anchor="middle"
        )

    def _draw_box(self, canv: Canvas, box: StageBox, left: float, bottom: float, width: float) -> None:
        border, pen = box.color, 1.0
        if box.worst:
            border, pen = SEVERITY_COLORS[box.worst][0], 1.8
        canv.setFillColor(tint(box.color, 0.14))
        canv.setStrokeColor(border)
        canv.setLineWidth(pen)
        canv.roundRect(left, bottom, width, BOX_HEIGHT, 5, stroke=1, fill=1)
        inner = width - 8
        y = bottom + BOX_HEIGHT - 8 - TEXT_PT
        for line in fit_lines(box.title, inner, TEXT_PT + 1, self.fonts, 2, bold=True):
            draw_label(canv, line, left + 4, y, TEXT_PT + 1, self.fonts, bold=True, color=box.color)
            y -= (TEXT_PT + 1) * 1.2
        y -= 3
        lines = [(_count(box.components, "component"), INK), (_count(box.within, "link") + " within", INK)]
        if box.worst:
            lines.append(("worst open finding:", INK))
            color = SEVERITY_COLORS[box.worst][0]
            lines += [(box.worst, color), (_count(box.flagged, "component") + " flagged", color)]
        else:
            lines.append(("no open findings", "#1E8449"))
        for text, color in lines:  # wrapped, not cut: "warning (21 flagg..." hid the count's meaning
            for line in fit_lines(text, inner, TEXT_PT, self.fonts, 2):
                draw_label(canv, line, left + 4, y, TEXT_PT, self.fonts, color=color)
                y -= TEXT_PT * 1.3


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
