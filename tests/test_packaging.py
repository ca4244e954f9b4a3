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


def test_the_test_script_hook_is_not_part_of_the_shipped_app():
    """The hook that replaces dialogs and drops privileges lives in tests/ and is installed only
    by tests/reliability/launch_app.py: nothing under app/ names it and the bundle excludes tests."""
    import ast

    assert (ROOT / "tests" / "reliability" / "script_hook.py").is_file()
    assert not list((ROOT / "app").rglob("script_hook.py"))
    naming = [p for p in (ROOT / "app").rglob("*.py") if "script_hook" in p.read_text(encoding="utf-8")]
    assert naming == []
    spec = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    assigned = {ast.unparse(n.targets[0]): n.value for n in spec.body if isinstance(n, ast.Assign)}
    excludes = assigned["EXCLUDES"]
    assert "tests" in [c.value for c in ast.walk(excludes) if isinstance(c, ast.Constant)]
