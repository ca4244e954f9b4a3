"""Time the exports: median (and best) wall and CPU time of N runs.

    python scripts/bench_export.py [--runs N] [--components N] [--links N]

Targets: the PDF report of a 200-component design in < 2 s, its SVG diagram in < 3 s; as a
whole process (imports, fonts, check and all), `mlsd export --pdf` of 200 components copied from
the templates (their findings included) in < 1.5 s and `mlsd export --png` of it in < 1 s.
CPU time includes the Graphviz child process; on a busy machine the CPU
figure is the steadier one. The Graphviz executable used is printed first (set MLSD_DOT to
compare `dot` with `graphviz-pure`). The realistic recommender (25 components) is printed
for reference, once more with names in six scripts (shaping, bidi and font fallback at work).
The 200-component design is copies of the shipped templates side by side (ids prefixed,
decisions kept), so the report carries the findings, decisions and figures of real designs.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.domain.catalog import default_catalog  # noqa: E402
from app.export import (  # noqa: E402
    find_renderer,
    report_bytes,
    to_dot,
    to_mermaid,
    to_png,
    to_svg,
)
from app.export.report.fonts import report_fonts  # noqa: E402
from app.layout import layout_design  # noqa: E402
from app.persistence import load_design  # noqa: E402
from app.rules.engine import CheckResult, check_design, stage_coverage  # noqa: E402
from app.templates import list_templates  # noqa: E402
from tests.export.designs import recommender_design, recommender_result  # noqa: E402
from tests.factories import large_design  # noqa: E402


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure(label: str, run: Callable[[], object], runs: int, target: float | None = None) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, wall0 = _cpu(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - wall0)
        cpus.append(_cpu() - cpu0)
    median = statistics.median(walls)
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:g} s: {'ok' if median < target else 'OVER'}"
    print(
        f"{label:52} wall median {median * 1000:8.1f} ms (best {min(walls) * 1000:7.1f})"
        f"  cpu median {statistics.median(cpus) * 1000:8.1f} ms{verdict}"
    )


def template_copies(size: int) -> dict[str, object]:
    """The JSON of a design made of copies of the templates (ids prefixed, each copy placed
    beside the others, decisions kept) cut at `size` components."""
    sources = [json.loads(t.path.read_text(encoding="utf-8")) for t in list_templates()]
    merged: dict[str, list[dict[str, object]]] = {"components": [], "links": [], "decisions": []}
    head: dict[str, object] = {}
    copy = 0
    while len(merged["components"]) < size:
        data = json.loads(json.dumps(sources[copy % len(sources)]))
        head = head or data
        prefix = f"k{copy}_"
        components = data["components"][: size - len(merged["components"])]
        for component in components:
            component["id"] = prefix + component["id"]
            component["position"]["x"] += 4000 * (copy % 4)
            component["position"]["y"] += 3000 * (copy // 4)
        kept = {c["id"] for c in components}
        for link in data["links"]:
            link.update(
                id=prefix + link["id"], source=prefix + link["source"], target=prefix + link["target"]
            )
        decisions = []
        for decision in data.get("decisions", []):
            decision["id"] = prefix + decision["id"]
            decision["components"] = [prefix + c for c in decision.get("components", [])]
            if decision.get("supersedes"):
                decision["supersedes"] = prefix + decision["supersedes"]
            if set(decision["components"]) <= kept:
                decisions.append(decision)
        ids = {d["id"] for d in decisions}
        for decision in decisions:
            if decision.get("supersedes") not in ids:
                decision.pop("supersedes", None)
        merged["components"] += components
        merged["links"] += [lk for lk in data["links"] if lk["source"] in kept and lk["target"] in kept]
        merged["decisions"] += decisions
        copy += 1
    meta = dict(head["meta"])  # type: ignore[call-overload]
    meta["title"] = f"Template copies ({size} components)"
    return {**head, "meta": meta, **merged}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--links", type=int, default=300)
    args = parser.parse_args()

    catalog = default_catalog()
    print(f"renderer: {find_renderer().describe()}")
    fonts = report_fonts()
    print(f"report fonts: {fonts.body_source}; CJK on demand")
    n, m = args.components, args.links
    design = large_design(catalog, n, m)
    result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
    big = f"{n} components, {m} links"
    measure(f"to_dot ({big})", lambda: to_dot(design, catalog, result), args.runs)
    measure(f"to_mermaid ({big})", lambda: to_mermaid(design, catalog), args.runs)
    measure(f"to_svg ({big})", lambda: to_svg(design, catalog, result), args.runs, target=3.0)
    measure(f"to_png ({big})", lambda: to_png(design, catalog, result), args.runs)
    measure(f"layout_design ({big})", lambda: layout_design(design, catalog), args.runs)
    measure(f"report ({big})", lambda: report_bytes(design, result, catalog), args.runs, target=2.0)

    recommender = recommender_design(catalog)
    checked = recommender_result(recommender, catalog)
    measure(
        "report (recommender, 25 components)", lambda: report_bytes(recommender, checked, catalog), args.runs
    )

    scripts = ("نموذج التوصية", "מודל דירוג", "推荐模型", "推薦モデル", "추천 모델", "🚀 Ranker 🤖")
    mixed = recommender.model_copy(deep=True)
    for i, component in enumerate(mixed.components):
        component.name = f"{scripts[i % len(scripts)]} {component.name}"
    mixed_result = recommender_result(mixed, catalog)
    measure(
        "report (recommender, names in six scripts)",
        lambda: report_bytes(mixed, mixed_result, catalog),
        args.runs,
    )

    # What a user waits for: whole `mlsd export` processes, imports and fonts included.
    if sys.dont_write_bytecode:
        print(
            "note: bytecode caching is off (PYTHONDONTWRITEBYTECODE): each process below compiles "
            "every module without cached bytecode (the app's own in a checkout), which an install does not"
        )
    with tempfile.TemporaryDirectory() as folder:
        copies = Path(folder) / "copies.mlsd"
        copies.write_text(json.dumps(template_copies(n)), encoding="utf-8")
        real = load_design(copies, catalog).design
        real_result = check_design(real, catalog)
        counts = real_result.summary()
        print(
            f"template copies: {len(real.components)} components, {len(real.links)} links, "
            f"{len(real_result.findings)} findings ({counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info, {counts['accepted']} accepted)"
        )
        measure(
            f"report (template copies, {n}, findings)",
            lambda: report_bytes(real, real_result, catalog),
            args.runs,
            target=2.0,
        )
        template = ROOT / "resources" / "templates" / "recommendations.mlsd"
        cli = [sys.executable, "-m", "app.cli", "export"]
        for label, command, target in (
            (
                "mlsd export --pdf (recommendations, process)",
                [str(template), "--pdf", f"{folder}/r.pdf"],
                None,
            ),
            (
                f"mlsd export --pdf (template copies, {n}, process)",
                [str(copies), "--pdf", f"{folder}/c.pdf"],
                1.5,
            ),
            (
                f"mlsd export --png (template copies, {n}, process)",
                [str(copies), "--png", f"{folder}/c.png"],
                1.0,
            ),
        ):
            measure(
                label,
                lambda command=command: subprocess.run(
                    [*cli, *command], check=True, capture_output=True, cwd=ROOT
                ),
                args.runs,
                target=target,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
