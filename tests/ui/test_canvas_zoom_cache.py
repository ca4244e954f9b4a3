"""Zoom-dependent work is cached per zoom level: text layouts, card chromes, grid tiles and the
overview's batches. A cached result must equal what computing it afresh gives, and must be
dropped when what it depends on changes (a rename, a pin, a palette or font change, a move)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from app.ui.canvas import card_chrome as chrome
from app.ui.canvas import card_text as ct
from app.ui.canvas import component_item
from app.ui.canvas.grid import grid_step
from app.ui.canvas.level_cache import LevelCache
from app.ui.canvas.style import LOD_THRESHOLD
from tests.ui.canvas_support import dark_palette, make_view

NAMES = (
    "Ranker",
    "Feature store (offline)",
    "Ads consent & retention (GDPR/TCF)",
    "Streaming supply and demand pipeline with a very long descriptive name",
    "x" * 90,
    "<b>not bold</b> & co",
)
# every name size bucket from the block threshold to the largest zoom, and a few in between
LEVEL_ZOOMS = sorted({LOD_THRESHOLD + 0.002 * k for k in range(0, 350)} | {1.0, 1.5, 2.0, 4.0})


def _uncached(name: str, zoom: float, pinned: bool) -> ct.CardText:
    return ct.card_text.uncached(name, ct.name_size_for(zoom), ct.small_size_for(zoom), pinned)


@pytest.mark.parametrize("pinned", (False, True))
@pytest.mark.parametrize("name", NAMES)
def test_the_cached_layout_equals_the_uncached_computation_at_every_level(qtbot, name, pinned):
    buckets = {(ct.name_size_for(z), ct.small_size_for(z)) for z in LEVEL_ZOOMS}
    assert len(buckets) > 30  # the test does walk through the levels
    for zoom in LEVEL_ZOOMS:
        first = ct.layout_for_zoom(name, zoom, pinned)
        again = ct.layout_for_zoom(name, zoom, pinned)
        assert again is first  # a level seen before is a lookup
        assert first == _uncached(name, zoom, pinned)
        assert (first.pin_size > 0) == pinned


def test_a_card_shows_the_fresh_layout_after_a_rename_or_a_pin_at_levels_seen_before(qtbot):
    doc, view = make_view(qtbot)
    cid = doc.add_component("model", 0, 0, "Ranker with a long name that wraps onto two lines")
    item = view.design_scene.component_item(cid)
    zooms = (0.32, 0.46, 0.7, 1.0, 2.0)
    for zoom in zooms:
        assert item.text_layout(zoom) == _uncached(item.name, zoom, False)
    doc.set_component_field(cid, "name", "Renamed")
    for zoom in zooms:
        assert item.text_layout(zoom) == _uncached("Renamed", zoom, False)
        assert item.text_layout(zoom).lines == ("Renamed",)
    doc.set_pinned([cid], True)
    for zoom in zooms:
        layout = item.text_layout(zoom)
        assert layout == _uncached("Renamed", zoom, True) and layout.pin_size > 0
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    for zoom in zooms:
        assert item.text_layout(zoom) == _uncached(item.name, zoom, False)
        assert item.text_layout(zoom).pin_size == 0


def test_a_font_change_drops_every_cached_layout(qtbot):
    doc, view = make_view(qtbot)
    name = "Feature store (offline) for ranking"
    cid = doc.add_component("model", 0, 0, name)
    item = view.design_scene.component_item(cid)
    zoom = 0.46
    before = item.text_layout(zoom)
    old = QApplication.font()
    wide = QFont("DejaVu Sans Mono")
    try:
        QApplication.setFont(wide)
        QApplication.processEvents()
        after = item.text_layout(zoom)
        assert after is not before
        assert after == _uncached(name, zoom, False)  # measured with the new font
        assert after != before  # a monospaced font lays the name out differently
    finally:
        QApplication.setFont(old)
        QApplication.processEvents()
    assert item.text_layout(zoom) == before


def test_a_palette_change_drops_layouts_and_chromes(qtbot):
    doc, view = make_view(qtbot, size=(600, 400))
    cid = doc.add_component("model", 0, 0, "Ranker")
    view.centerOn(100, 60)
    item = view.design_scene.component_item(cid)
    cached = item.text_layout(1.0)
    view.viewport().grab()
    assert len(chrome.CHROMES) > 0
    with dark_palette(qtbot, view):
        assert item.text_layout(1.0) is not cached and item.text_layout(1.0) == cached
        image = view.viewport().grab().toImage()
        body = view.mapFromScene(QPointF(150, 100))  # inside the card, below its text
        assert image.pixelColor(body).lightness() < 100  # the dark theme's card, not a stale light one
    qtbot.waitUntil(lambda: not view.design_scene.canvas_style.theme.dark, timeout=2000)


def test_a_card_keeps_its_text_for_a_bounded_number_of_levels(qtbot):
    doc, view = make_view(qtbot)
    item = view.design_scene.component_item(doc.add_component("model", 0, 0, "Ranker"))
    for k in range(40):
        item.text_layout(LOD_THRESHOLD + 0.01 * k)
    assert len(item._texts) == component_item.ITEM_LEVELS


def test_the_level_cache_is_bounded_and_keyed_by_its_arguments():
    calls = []

    def layout(name: str, level: int) -> tuple[str, int]:
        calls.append((name, level))
        return (name.upper(), level)

    cache = LevelCache(layout, maxsize=3)
    assert cache("a", 1) == ("A", 1) and cache("a", 1) == ("A", 1)
    assert calls == [("a", 1)]
    for level in range(2, 6):
        cache("a", level)
    assert len(cache) == 3
    cache("a", 1)  # dropped as the least recently used: computed again
    assert calls.count(("a", 1)) == 2
    cache.invalidate()
    assert len(cache) == 0
    cache("a", 5)
    assert calls.count(("a", 5)) == 2


def _paint(item, scale: float, exporting: bool) -> QImage:
    image = QImage(round(260 * scale) + 8, round(170 * scale) + 8, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.translate(8, 8)
    painter.scale(scale, scale)
    item.owner.exporting = exporting
    try:
        item.paint(painter, QStyleOptionGraphicsItem(), None)
    finally:
        item.owner.exporting = False
        painter.end()
    return image


@pytest.mark.parametrize("scale", (1.0, 0.5, 0.75, 1.5))
def test_the_shared_chrome_looks_like_the_card_painted_directly(qtbot, scale):
    doc, view = make_view(qtbot)
    item = view.design_scene.component_item(doc.add_component("model", 0, 0, "Two-tower ranker"))
    shared = _paint(item, scale, exporting=False)
    direct = _paint(item, scale, exporting=True)  # exports paint every card in vectors
    differing = 0
    for x in range(shared.width()):
        for y in range(shared.height()):
            a, b = shared.pixelColor(x, y), direct.pixelColor(x, y)
            if max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) > 48:
                differing += 1
    # at most the antialiased edges move by the half pixel the chrome is aligned by
    assert differing <= 0.02 * shared.width() * shared.height(), differing


def test_cards_of_one_kind_share_one_chrome_per_zoom_level(qtbot):
    doc, view = make_view(qtbot)
    scene = view.design_scene
    items = [scene.component_item(doc.add_component("model", 0, 300 * k, f"Model {k}")) for k in range(4)]
    other = scene.component_item(doc.add_component("endpoint", 400, 0, "Feed API"))
    chrome.CHROMES.clear()
    rendered = chrome.CHROMES.rendered
    for item in items:
        _paint(item, 0.8, exporting=False)
    assert chrome.CHROMES.rendered == rendered + 2  # one look and the shadows every card shares
    _paint(other, 0.8, exporting=False)
    assert chrome.CHROMES.rendered == rendered + 3  # another kind: its chrome, the same shadows
    for item in items:
        _paint(item, 0.9, exporting=False)
    assert chrome.CHROMES.rendered == rendered + 5  # another zoom level


def test_the_chrome_cache_stays_within_its_budget(qtbot):
    doc, view = make_view(qtbot)
    item = view.design_scene.component_item(doc.add_component("model", 0, 0, "Ranker"))
    cache = chrome.ChromeCache(budget=2 * 1024 * 1024)
    for k in range(60):
        scale = 0.5 + 0.025 * k
        cache.pixmap(("look", k), scale, 1.0, lambda p, s: item._paint_chrome(p, s, item._statics(s)))
    assert 0 < cache.bytes <= cache.budget and len(cache) < 60


def test_zooming_out_again_reuses_the_overview_unless_something_changed(qtbot, monkeypatch):
    doc, view = make_view(qtbot)
    scene = view.design_scene
    cid = doc.add_component("model", 0, 0, "Ranker")
    doc.add_component("endpoint", 400, 0, "Feed API")
    builds = []
    original = type(scene.overview)._build

    def counting(self) -> None:
        builds.append(1)
        original(self)

    monkeypatch.setattr(type(scene.overview), "_build", counting)
    view.set_zoom(0.2)
    view.viewport().grab()
    assert len(builds) == 1
    view.set_zoom(1.0)
    view.viewport().grab()
    view.set_zoom(0.2)
    view.viewport().grab()
    assert len(builds) == 1  # nothing changed: the batches were kept
    view.set_zoom(1.0)
    doc.move_components({cid: (100, 600)})
    doc.set_component_field(cid, "name", "Moved ranker")
    view.select_components([cid])
    view.set_zoom(0.2)
    view.viewport().grab()
    assert len(builds) == 2
    corners = {(r.x(), r.y()) for rects in scene.overview._cards.values() for r in rects}
    assert (100, 600) in corners and (0, 0) not in corners
    assert [name for _, name in scene.overview._labels] == ["Moved ranker"]


@pytest.mark.parametrize("zoom", (1.0, 0.55, 0.32))
def test_grid_dots_sit_on_the_grid_at_every_zoom(qtbot, zoom):
    doc, view = make_view(qtbot, size=(600, 400))
    doc.add_component("model", 3000, 3000, "Far away")  # no empty-canvas hint over the grid
    view.set_zoom(zoom)
    view.centerOn(0, 0)
    image = view.viewport().grab().toImage()
    background = view.design_scene.canvas_style.theme.background.lightness()
    step = grid_step(zoom)
    on, off = 0, 0
    for i in range(-3, 4):
        for j in range(-2, 3):
            dot = view.mapFromScene(QPointF(i * step, j * step))
            darkest = min(
                image.pixelColor(dot.x() + dx, dot.y() + dy).lightness()
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
            )
            on += darkest < background - 15
            between = view.mapFromScene(QPointF((i + 0.5) * step, (j + 0.5) * step))
            off += image.pixelColor(between).lightness() >= background - 2
    assert on == 35 and off == 35


def test_the_grid_tile_is_cached_per_level(qtbot):
    from app.ui.canvas import grid

    grid._tile.cache_clear()
    background, dot = QColor("#f7f7f7"), QColor("#cccccc")
    first = grid.grid_tile(11.3, 1.0, background, dot)
    assert grid.grid_tile(11.4, 1.0, background, dot) is first  # the same whole-pixel level
    assert grid.grid_tile(14.0, 1.0, background, dot) is not first
    assert grid._tile.cache_info().currsize == 2
    assert first.toImage().pixelColor(5, 5).lightness() < background.lightness()
    assert first.toImage().pixelColor(0, 0) == background  # the dot only in the middle


def test_the_grid_looks_the_same_drawn_directly_or_from_the_cached_background(qtbot):
    """Zoomed out (the overview) the view paints its background directly, with the view's render
    hints; zoomed in from its cached background, whose painter has none. The grid samples its
    tile the same way in both (nearest texels: the quicker), so it does not change on crossing."""
    from PySide6.QtWidgets import QGraphicsView

    doc, view = make_view(qtbot, size=(600, 400))
    doc.add_component("model", 0, 0, "A card")  # no empty-canvas hint
    view.set_zoom(0.257)  # grid dots 25.7 px apart: the tile is scaled
    assert view.cacheMode() == QGraphicsView.CacheModeFlag.CacheNone
    direct = view.viewport().grab().toImage()
    view.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
    view.resetCachedContent()
    assert view.viewport().grab().toImage() == direct


def test_an_idle_view_prepares_the_1_to_1_chromes_so_zooming_in_rasterises_none(qtbot):
    doc, view = make_view(qtbot, size=(900, 600))
    view.set_zoom(0.2)  # the overview: no card painted yet
    chrome.CHROMES.clear()
    kinds = ("data_source", "model", "endpoint")
    for n, kind in enumerate(kinds):
        doc.add_component(kind, 260 * n, 0, f"{kind} {n}")
    qtbot.waitUntil(lambda: len(view._warmed) == len(kinds), timeout=3000)
    rendered = chrome.CHROMES.rendered
    assert rendered >= len(kinds)
    view.reset_zoom()
    view.centerOn(350, 60)
    view.viewport().grab()
    assert chrome.CHROMES.rendered == rendered  # every look was ready


def test_a_hover_or_selection_while_zoomed_in_only_redoes_the_overview_marks(qtbot, monkeypatch):
    doc, view = make_view(qtbot)
    scene = view.design_scene
    a = doc.add_component("model", 0, 0, "Ranker")
    b = doc.add_component("endpoint", 400, 0, "Feed API")
    link = doc.connect(a, b)
    calls: list[str] = []
    overview_type = type(scene.overview)
    build, marks = overview_type._build, overview_type._build_marks

    def counting_build(self) -> None:
        calls.append("build")
        build(self)

    def counting_marks(self) -> None:
        calls.append("marks")
        marks(self)

    monkeypatch.setattr(overview_type, "_build", counting_build)
    monkeypatch.setattr(overview_type, "_build_marks", counting_marks)
    view.set_zoom(0.2)
    view.viewport().grab()
    assert calls == ["build", "marks"]
    view.set_zoom(1.0)
    scene.component_item(b).hoverEnterEvent(None)
    view.select_components([a])
    scene.link_item(link).setSelected(True)
    view.set_zoom(0.2)
    view.viewport().grab()
    assert calls == ["build", "marks", "marks"]  # the geometry was kept
    assert [name for _, name in scene.overview._labels] == ["Ranker", "Feed API"]
    assert len(scene.overview._selected_cards) == 1 and not scene.overview._selected_links.isEmpty()


def test_the_minimap_follows_the_cards_bounds_which_zooming_does_not_recompute(qtbot, monkeypatch):
    doc, view = make_view(qtbot, size=(800, 500))
    scene = view.design_scene
    a = doc.add_component("model", 0, 0, "Ranker")
    view.fit_to_view()
    qtbot.waitUntil(lambda: not view.minimap_visible(), timeout=2000)
    passes: list[int] = []
    rect_of = type(scene).components_rect
    monkeypatch.setattr(
        type(scene), "components_rect", lambda self, ids=None: passes.append(1) or rect_of(self, ids)
    )
    for zoom in (0.9, 0.8, 0.7, 0.9):
        view.set_zoom(zoom)
    assert passes == []  # zoom steps reuse the bounds
    doc.move_components({a: (5000, 3000)})  # now far outside the view
    qtbot.waitUntil(view.minimap_visible, timeout=2000)
    assert passes


def test_the_memo_metrics_answer_as_qt_measures_afresh(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetricsF

    words = [name for name in NAMES] + [f"Feature store {k}" for k in range(ct.MEMO_TEXTS + 40)]
    for size, bold, stretch in ((13, True, 0), (29, True, 0), (37, True, ct.CONDENSED), (11, False, 0)):
        memo = ct._metrics(size, bold, stretch)
        assert isinstance(memo, ct.MemoMetrics)
        plain = QFontMetricsF(ct.font(size, bold, stretch))
        for text in words + words[:50]:  # asked again: from the memo (and past its bound: cleared)
            assert memo.horizontalAdvance(text) == plain.horizontalAdvance(text)
            for width in (60.0, 150.5):
                assert memo.elidedText(text, Qt.TextElideMode.ElideRight, width) == plain.elidedText(
                    text, Qt.TextElideMode.ElideRight, width
                )
        assert len(memo._advances) <= ct.MEMO_TEXTS
        assert memo.height() == plain.height()
