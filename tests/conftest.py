"""Shared fixtures. Qt runs offscreen; this must be set before anything imports Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests.factories import DesignBuilder

# Property tests draw the same examples on every run, so CI is repeatable; set
# HYPOTHESIS_PROFILE=explore locally to search with fresh random examples.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def catalog():
    from app.domain.catalog import default_catalog

    return default_catalog()


@pytest.fixture
def builder(catalog) -> DesignBuilder:
    return DesignBuilder(catalog)


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """Keep settings, recovery files and logs of tests out of the real home folder."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("MLSD_STUDIO_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(data / "config"))
    yield


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_at_exit():
    """Copy/paste tests leave our items on the clipboard; PySide6 crashes at exit if they stay."""
    yield
    if "PySide6" in sys.modules:
        from app.ui.canvas.clipboard import release_clipboard

        release_clipboard()


def have_dot() -> bool:
    return shutil.which("dot") is not None


def python_exe() -> str:
    return sys.executable
