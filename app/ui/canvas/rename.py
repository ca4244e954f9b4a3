"""Renaming a card in place: F2 on the one selected card, a double-click on a card's name, or
Rename on the card menu opens a box over the name, in the card's font, the name selected.

- Enter, or the focus going elsewhere (a click on the canvas, another panel, Tab), commits through
  `DesignDocument.set_component_field`, the path of the inspector's Name field: one undo step, and
  the inspector, findings, title and modified mark follow the document's signals.
- A refused name (blank, see `edit_checks.check_new_name`) is said in the status bar and the old
  name is kept, as in the inspector; after Enter the editor stays open with the old name selected.
- Escape cancels: the design and the undo history stay as they were.
- The editor's font is the card's name font as drawn, but never smaller on screen than the
  window's own text (a name drawn at 11 px zoomed out is typed into at the UI's 12 px).
- The box covers the name's lines, as wide as the card as it is seen (at least TYPING_WIDTH
  pixels, centred on the card, where the card is narrower; wider, up to the name's room at 1:1,
  MIN_WIDTH, only while a word of the name would not fit). A name longer than a line wraps
  (`name_editor.py`) and the box grows downward, over the rest of its own card first, so the
  whole name stays in sight and the cards beside it stay uncovered. Where cards are blocks it
  takes the name's font at 1:1 and the place of the name label drawn above the selected block
  (below it when above would leave the view, as the label does), growing upward from the block,
  so the name is not shown twice and the block stays in sight.
- The editor follows its card as the view scrolls or zooms and closes when the card goes.

A double-click elsewhere on a card (its header, technology, a handle) does what it did before.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontInfo, QMouseEvent

from app.ui.canvas import card_text as ct
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.name_editor import CHROME_W, NameEditor, box_height, widest_word
from app.ui.canvas.overview import LABEL_MAX_W, fits_above

if TYPE_CHECKING:
    from app.ui.canvas.view import CanvasView

MARGIN = 3  # pixels of editor around the name's text
MIN_WIDTH = round(ct.TEXT_WIDTH) + 2 * MARGIN  # the name's room at 1:1
TYPING_WIDTH = 64  # pixels: the least room for typing, over a card seen narrower than that
BLOCK_EDITOR_WIDTH = max(MIN_WIDTH, round(LABEL_MAX_W) + 10 + 2 * MARGIN)  # over the widest label
NAME_SLACK = 4.0  # scene units around the name's lines that a double-click still counts as on it


def _name_rect(layout: ct.CardText) -> QRectF:
    """Where a card draws its name's lines (card coordinates)."""
    return QRectF(layout.text_x, layout.name_y, layout.text_width, layout.line_height * len(layout.lines))


def _select_from_start(editor: NameEditor) -> None:
    """Select the whole text with the cursor at its start, so a long name shows its beginning."""
    editor.end(False)
    editor.home(True)


class InlineRenamer(QObject):
    """Opens, places, commits and cancels the name editor of one CanvasView."""

    def __init__(self, view: CanvasView):
        super().__init__(view)
        self.view = view
        self.editor: NameEditor | None = None
        self.component_id: str | None = None
        self._shown = ""  # the name the editor opened with
        view.viewport().installEventFilter(self)
        view.zoom_changed.connect(self.place)
        view.horizontalScrollBar().valueChanged.connect(self.place)
        view.verticalScrollBar().valueChanged.connect(self.place)
        document = view.document
        document.component_moved.connect(self._component_moved)
        document.component_removed.connect(self._component_removed)
        document.design_reset.connect(self.cancel)

    # ---- open and close -------------------------------------------------------------------------

    def is_open(self) -> bool:
        return self.editor is not None

    def rename_selection(self) -> bool:
        """F2: edit the name of the one selected card; with none or several, say so."""
        scene = self.view.design_scene
        ids = scene.selected_component_ids()
        if len(ids) != 1 or scene.selected_link_ids():
            self.view.message.emit("Select one card to rename it")
            return False
        return self.start(ids[0])

    def start(self, component_id: str) -> bool:
        """Open the editor over the card's name; False when there is no such card."""
        item = self.view.design_scene.component_item(component_id)
        if item is None or component_id not in self.view.document.design.component_by_id():
            return False
        if self.editor is not None and not self.commit():
            self._close()  # another card's refused name: kept, as when the focus leaves
        self.view.ensureVisible(item.card_rect(), 40, 40)
        editor = NameEditor(self.view.viewport())
        self.editor, self.component_id = editor, component_id
        editor.setText(self.view.document.component(component_id).name)
        self._shown = editor.text()  # as the box gives it back (a file's "\r\n" comes back "\n")
        editor.finished.connect(self._finished)
        editor.left.connect(lambda: self._left(editor))
        editor.textChanged.connect(self.place)  # taller as a longer name is typed
        self.place()
        editor.show()
        editor.raise_()  # over the canvas's other overlays (the empty-canvas hint)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        _select_from_start(editor)
        return True

    def commit(self) -> bool:
        """Rename the card to the editor's text (nothing when unchanged) and close the editor;
        a refused name is said in the status bar, and the editor stays open (False)."""
        editor, cid = self.editor, self.component_id
        if editor is None or cid is None:
            return True
        text = editor.text()
        if text != self._shown and cid in self.view.document.design.component_by_id():
            try:
                self.view.document.set_component_field(cid, "name", text)
            except ValueError as exc:  # DesignError: what the inspector says too
                self.view.message.emit(str(exc))
                return False
        self._close()
        return True

    def cancel(self) -> None:
        """Close the editor; the card keeps its name and no undo step is made."""
        self._close()

    def _close(self) -> None:
        editor = self.editor
        if editor is None:
            return
        self.editor, self.component_id = None, None  # first: hiding it moves the focus (_left)
        if editor.hasFocus():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        editor.hide()
        editor.deleteLater()

    def _finished(self, commit: bool) -> None:
        if not commit:
            self.cancel()
        elif not self.commit() and self.editor is not None:
            self.editor.setText(self._shown)  # as the inspector shows the name kept
            _select_from_start(self.editor)

    def _left(self, editor: NameEditor) -> None:
        if editor is self.editor and not self.commit():
            self._close()  # the focus is elsewhere: the old name stays, the status bar says why

    def _component_moved(self, component_id: str) -> None:
        if component_id == self.component_id:
            self.place()

    def _component_removed(self, component_id: str) -> None:
        if component_id == self.component_id:
            self.cancel()

    # ---- where -----------------------------------------------------------------------------------

    def place(self, *_args: object) -> None:
        """Put the editor over its card's name as the view shows it now."""
        editor, cid = self.editor, self.component_id
        item = self.view.design_scene.component_item(cid) if cid is not None else None
        if editor is None or item is None:
            return
        rect, font = self.geometry_for(item)
        editor.setFont(font)
        editor.setGeometry(rect)

    def geometry_for(self, item: ComponentItem) -> tuple[QRect, QFont]:
        """The editor's rectangle (viewport pixels) and font over `item` at the current zoom."""
        view = self.view
        zoom = view.zoom_factor()
        layout = item.text_layout(zoom)
        legible = QFontInfo(view.font()).pixelSize()  # the window's own text, on screen
        text = self.editor.text() if self.editor is not None else item.name
        card = view.mapFromScene(item.card_rect()).boundingRect()
        if layout is not None:  # over the name's lines, in the card's font as drawn
            size = round(layout.name_size * zoom)
            if size >= legible:
                font = QFont(ct.font(layout.name_size, True, layout.name_stretch))
                font.setPixelSize(max(1, size))
            else:  # the name drawn smaller than the window's text: typed into at that size
                font = QFont(ct.font(legible, True))
            rect = view.mapFromScene(_name_rect(layout).translated(item.pos())).boundingRect()
            rect.adjust(-MARGIN, -MARGIN, MARGIN, MARGIN)
            rect.setLeft(max(rect.left(), card.left()))  # over the card as seen, never past it
            rect.setRight(min(rect.right(), card.right()))
            centre = rect.center()
            whole_words = min(ceil(widest_word(text, font)) + CHROME_W + 1, MIN_WIDTH)
            width = max(rect.width(), TYPING_WIDTH, whole_words)  # wider only where a word needs it
            if width > rect.width():
                centre.setX(card.center().x())
            rect.setWidth(width)
            rect.moveCenter(QPoint(centre.x(), rect.center().y()))
            rect.setHeight(max(rect.height(), box_height(text, font, width)))  # grows downward
        else:  # a block: the name's font at 1:1, in the place of the name label by the block
            font = QFont(ct.font(max(ct.NAME_BASE, legible), True))
            height = box_height(text, font, BLOCK_EDITOR_WIDTH)
            rect = QRect(0, 0, BLOCK_EDITOR_WIDTH, height)
            rect.moveCenter(card.center())
            if fits_above(card.top(), height, view.viewport().rect().top()):
                rect.moveBottom(card.top() - 1)  # covers the label (overview.py), the block seen
            else:
                rect.moveTop(card.bottom() + 1)  # where the label goes then
        bounds = view.viewport().rect()
        rect.setHeight(min(rect.height(), bounds.height()))  # a name longer than the view scrolls
        rect.moveLeft(max(bounds.left(), min(rect.left(), bounds.right() + 1 - rect.width())))
        rect.moveTop(max(bounds.top(), min(rect.top(), bounds.bottom() + 1 - rect.height())))
        return rect, font

    # ---- double-click ----------------------------------------------------------------------------

    def name_at(self, pos: QPointF) -> str | None:
        """The card whose name is at `pos` (viewport): its name's lines, or the whole card when
        it is drawn as a block; None elsewhere (a handle, the header, a link, empty canvas)."""
        view = self.view
        item = view.itemAt(pos.toPoint())
        while item is not None and not isinstance(item, ComponentItem):
            item = item.parentItem()
        if not isinstance(item, ComponentItem):
            return None
        local = item.mapFromScene(view.mapToScene(pos.toPoint()))
        if item.handle_at(local) is not None:
            return None
        layout = item.text_layout(view.zoom_factor())
        if layout is None:
            return item.component_id if item.shape().contains(local) else None
        name = _name_rect(layout).adjusted(-NAME_SLACK, -NAME_SLACK, NAME_SLACK, NAME_SLACK)
        return item.component_id if name.contains(local) else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonDblClick
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers()
        ):
            cid = self.name_at(event.position())
            if cid is not None and cid in self.view.document.design.component_by_id():
                if self.view.design_scene.selected_component_ids() != [cid]:
                    self.view.select_components([cid])  # the inspector shows the card renamed
                return self.start(cid)
        return False
