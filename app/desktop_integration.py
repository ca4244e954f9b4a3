"""Install the freedesktop launcher, the .mlsd MIME type and the icons for the current user,
so a double-click on a design file opens it in MLSD Studio (`mlsd install-desktop`)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.errors import input_name
from app.persistence.atomic import atomic_write_bytes
from app.persistence.errors import display_path
from app.resources import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher_command() -> list[str]:
    """How the desktop should start us: the frozen executable, or the installed script."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    found = shutil.which("mlsd-studio") or shutil.which("mlsd")
    return [found] if found else [sys.executable, "-m", "app"]


# Characters that make an argument of a desktop entry's Exec key need double quotes; inside
# them ", `, $ and \ take a backslash (the Desktop Entry Specification, "The Exec key").
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def exec_argument(text: str) -> str:
    """`text` as one argument of an Exec key, as written in the file: quoted when it needs it
    (a program under "My Apps" was started as "My" with "Apps/..." as its file), a percent
    sign doubled (not a field code), and a backslash doubled once more by the file's string
    escaping."""
    text = text.replace("%", "%%")
    if any(ch in _EXEC_RESERVED for ch in text):
        text = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in text) + '"'
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def install(target: Path | None = None) -> list[Path]:
    """Copy the .desktop file, MIME package and icons under `target` (XDG data home)."""
    target = target or data_home()
    written: list[Path] = []
    desktop_text = resource_path("desktop", "mlsd-studio.desktop").read_text(encoding="utf-8")
    command = " ".join(exec_argument(arg) for arg in launcher_command())
    desktop_text = desktop_text.replace("Exec=mlsd-studio %f", f"Exec={command} %f")
    applications = target / "applications"
    applications.mkdir(parents=True, exist_ok=True)
    desktop_file = applications / "mlsd-studio.desktop"
    atomic_write_bytes(desktop_file, desktop_text.encode("utf-8"))
    written.append(desktop_file)
    mime_dir = target / "mime" / "packages"
    mime_dir.mkdir(parents=True, exist_ok=True)
    mime_file = mime_dir / "mlsd-studio.xml"
    _copy(resource_path("desktop", "mlsd-studio-mime.xml"), mime_file)
    written.append(mime_file)
    for size in ICON_SIZES:
        icon_dir = target / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icon_dir.mkdir(parents=True, exist_ok=True)
        icon = icon_dir / "mlsd-studio.png"
        _copy(resource_path("icons", "app", f"mlsd-studio-{size}.png"), icon)
        written.append(icon)
    scalable = target / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    _copy(resource_path("icons", "app.svg"), scalable / "mlsd-studio.svg")
    written.append(scalable / "mlsd-studio.svg")
    _refresh_caches(target)
    return written


def _copy(source: Path, target: Path) -> None:
    """A file copied atomically: a launcher or icon written half-way is never left behind."""
    atomic_write_bytes(target, source.read_bytes())


def _refresh_caches(target: Path) -> None:
    for command in (
        ["update-mime-database", str(target / "mime")],
        ["update-desktop-database", str(target / "applications")],
    ):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, capture_output=True, timeout=60)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install-desktop",
        help="add MLSD Studio to the desktop menu and open .mlsd files with it (Linux)",
    )
    parser.add_argument(
        "--prefix",
        type=lambda text: Path(input_name(text)),
        help="data folder to install into (default: XDG data home)",
    )
    parser.set_defaults(func=_cmd_install)


def _cmd_install(args: argparse.Namespace) -> int:
    for path in install(args.prefix):
        print(display_path(path))  # one line each, whatever the prefix holds
    return 0
