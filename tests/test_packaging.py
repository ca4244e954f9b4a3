"""The wheel ships every package and the resources (pyproject lists packages by hand)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_lists_every_package_under_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "app").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["app._resources"] == "resources"


def test_resources_resolve_from_the_checkout():
    from app.resources import resource_path, resources_root

    assert resources_root() == ROOT / "resources"
    assert resource_path("catalog", "stages.json").is_file()
