"""New and restored windows cascade and stay on screen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as hs
from PySide6.QtCore import QPoint, QRect

from app.ui.main_window import MainWindow
from app.ui.window_placement import CASCADE_STEP, cascade, place_window

SCREEN = (0, 0, 1600, 1000)


def _inside(rect, area) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def test_a_free_preferred_spot_is_kept():
    assert cascade((800, 600), (100, 50), [], SCREEN) == (100, 50, 800, 600)


def test_windows_cascade_one_step_apart():
    placed: list[tuple[int, int, int, int]] = []
    for _ in range(4):
        placed.append(cascade((800, 600), (100, 100), placed, SCREEN))
    expected = [(100 + i * CASCADE_STEP, 100 + i * CASCADE_STEP) for i in range(4)]
    assert [(x, y) for x, y, _, _ in placed] == expected


def test_the_cascade_wraps_to_a_new_column_instead_of_leaving_the_screen():
    placed: list[tuple[int, int, int, int]] = []
    for _ in range(30):
        rect = cascade((1200, 800), (0, 0), placed, SCREEN)
        assert _inside(rect, SCREEN)
        placed.append(rect)
    corners = [(x, y) for x, y, _, _ in placed]
    assert len(set(corners)) == len(corners)  # no two windows exactly on top of each other


def test_off_screen_and_oversized_windows_are_brought_back():
    assert cascade((800, 600), (3000, -400), [], SCREEN) == (800, 0, 800, 600)
    assert cascade((2400, 1400), (10, 10), [], SCREEN) == (0, 0, 1600, 1000)
    second_screen = (1600, 0, 1920, 1080)
    assert _inside(cascade((900, 700), (3400, 900), [], second_screen), second_screen)


@given(
    w=hs.integers(1, 3000),
    h=hs.integers(1, 2000),
    px=hs.integers(-5000, 5000),
    py=hs.integers(-5000, 5000),
    n=hs.integers(0, 40),
)
def test_the_result_is_always_on_screen(w, h, px, py, n):
    others = [(i * 40, i * 40, 800, 600) for i in range(n)]
    assert _inside(cascade((w, h), (px, py), others, SCREEN), SCREEN)


def test_new_windows_cascade_on_screen(qtbot, windows):
    first = windows()
    second = first.spawn()
    third = second.spawn()
    fourth = first.spawn()  # from the first again: its cascade spot is taken by the second
    for window in (second, third, fourth):
        qtbot.waitExposed(window)
    area = first.screen().availableGeometry()
    corners = [w.geometry().topLeft() for w in (first, second, third, fourth)]
    assert len({(p.x(), p.y()) for p in corners}) == 4
    for window in (second, third, fourth):
        g = window.geometry()
        assert area.contains(g), (g, area)


def test_restored_windows_do_not_open_on_top_of_each_other(qtbot, windows):
    first = windows()
    first.settings.save_window(first)
    restored = []
    for _ in range(2):
        window = MainWindow()
        window.show()
        qtbot.waitExposed(window)
        restored.append(window)
    corners = {(w.geometry().x(), w.geometry().y()) for w in (first, *restored)}
    assert len(corners) == 3
    area = first.screen().availableGeometry()
    assert all(area.contains(w.geometry()) for w in restored)


def test_a_screen_filling_window_is_shrunk_to_cascade_over_another():
    first = cascade((1600, 1000), (0, 0), [], SCREEN)
    assert first == SCREEN
    x, y, w, h = cascade((1600, 1000), (0, 0), [first], SCREEN)
    assert (x, y) != (0, 0) and _inside((x, y, w, h), SCREEN)
    assert w == 1600 - 4 * CASCADE_STEP and h == 1000 - 4 * CASCADE_STEP


def test_a_restored_maximized_window_stays_maximized(qtbot, windows):
    first = windows()
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized, timeout=2000)
    first.settings.save_window(first)
    again = MainWindow()
    assert again.isMaximized()
    again.show()
    qtbot.waitExposed(again)
    assert again.isMaximized()


class _FramedWindow:
    """A shown window as a window manager frames it: a 22 px title bar and 1 px borders."""

    def __init__(self, x: int, y: int, w: int, h: int):
        self._client = QRect(x, y, w, h)

    def isVisible(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def geometry(self) -> QRect:
        return self._client

    def frameGeometry(self) -> QRect:  # noqa: N802 - Qt's name
        return self._client.adjusted(-1, -22, 1, 1)


def test_a_new_window_leaves_room_for_the_window_managers_title_bar(qtbot):
    """On X11 the first window's frame showed the title bar the next one would need: the
    interview window opened with its client area at the screen's top, its title bar above the
    screen where it could not be grabbed, and its status bar below it."""
    window = MainWindow(restore_layout=False)
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    window.resize(area.size())
    first = _FramedWindow(area.x() + 1, area.y() + 22, area.width(), area.height())
    place_window(window, [first], first.geometry().topLeft() + QPoint(CASCADE_STEP, CASCADE_STEP))
    g = window.geometry()
    assert g.top() - 22 >= area.top() and g.left() - 1 >= area.left()
    assert g.bottom() + 1 <= area.bottom() and g.right() + 1 <= area.right()
    window.document.mark_saved()
