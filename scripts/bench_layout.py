"""Layout quality and speed: hand layout versus `layout_design` on every template.

    python scripts/bench_layout.py [--runs N]

Per template: link crossings (straight lines between card centres), card overlaps, bounding
box width x height, aspect, area and mean link length, first for the stored hand layout, then
for the auto-layout. Then a generated design whose cards are all at (0, 0), and the median
time of the whole layout_design call (ordering and routing) on generated 1,000- and
5,000-component designs shaped like the templates. Targets: 0 overlaps, aspect 1.2-2.0,
area, mean link length and crossings no worse than the hand layout; 1,000 components in
under 300 ms, 5,000 in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.domain.catalog import default_catalog  # noqa: E402
from app.domain.model import Design  # noqa: E402
from app.layout import layout_design  # noqa: E402
from app.layout.metrics import LayoutMetrics, layout_metrics  # noqa: E402
from app.persistence import load_design  # noqa: E402
from tests.factories import staged_design  # noqa: E402

HEADER = (
    f"{'design':22} {'layout':6} {'cross':>6} {'overl':>5} {'width x height':>15} {'aspect':>6} "
    f"{'area (M px2)':>12} {'mean link':>9}  verdict (auto-layout time)"
)


def row(name: str, label: str, m: LayoutMetrics, verdict: str = "") -> str:
    size = f"{m.width:.0f} x {m.height:.0f}"
    return (
        f"{name:22} {label:6} {m.crossings:6d} {m.overlaps:5d} {size:>15} {m.aspect:6.2f} "
        f"{m.area / 1e6:12.2f} {m.mean_link_len:9.0f}  {verdict}"
    )


def verdict(hand: LayoutMetrics | None, auto: LayoutMetrics) -> str:
    problems = []
    if auto.overlaps:
        problems.append("overlaps")
    if not 1.2 <= auto.aspect <= 2.0:
        problems.append("aspect")
    if hand is not None:
        if auto.area > hand.area:
            problems.append("area")
        if auto.mean_link_len > hand.mean_link_len:
            problems.append("link length")
        if auto.crossings > hand.crossings:
            problems.append("crossings")
    return "ok" if not problems else "WORSE: " + ", ".join(problems)


def timed(design: Design, runs: int) -> tuple[float, float, float]:
    """Median wall time, best wall time and median CPU time of `runs` layout_design calls."""
    catalog = default_catalog()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        layout_design(design, catalog)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (median printed)")
    args = parser.parse_args()
    catalog = default_catalog()
    print(HEADER)
    failures = 0
    for path in sorted((ROOT / "resources" / "templates").glob("*.mlsd")):
        design = load_design(path).design
        hand = layout_metrics(design)
        start = time.perf_counter()
        auto = layout_metrics(design, layout_design(design, catalog).positions)
        elapsed = time.perf_counter() - start
        v = verdict(hand, auto)
        failures += v != "ok"
        print(row(path.stem, "hand", hand))
        print(row("", "auto", auto, f"{v} ({elapsed * 1000:.0f} ms)"))
    for n in (40, 120):
        design = staged_design(catalog, n, seed=3)
        auto = layout_metrics(design, layout_design(design, catalog).positions)
        v = verdict(None, auto)
        failures += v != "ok"
        print(row(f"generated {n}, no pos.", "auto", auto, v))
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times suffer when busy)")
    for n, target in ((1000, 0.300), (5000, 2.0)):
        design = staged_design(catalog, n, seed=1)
        median, best, cpu = timed(design, args.runs)
        ok = median < target
        failures += not ok
        print(
            f"layout_design, {n:5d} components / {len(design.links):5d} links: "
            f"median {median * 1000:7.1f} ms (best {best * 1000:.1f} ms, CPU {cpu * 1000:.0f} ms) "
            f"of {args.runs} runs; target < {target * 1000:.0f} ms: {'ok' if ok else 'MISSED'}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
