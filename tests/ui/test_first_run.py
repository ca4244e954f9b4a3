"""First run and empty states: the start page over the example, the empty-canvas hint, and a
new design's missing stages as a "To do" checklist instead of errors."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtGui import QColor

from app.domain.model import Design
from app.templates import list_templates
from app.ui.main import run_app
from app.ui.main_window import open_windows
from app.ui.settings import Settings
from app.ui.start_page import PATH_ROLE, StartPage, show_start_page
from app.ui.todo import EARLY_DESIGN_CARDS
from tests.ui.windows import WindowFactory

# ---- the start page -----------------------------------------------------------------------


def _launch_without_a_file() -> dict:
    seen: dict = {}

    def inspect_then_close() -> None:
        [window] = open_windows()
        page = window.findChild(StartPage, "start_page")
        seen["title"] = window.document.design.meta.title
        seen["components"] = len(window.document.design.components)
        seen["path"] = window.document.path
        seen["page"] = page is not None and page.isVisible()
        WindowFactory.close_all()

    QTimer.singleShot(300, inspect_then_close)
    assert run_app(["--no-recovery"]) == 0
    return seen


def test_launched_without_a_file_the_example_opens_with_the_start_page_over_it(qtbot):
    seen = _launch_without_a_file()
    assert seen["page"] is True
    assert seen["components"] > 10 and seen["path"] is None  # the example, untitled: the quick start


def test_the_start_page_can_be_turned_off_and_the_example_still_opens(qtbot):
    Settings().set_show_start_page(False)
    seen = _launch_without_a_file()
    assert seen["page"] is False and seen["components"] > 10


def test_the_start_page_shows_every_template_row_whole(qtbot, windows):
    """At its 980 x 600 the page cut the third row of templates through their names, 23 px
    short (seen under X at 1600 x 1000): it grows to fit the rows the screen has room for."""
    window = windows()
    window.resize(1440, 900)
    page = show_start_page(window)
    qtbot.waitExposed(page)
    listing = page.template_list
    qtbot.waitUntil(lambda: listing.visualItemRect(listing.item(listing.count() - 1)).isValid())
    assert listing.verticalScrollBar().maximum() == 0
    last = listing.visualItemRect(listing.item(listing.count() - 1))
    assert last.bottom() <= listing.viewport().height()
    assert page.frameGeometry().height() <= window.frameGeometry().height()


def test_the_start_page_says_the_example_is_behind_it_only_when_it_is(qtbot, windows):
    """Seen under X: Help > Start Page over an untitled design said "The example design is
    open behind this page" and offered "Explore the example", which only closed the page."""
    from app.ui.main import open_example

    window = windows()
    page = show_start_page(window)
    assert "example" not in page.intro.text() and page.intro.text().startswith("Start a new design")
    assert page.example_button.isHidden()
    page.close()
    open_example(window)
    page = show_start_page(window)
    assert page.intro.text().startswith("The example design is open behind this page.")
    assert page.example_button.isVisible()
    page.close()
    window.load_design(Design(), None)
    page = show_start_page(window)
    assert "example" not in page.intro.text() and page.example_button.isHidden()


def test_the_start_page_offers_every_template_with_a_thumbnail(windows):
    window = windows()
    page = show_start_page(window)
    titles = [page.template_list.item(i).text() for i in range(page.template_list.count())]
    assert titles == [t.title for t in list_templates() if not t.error]
    assert titles
    for i in range(page.template_list.count()):
        icon = page.template_list.item(i).icon()
        assert not icon.isNull()
        image = icon.pixmap(page.template_list.iconSize()).toImage()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colours) > 3  # a picture of the design, not a blank square
    buttons = (page.new_button, page.open_button, page.interview_button, page.example_button)
    labels = [b.text() for b in buttons]
    assert labels == ["New design", "Open…", "Start an interview…", "Explore the example"]
    assert show_start_page(window) is page  # shown again, not stacked twice


def test_new_design_from_the_start_page_empties_the_window_and_shows_the_hint(windows):
    window = windows()
    page = show_start_page(window)
    page.new_button.click()
    assert not page.isVisible()
    assert window.document.design.components == []
    assert window.canvas.showing_empty_hint()
    assert window.document.undo_stack.count() == 0 and not window.document.is_modified()


def test_a_template_from_the_start_page_loads_into_the_unused_window(windows):
    window = windows()
    page = show_start_page(window)
    item = page.template_list.item(0)
    template = next(t for t in list_templates() if str(t.path) == item.data(PATH_ROLE))
    page.template_list.itemActivated.emit(item)
    assert open_windows() == [window]
    assert len(window.document.design.components) == template.components > 0
    assert window.document.path is None  # a new design, never the template file itself
    assert not page.isVisible()


def test_a_template_goes_to_a_new_window_when_this_one_holds_work(windows):
    window = windows()
    window.document.add_component("model", 0, 0, "Mine")
    page = show_start_page(window)
    page.template_list.itemActivated.emit(page.template_list.item(0))
    others = [w for w in open_windows() if w is not window]
    assert len(others) == 1 and others[0].document.design.components
    assert [c.name for c in window.document.design.components] == ["Mine"]


def test_recent_files_are_listed_and_open_on_activation(windows, design_file):
    window = windows()
    window.settings.add_recent_file(design_file)
    page = show_start_page(window)
    assert page.recent.count() == 1 and page.recent.item(0).text() == design_file.name
    page.recent.itemActivated.emit(page.recent.item(0))
    shown = [w for w in open_windows() if w.document.path == design_file]
    assert len(shown) == 1
    window.settings.clear_recent_files()
    page.refresh_recent()
    assert page.recent.item(0).text() == "No recent files yet"


def test_start_an_interview_from_the_start_page(windows, monkeypatch):
    window = windows()
    asked: list[bool] = []
    monkeypatch.setattr(window.interview, "start_interview", lambda: asked.append(True))
    page = show_start_page(window)
    page.interview_button.click()
    assert asked == [True] and not page.isVisible()


def test_the_show_at_startup_box_is_remembered(windows):
    window = windows()
    page = show_start_page(window)
    assert page.show_at_startup.isChecked()
    page.show_at_startup.setChecked(False)
    assert Settings().show_start_page() is False


def test_help_menu_reopens_the_start_page(windows):
    window = windows()
    window.actions.start_page.trigger()
    page = window.findChild(StartPage, "start_page")
    assert page is not None and page.isVisible()


# ---- the empty-canvas hint ----------------------------------------------------------------


def _dark_pixels_in_the_middle(window) -> int:
    view = window.canvas
    image = view.viewport().grab().toImage()
    middle = QRect(image.width() // 2 - 200, image.height() // 2 - 40, 400, 80)
    background = QColor(view.palette().color(view.palette().ColorRole.Base))
    count = 0
    for x in range(middle.left(), middle.right(), 2):
        for y in range(middle.top(), middle.bottom(), 2):
            colour = image.pixelColor(x, y)
            if abs(colour.lightness() - background.lightness()) > 90:
                count += 1
    return count


def test_an_empty_canvas_shows_how_to_begin_until_the_first_card(windows, qtbot):
    window = windows()
    window.load_design(Design(), None)
    window.resize(1400, 900)
    qtbot.wait(50)
    assert window.canvas.showing_empty_hint()
    with_hint = _dark_pixels_in_the_middle(window)
    window.document.add_component("model", 50_000, 50_000, "Far away")  # off screen: the middle is bare
    window.canvas.centerOn(0, 0)
    assert not window.canvas.showing_empty_hint()
    without = _dark_pixels_in_the_middle(window)
    assert with_hint > 50 and without < with_hint / 10, (with_hint, without)
    window.document.undo_stack.undo()
    assert window.canvas.showing_empty_hint()


# ---- a new design's missing stages are a To do list ---------------------------------------


def test_a_new_design_lists_missing_stages_as_to_do_not_errors(windows):
    window = windows()
    window.load_design(Design(), None)
    window.checker.check_now()
    panel = window.findings
    assert panel.group_titles()[0] == "To do"
    assert "Errors" not in panel.group_titles() and "Warnings" not in panel.group_titles()
    todo = panel.findings_in_group("todo")
    assert {f.rule for f in todo} == {"R1", "R4"} and len(todo) == 7
    assert panel.summary.text().replace("\u00a0", " ").startswith("7 to do · 0 errors · 0 warnings")
    assert "7 to do" in window.counts.text() and "0 errors" in window.counts.text()


def test_once_the_design_has_grown_missing_stages_are_errors_again(windows):
    window = windows()
    window.load_design(Design(), None)
    for i in range(EARLY_DESIGN_CARDS):
        window.document.add_component("data_source", 300 * i, 0, f"Source {i}")
    window.checker.check_now()
    panel = window.findings
    assert "To do" not in panel.group_titles()
    errors = panel.findings_in_group("severity:error")
    assert any(f.rule == "R4" for f in errors)
    assert "to do" not in window.counts.text()


def test_open_from_the_start_page_and_a_cancelled_file_dialog(windows, fake_dialogs, design_file):
    window = windows()
    page = show_start_page(window)
    fake_dialogs.answer("get_open_path", "")
    page.open_button.click()
    assert page.isVisible()  # cancelled: the page is still the way in
    fake_dialogs.answer("get_open_path", str(design_file))
    page.open_button.click()
    assert not page.isVisible() and window.document.path == design_file


def test_explore_the_example_just_closes_the_page(windows):
    window = windows()
    design = Design()
    window.load_design(design, None)
    window.document.add_component("model", 0, 0, "Kept")
    page = show_start_page(window)
    page.example_button.click()
    assert not page.isVisible() and [c.name for c in window.document.design.components] == ["Kept"]


def test_the_first_window_fits_a_screen_smaller_than_its_default_size(qtbot):
    """1440 x 900 by default: on a smaller screen its status bar and right-hand panels were
    past the screen's edges (the offscreen screen is 800 x 800)."""
    seen: dict = {}

    def measure_then_close() -> None:
        [window] = open_windows()
        seen["window"] = window.frameGeometry()
        seen["area"] = window.screen().availableGeometry()
        WindowFactory.close_all()

    QTimer.singleShot(300, measure_then_close)
    assert run_app(["--no-recovery"]) == 0
    window, area = seen["window"], seen["area"]
    assert window.width() <= area.width() and window.height() <= area.height(), (window, area)


def test_the_start_page_stays_over_the_middle_of_its_window_until_the_user_moves_it(windows, qtbot):
    """At start the page was shown before the window manager placed the window: it was centred
    on where the window had been (the screen's corner) and left there, over the menu bar."""
    window = windows()
    window.resize(640, 440)  # the offscreen screen is 800x600: the page is kept on it
    window.move(0, 0)
    page = StartPage(window)
    page.resize(400, 250)
    page = show_start_page(window)
    qtbot.waitExposed(page)

    def centred() -> bool:
        return (page.frameGeometry().center() - window.frameGeometry().center()).manhattanLength() <= 2

    assert centred()
    window.move(120, 90)  # the window manager places the window
    qtbot.waitUntil(centred)
    page.move(page.pos() + QPoint(-60, -40))  # the user puts the page elsewhere: it stays there
    qtbot.waitUntil(lambda: not centred())
    where = page.pos()
    window.move(100, 60)
    qtbot.wait(50)
    assert page.pos() == where
