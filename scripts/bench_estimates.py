"""Time the estimates: median (and best) of N runs for the cases with performance targets.

    python scripts/bench_estimates.py [--runs N]

The design: copies of every template (each with complete figures) up to 1,000 components,
ids prefixed per copy. Cases: a full estimate (target < 50 ms), and an incremental update
with EstimateEngine after one edit (target < 16 ms): a property edit (the inspector's most
common edit: the walks are kept, the arithmetic is redone) and, for reference, drawing a link
(the walks are redone).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.domain import ops  # noqa: E402
from app.domain.catalog import default_catalog  # noqa: E402
from app.domain.model import Component, Design, Link, Meta  # noqa: E402
from app.estimates import EstimateEngine, estimate_design  # noqa: E402
from app.persistence import load_design  # noqa: E402
from app.templates import list_templates  # noqa: E402

TARGETS_MS = {
    "full estimate, 1,000 components": 50.0,
    "update after a property edit, 1,000 components": 16.0,
    "update after drawing a link, 1,000 components": 16.0,
}


def template_copies(size: int) -> Design:
    """Copies of the templates, ids prefixed, until the design has `size` components."""
    catalog = default_catalog()
    sources = [load_design(t.path, catalog).design for t in list_templates()]
    components: list[Component] = []
    links: list[Link] = []
    copy = 0
    while len(components) < size:
        source = sources[copy % len(sources)]
        prefix = f"k{copy}_"
        for component in source.components:
            if len(components) >= size:
                break
            components.append(component.model_copy(deep=True, update={"id": prefix + component.id}))
        kept = {c.id for c in components}
        for link in source.links:
            lk = link.model_copy(
                update={
                    "id": prefix + link.id,
                    "source": prefix + link.source,
                    "target": prefix + link.target,
                }
            )
            if lk.source in kept and lk.target in kept:
                links.append(lk)
        copy += 1
    return Design(meta=Meta(title=f"{copy} template copies"), components=components, links=links)


def _time(runs: int, setup: Callable[[], Callable[[], object]]) -> list[float]:
    times = []
    for _ in range(runs):
        run = setup()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    catalog = default_catalog()
    design = template_copies(1000)
    endpoints = [c.id for c in design.components if c.kind == "endpoint" and c.properties.get("qps")]
    estimate = estimate_design(design, catalog)
    print(
        f"design: {len(design.components)} components, {len(design.links)} links; "
        f"{sum(len(f) for f in estimate.figures.values())} figures, {len(estimate.missing)} missing inputs, "
        f"total {estimate.totals['monthly_cost']:,.0f} USD/month"
    )

    def full() -> Callable[[], object]:
        return lambda: estimate_design(design, catalog)

    counter = iter(range(10**9))

    def property_edit() -> Callable[[], object]:
        engine = EstimateEngine(design, catalog)
        engine.estimate()  # the window keeps one engine; its walks are warm (not timed)
        target = endpoints[next(counter) % len(endpoints)]

        def run() -> object:
            value = 1000.0 + next(counter)
            engine.apply(ops.set_property(design, catalog, target, "qps", value)[1])
            return engine.estimate()

        return run

    def link_edit() -> Callable[[], object]:
        engine = EstimateEngine(design, catalog)
        engine.estimate()
        n = next(counter)
        source, target = design.components[n % 300].id, design.components[500 + n % 300].id

        def run() -> object:
            if ops.find_link(design, source, target) is None:
                changes = ops.add_link(design, ops.make_link(design, catalog, source, target))
            else:
                changes = ops.remove_link(design, ops.find_link(design, source, target).id)[1]
            engine.apply(changes)
            return engine.estimate()

        return run

    cases = {
        "full estimate, 1,000 components": full,
        "update after a property edit, 1,000 components": property_edit,
        "update after drawing a link, 1,000 components": link_edit,
    }
    failed = False
    for label, setup in cases.items():
        times = _time(args.runs, setup)
        median, best = statistics.median(times), min(times)
        target = TARGETS_MS[label]
        verdict = "ok" if median < target else "OVER"
        failed |= median >= target
        print(f"{label:52} median {median:7.2f} ms  best {best:7.2f} ms  target < {target:g} ms  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
