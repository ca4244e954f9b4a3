"""Where a new or restored main window goes: cascaded from the others and inside the screen.

`cascade` is pure geometry (rectangles as (x, y, width, height) tuples) so it is tested
without a display; `place_window` applies it to a QMainWindow against the open windows and
the available area of the screen the window would appear on.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

Rect = tuple[int, int, int, int]
CASCADE_STEP = 40  # about a title bar: each window's title stays visible under the next
CASCADE_ROOM = 4  # steps a screen-filling window is shrunk by when it must cascade
FRAME_ROOM = (8, 40)  # a window manager's borders and title bar, unknown until a window is shown


def cascade(
    size: tuple[int, int],
    preferred: tuple[int, int] | None,
    others: Sequence[Rect],
    available: Rect,
    step: int = CASCADE_STEP,
) -> Rect:
    """The rectangle of a window of `size`: at `preferred` when that is free, else cascaded.

    A spot is taken when another window's top-left corner is within half a step of it. The
    cascade walks down and right by `step`; when the window would leave `available` it starts
    a new column at the top, one step further right. The result always lies inside
    `available` (shrunk to it when larger, and by CASCADE_ROOM steps more when it fills the
    screen and its spot is taken).
    """
    ax, ay, aw, ah = available
    w, h = max(1, min(size[0], aw)), max(1, min(size[1], ah))
    corners = [(ox, oy) for ox, oy, _, _ in others]

    def free(x: int, y: int) -> bool:
        half = step / 2
        return all(abs(x - ox) >= half or abs(y - oy) >= half for ox, oy in corners)

    def clamp(x: int, y: int) -> tuple[int, int]:
        return min(max(x, ax), ax + aw - w), min(max(y, ay), ay + ah - h)

    first = clamp(*(preferred if preferred is not None else (ax, ay)))
    room = CASCADE_ROOM * step
    if not free(*first) and (aw - w < room or ah - h < room):
        # as large as the screen: a little smaller, so the window under it still shows
        w, h = max(1, min(w, aw - room)), max(1, min(h, ah - room))
        first = clamp(*first)
    max_x, max_y = ax + aw - w, ay + ah - h
    x, y = first
    column = 0
    for _ in range(1000):
        if free(x, y):
            return x, y, w, h
        x, y = x + step, y + step
        if x > max_x or y > max_y:
            column += 1
            x, y = ax + column * step, ay
            if x > max_x:
                break  # every spot of the screen is taken: stack on the first one
    return first[0], first[1], w, h


def place_window(window: QWidget, others: Sequence[QWidget], preferred: QPoint | None = None) -> None:
    """Move (and if need be shrink) `window` clear of the visible `others`, on its screen.

    A maximized or full-screen window (as restored) is left to the window manager.
    """
    if window.isMaximized() or window.isFullScreen():
        return
    geometry = window.geometry()
    anchor = preferred if preferred is not None else geometry.topLeft()
    screen = QGuiApplication.screenAt(anchor + QPoint(geometry.width() // 2, 20)) or window.screen()
    area = screen.availableGeometry()
    taken = [
        (g.x(), g.y(), g.width(), g.height())
        for other in others
        if other is not window and other.isVisible()
        for g in (other.geometry(),)
    ]
    left, top, right, bottom = frame_margins([window, *others])
    x, y, w, h = cascade(
        (geometry.width(), geometry.height()),
        (anchor.x(), anchor.y()),
        taken,
        (area.x() + left, area.y() + top, area.width() - left - right, area.height() - top - bottom),
    )
    window.setGeometry(QRect(x, y, w, h))


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window larger than the free area of its screen (a laptop's 1366 x 768) so that
    it fits there with its frame, which a window manager that does not constrain windows would
    otherwise push, with the status bar and the right-hand panels, past the screen's edges."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = window.screen().availableGeometry()
    width = min(window.width(), area.width() - FRAME_ROOM[0])
    height = min(window.height(), area.height() - FRAME_ROOM[1])
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, 1), max(height, 1))


def frame_margins(windows: Sequence[QWidget]) -> tuple[int, int, int, int]:
    """The window manager's frame (left, top, right, bottom: title bar and borders) around the
    first shown window of `windows` that has one; none where no window manager frames them.

    Geometries here are those of the window's inside, so the frame must be kept on the screen
    apart: a window not yet shown has no frame yet, and takes that of one already shown."""
    for other in windows:
        if other.isVisible():
            inner, outer = other.geometry(), other.frameGeometry()
            if inner != outer:
                return (
                    inner.left() - outer.left(),
                    inner.top() - outer.top(),
                    outer.right() - inner.right(),
                    outer.bottom() - inner.bottom(),
                )
    return 0, 0, 0, 0
