"""Starting the window: `mlsd-studio [FILE] [--screenshot OUT.png [--size WxH]] [--no-recovery]`."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.errors import input_name, output_name
from app.persistence import DesignLoadError, load_design, recovery
from app.persistence.atomic import STDOUT, clean_stale_temp_files
from app.persistence.crashlog import write_crash_log
from app.resources import resource_path
from app.rules import check_process
from app.rules.check_process import ForkedCheck
from app.ui import dialogs, gc_pause
from app.ui.after_paint import after_next_paint
from app.ui.canvas.clipboard import release_clipboard
from app.ui.main_window import MainWindow, app_icon, open_windows
from app.ui.picture_file import picture_problem, save_picture
from app.ui.settings import APPLICATION, ORGANIZATION
from app.ui.shipped_fonts import register_fonts, scripts_not_needed
from app.ui.theme import ThemeManager
from app.ui.window_placement import fit_to_screen

SCREENSHOT_SIZE = (1600, 1000)
WINDOW_SWITCH_INTERVAL = 0.001  # seconds a worker thread may hold the interpreter lock
# Qt's raster engine hands every fill or image blend taller than ~96 lines to a pool of threads
# and waits for them. A canvas frame blends hundreds of card pixmaps 50-150 lines tall: each
# hand-off costs more than the blend (a 5,000-card view at 1:1: 25 ms a frame with the pool,
# 15 ms without, on 2 cores). Read by Qt once, at the first such paint: set before any.
NO_GUI_THREADPOOL = "QT_NO_GUI_THREADPOOL"
SCREENSHOT_LIMITS = ((640, 480), (7680, 4320))  # smallest and largest --size
PNG_QUALITY = 60  # Qt's PNG writer: 100 - quality, scaled to zlib's 0-9, makes level 3
FIRST_FRAME_LATEST_MS = 5000  # what waits for the first frame runs by then in any case


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mlsd-studio", description="Open the MLSD Studio window.")
    parser.add_argument(
        "file", nargs="?", type=input_name, help="design file to open (default: the bundled example)"
    )
    parser.add_argument(
        "--screenshot",
        type=output_name,
        metavar="OUT.png",
        help="open the design, save a picture of the window (1600x1000, see --size) and exit "
        "('-': standard output, as PNG)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="with --screenshot: the window's size in pixels, e.g. 1440x900 (default 1600x1000)",
    )
    parser.add_argument("--no-recovery", action="store_true", help="do not offer to restore unsaved work")
    parser.add_argument(
        "--interview",
        metavar="TEMPLATE",
        help="with --screenshot: show interview mode on a design partly built from TEMPLATE",
    )
    parser.add_argument(
        "--rubric-screenshot",
        type=output_name,
        metavar="OUT.png",
        help="with --screenshot and --interview: also save a picture of the rubric dialog",
    )
    return parser.parse_args(list(argv))


def parse_size(text: str) -> tuple[int, int]:
    """'1440x900' -> (1440, 900); ValueError naming the problem otherwise."""
    parts = text.strip().lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--size must be WIDTHxHEIGHT in pixels, e.g. 1440x900, not {text!r}")
    width, height = int(parts[0]), int(parts[1])
    (min_w, min_h), (max_w, max_h) = SCREENSHOT_LIMITS
    if not (min_w <= width <= max_w and min_h <= height <= max_h):
        raise ValueError(
            f"--size {width}x{height} is out of range: from {min_w}x{min_h} to {max_w}x{max_h}"
        )
    return width, height



def make_application(later_fonts: Collection[str] = ()) -> QApplication:
    """The QApplication (reused when one exists), named, iconed and themed, with the shipped
    fonts but those of the scripts in `later_fonts` (see register_fonts)."""
    os.environ.setdefault(NO_GUI_THREADPOOL, "1")  # one thread paints a canvas frame faster
    app = QApplication.instance()
    if app is None:
        app = QApplication(["mlsd-studio"])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("mlsd-studio")
    app.setWindowIcon(app_icon())
    register_fonts(app, skip=later_fonts)
    ThemeManager.instance()
    gc_pause.install()  # garbage collected on this thread only, never by a worker's allocations
    # A worker (loading a file, checking, exporting) hands the interpreter back to this thread
    # within 1 ms instead of Python's default 5 ms: painting a frame enters Python many times.
    sys.setswitchinterval(WINDOW_SWITCH_INTERVAL)
    return app


# ---- crash handling --------------------------------------------------------------------------


class CrashHandler:
    """sys.excepthook for the window: log, save recovery files, tell the user, keep running."""

    def __init__(self) -> None:
        self.previous = sys.excepthook
        self._busy = False

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous(exc_type, exc, tb)
            return
        for window in open_windows():  # the user's work first, before anything else can fail
            try:
                window.autosaver.save_now()
            except Exception:  # saving what we can matters more than this one window
                pass
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        log_path = write_crash_log(text)
        if self._busy:
            return
        self._busy = True
        try:
            parent = QApplication.activeWindow()
            dialogs.show_crash(parent, f"{exc_type.__name__}: {exc}", log_path)
        finally:
            self._busy = False


# ---- startup -----------------------------------------------------------------------------


def offer_recovery() -> list[MainWindow]:
    """Ask about each recovery file left by a crashed session; returns restored windows."""
    restored = []
    for path in recovery.list_orphans():
        info = recovery.read_info(path)
        choice = dialogs.ask_restore(None, info)
        if choice == "discard":
            recovery.discard(path)
        elif choice == "restore":
            try:
                design, original = recovery.restore(path)
            except DesignLoadError as exc:
                dialogs.show_error(None, "Cannot restore", f"{exc}\n\nThe recovery file is kept at {path}.")
                continue
            window = MainWindow()
            window.files.restore(design, original, info.disk_signature)
            window.show()
            if window.autosaver.exists():  # the restored work is protected again: drop the old file
                recovery.discard(path)
            restored.append(window)
    return restored


def open_example(window: MainWindow) -> None:
    """The bundled example as a new, untitled design (so Save never writes into resources/)."""
    example = resource_path("examples", "example.mlsd")
    if not example.is_file():
        return
    try:
        loaded = load_design(example, window.document.catalog)
    except DesignLoadError as exc:
        window.show_message(f"The bundled example could not be read: {exc}")
        return
    window.load_design(loaded.design, None)
    window.showing_example = True  # the start page says it is behind it


def take_screenshot(
    app: QApplication,
    window: MainWindow,
    out: str,
    size: tuple[int, int] = SCREENSHOT_SIZE,
    check: ForkedCheck | None = None,
) -> int:
    """Show the window at `size` with its design open and findings shown, and save a picture.
    A large design still being built gets only the part the picture shows (see
    SceneBuilder.build_in_view), its findings from `check` (a check forked when the design was
    opened, running meanwhile) or, failing that, checked here."""
    window.canvas.zoom_warmup.enabled = False  # this process never zooms: nothing to prepare
    # Laid out as if shown but not painted until grab() draws the one frame that is saved.
    window.setUpdatesEnabled(False)
    window.resize(*size)
    window.show()
    for _ in range(5):
        app.processEvents()
    scene = window.canvas.design_scene
    if scene.is_building():
        version = window.checker.version()
        window.balance_docks()
        app.processEvents()
        window.canvas.fit_to_view()
        _build_in_view(window)
        result = check.result() if check is not None else None
        if result is None or not window.checker.publish(result, version):
            window.checker.check_now()
        app.processEvents()  # a long findings list is filled on the next turn (FindingsPanel)
        opened = True
    else:
        opened = window.finish_opening()  # every item built, the findings applied
    if not opened:
        print("mlsd-studio: the design took too long to draw; the picture may be incomplete",
              file=sys.stderr)
    window.balance_docks()  # with the findings shown: the docks take their final sizes
    for _ in range(5):
        app.processEvents()
    window.canvas.fit_to_view()
    _build_in_view(window)
    for _ in range(5):
        app.processEvents()
    window.setUpdatesEnabled(True)
    image = window.grab().toImage()
    # zlib's level 3 instead of its default 6 for a PNG: a third less time, a file 2% larger
    quality = PNG_QUALITY if out.lower().endswith(".png") or out == STDOUT else -1
    problem = save_picture(image, out, quality)
    if problem:
        print(f"mlsd-studio: {problem}", file=sys.stderr)
        return 2
    return 0


def _build_in_view(window: MainWindow) -> None:
    canvas = window.canvas
    canvas.design_scene.builder.build_in_view(canvas.visible_scene_rect(), canvas.zoom_factor())


def check_after_first_paint(window: MainWindow) -> None:
    """The design opened at start is checked (on the worker) once the window has painted its
    first frame, not while it is being painted: the worker's Python code would hold the
    interpreter each time the window's thread lets go of it, in every call into Qt."""
    painted = False

    def waiting() -> bool:
        return not painted

    def painted_now() -> None:
        nonlocal painted
        painted = True
        window.checker.check_soon()  # unless a check is under way, done, or held by another

    window.checker.hold_while(waiting)
    after_next_paint(window.canvas.viewport(), painted_now)


def _after_first_frame(app: QApplication) -> None:
    """What waited for the window's first frame: the fonts left (see _fonts_for_later), and the
    collections on the window's thread (held since the window's start)."""
    register_fonts(app)
    gc_pause.release()


def _once(action: Callable[[], None]) -> Callable[[], None]:
    done = False

    def run() -> None:
        nonlocal done
        if not done:
            done = True
            action()

    return run


def _fonts_for_later(args: argparse.Namespace) -> tuple[str, ...]:
    """Scripts whose fonts the window's first frame does without (added right after it): none
    for a picture, or when designs may be restored (their text is not looked at first)."""
    if args.screenshot or (not args.no_recovery and recovery.list_orphans()):
        return ()
    return scripts_not_needed(args.file)


def run_app(argv: Sequence[str] | None = None, started: Callable[[], None] | None = None) -> int:
    """Open the window; returns the exit status. `started` runs once the windows are shown."""
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    size = SCREENSHOT_SIZE
    if args.size is not None:
        if not args.screenshot:
            print("mlsd-studio: --size goes with --screenshot", file=sys.stderr)
            return 2
        try:
            size = parse_size(args.size)
        except ValueError as exc:
            print(f"mlsd-studio: {exc}", file=sys.stderr)
            return 2
    app = make_application(_fonts_for_later(args))
    for out in (args.screenshot, args.rubric_screenshot):
        if out and (problem := picture_problem(out)):
            print(f"mlsd-studio: {problem}", file=sys.stderr)
            return 2
    if args.screenshot == args.rubric_screenshot == STDOUT:
        print("mlsd-studio: only one picture can go to the standard output ('-')", file=sys.stderr)
        return 2
    if args.file:
        clean_stale_temp_files(Path(args.file).resolve().parent)

    if args.screenshot and args.interview:
        from app.ui.interview.screenshot import interview_screenshot

        return interview_screenshot(app, args.interview, args.screenshot, args.rubric_screenshot)
    if args.screenshot:
        window = MainWindow(restore_layout=False)
        window.persist_settings = False
        gc_pause.hold()  # no collection of the start-up's objects while the picture is made
        try:
            check = None
            if args.file:
                loaded = load_design(args.file, window.document.catalog)
                window.load_design(loaded.design, Path(args.file))
                if window.canvas.design_scene.is_building():  # checked on another core meanwhile
                    check = check_process.start(window.document.engine)
            else:
                open_example(window)
            return take_screenshot(app, window, args.screenshot, size, check)
        except DesignLoadError as exc:
            print(f"mlsd-studio: {exc}", file=sys.stderr)
            return 2
        finally:
            gc_pause.release()
            window.close()

    handler = CrashHandler()
    handler.install()
    # The first collection on the window's thread (of everything the start made: automatic
    # collection is off since main_gui) waits until the first frame is painted.
    gc_pause.hold()
    first_frame_done = _once(lambda: _after_first_frame(app))
    try:
        restored = [] if args.no_recovery else offer_recovery()
        if not (args.file or not restored):
            first_frame_done()
        if args.file or not restored:
            window = MainWindow()
            fit_to_screen(window)
            window.show()
            after_next_paint(window.canvas.viewport(), first_frame_done)
            QTimer.singleShot(FIRST_FRAME_LATEST_MS, first_frame_done)  # the window gone unpainted
            check_after_first_paint(window)
            if args.file:
                window.files.open_after_first_frame(args.file)
            else:
                open_example(window)
                if window.settings.show_start_page():
                    window.show_start_page()
        if started is not None:
            started()
        if args.file or not restored:
            from app.ui.startup_probe import install_if_asked

            install_if_asked(app, window.canvas.viewport())
        return app.exec()
    finally:
        first_frame_done()  # if the loop ended before it ran
        release_clipboard()
        handler.uninstall()
