"""`mlsd --smoke-test` (the check CI runs on the frozen bundle) really checks something."""

import os
import subprocess
import sys


def _smoke(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "app", "--smoke-test"], capture_output=True, text=True, env=env, timeout=300
    )


def test_smoke_test_passes_and_reports_every_step():
    proc = _smoke({})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for step in (
        "open window",
        "rule check",
        "export DOT",
        "export Mermaid",
        "export SVG",
        "export PNG",
        "export PDF report",
        "canvas PNG",
        "canvas SVG",
    ):
        assert f"ok   {step}" in proc.stdout
    assert "smoke test passed" in proc.stdout


def test_smoke_test_fails_when_graphviz_is_broken(tmp_path):
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho 'dot: broken on purpose' >&2\nexit 1\n")
    broken.chmod(0o755)
    proc = _smoke({"MLSD_DOT": str(broken)})
    assert proc.returncode == 1
    assert "FAIL export SVG" in proc.stdout and "FAIL export PNG" in proc.stdout
    assert "ok   export DOT" in proc.stdout


def test_smoke_checks_are_real_errors_that_python_O_keeps(tmp_path):
    """`python -O` strips assert statements: the smoke test must not pass vacuously under it."""
    empty = tmp_path / "empty.mlsd"
    empty.write_text('{"format": "mlsd-studio/design", "schema_version": 2}', encoding="utf-8")
    probe = (
        "from app.ui.smoke import SmokeTestError, _check_pdf, _check_png, _check_svg\n"
        "cases = ((_check_pdf, b'%PDF-1.4 junk'), (_check_png, b'junk'), (_check_svg, b'<html/>'))\n"
        "for check, data in cases:\n"
        "    try:\n"
        "        check(data)\n"
        "    except SmokeTestError as exc:\n"
        "        print('refused:', exc)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-O", "-c", probe], capture_output=True, text=True, env=env)
    assert proc.stdout.splitlines() == [
        "refused: not a complete PDF",
        "refused: not a PNG image",
        "refused: not an SVG document",
    ], proc.stderr
    proc = subprocess.run(
        [sys.executable, "-O", "-m", "app", "--smoke-test", str(empty)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "FAIL open window: SmokeTestError: the design has no components" in proc.stdout


def test_the_smoke_module_holds_no_assert_statement():
    import ast
    from pathlib import Path

    import app.ui.smoke

    tree = ast.parse(Path(app.ui.smoke.__file__).read_text(encoding="utf-8"))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
