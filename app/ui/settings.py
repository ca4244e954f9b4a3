"""User settings of the window: geometry, dock layout, recent files, theme, view toggles.

Stored with QSettings under organization "MLSD Studio", application "mlsd-studio". When
``MLSD_STUDIO_DATA_DIR`` is set (tests, portable installs) an INI file under that folder is
used instead, so a run never touches the real user configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtWidgets import QMainWindow

from app import APP_NAME
from app.persistence.recovery import DATA_DIR_ENV

ORGANIZATION = APP_NAME
APPLICATION = "mlsd-studio"
MAX_RECENT = 10
THEMES = ("system", "light", "dark")

# Files opened in this process whose recording (recent files, last folder) waits for
# Settings.flush_opened: shared by every Settings object, as the file behind them is.
_OPENED: list[Path] = []
_FLUSH_AT_QUIT: list[QCoreApplication] = []  # the application whose aboutToQuit flushes them


def _qsettings() -> QSettings:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return QSettings(str(Path(override) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class Settings:
    """A thin typed wrapper; every write is synced so other windows see it at once."""

    def __init__(self) -> None:
        self.qs = _qsettings()

    def _value(self, key: str, default: object = None) -> object:
        self.qs.sync()
        return self.qs.value(key, default)

    def _set(self, key: str, value: object) -> None:
        self.qs.setValue(key, value)
        self.qs.sync()

    def _bool(self, key: str, default: bool) -> bool:
        value = self._value(key, default)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    # ---- window -------------------------------------------------------------------------

    def save_window(self, window: QMainWindow) -> None:
        self._set("window/geometry", window.saveGeometry())
        self._set("window/state", window.saveState())

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore the last geometry and dock layout; False when there is none."""
        geometry = self._value("window/geometry")
        state = self._value("window/state")
        restored = False
        if isinstance(geometry, QByteArray | bytes) and geometry:
            restored = window.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes) and state:
            restored = window.restoreState(QByteArray(state)) and restored
        return restored

    # ---- recent files ------------------------------------------------------------------

    def record_opened(self, path: str | Path) -> None:
        """Remember an opened file (recent files, last folder) without writing the settings file
        now: flush_opened writes it (the window calls it after its next frame), at the latest
        when the application quits; reading recent files or the last folder flushes it first."""
        _OPENED.append(Path(path))
        app = QCoreApplication.instance()
        if app is not None and app not in _FLUSH_AT_QUIT:
            _FLUSH_AT_QUIT.append(app)
            app.aboutToQuit.connect(lambda: Settings().flush_opened())

    def flush_opened(self) -> None:
        """Write the files recorded by record_opened (each a recent file, its folder the last)."""
        if not _OPENED:
            return
        opened = list(_OPENED)
        _OPENED.clear()
        for path in opened:
            self.add_recent_file(path)
            self.set_last_folder(path.parent)

    def recent_files(self) -> list[str]:
        """Recent design files, newest first; files that no longer exist are dropped."""
        self.flush_opened()
        raw = self._value("recent/files", [])
        if isinstance(raw, str):
            raw = [raw] if raw else []
        files = [str(p) for p in (raw or []) if isinstance(p, str) and p]
        present = [p for p in files if Path(p).is_file()][:MAX_RECENT]
        if present != files:
            self._set("recent/files", present)
        return present

    def add_recent_file(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        files = [p for p in self.recent_files() if p != path]
        files = [path, *files][:MAX_RECENT]
        self._set("recent/files", files)
        return files

    def remove_recent_file(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self.flush_opened()
        self._set("recent/files", [p for p in self.recent_files() if p != path])

    def clear_recent_files(self) -> None:
        self.flush_opened()
        self._set("recent/files", [])

    def last_folder(self) -> str:
        self.flush_opened()
        value = self._value("recent/folder", "")
        if isinstance(value, str) and value and Path(value).is_dir():
            return value
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def set_last_folder(self, folder: str | Path) -> None:
        self._set("recent/folder", str(folder))

    # ---- appearance and view toggles ----------------------------------------------------

    def theme(self) -> str:
        value = self._value("view/theme", "system")
        return value if value in THEMES else "system"

    def set_theme(self, mode: str) -> None:
        if mode not in THEMES:
            raise ValueError(f"unknown theme {mode!r}")
        self._set("view/theme", mode)

    def snap_to_grid(self) -> bool:
        return self._bool("view/snap_to_grid", True)

    def set_snap_to_grid(self, on: bool) -> None:
        self._set("view/snap_to_grid", bool(on))

    def minimap_visible(self) -> bool:
        return self._bool("view/minimap", True)

    def set_minimap_visible(self, on: bool) -> None:
        self._set("view/minimap", bool(on))

    def show_start_page(self) -> bool:
        """Show the start page when the window opens without a file (on until turned off)."""
        return self._bool("start/show", True)

    def set_show_start_page(self, on: bool) -> None:
        self._set("start/show", bool(on))

    def findings_grouping(self) -> str:
        value = self._value("findings/group_by", "severity")
        return value if value in ("severity", "stage") else "severity"

    def set_findings_grouping(self, mode: str) -> None:
        self._set("findings/group_by", mode)
