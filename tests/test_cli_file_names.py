"""`mlsd check` names the file it checked in every format, whatever bytes the name holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_a_file_name_that_is_not_utf8_is_checked_without_a_traceback(tmp_path, fmt):
    if sys.platform != "linux":
        pytest.skip("file names of arbitrary bytes are a Linux thing")
    raw = os.fsencode(tmp_path) + b"/sp\xffam.mlsd"
    shutil.copyfile(ROOT / "resources" / "templates" / "spam_filter.mlsd", raw)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8:strict")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", os.fsdecode(raw), "--format", fmt],
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")
    assert "sp\ufffdam.mlsd" in out
    if fmt != "text":
        json.loads(out)
