"""The scene mirrors the document; items show names, badges and tooltips as plain text."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument

from app.domain.model import Component, Design, Position
from app.rules.engine import CheckResult, check_design
from app.rules.model import Finding
from app.ui.canvas import ComponentItem, DesignScene, LinkItem
from app.ui.canvas.style import CARD_H, CARD_W, LOD_THRESHOLD, UNKNOWN_STAGE_COLOR
from app.ui.document import DesignDocument
from tests.ui.canvas_support import dark_palette, make_view, two_cards

HOSTILE = "<b>bold</b> & <img src=x>"


def _ids(scene: DesignScene) -> tuple[set[str], set[str]]:
    return {i.component_id for i in scene.component_items()}, {i.link_id for i in scene.link_items()}


def _doc_ids(doc: DesignDocument) -> tuple[set[str], set[str]]:
    return {c.id for c in doc.design.components}, {lk.id for lk in doc.design.links}


def test_scene_mirrors_every_document_signal(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, b = two_cards(doc)
    c = doc.add_component("model", 900, 100)
    link = doc.connect(a, b)
    doc.connect(b, c)
    assert _ids(scene) == _doc_ids(doc)
    doc.set_component_field(a, "name", "Clicks")
    assert scene.component_item(a).name == "Clicks"
    doc.set_link_fields(link, flow="label", label="late")
    assert scene.link_item(link).text == "label · late"
    doc.move_components({c: (900, 400)})
    assert scene.component_item(c).pos() == QPointF(900, 400)
    doc.remove_items([b])
    assert _ids(scene) == _doc_ids(doc) == ({a, c}, set())
    doc.undo_stack.undo()
    assert _ids(scene) == _doc_ids(doc)
    doc.reset(Design())
    assert _ids(scene) == (set(), set())


def test_scene_never_edits_the_document_by_itself(qtbot):
    doc = DesignDocument()
    DesignScene(doc)
    two_cards(doc)
    assert doc.undo_stack.count() == 0


def test_links_fan_out_on_a_shared_side_and_reverse_links_do_not_overlap(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, b = two_cards(doc)
    forward, back = doc.connect(a, b), doc.connect(b, a)
    p1 = scene.link_item(forward).scene_path().pointAtPercent(0)
    p2 = scene.link_item(back).scene_path().pointAtPercent(1)
    assert p1.x() == p2.x() == 100 + CARD_W or abs(p1.x() - p2.x()) < 12
    assert abs(p1.y() - p2.y()) >= 10


def test_link_label_is_plain_text_and_hidden_when_the_cards_are_too_close(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, b = two_cards(doc)
    link = doc.connect(a, b, label="<i>late</i>")
    item = scene.link_item(link)
    assert item.label_visible()
    assert item.text == "data · <i>late</i>"
    assert item._label_text.textFormat() == item._label_text.textFormat().PlainText
    doc.move_components({b: (100 + CARD_W + 30, 100)})
    scene.flush_link_updates()
    assert not item.label_visible()


def test_tooltips_show_hostile_names_literally(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a = doc.add_component("model", 0, 0, HOSTILE)
    b = doc.add_component("endpoint", 400, 0, "API")
    doc.set_component_field(a, "technology", "<i>x</i>")
    link = doc.connect(a, b, label="<script>")
    for tip in (scene.component_item(a).toolTip(), scene.link_item(link).toolTip()):
        assert "<b>" not in tip and "<img" not in tip and "<i>" not in tip and "<script>" not in tip
        rendered = QTextDocument()
        rendered.setHtml(tip)
        text = rendered.toPlainText()
        assert HOSTILE in text
    assert "<i>x</i>" in _plain(scene.component_item(a).toolTip())
    assert scene.component_item(a).name == HOSTILE


def _plain(html: str) -> str:
    rendered = QTextDocument()
    rendered.setHtml(html)
    return rendered.toPlainText()


def test_unknown_kind_draws_with_a_grey_header(qtbot):
    design = Design(components=[Component(id="x1", kind="quantum_gizmo", name="Mystery")])
    doc = DesignDocument(design)
    scene = DesignScene(doc)
    item = scene.component_item("x1")
    assert item.stage_color == UNKNOWN_STAGE_COLOR and not item.known
    assert "unknown kind" in _plain(item.toolTip())
    image = _render(scene, QRectF(-20, -20, 240, 130), 1.0)
    assert image.pixelColor(120 + 40, 20 + 5).name() == QColor(UNKNOWN_STAGE_COLOR).name()


def _render(scene, source: QRectF, scale: float) -> QImage:
    image = QImage(round(source.width() * scale), round(source.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), source)
    painter.end()
    return image


def test_level_of_detail_draws_a_plain_stage_coloured_card_when_zoomed_out(qtbot, catalog):
    doc = DesignDocument()
    scene = DesignScene(doc)
    doc.add_component("model", 0, 0, "A long model name that would be text")
    color = QColor(catalog.stage("model").color).name()
    source = QRectF(-20, -20, CARD_W + 40, CARD_H + 40)
    far = _render(scene, source, LOD_THRESHOLD - 0.1)
    body = [(x, y) for x in range(8, 22) for y in range(9, 15)]  # in the name area of the card
    scale = LOD_THRESHOLD - 0.1
    colors = {
        far.pixelColor(round((20 + 10 + x * 5) * scale), round((20 + 30 + y) * scale)).name() for x, y in body
    }
    assert colors == {color}
    near = _render(scene, source, 1.0)
    near_colors = {near.pixelColor(20 + 10 + x * 5, 20 + 34 + y).name() for x, y in body}
    assert color not in near_colors and len(near_colors) > 1  # white card with dark text


def test_badges_reflect_the_open_findings_of_a_check_result(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, b = two_cards(doc)

    def finding(severity, components, accepted=False):
        return Finding(
            rule="R1",
            severity=severity,
            stage="data",
            title="t",
            message="m",
            components=tuple(components),
            accepted=accepted,
        )

    result = CheckResult(
        findings=[
            finding("info", [a]),
            finding("warning", [a, b]),
            finding("error", [b], accepted=True),
        ],
        coverage={},
    )
    scene.set_check_result(result)
    assert scene.component_item(a).badge() == (2, "warning")
    assert scene.component_item(b).badge() == (1, "warning")
    assert "2 open findings" in _plain(scene.component_item(a).toolTip())
    scene.set_check_result(CheckResult(findings=[finding("error", [b])], coverage={}))
    assert scene.component_item(a).badge() is None
    assert scene.component_item(b).badge() == (1, "error")
    scene.set_check_result(None)
    assert scene.component_item(b).badge() is None


def test_a_card_edited_after_its_badge_keeps_the_findings_line_in_its_tooltip(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, _b = two_cards(doc)
    found = Finding(rule="R1", severity="warning", stage="data", title="t", message="m", components=(a,))
    scene.set_check_result(CheckResult(findings=[found, found], coverage={}))
    doc.set_component_field(a, "name", "Click events")
    tooltip = _plain(scene.component_item(a).toolTip())
    assert "Click events" in tooltip and "2 open findings (worst: warning)" in tooltip


def test_badges_from_the_real_rule_engine_survive_a_rebuild(qtbot, builder):
    a = builder.add("data_source", "Events")
    builder.add("model", "Model")
    doc = DesignDocument(builder.design)
    scene = DesignScene(doc)
    result = check_design(doc.design)
    scene.set_check_result(result)
    expected = sum(1 for f in result.findings if a in f.components and not f.accepted)
    assert expected and scene.component_item(a).badge()[0] == expected
    doc.reset(doc.design)
    assert scene.component_item(a).badge()[0] == expected


def test_palette_switch_repaints_with_dark_colours(qtbot):
    doc, view = make_view(qtbot)
    light = view.design_scene.canvas_style.theme.background
    with dark_palette(qtbot, view):
        dark = view.design_scene.canvas_style.theme.background
        assert dark.lightness() < 80 < light.lightness()
        image = view.viewport().grab().toImage()
        assert image.pixelColor(5, 5).lightness() < 80
    qtbot.waitUntil(lambda: not view.design_scene.canvas_style.theme.dark, timeout=2000)


def test_cards_are_movable_selectable_and_report_geometry_changes(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a, b = two_cards(doc)
    item = scene.component_item(a)
    flags = item.flags()
    for flag in ("ItemIsMovable", "ItemIsSelectable", "ItemSendsGeometryChanges"):
        assert flags & getattr(ComponentItem.GraphicsItemFlag, flag)
    link = scene.link_item(doc.connect(a, b))
    assert isinstance(link, LinkItem) and link.flags() & LinkItem.GraphicsItemFlag.ItemIsSelectable
    doc.set_component_field(a, "name", "x" * 300)
    assert scene.component_item(a).text_layout(1.0).lines[-1].endswith("…")
    doc.move_components({a: (100, 300)})
    assert doc.component(a).position == Position(x=100, y=300)


def test_link_labels_move_off_other_cards_and_each_other(qtbot):
    doc = DesignDocument()
    scene = DesignScene(doc)
    a = doc.add_component("data_source", 0, 0)
    b = doc.add_component("model", 1000, 0)
    link = scene.link_item(doc.connect(a, b, label="events"))
    middle = link.label_rect().translated(link.pos())
    blocker = doc.add_component("consumer", middle.center().x() - 100, middle.top() - 20)
    scene.place_labels()
    moved = link.label_rect().translated(link.pos())
    assert link.label_visible() and moved != middle
    assert not moved.intersects(scene.component_item(blocker).card_rect())
    doc.remove_items([blocker])
    c = doc.add_component("endpoint", 0, 12)  # a nearly parallel link: its label would collide
    other = scene.link_item(doc.connect(c, b, label="events"))
    scene.place_labels()
    rects = [lk.label_rect().translated(lk.pos()) for lk in (link, other) if lk.label_visible()]
    assert len(rects) == 2 and not rects[0].intersects(rects[1])
