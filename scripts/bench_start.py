"""Start-up benchmark: whole `mlsd` processes, each figure printed next to its target.

    python scripts/bench_start.py [--runs 5] [--baseline DIR]

Figures (median of --runs, after one warm-up run that also writes the bytecode caches, as an
installed copy has them):
- `mlsd check FILE` as a whole process (target 0.25 s);
- `mlsd FILE` from process start to the canvas's first painted frame of the design (target
  0.6 s), timed by the window itself when MLSD_FIRST_PAINT_PROBE is set (app/ui/startup_probe.py);
- `mlsd FILE --screenshot OUT.png` as a whole process (target 0.8 s);
on the bundled example and on the recommendations template (about 40 components each).

Processes run as the `mlsd` console script does (import app.cli, call main), offscreen, with a
throw-away HOME so no settings, recent files or recovery files of the user are read or written.
--baseline DIR measures another checkout of the project (for instance an older commit made
with `git archive`) alternately with this one, so both columns see the same machine load.
A checkout without the first-paint probe prints "n/a" for that figure.

Each cell is the wall time, then in brackets the CPU time (user + system) of the process,
which the load other processes put on the machine changes much less: for `check` and
`--screenshot` the whole process; for first paint also the window's closing after it (the
process ends there).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ("resources/examples/example.mlsd", "resources/templates/recommendations.mlsd")
TARGETS = {"check": 0.25, "first paint": 0.6, "screenshot": 0.8}
MAIN = "import sys; from app.cli import main; sys.exit(main())"
PROBE_ENV_NAME = "MLSD_FIRST_PAINT_PROBE"  # app.ui.startup_probe.PROBE_ENV, without importing Qt
PROBE_TIMEOUT = 60.0


def _env(root: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed copy runs from cached bytecode
    env.update(
        PYTHONPATH=str(root),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
    )
    env.pop(PROBE_ENV_NAME, None)
    return env


Sample = tuple[float, float]  # (wall seconds, CPU seconds of the child process)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(root: Path, home: Path, args: list[str], extra: dict[str, str] | None = None) -> Sample:
    env = _env(root, home)
    env.update(extra or {})
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *args], cwd=root, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: check found errors, which is a normal outcome
        raise SystemExit(f"mlsd {' '.join(args)} failed in {root} ({done.returncode}):\n{done.stderr}")
    return elapsed, _children_cpu() - cpu


def measure_check(root: Path, design: str, home: Path) -> Sample | None:
    return _run(root, home, ["check", design])


def measure_screenshot(root: Path, design: str, home: Path) -> Sample | None:
    with tempfile.TemporaryDirectory() as out:
        sample = _run(root, home, [design, "--screenshot", str(Path(out) / "shot.png")])
        if not (Path(out) / "shot.png").is_file():
            raise SystemExit(f"no screenshot written by {root}")
    return sample


def measure_first_paint(root: Path, design: str, home: Path) -> Sample | None:
    env = _env(root, home)
    env[PROBE_ENV_NAME] = "1"
    cpu = _children_cpu()
    started = time.time()
    try:
        done = subprocess.run(
            [sys.executable, "-c", MAIN, design, "--no-recovery"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return None  # this checkout has no first-paint probe: the window stayed open
    for line in done.stderr.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - started, _children_cpu() - cpu
    return None


MEASURES: dict[str, Callable[[Path, str, Path], Sample | None]] = {
    "check": measure_check,
    "first paint": measure_first_paint,
    "screenshot": measure_screenshot,
}


def _median(values: list[Sample | None]) -> Sample | None:
    real = [v for v in values if v is not None]
    if len(real) != len(values) or not real:
        return None
    return statistics.median(v[0] for v in real), statistics.median(v[1] for v in real)


def _fmt(value: Sample | None) -> str:
    return "n/a" if value is None else f"{value[0]:.3f} s [{value[1]:.3f}]"


def python_floor(runs: int) -> Sample | None:
    """`python -c pass`: the interpreter's own start, which no change in the project removes."""
    samples: list[Sample | None] = []
    for _ in range(runs):
        cpu = _children_cpu()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append((time.perf_counter() - started, _children_cpu() - cpu))
    return _median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median printed)")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alternately")
    parser.add_argument("--only", choices=tuple(MEASURES), help="measure one figure only")
    args = parser.parse_args()
    trees = [ROOT] if args.baseline is None else [args.baseline.resolve(), ROOT]
    names = [args.only] if args.only else list(MEASURES)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.2f}; "
          f"median of {args.runs} runs")
    print(f"python -c pass (interpreter start, the floor): {_fmt(python_floor(args.runs))}")
    header = "figure".ljust(44) + "".join(
        ("baseline" if tree != ROOT else "this tree").rjust(20) for tree in trees
    )
    print(header + "   target")
    with tempfile.TemporaryDirectory() as home_dir:
        home = Path(home_dir)
        for name in names:
            measure = MEASURES[name]
            for design in DESIGNS:
                for tree in trees:  # warm-up: bytecode caches, fonts, the file system cache
                    measure(tree, design, home)
                samples: dict[Path, list[Sample | None]] = {tree: [] for tree in trees}
                for _ in range(args.runs):
                    for tree in trees:
                        samples[tree].append(measure(tree, design, home))
                label = f"{name}: {Path(design).name}".ljust(44)
                cells = "".join(_fmt(_median(samples[tree])).rjust(20) for tree in trees)
                mine = _median(samples[ROOT])
                verdict = "" if mine is None else ("  ok" if mine[0] <= TARGETS[name] else "  over")
                print(f"{label}{cells}   {TARGETS[name]:.2f} s{verdict}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
