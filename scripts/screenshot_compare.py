"""The README's picture of compare mode: a template against an edited copy of it.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshot_compare.py docs/images/compare.png

The copy of the template (default fraud_detection) has a card added (a feature cache, fed by
the feature store), one removed (the A/B test, with its links), the endpoint's latency SLO
tightened and a link relabelled. The window compares the copy with the template, steps to the
SLO change with the whole design in view. --theme dark shows the dark theme.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from shots import WINDOW_SIZE, settle, shot_window

from app.domain import ops
from app.domain.catalog import Catalog
from app.domain.model import Design
from app.persistence import load_design, save_design
from app.templates import design_from_template
from app.ui.main import make_application
from app.ui.theme import dark_palette, light_palette


def edited_copy(old: Design, catalog: Catalog) -> Design:
    """The template with one card added, one removed, a property and a link changed."""
    new = Design.model_validate(old.model_dump(mode="json"))
    index = new.component_by_id()
    experiment = next(c.id for c in new.components if c.kind == "experiment")
    endpoint = next(c for c in new.components if c.kind == "endpoint")
    store = next(c for c in new.components if c.kind == "feature_store")
    ops.remove_component(new, experiment)
    cache = ops.make_component(new, catalog, "cache", endpoint.position.x, 780.0, "Feature cache")
    cache.technology = "Redis"
    ops.add_component(new, catalog, cache)
    ops.add_link(new, ops.make_link(new, catalog, store.id, cache.id, label="hot features"))
    slo = endpoint.properties.get("latency_slo_ms")
    tighter = float(slo) * 0.75 if isinstance(slo, int | float) else 50.0
    ops.set_property(new, catalog, endpoint.id, "latency_slo_ms", tighter)
    labelled = next(lk for lk in new.links if lk.label and lk.source in index and lk.target in index)
    ops.set_link_fields(new, labelled.id, label=f"{labelled.label} (v2)")
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/images/compare.png")
    parser.add_argument("--template", default="fraud_detection")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    app = make_application()
    app.setPalette(dark_palette() if args.theme == "dark" else light_palette())  # not saved in Settings
    old = design_from_template(args.template)
    with shot_window() as window:
        with tempfile.TemporaryDirectory() as folder:
            new_path = Path(folder) / f"{args.template}-v2.mlsd"
            save_design(edited_copy(old, window.document.catalog), new_path)
            window.load_loaded(load_design(new_path))
        window.resize(*WINDOW_SIZE)
        window.show()
        settle(8)
        window.balance_docks()
        window.checker.check_now()
        window.compare.start(old, f"{args.template}-v1.mlsd")
        settle(8)
        compare = window.compare
        assert compare.panel is not None
        slo_row = next(n for n, e in enumerate(compare.panel.entries()) if "SLO" in e.text or "slo" in e.text)
        compare.panel.list.setCurrentRow(slo_row)
        window.canvas.fit_to_view()  # the whole design: every mark and ghost in view
        scene = window.canvas.design_scene
        scene.update()
        settle(8)
        if not window.grab().toImage().save(args.out):
            print(f"screenshot_compare: could not write {args.out}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}: {len(compare.panel.entries())} rows, marks {sorted(compare.marks())}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
