"""A --screenshot of a large design: only the part in view is built, the check is forked.

What is checked is the result: the picture of the part built for the view equals the picture
of the whole build, and the forked check's findings equal the synchronous check's.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from app.domain.model import Design
from app.rules import check_process
from app.templates import design_from_template_file, list_templates
from app.ui.canvas import CanvasView
from app.ui.canvas import style as st
from app.ui.document import DesignDocument
from app.ui.main import take_screenshot
from tests.ui.canvas_support import streamed_view

COLUMNS = 6


def _copies(count: int) -> Design:
    """`count` copies of the templates in a grid (as the opening benchmark's design)."""
    templates = [design_from_template_file(t.path) for t in list_templates()]
    merged = templates[0].model_copy(deep=True)
    merged.components, merged.links = [], []
    for n in range(count):
        source = templates[n % len(templates)]
        prefix = f"c{n}_"
        dx, dy = 2600.0 * (n % COLUMNS), 2200.0 * (n // COLUMNS)
        for component in source.components:
            copy = component.model_copy(deep=True)
            copy.id = prefix + copy.id
            copy.position.x += dx
            copy.position.y += dy
            merged.components.append(copy)
        for link in source.links:
            ends = {"source": prefix + link.source, "target": prefix + link.target}
            merged.links.append(link.model_copy(update={"id": prefix + link.id, **ends}))
    merged.invalidate_indexes()
    return merged


@pytest.fixture(scope="module")
def copies() -> Design:
    return _copies(24)


def _view(qtbot, design: Design) -> CanvasView:
    view = streamed_view(qtbot, design)
    assert view.design_scene.is_building()
    return view


def _picture(view: CanvasView) -> QImage:
    view.design_scene.overview.cancel_slices()
    return view.viewport().grab().toImage()


def _largest_difference(a: QImage, b: QImage) -> int:
    """The largest difference of one colour channel of one pixel between two pictures of one size
    (antialiased strokes drawn in other batches may round an edge pixel a few steps apart; a
    link or card drawn in one picture and not the other differs by a hundred and more)."""
    assert a.size() == b.size()
    one = bytes(a.convertToFormat(QImage.Format.Format_RGB32).constBits())
    two = bytes(b.convertToFormat(QImage.Format.Format_RGB32).constBits())
    return max((abs(x - y) for x, y in zip(one, two, strict=True)), default=0)


def _shown(view: CanvasView) -> dict[str, object]:
    """What the view shows: each card and link whose bounds meet the visible rectangle, with
    position, z value, badge, route and ports."""
    visible = view.visible_scene_rect()
    scene = view.design_scene
    cards = {
        item.component_id: (item.pos().x(), item.pos().y(), item.zValue(), item.badge())
        for item in scene.component_items()
        if item.sceneBoundingRect().intersects(visible)
    }
    links = {}
    for link in scene.link_items():
        if not link.sceneBoundingRect().intersects(visible):
            continue
        path = link.scene_path()
        points = (path.elementAt(i) for i in range(path.elementCount()))
        route = [(round(p.x, 6), round(p.y, 6)) for p in points]
        links[link.link_id] = (link.src_side, link.tgt_side, link.src_port, link.tgt_port, route)
    return {"cards": cards, "links": links}


@pytest.mark.parametrize("zoom", [0.12, 0.3])
def test_the_part_built_for_the_view_shows_what_the_whole_build_shows(qtbot, copies, zoom):
    centre = QPointF(2600 * 2.5, 2200 * 1.6)  # between groups: links cross the view's edges
    whole, part = _view(qtbot, copies), _view(qtbot, copies)
    for view in (whole, part):
        view.set_zoom(zoom)
        view.centerOn(centre)
    whole.design_scene.builder.finish_now()
    part.design_scene.builder.build_in_view(part.visible_scene_rect(), part.zoom_factor())
    built = len(part.design_scene.component_items())
    assert 0 < built < len(copies.components)  # only what the view needs
    assert part.design_scene.is_building()  # paused, never finished
    qtbot.wait(50)  # the event loop runs: the paused build adds nothing more
    assert len(part.design_scene.component_items()) == built
    assert whole.visible_scene_rect() == part.visible_scene_rect()
    shown, expected = _shown(part), _shown(whole)
    assert shown["cards"] and shown["links"]
    assert shown == expected
    if zoom < st.LOD_THRESHOLD:  # zoomed out, the batched overview draws it: the same pixels
        assert part.design_scene.overview_active
        assert _largest_difference(_picture(part), _picture(whole)) <= 8
    # (zoomed in, the items draw themselves: links of equal z cross in the order they were
    # added, which differs between any two builds in slices, so pixels may differ there)
    whole.minimap.refresh()
    part.minimap.refresh()
    assert part.minimap.grab().toImage() == whole.minimap.grab().toImage()  # drawn from the design


def test_zoomed_in_to_where_link_labels_show_everything_is_built(qtbot, copies):
    view = _view(qtbot, copies)
    view.set_zoom(st.LINK_LABEL_LOD)
    view.design_scene.builder.build_in_view(view.visible_scene_rect(), view.zoom_factor())
    assert not view.design_scene.is_building()
    assert len(view.design_scene.component_items()) == len(copies.components)


@pytest.mark.skipif(not check_process.available(), reason="no fork here")
def test_the_screenshot_shows_the_forked_checks_findings(windows, copies, tmp_path, monkeypatch):
    monkeypatch.setattr("app.ui.canvas.progressive.STREAM_MIN", 100)
    from PySide6.QtWidgets import QApplication

    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(copies.model_copy(deep=True), None)
    check = check_process.start(window.document.engine)
    assert check is not None
    out = tmp_path / "shot.png"
    assert take_screenshot(QApplication.instance(), window, str(out), (1200, 800), check) == 0
    assert QImage(str(out)).size().width() == 1200
    expected = window.document.engine.check()
    assert window.checker.result is not None and not window.checker.pending()
    assert window.checker.result.findings == expected.findings
    assert window.findings.findings_in_group  # the panel was filled from it
    shown = window.findings.finding_items()
    assert len(shown) == len(expected.findings)
    scene = window.canvas.design_scene
    assert len(scene.component_items()) < len(copies.components)  # only the part in view


def test_a_result_for_another_version_is_not_published(windows, builder):
    builder.add("model", "Ranker", id="ranker")
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(builder.design, None)
    version = window.checker.version()
    result = window.document.engine.check()
    window.document.set_component_field("ranker", "name", "Re-ranker")
    assert not window.checker.publish(result, version)
    assert window.checker.publish(window.document.engine.check(), window.checker.version())
    assert not window.checker.pending()
