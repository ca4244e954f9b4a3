"""Opening benchmark: whole `mlsd` processes opening a design, each figure next to its target.

    python scripts/bench_open.py [--runs 3] [--components 5000] [--baseline DIR] [--xcb]

Figures (median of --runs, after one warm-up run that also writes the bytecode caches):
- `mlsd example.mlsd`: process start to the canvas's first painted frame of the bundled
  example (40 components; target 0.6 s);
- `mlsd big.mlsd`: the same for a design of 5,000 components made of copies of the templates
  (their findings and decisions included; target 1.0 s), and, in the same run, process start to
  the design fully open (every item built, the findings applied; no target) and the longest
  time the event loop went without running a 5 ms timer from its start until then (target
  0.1 s: how long a key press or a click could wait);
- `mlsd big.mlsd --screenshot OUT.png` as a whole process (target 2.0 s): the picture is taken
  once the part of the scene it shows is built and the findings are shown (a checkout before
  this round builds the whole scene first).

The times are measured inside the real `mlsd` process by app/ui/startup_probe.py (set by
MLSD_OPEN_PROBE), loaded from this tree into every checkout measured, so --baseline DIR (an
older checkout) is measured with the same probe, alternately with this tree so both columns
see the same machine load. Processes run offscreen with a throw-away HOME; --xcb runs them on
an Xvfb display instead (started here, if Xvfb is installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "resources/examples/example.mlsd"
PROBE = ROOT / "app" / "ui" / "startup_probe.py"
OPEN_PROBE_ENV = "MLSD_OPEN_PROBE"  # app.ui.startup_probe.OPEN_PROBE_ENV, without importing Qt
TIMEOUT = 180.0
TARGETS = {"first paint": 0.6, "first paint big": 1.0, "open gap": 0.1, "screenshot big": 2.0}
# Runs `mlsd` as the console script does, with this tree's probe in place of the checkout's own.
MAIN = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("mlsd_open_probe", {probe!r})
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)
import app.ui.startup_probe
app.ui.startup_probe.install_if_asked = probe.install_if_asked
from app.cli import main
sys.exit(main())
"""


def template_copies(size: int) -> dict[str, object]:
    """The design scripts/bench_export.py exports: copies of the templates, `size` components."""
    spec = importlib.util.spec_from_file_location("bench_export", ROOT / "scripts" / "bench_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.template_copies(size)  # type: ignore[no-any-return]


def _env(root: Path, home: Path, display: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MLSD_FIRST_PAINT_PROBE", None)
    env.update(
        PYTHONPATH=str(root),
        QT_QPA_PLATFORM="xcb" if display else "offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
    )
    if display:
        env["DISPLAY"] = display
    return env


def measure_open(root: Path, design: Path, home: Path, display: str | None) -> dict[str, float]:
    """First paint, fully open (both from process start) and the longest event-loop gap."""
    env = _env(root, home, display)
    env[OPEN_PROBE_ENV] = "1"
    code = MAIN.format(probe=str(PROBE))
    started = time.time()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(design), "--no-recovery"],
            cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        problem = f"{root}: the window did not report opening {design.name} in {TIMEOUT:.0f} s"
        raise SystemExit(problem) from exc
    figures: dict[str, float] = {}
    for line in done.stderr.splitlines():
        words = line.split()
        if words[:1] == ["first-paint"]:
            figures["first paint"] = float(words[1]) - started
        elif words[:1] == ["opened"]:
            figures["opened"] = float(words[1]) - started
            figures["gap"] = float(words[3])
            figures["slow"] = float(words[5])
    if "opened" not in figures or "first paint" not in figures:
        raise SystemExit(f"{root}: no timing reported for {design.name}:\n{done.stderr[-2000:]}")
    return figures


def measure_screenshot(root: Path, design: Path, home: Path, display: str | None) -> float:
    env = _env(root, home, display)
    with tempfile.TemporaryDirectory() as out:
        shot = Path(out) / "shot.png"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", MAIN.format(probe=str(PROBE)), str(design), "--screenshot", str(shot)],
            cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0 or not shot.is_file():
            raise SystemExit(f"{root}: no screenshot of {design.name} ({done.returncode}):\n{done.stderr}")
    return elapsed


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("Xvfb") is None:
        raise SystemExit("--xcb needs Xvfb, which is not installed")
    for number in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            display = f":{number}"
            server = subprocess.Popen(
                ["Xvfb", display, "-screen", "0", "1920x1200x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    return server, display
                time.sleep(0.1)
            server.terminate()
    raise SystemExit("could not start Xvfb")


def _fmt(value: float | None, unit: str = "s") -> str:
    return "n/a" if value is None else f"{value:.3f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median printed)")
    parser.add_argument("--components", type=int, default=5000, help="size of the large design")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alternately")
    parser.add_argument("--xcb", action="store_true", help="run on an Xvfb display, not offscreen")
    args = parser.parse_args()
    trees = [ROOT] if args.baseline is None else [args.baseline.resolve(), ROOT]
    server, display = start_xvfb() if args.xcb else (None, None)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.2f}; "
          f"{'xcb on Xvfb ' + str(display) if display else 'offscreen'}; median of {args.runs} runs")
    try:
        with tempfile.TemporaryDirectory() as work:
            home = Path(work) / "home"
            home.mkdir()
            big = Path(work) / f"copies_{args.components}.mlsd"
            big.write_text(json.dumps(template_copies(args.components)), encoding="utf-8")
            example = ROOT / EXAMPLE
            rows: list[tuple[str, str, dict[Path, list[float]]]] = []

            def sample(label: str, key: str, run) -> None:  # type: ignore[no-untyped-def]
                for tree in trees:  # warm-up: bytecode caches, fonts, the file system cache
                    run(tree)
                samples: dict[Path, list[float]] = {tree: [] for tree in trees}
                for _ in range(args.runs):
                    for tree in trees:
                        samples[tree].append(run(tree))
                rows.append((label, key, samples))
                _print_row(label, key, samples, trees)

            header = "figure".ljust(50) + "".join(
                ("baseline" if tree != ROOT else "this tree").rjust(12) for tree in trees
            )
            print(header + "   target")
            sample("first paint: example (40 components)", "first paint",
                   lambda tree: measure_open(tree, example, home, display)["first paint"])
            opened: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}

            def open_big(tree: Path) -> float:
                figures = measure_open(tree, big, home, display)
                opened[tree].append(figures)
                return figures["first paint"]

            sample(f"first paint: {args.components} components", "first paint big", open_big)
            for name, key, figure in (
                (f"fully open: {args.components} components", None, "opened"),
                (f"longest event-loop gap: {args.components}", "open gap", "gap"),
                (f"gaps over 100 ms: {args.components}", None, "slow"),
            ):
                samples = {tree: [f[figure] for f in opened[tree][1:]] for tree in trees}
                _print_row(name, key, samples, trees, unit="" if figure == "slow" else "s")
            sample(f"--screenshot: {args.components} components", "screenshot big",
                   lambda tree: measure_screenshot(tree, big, home, display))
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    return 0


def _print_row(
    label: str, key: str | None, samples: dict[Path, list[float]], trees: list[Path], unit: str = "s"
) -> None:
    cells = []
    for tree in trees:
        values = samples[tree]
        median = statistics.median(values) if values else None
        cells.append((f"{median:.0f}" if unit == "" else _fmt(median)) if median is not None else "n/a")
    mine = statistics.median(samples[ROOT]) if samples[ROOT] else None
    target = TARGETS.get(key or "")
    verdict = ""
    if target is not None and mine is not None:
        verdict = f"   {target:.2f} s  {'ok' if mine <= target else 'over'}"
    print(label.ljust(50) + "".join(c.rjust(12) for c in cells) + verdict, flush=True)


if __name__ == "__main__":
    sys.exit(main())
