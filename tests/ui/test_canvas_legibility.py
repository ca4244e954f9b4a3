"""Semantic zoom: names readable on screen down to 60 px wide cards, labels on blocks below."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetricsF

from app.ui.canvas import card_text as ct
from app.ui.canvas.style import CARD_H, CARD_W, LOD_THRESHOLD
from tests.ui.canvas_support import make_view

LONG = "Streaming supply and demand pipeline with a very long descriptive name"
NAMES = (
    "Ranker",
    "Auction log",
    "ROC-AUC",
    "Feature store (offline)",
    "Ads consent & retention (GDPR/TCF)",
    LONG,
    "x" * 90,
)
CARD_ZOOMS = (0.3, 0.33, 0.4, 0.46, 0.52, 0.6, 0.75, 0.85, 1.0, 1.5, 3.0)


def _fits(layout: ct.CardText) -> None:
    metrics = QFontMetricsF(ct.font(layout.name_size, True, layout.name_stretch))
    for line in layout.lines:
        assert metrics.horizontalAdvance(line) <= layout.text_width + 0.5, line
    assert layout.name_y >= layout.header_h
    assert layout.name_y + len(layout.lines) * layout.line_height <= CARD_H + 0.5


def _unhyphenated(lines: tuple[str, ...], name: str) -> list[str]:
    """The lines without the hyphens added where a word was cut (a line ending in a hyphen that
    the name has there is kept whole)."""
    kept, taken = [], ""
    for line in lines:
        if line.endswith("-") and not name.replace(" ", "").startswith((taken + line).replace(" ", "")):
            line = line[:-1]
        kept.append(line)
        taken += line
    return kept


@pytest.mark.parametrize("zoom", CARD_ZOOMS)
@pytest.mark.parametrize("name", NAMES)
def test_a_card_60_px_wide_or_more_draws_its_name_at_11_px_or_more_on_screen(qtbot, name, zoom):
    assert CARD_W * zoom >= 60
    layout = ct.layout_for_zoom(name, zoom)
    assert layout is not None
    assert layout.name_screen_px(zoom) >= 11.0
    assert 1 <= len(layout.lines) <= 2
    _fits(layout)
    shown = "".join(_unhyphenated(layout.lines, name)).replace(" ", "")
    whole = name.replace(" ", "")
    if shown.endswith("…"):  # elided: what is shown starts the name
        assert whole.startswith(shown[:-1])
    else:
        assert shown == whole
    base = QFontMetricsF(ct.font(ct.name_size_for(zoom), True))
    if base.horizontalAdvance(name) <= layout.text_width:  # fits one line: shown whole on one
        assert layout.lines == (name,)


WRAPPING = (
    "CI/CD + continuous training",
    "Ads consent & retention (GDPR/TCF)",
    "Personalization consent (GDPR)",
    "ML infrastructure budget",
    "Rank videos for the home feed",
)


@pytest.mark.parametrize("zoom", (0.3, 0.4, 0.46, 0.5, 0.55, 0.6, 0.75))
@pytest.mark.parametrize("name", WRAPPING)
def test_a_name_that_two_lines_at_11_px_hold_is_never_elided(qtbot, name, zoom):
    layout = ct.layout_for_zoom(name, zoom)
    floor = max(ct.NAME_BASE, math.ceil(ct.name_size_for(zoom) * 11.0 / 12.0))
    at_floor = ct.wrap(name, QFontMetricsF(ct.font(floor, True)), layout.text_width, 2)
    if " ".join(at_floor) == name:  # two whole lines at the smallest allowed size
        assert " ".join(layout.lines) == name
        assert layout.name_screen_px(zoom) >= 11.0
    _fits(layout)


@pytest.mark.parametrize("zoom", (0.3, 0.46, 1.0, 2.0))
def test_a_pinned_card_keeps_room_for_its_pin_beside_the_name(qtbot, zoom):
    for name in NAMES:
        layout = ct.layout_for_zoom(name, zoom, pinned=True)
        _fits(layout)
        assert layout.pin_size >= 10
        pin_left = CARD_W - layout.text_x - layout.pin_size
        assert layout.text_x + layout.text_width < pin_left  # the pin never covers the name
        assert layout.name_y <= layout.pin_y and layout.pin_y + layout.pin_size <= CARD_H
        assert ct.layout_for_zoom(name, zoom).pin_size == 0


def test_zooming_out_grows_the_name_and_drops_technology_then_kind(qtbot):
    near = ct.layout_for_zoom("Feature store", 1.0)
    assert near.name_size == ct.NAME_BASE and near.show_kind and near.show_tech
    mid = ct.layout_for_zoom("Feature store", 0.6)
    far = ct.layout_for_zoom("Feature store", 0.32)
    assert mid.name_size > near.name_size and far.name_size > mid.name_size
    assert not far.show_tech and not far.show_kind and far.header_h < near.header_h
    two_lines = ct.layout_for_zoom("Ads consent & retention (GDPR/TCF)", 0.46)
    assert len(two_lines.lines) == 2 and not two_lines.show_tech


@pytest.mark.parametrize("zoom", (0.29, 0.2, 0.1))
def test_below_60_px_a_card_is_a_block_without_text(qtbot, zoom):
    assert CARD_W * zoom < 60 and zoom < LOD_THRESHOLD
    assert ct.layout_for_zoom("Ranker", zoom) is None


def test_the_item_caches_its_text_per_size_bucket(qtbot):
    doc, view = make_view(qtbot)
    cid = doc.add_component("model", 0, 0, "Ranker with a long name that wraps")
    item = view.design_scene.component_item(cid)
    first = item.text_layout(0.46)
    assert first is item.text_layout(0.46) and first.name_screen_px(0.46) >= 11
    assert item.text_layout(0.2) is None
    doc.set_component_field(cid, "name", "Renamed")
    assert item.text_layout(0.46).lines == ("Renamed",)


def test_the_name_is_painted_large_inside_a_zoomed_out_card(qtbot):
    doc, view = make_view(qtbot, size=(800, 600))
    cid = doc.add_component("model", 0, 0, "MMMMMMMM")
    view.set_zoom(0.4)
    view.centerOn(CARD_W / 2, CARD_H / 2)
    item = view.design_scene.component_item(cid)
    layout = item.text_layout(0.4)
    assert not view.design_scene.overview_active
    image = view.viewport().grab().toImage()
    top = view.mapFromScene(QPointF(layout.text_x, layout.name_y))
    bottom = view.mapFromScene(QPointF(layout.text_x + 40, layout.name_y + layout.line_height))
    text = QColor(view.design_scene.canvas_style.theme.name_pen.color())
    dark = 0
    for x in range(top.x(), bottom.x()):
        for y in range(top.y(), bottom.y()):
            c = image.pixelColor(x, y)
            if abs(c.lightness() - text.lightness()) < 60:
                dark += 1
    assert dark > 40  # glyph strokes, not an empty card body


def test_blocks_label_only_selected_hovered_and_matched_cards(qtbot):
    doc, view = make_view(qtbot)
    a = doc.add_component("data_source", 0, 0, "Clickstream events")
    b = doc.add_component("model", 400, 0, "Two-tower ranker")
    c = doc.add_component("endpoint", 800, 0, "Feed API")
    scene = view.design_scene
    view.set_zoom(0.2)
    assert scene.overview_active

    def labels() -> list[str]:
        scene.overview._build()
        return [name for _, name in scene.overview._labels]

    assert labels() == []
    view.select_components([a])
    assert labels() == ["Clickstream events"]
    assert view.mark_matching("RANKER") == [b]
    assert labels() == ["Clickstream events", "Two-tower ranker"]
    item = scene.component_item(c)
    item.hoverEnterEvent(None)
    assert labels() == ["Clickstream events", "Two-tower ranker", "Feed API"]
    item.hoverLeaveEvent(None)
    view.mark_matching("")
    view.select_components([])
    assert labels() == []
    # painted: the label's background shows above the selected block
    view.select_components([a])
    view.centerOn(CARD_W / 2, CARD_H / 2)
    background = view.design_scene.canvas_style.theme.background.lightness()
    image = view.viewport().grab().toImage()
    top = view.mapFromScene(QPointF(CARD_W / 2, 0))
    dark = sum(
        1
        for x in range(top.x() - 40, top.x() + 40)
        for y in range(top.y() - 16, top.y() - 4)
        if image.pixelColor(x, y).lightness() < background - 80
    )
    assert dark > 30  # the name's glyphs above the block


@pytest.mark.parametrize("zoom", (0.4, 0.46, 0.5))
def test_a_long_word_cut_to_fit_a_line_ends_with_a_hyphen_in_latin_and_not_in_cjk(qtbot, zoom):
    latin = ct.layout_for_zoom("Personalizationconsentrecords", zoom)
    assert latin.lines[0].endswith("-") and latin.lines[0][-2].isalpha()
    assert "Personalizationconsentrecords".startswith(latin.lines[0][:-1] + latin.lines[1][:3])
    cjk = ct.layout_for_zoom("推荐系统的特征存储与在线服务管道以及离线训练数据", zoom)
    assert len(cjk.lines) == 2 and not cjk.lines[0].endswith("-")
    _fits(latin)
    _fits(cjk)


@pytest.mark.parametrize("zoom", (0.4, 0.46))
def test_a_compound_too_long_for_a_line_breaks_after_its_hyphen_and_short_ones_stay_whole(qtbot, zoom):
    layout = ct.layout_for_zoom("Inverse-propensity weighting", zoom)
    assert layout.lines[0] == "Inverse-" and layout.lines[1].startswith("propensit")
    assert not layout.lines[1].endswith(" …")  # no space left before the ellipsis
    assert ct.layout_for_zoom("Budget-split A/B test", zoom).lines == ("Budget-split", "A/B test")
    assert ct.layout_for_zoom("Predict 30-day churn", zoom).lines == ("Predict", "30-day churn")
    _fits(layout)


@pytest.mark.parametrize(
    ("name", "zoom"), (("Personalization consent (GDPR)", 0.46), ("Consent & pseudonymization", 0.5))
)
def test_a_name_two_condensed_lines_hold_is_condensed_rather_than_cut_or_elided(qtbot, name, zoom):
    size = ct.name_size_for(zoom)
    floor = max(ct.NAME_BASE, math.ceil(size * 11.0 / 12.0))
    layout = ct.layout_for_zoom(name, zoom)
    at_floor = ct.wrap(name, QFontMetricsF(ct.font(floor, True)), layout.text_width, 2)
    assert " ".join(at_floor) != name  # the regular width at the smallest size cannot hold it
    assert " ".join(layout.lines) == name and layout.name_stretch == ct.CONDENSED
    assert layout.name_screen_px(zoom) >= 11.0
    _fits(layout)


def test_block_labels_do_not_cover_one_another(qtbot, monkeypatch):
    """Zoomed out, a search marks cards side by side in one row: their names, wider than the
    blocks are apart, go above, else below, else are left out; none covers another, and the
    selected card's is always shown."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    doc, view = make_view(qtbot)
    names = ["Search latency budget", "Product index (BM25 + vectors)", "Search API on GKE (CPU)"]
    ids = [doc.add_component("model", 240 * i, 0, name) for i, name in enumerate(names)]
    view.set_zoom(0.25)
    view.centerOn(240, CARD_H / 2)
    assert view.design_scene.overview_active
    view.select_components([ids[2]])
    assert view.mark_matching("e") == ids
    drawn: list[tuple[QRectF, str]] = []
    original = QPainter.drawText

    def record(painter, *args):
        if len(args) == 3 and isinstance(args[0], QRectF):
            drawn.append((QRectF(args[0]), args[2]))
        return original(painter, *args)

    monkeypatch.setattr(QPainter, "drawText", record)
    view.viewport().grab()
    monkeypatch.undo()
    shown = [text for _, text in drawn]
    assert names[2] in shown and len(shown) >= 2
    boxes = [box for box, _ in drawn]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.intersects(b)], drawn


def test_a_search_outlines_the_matched_cards_at_a_readable_zoom(qtbot):
    """Edit > Find marks the cards whose names hold the text: zoomed in too (where no label is
    drawn), each is outlined until the search changes."""
    from PySide6.QtCore import QRectF

    doc, view = make_view(qtbot)
    ranker = doc.add_component("model", 0, 0, "Two-tower ranker")
    doc.add_component("endpoint", 400, 0, "Feed API")
    view.set_zoom(1.0)
    view.centerOn(300, CARD_H / 2)
    dark = view.design_scene.canvas_style.theme.dark
    amber = QColor("#F5B83D" if dark else "#D98E04")  # style.SEARCH_MATCH(_DARK)

    def outlined(x: float) -> int:
        """Amber pixels around the card at scene x."""
        image = view.viewport().grab().toImage()
        box = view.mapFromScene(QRectF(x - 8, -8, CARD_W + 16, CARD_H + 16)).boundingRect()
        count = 0
        for px in range(max(0, box.left()), min(image.width(), box.right())):
            for py in range(max(0, box.top()), min(image.height(), box.bottom())):
                c = image.pixelColor(px, py)
                distance = abs(c.red() - amber.red()) + abs(c.green() - amber.green())
                count += distance + abs(c.blue() - amber.blue()) < 60
        return count

    assert outlined(0) == 0
    assert view.mark_matching("ranker") == [ranker]
    assert outlined(0) > 40 and outlined(400) == 0
    view.mark_matching("")
    assert outlined(0) == 0
