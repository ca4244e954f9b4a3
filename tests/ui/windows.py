"""Window test helpers: fake dialogs, a window factory, a design file on disk."""

from __future__ import annotations

from pathlib import Path

from app.persistence import save_design
from app.ui import dialogs
from app.ui.main_window import MainWindow, open_windows

DIALOGS = (
    "ask_save_changes",
    "ask_overwrite_changed",
    "ask_save_failed",
    "show_error",
    "show_info",
    "get_open_path",
    "get_save_path",
    "ask_restore",
    "ask_rationale",
    "show_crash",
    "show_warnings",
    "ask_finish_interview",
)


class DialogLog:
    """Replaces every dialog; a test sets the answers it expects to be asked for."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[str, tuple]] = []
        self.answers: dict[str, list] = {}
        for name in DIALOGS:
            monkeypatch.setattr(dialogs, name, self._fake(name))

    def _fake(self, name):
        def fake(*args, **kwargs):
            self.calls.append((name, args))
            queue = self.answers.get(name)
            if queue:
                return queue.pop(0)
            if name in ("show_error", "show_info", "show_warnings", "show_crash"):
                return None
            raise AssertionError(f"unexpected dialog {name}{args[1:]}")

        return fake

    def answer(self, name: str, *values) -> None:
        self.answers.setdefault(name, []).extend(values)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def args(self, name: str) -> tuple:
        return next(args for n, args in self.calls if n == name)


class WindowFactory:
    """Makes shown windows; `close_all` closes every window still open without asking."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    def __call__(self, **kwargs) -> MainWindow:
        window = MainWindow(**kwargs)
        window.show()
        self.qtbot.waitExposed(window)
        return window

    @staticmethod
    def close_all() -> None:
        for window in open_windows():
            window.document.mark_saved()
            window.close()


def write_design_file(folder: Path, builder) -> Path:
    builder.add("data_source", "Events")
    builder.add("model", "Ranker")
    path = folder / "design.mlsd"
    save_design(builder.design, path)
    return path
