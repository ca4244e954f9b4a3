"""`mlsd` imports only what the asked command uses (issue: start fast); the commands and their
help stay the same whichever way the parser is built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

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
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"status = main({argv!r})\n"
        "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def test_check_imports_neither_exports_nor_reportlab_nor_the_rubric() -> None:
    loaded = _modules_after(["check", str(RECOMMENDATIONS)])
    assert "app.rules.checks" in loaded  # the check really ran
    for heavy in ("reportlab", "app.export", "app.diff", "app.layout", "app.rules.rubric"):
        assert heavy not in loaded, f"mlsd check imported {heavy}"
    assert not any(name.startswith("PySide6") for name in loaded)


def test_check_with_rubric_and_json_still_load_what_they_need() -> None:
    loaded = _modules_after(["check", str(RECOMMENDATIONS), "--rubric", "--format", "json"])
    assert {"app.rules.rubric", "app.rules.questions"} <= loaded
