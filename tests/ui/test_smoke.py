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
