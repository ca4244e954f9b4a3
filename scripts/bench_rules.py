"""Time the rule engine: median (and best) of N runs for the cases with performance targets.

    python scripts/bench_rules.py [--runs N]

Cases: a full check of a 1,000-component / 2,000-link design (target < 50 ms), of a
10,000-component / 20,000-link design (target < 500 ms), and one re-check after a single
edit on the 1,000-component design (target < 16 ms). Two edits are timed: a property
edit (the inspector's most common edit; graph traversals are reused) and a link edit
(the design's shape changes, so everything is recomputed incrementally from the mirror).
A realistic case (the sound recommender pipeline, copied 50 times) is printed for reference.
"""

from __future__ import annotations

import argparse
import itertools
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
from app.domain.model import Design  # noqa: E402
from app.rules import RuleEngine  # noqa: E402
from tests.factories import DesignBuilder, large_design  # noqa: E402

TARGETS_MS = {
    "full check, 1,000 components / 2,000 links": 50.0,
    "full check, 10,000 components / 20,000 links": 500.0,
    "re-check after a property edit, 1,000 components": 16.0,
    "re-check after a link phase edit, 1,000 components": 16.0,
    "re-check after adding/removing a link, 1,000 comp.": 16.0,
}


def _time(runs: int, setup: Callable[[], Callable[[], object]]) -> list[float]:
    """Milliseconds of `run()` for `runs` fresh setups (setup time is not counted)."""
    times = []
    for _ in range(runs):
        run = setup()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def full_check(design: Design) -> Callable[[], Callable[[], object]]:
    catalog = default_catalog()

    def setup() -> Callable[[], object]:
        engine = RuleEngine(design, catalog)  # builds the graph mirror (not timed)
        return engine.check

    return setup


def edit_then_check(design: Design, kind: str) -> Callable[[], Callable[[], object]]:
    """An engine that has checked once; each timed run is one edit, apply() and check().

    kind: "property" (an endpoint's mode), "phase" (a link's phase) or "link" (adds a link
    on odd runs and removes it again on even runs).
    """
    catalog = default_catalog()
    engine = RuleEngine(design, catalog)
    engine.check()
    endpoints = [c.id for c in design.components if c.kind == "endpoint"]
    counter = itertools.count(1)
    added: list[str] = []

    def edit(n: int) -> list[ops.Change]:
        if kind == "property":
            mode = ("online", "batch", "streaming")[n % 3]
            return ops.set_property(design, catalog, endpoints[n % len(endpoints)], "mode", mode)[1]
        if kind == "phase":
            link = design.links[n % len(design.links)]
            return ops.set_link_fields(design, link.id, phase="serve" if link.phase != "serve" else "both")[1]
        if added:
            return ops.remove_link(design, added.pop())[1]
        components = design.components
        for offset in range(1, len(components)):
            source, target = components[n % len(components)].id, components[-offset].id
            if source != target and ops.find_link(design, source, target) is None:
                link = ops.make_link(design, catalog, source, target)
                added.append(link.id)
                return ops.add_link(design, link)
        raise RuntimeError("no free pair of components to link")

    def setup() -> Callable[[], object]:
        n = next(counter)

        def run() -> object:
            engine.apply(edit(n))
            return engine.check()

        return run

    return setup


def realistic_design(copies: int = 50) -> Design:
    """The sound recommender of the rule tests, copied side by side."""
    from tests.rules.helpers import sound_recommender

    builder = DesignBuilder(default_catalog(), "Recommender x50")
    for _ in range(copies):
        sound_recommender(builder)
    return builder.design


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per case (default 21)")
    args = parser.parse_args(argv)
    catalog = default_catalog()
    small = large_design(catalog, 1000, 2000)
    big = large_design(catalog, 10000, 20000)

    def fresh_small() -> Design:  # each edit case starts from the same untouched design
        return large_design(catalog, 1000, 2000)

    cases = [
        ("full check, 1,000 components / 2,000 links", full_check(small), args.runs),
        ("full check, 10,000 components / 20,000 links", full_check(big), max(3, args.runs // 3)),
        (
            "re-check after a property edit, 1,000 components",
            edit_then_check(fresh_small(), "property"),
            args.runs,
        ),
        (
            "re-check after a link phase edit, 1,000 components",
            edit_then_check(fresh_small(), "phase"),
            args.runs,
        ),
        (
            "re-check after adding/removing a link, 1,000 comp.",
            edit_then_check(fresh_small(), "link"),
            args.runs,
        ),
        (
            "full check, realistic recommender x50 (1,550 components)",
            full_check(realistic_design()),
            args.runs,
        ),
    ]
    print(f"{'case':58} {'median':>9} {'best':>9} {'target':>9}")
    ok = True
    for label, setup, runs in cases:
        times = _time(runs, setup)
        median = statistics.median(times)
        target = TARGETS_MS.get(label)
        verdict = "" if target is None else ("ok" if median < target else "SLOW")
        ok &= verdict != "SLOW"
        shown_target = f"< {target:g} ms" if target else ""
        print(f"{label:58} {median:7.1f}ms {min(times):7.1f}ms {shown_target:>9} {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
