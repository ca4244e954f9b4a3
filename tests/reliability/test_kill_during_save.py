"""Guarantee 2: SIGKILL at random moments while the app saves a 20 MB design.

The app opens the design and saves it in a loop (a new title each time); it is killed 50
times at random moments. After every kill the file is the old design or one of the new ones,
fully loadable, never a mix. Temp files left by killed saves are removed by the next start.
(tests/persistence/test_kill_during_write.py proves the same for the `mlsd migrate` CLI.)
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.persistence import load_design
from app.persistence.atomic import TEMP_MARK
from tests.reliability.app_runner import AppRun, read_dump

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

KILLS = 50
SLOTS = 2  # two apps at a time, each saving its own file


def write_twenty_mb_design(path: Path) -> None:
    """400 components with long notes and a chain of links: 20 MB that loads and draws fast."""
    components = [
        {
            "id": f"c{i}",
            "kind": ("data_source", "feature_pipeline", "model", "endpoint")[i % 4],
            "name": f"Component {i}",
            "notes": f"note {i} " + "x" * 52_000,
            "position": {"x": (i % 20) * 240, "y": (i // 20) * 150},
        }
        for i in range(400)
    ]
    links = [{"id": f"l{i}", "source": f"c{i}", "target": f"c{i + 1}"} for i in range(399)]
    data = {
        "format": "mlsd-studio/design",
        "schema_version": 1,
        "meta": {"title": "Original", "created": "2026-01-01T00:00:00+00:00"},
        "components": components,
        "links": links,
    }
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(TEMP_MARK)]


def save_loop(folder: Path, target: Path, name: str, saves: int | None = None) -> AppRun:
    opened = folder / f"{name}-opened"
    steps = [
        {"op": "wait_loaded"},
        {"op": "mark", "path": str(opened)},
        {
            "op": "repeat",
            "times": saves or 1_000_000,
            "steps": [{"op": "set_meta", "field": "title", "value": "edit {i}"}, {"op": "save"}],
        },
    ]
    if saves:
        steps += [{"op": "dump", "path": str(folder / f"{name}-dump.json")}, {"op": "exit"}]
    run = AppRun(folder, steps, args=[str(target), "--no-recovery"], name=name)
    run.opened = opened  # type: ignore[attr-defined]
    return run


@pytest.mark.slow
def test_sigkill_while_the_app_saves_leaves_the_old_or_a_new_design(tmp_path):
    original = tmp_path / "original.mlsd"
    write_twenty_mb_design(original)
    old_bytes = original.read_bytes()
    assert len(old_bytes) > 20_000_000
    reference = load_design(original).design

    # Calibrate: how long one edit-and-save cycle of the app takes here.
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    (calibration / "design.mlsd").write_bytes(old_bytes)
    run = save_loop(calibration, calibration / "design.mlsd", "calibrate", saves=6)
    run.wait_for(run.opened)
    started = time.monotonic()
    assert run.wait() == 0, run.stderr()
    cycle = (time.monotonic() - started) / 6
    assert read_dump(calibration / "calibrate-dump.json")["windows"][0]["modified"] is False

    def attempts(slot: int) -> dict[str, int]:
        folder = tmp_path / f"slot{slot}"
        folder.mkdir()
        target = folder / "design.mlsd"
        rng = random.Random(1000 + slot)
        counts = {"old": 0, "new": 0, "temp_left": 0, "temp_cleaned": 0}
        left_behind: list[Path] = []
        for attempt in range(KILLS // SLOTS):
            target.write_bytes(old_bytes)
            run = save_loop(folder, target, f"kill{attempt}")
            run.wait_for(run.opened)
            # The previous kill's temp files are gone once the app has started on this folder.
            assert not [p for p in left_behind if p.exists()], "stale temp file survived a start"
            counts["temp_cleaned"] += len(left_behind)
            time.sleep(rng.uniform(0.0, cycle * 3))
            os.kill(run.process.pid, signal.SIGKILL)
            run.process.wait()
            now = target.read_bytes()
            if now == old_bytes:
                counts["old"] += 1
            else:
                loaded = load_design(target).design  # fully parseable and valid
                assert re.fullmatch(r"edit \d+", loaded.meta.title), loaded.meta.title
                assert loaded.components == reference.components
                assert loaded.links == reference.links
                counts["new"] += 1
            left_behind = temp_files(folder)
            counts["temp_left"] += len(left_behind)
        final = AppRun(folder, [{"op": "wait_loaded"}, {"op": "exit"}], args=[str(target)], name="final")
        assert final.wait() == 0, final.stderr()
        assert temp_files(folder) == [], "the next start did not clean the stale temp files"
        counts["temp_cleaned"] += len(left_behind)
        return counts

    with ThreadPoolExecutor(SLOTS) as pool:
        results = list(pool.map(attempts, range(SLOTS)))
    total = {key: sum(r[key] for r in results) for key in results[0]}
    print(f"\n{KILLS} kills, cycle {cycle:.2f} s: {total}")
    assert total["old"] + total["new"] == KILLS
    assert total["temp_left"] == total["temp_cleaned"]
