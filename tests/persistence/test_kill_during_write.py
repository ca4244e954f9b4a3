"""SIGKILL `mlsd migrate` at random moments while it rewrites a 20 MB design: the file is
always the old bytes or the new bytes, never a mix, and stale temp files get cleaned."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from app.persistence.atomic import TEMP_MARK, clean_stale_temp_files
from app.persistence.loader import load_design

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


def _twenty_mb_design(path):
    components = [
        {
            "id": f"c{i}",
            "kind": "feature_pipeline",
            "name": f"Feature pipeline {i}",
            "notes": "x" * 900,
            "position": {"x": i, "y": 0},
        }
        for i in range(21_000)
    ]
    data = {
        "format": "mlsd-studio/design",
        "schema_version": 1,
        "meta": {
            "title": "big",
            "created": "2026-01-01T00:00:00+00:00",
            "modified": "2026-01-01T00:00:00+00:00",
        },
        "components": components,
    }
    path.write_bytes(json.dumps(data, separators=(",", ":")).encode())


@pytest.mark.slow
def test_sigkill_during_migrate_leaves_old_or_new_file(tmp_path):
    original = tmp_path / "original.mlsd"
    _twenty_mb_design(original)
    assert original.stat().st_size > 20_000_000
    old_bytes = original.read_bytes()
    expected = tmp_path / "expected.mlsd"
    shutil.copy(original, expected)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "migrate", str(expected)], check=True)
    duration = time.perf_counter() - started
    new_bytes = expected.read_bytes()
    assert new_bytes != old_bytes

    rng = random.Random(20)
    target = tmp_path / "target.mlsd"
    outcomes = {"old": 0, "new": 0}
    for attempt in range(20):
        shutil.copy(original, target)
        proc = subprocess.Popen([sys.executable, "-m", "app", "migrate", str(target)])
        # Half the kills anywhere, half late, where the write happens.
        low = 0.05 if attempt % 2 else duration * 0.6
        time.sleep(rng.uniform(low, duration * 1.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = target.read_bytes()
        assert now in (old_bytes, new_bytes), "file on disk is a mix of old and new"
        outcomes["old" if now == old_bytes else "new"] += 1
        load_design(target)
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_MARK)]
    clean_stale_temp_files(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_MARK)]
    print(f"outcomes {outcomes}, stale temp files cleaned: {len(leftovers)}")
