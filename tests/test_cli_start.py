"""`mlsd` imports only what the asked command uses (issue: start fast); the commands and their
help stay the same whichever way the parser is built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from tests.cli_modules import modules_after

ROOT = Path(__file__).resolve().parent.parent
RECOMMENDATIONS = ROOT / "resources" / "templates" / "recommendations.mlsd"


def test_the_command_table_names_exactly_the_commands_the_modules_register() -> None:
    every = cli._subcommand_names(cli._build_parser())
    assert every == set(cli._BUILTIN_COMMANDS) | set(cli._COMMAND_REGISTRARS)
    for name in cli._COMMAND_REGISTRARS:
        alone = cli._subcommand_names(cli._build_parser(name))
        assert name in alone, f"{name} is not registered by its own registrar"
        assert set(cli._BUILTIN_COMMANDS) <= alone
    assert cli._subcommand_names(cli._build_parser("check")) == set(cli._BUILTIN_COMMANDS)


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        cli.main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    names = [*cli._BUILTIN_COMMANDS, *cli._COMMAND_REGISTRARS]
    positions = [out.index(f"\n    {name}") for name in names]
    assert positions == sorted(positions)


def test_a_command_s_own_options_still_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "doc.md"
    assert cli.main(["export", str(RECOMMENDATIONS), "--md", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("#")
    assert cli.main(["templates"]) == 0
    assert "recommendations" in capsys.readouterr().out


def _modules_after(argv: list[str]) -> set[str]:
    return modules_after(argv)


def test_check_imports_neither_exports_nor_reportlab_nor_the_rubric() -> None:
    loaded = _modules_after(["check", str(RECOMMENDATIONS)])
    assert "app.rules.checks" in loaded  # the check really ran
    for heavy in ("reportlab", "app.export", "app.diff", "app.layout", "app.rules.rubric"):
        assert heavy not in loaded, f"mlsd check imported {heavy}"
    assert not any(name.startswith("PySide6") for name in loaded)


def test_check_with_rubric_and_json_still_load_what_they_need() -> None:
    loaded = _modules_after(["check", str(RECOMMENDATIONS), "--rubric", "--format", "json"])
    assert {"app.rules.rubric", "app.rules.questions"} <= loaded


def test_check_imports_no_networkx_and_builds_no_pydantic_validator() -> None:
    """The check's graph is app.domain.digraph's, and a design file of the expected shape is
    assembled without pydantic's validators (app/persistence/trusted.py): building them, with
    the plugin scan pydantic runs then, would cost more than the check itself."""
    loaded = _modules_after(["check", str(RECOMMENDATIONS)])
    assert "app.rules.checks" in loaded
    for heavy in (
        "networkx",  # all of its algorithms load with it
        "pydantic.plugin._loader",  # imported when a validator is first built
        "importlib.metadata",  # the plugin scan (and email, with it)
        "email",
        "app.templates",
        "app.persistence.recovery",
    ):
        assert heavy not in loaded, f"mlsd check imported {heavy}"


def _start_window(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter as a new user would start the window (offscreen, a fresh
    home, the first-paint probe on: the window quits after its first frame)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MLSD_FIRST_PAINT_PROBE": "1",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_window_s_start_builds_no_pydantic_validator_and_imports_no_networkx(tmp_path: Path) -> None:
    """`mlsd FILE` up to its first painted frame (the start-up probe quits there)."""
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"main([{str(RECOMMENDATIONS)!r}, '--no-recovery'])\n"
        "from app.domain.model import Design\n"
        "print('BUILT', Design.__pydantic_complete__, file=sys.stderr)\n"
        "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = _start_window(code, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("first-paint ") for line in lines), done.stderr
    assert "BUILT False" in lines
    loaded = set(next(x for x in lines if x.startswith("MODULES ")).split()[1:])
    assert "app.ui.main_window" in loaded
    for heavy in ("networkx", "pydantic.plugin._loader", "reportlab", "app.export"):
        assert heavy not in loaded, f"the window's start imported {heavy}"


def test_every_positional_argument_is_named_as_help_and_readme_name_it() -> None:
    """Usage lines said `mlsd layout ... file` and `mlsd diff ... old new` while the help texts
    beside them and the README say FILE, OUT, OLD, OURS: one name for one thing."""
    import argparse

    from app.cli import _build_parser

    parser = _build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    positionals = {
        f"{name} {action.dest}": action.metavar
        for name, sub in commands.choices.items()
        for action in sub._actions
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction)
    }
    assert positionals and all(isinstance(m, str) and m.isupper() for m in positionals.values()), positionals


def test_mlsd_with_no_arguments_opens_the_window_on_the_example(tmp_path: Path) -> None:
    """The README's first command ends in a bare `mlsd`: the check for a mistyped command read
    the first word of an empty command line (IndexError) instead of opening the window."""
    code = "import sys\nfrom app.cli import main\nsys.argv = ['mlsd']\nsys.exit(main())\n"
    done = _start_window(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert any(line.startswith("first-paint ") for line in done.stderr.splitlines()), done.stderr
