"""`python -m mypy` checks every module of app/ but the window (app/ui, checked with mypy's
default rules through what the core imports): a new package or module left out of the
configured `files` would go unchecked."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_files_cover_everything_in_app_but_the_window():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["mypy"]["files"])
    found = {
        f"app/{entry.name}"
        for entry in (ROOT / "app").iterdir()
        if (entry.suffix == ".py" or (entry / "__init__.py").is_file()) and entry.name != "ui"
    }
    assert found - listed == set(), "add to [tool.mypy] files in pyproject.toml"
    assert listed - found == set(), "gone from app/: remove from [tool.mypy] files"
