"""ComponentItem: one component drawn as a card.

The card shows a stage-coloured header with the kind's icon and label, the component's name
and its technology, a badge with the open findings, and edge handles to draw links from. All
user text is plain text: it is elided and drawn with QStaticText in PlainText format, and the
tooltip is escaped, so a name like "<b>x</b>" is shown literally (plain_text.py). The
parts painted over the chrome and text are in card_paint.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPixmap, QStaticText, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.domain.catalog import Catalog
from app.domain.model import Component
from app.ui.canvas import card_chrome as chrome
from app.ui.canvas import card_paint as cp
from app.ui.canvas import card_text as ct
from app.ui.canvas import level_pixmaps
from app.ui.canvas import style as st
from app.ui.canvas.plain_text import plain_line, plain_tooltip

if TYPE_CHECKING:
    from app.ui.canvas.link_item import LinkItem
    from app.ui.canvas.scene import DesignScene

_GIC = QGraphicsItem.GraphicsItemChange
_POSITION_CHANGE = _GIC.ItemPositionChange
_POSITION_CHANGED = _GIC.ItemPositionHasChanged
_LEFT = Qt.MouseButton.LeftButton
_lod_of = QStyleOptionGraphicsItem.levelOfDetailFromTransform
TEXT_WIDTH = ct.TEXT_WIDTH
_ELIDE = Qt.TextElideMode.ElideRight
ITEM_LEVELS = 8  # zoom levels whose text a card keeps ready to paint


class ComponentItem(QGraphicsRectItem):
    """A component card; its position is the component's top-left corner in scene units.

    A QGraphicsRectItem only for its bounding rectangle (CARD_BOUNDS, never drawn: paint draws
    the card), which Qt then reads without calling into Python, several times a frame."""

    def __init__(self, component: Component, catalog: Catalog, canvas_style: st.CanvasStyle):
        super().__init__(st.CARD_BOUNDS)
        self.setPen(Qt.PenStyle.NoPen)  # boundingRect() is CARD_BOUNDS exactly (no pen width)
        self.component_id = component.id
        self.links: set[LinkItem] = set()
        self.owner: DesignScene | None = None
        self._style = canvas_style
        self._catalog = catalog
        self._badge: tuple[int, str] | None = None
        self._badge_text: QStaticText | None = None
        self._hover = False
        self._flash = False
        self._drop_target = False
        self._tooltip_lines: list[str] = []
        self.name = ""
        self.pinned = False
        self._texts: dict[tuple[int, int], ct.CardStatics] = {}
        self._painted: ct.CardPaint | None = None  # what the last paint drew, for the next at its zoom
        self._version = 0  # of what the card shows, in the keys of its kept pixmaps (level_pixmaps)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1.0)
        self.set_component(component)

    # ---- data ------------------------------------------------------------------------------------

    def set_component(self, component: Component) -> None:
        """Take name, kind, technology and position from the component."""
        spec = self._catalog.kind(component.kind)
        theme = self._style.theme
        self.kind = component.kind
        self.known = spec is not None
        if spec is not None:
            self.stage_color = self._catalog.stage(spec.stage).color
            self.kind_label = spec.label
            self.icon_file: str | None = spec.icon
        else:
            self.stage_color = st.UNKNOWN_STAGE_COLOR
            self.kind_label = "unknown kind"
            self.icon_file = None
        self.name = plain_line(component.name)
        self.pinned = component.pinned
        self.technology = plain_line(component.technology)
        self._stage_brush = theme.stage_brush(self.stage_color)
        self._layout_text()
        self._tooltip_lines = [
            self.name or "(unnamed)",
            f"Kind: {self.kind_label}" + ("" if self.known else f" ({component.kind})"),
            f"Technology: {self.technology or 'not set'}",
        ]
        if self.pinned:
            self._tooltip_lines.append("Position pinned: auto-layout leaves it where it is")
        self._refresh_tooltip()
        pos = QPointF(component.position.x, component.position.y)
        if self.pos() != pos:
            self.setPos(pos)
        self.update()
        if self.owner is not None:
            self.owner.overview_dirty()  # the stage colour (and the name) show in the overview too

    def _layout_text(self) -> None:
        """Forget the per-size text (name, kind, technology, badge or theme changed)."""
        self._texts = {}
        self._painted = None
        self._version += 1  # the cards painted before at each level (level_pixmaps) are stale

    def _statics(self, lod: float) -> ct.CardStatics | None:
        """The text drawn at this zoom, cached per font size bucket; None below BLOCK_ZOOM."""
        if st.is_block_zoom(lod):
            return None
        key = (ct.name_size_for(lod), ct.small_size_for(lod))
        found = self._texts.get(key)
        if found is not None and len(self._texts) > 1 and next(reversed(self._texts)) != key:
            del self._texts[key]  # the most recently used level last
            self._texts[key] = found
        if found is None:
            if len(self._texts) >= ITEM_LEVELS:  # bounded: the level used longest ago goes
                del self._texts[next(iter(self._texts))]
            kind_text = self.kind_label if self.known else f"unknown kind: {self.kind}"
            found = self._texts[key] = ct.CardStatics.make(
                ct.card_text(self.name, *key, self.pinned),
                kind_text,
                self.technology,
                self.icon_file is not None,
                self._badge is not None,
            )
        return found

    def has_level(self, zoom: float) -> bool:
        """Whether the text drawn at `zoom` is laid out already (always true for blocks)."""
        return st.is_block_zoom(zoom) or (ct.name_size_for(zoom), ct.small_size_for(zoom)) in self._texts

    def has_bucket(self, sizes: tuple[int, int]) -> bool:
        """Whether the text of these font sizes (name, small: see has_level) is laid out already."""
        return sizes in self._texts

    def text_statics(self, zoom: float) -> ct.CardStatics | None:
        """The text prepared for painting at `zoom` (made now if needed); None for a block."""
        return self._statics(zoom)

    def text_layout(self, zoom: float) -> ct.CardText | None:
        """What the card draws at `zoom`: name size, name lines, kind and technology shown;
        None when it is drawn as a plain block (narrower than BLOCK_MIN_PX on screen)."""
        statics = self._statics(zoom)
        return statics.layout if statics is not None else None

    @property
    def _name_text(self) -> QStaticText:
        """The name's first line as drawn at 1:1."""
        return self._statics(1.0).lines[0]  # type: ignore[union-attr]

    @property
    def _tech_text(self) -> QStaticText | None:
        """The technology line as drawn at 1:1 (None when the name needs its room)."""
        return self._statics(1.0).tech  # type: ignore[union-attr]

    def refresh_style(self) -> None:
        """Re-read the theme after a palette change."""
        self._stage_brush = self._style.theme.stage_brush(self.stage_color)
        self._layout_text()
        self.update()

    def set_badge(self, count: int, severity: str | None) -> None:
        """Show `count` open findings with the worst severity's colour; 0 hides the badge."""
        badge = (count, severity) if count and severity else None
        if badge == self._badge:
            return
        self._badge = badge
        self._badge_text = ct.static_text(str(count) if count < 100 else "99+") if badge else None
        self._refresh_tooltip()
        self._layout_text()
        self._state_changed()

    def badge(self) -> tuple[int, str] | None:
        return self._badge

    def _refresh_tooltip(self) -> None:
        lines = list(self._tooltip_lines)
        if self._badge is not None:
            count, severity = self._badge
            word = "finding" if count == 1 else "findings"
            lines.append(f"{count} open {word} (worst: {severity})")
        self.setToolTip(plain_tooltip(lines))

    def set_flash(self, on: bool) -> None:
        if self._flash != on:
            self._flash = on
            self._state_changed()

    def set_drop_target(self, on: bool) -> None:
        if self._drop_target != on:
            self._drop_target = on
            self._state_changed()

    def alerting(self) -> bool:
        """Flashing after a refused action, or highlighted as a connection's target."""
        return self._flash or self._drop_target

    def _state_changed(self) -> None:
        self.update()
        if self.owner is not None:
            self.owner.overview.marks_changed()

    def card_rect(self) -> QRectF:
        """The card in scene coordinates (without shadow, handles and badge)."""
        return st.CARD_RECT.translated(self.pos())

    def handle_at(self, pos: QPointF) -> int | None:
        """Index of the edge handle at `pos` (item coordinates), or None."""
        limit = st.HANDLE_HIT * st.HANDLE_HIT
        for index, (hx, hy) in enumerate(st.HANDLE_POINTS):
            dx, dy = pos.x() - hx, pos.y() - hy
            if dx * dx + dy * dy <= limit:
                return index
        return None

    # ---- QGraphicsItem -------------------------------------------------------------------------

    def shape(self) -> QPainterPath:
        return st.CARD_SHAPE

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == _POSITION_CHANGED:
            owner = self.owner
            if owner is not None:
                if self.links:
                    owner.links_need_update(self.links)
                owner.overview_dirty()
        elif change == _POSITION_CHANGE:
            owner = self.owner
            if owner is not None and owner.snapping_now():
                return QPointF(st.snap_value(value.x()), st.snap_value(value.y()))
        return value

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        transform = painter.worldTransform()
        owner = self.owner
        refiner = owner.text_refiner if owner is not None else None
        if refiner is not None and refiner.spent and refiner.paint_spent(self, painter, transform):
            return  # a provisional block in a frame whose layouts are used up (the quick way)
        where = level_pixmaps.device_key(painter, transform) if owner is not None else None
        if where is None or owner is None or owner.exporting:
            self._paint(painter, transform)
            return
        # into Qt's device pixmap of this card: drawn at this level before, the same pixels again
        kept = owner.level_pixmaps
        key = self.kept_key(where)
        if not kept.draw(painter, key, transform):
            # a frame at a new level lays out only so many names
            if refiner is not None and refiner.paint(self, painter, transform, key):
                return  # provisional: not kept, painted in full once its text is laid out
            self._paint(painter, transform)
            kept.keep(painter, key)

    def kept_key(self, where: level_pixmaps.Where) -> tuple[object, ...]:
        """The key of this card's pixels painted `where`, as it is now (see level_pixmaps)."""
        state = (self.isSelected(), self._hover, self._flash, self._drop_target, self.matched())
        return (self, self._version, *state, where)

    def _paint(self, painter: QPainter, transform: QTransform) -> None:
        theme = self._style.theme
        lod = _lod_of(transform)
        selected = self.isSelected()
        memo = self._painted
        if memo is None or memo.lod != lod:
            statics = self._statics(lod)
            if statics is None:
                cp.paint_block(painter, theme, self._stage_brush, selected, self._badge)
                return
            memo = self._painted = ct.CardPaint.make(lod, statics, chrome.theme_serial(theme), self.look())
        statics = memo.statics
        # on screen: the chrome of this look at this zoom, shared by the cards showing it
        if self._exporting() or not chrome.draw_shared(
            painter,
            memo.chrome_key,
            lambda p, scale: self._paint_chrome(p, scale, statics, chrome.shadow_pixmap(theme, scale)),
            transform,
        ):
            self._paint_chrome(painter, lod, statics)
        layout = statics.layout
        painter.setPen(theme.name_pen)
        painter.setFont(statics.name_font)
        for point, line in memo.lines:
            painter.drawStaticText(point, line)
        if statics.tech is not None:
            painter.setPen(theme.muted_pen)
            painter.setFont(statics.small_font if self.technology else statics.hint_font)
            painter.drawStaticText(memo.tech_at, statics.tech)
        if self.pinned:
            cp.paint_pin(painter, theme, layout)
        if not self._exporting():
            cp.paint_state(
                painter,
                theme,
                flash=self._flash,
                drop_target=self._drop_target,
                selected=selected,
                hover=self._hover,
                matched=self.matched(),
            )
        if self._badge is not None:
            cp.paint_badge(painter, theme, self._badge, self._badge_text)

    def look(self) -> tuple[object, ...]:
        """What the card's chrome shows besides the zoom's text sizes: cards alike share it."""
        return (
            self.stage_color,
            self.icon_file,
            self.kind_label,
            self.known,
            self.kind,
            self._badge is not None,
        )

    def _paint_chrome(
        self, painter: QPainter, lod: float, statics: ct.CardStatics, shadow: QPixmap | None = None
    ) -> None:
        chrome.paint_chrome(
            painter, self._style.theme, lod, statics, self._stage_brush, self.icon_file, shadow
        )

    def _exporting(self) -> bool:
        return self.owner is not None and self.owner.exporting

    def paint_block(self, painter: QPainter) -> None:
        """The card as a stage-coloured block, as below BLOCK_ZOOM (a provisional paint)."""
        cp.paint_block(painter, self._style.theme, self._stage_brush, self.isSelected(), self._badge)

    # ---- hover and connection drag ------------------------------------------------------------------

    def hovered(self) -> bool:
        return self._hover

    def matched(self) -> bool:
        """Whether a search (Edit > Find) matched this card: outlined, its name kept zoomed out."""
        owner = self.owner
        return owner is not None and self.component_id in owner.matches

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = True
        self._state_changed()

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        if self.handle_at(event.pos()) is not None:
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.unsetCursor()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = False
        self.unsetCursor()
        self._state_changed()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        owner = self.owner
        if event.button() == _LEFT and owner is not None and self.handle_at(event.pos()) is not None:
            owner.connections.begin(self, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        owner = self.owner
        if owner is not None and owner.connections.source() is self:
            owner.connections.update(event.scenePos())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        owner = self.owner
        if owner is not None and owner.connections.source() is self:
            owner.connections.finish(event.scenePos())
            return
        super().mouseReleaseEvent(event)
