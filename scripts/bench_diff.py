"""Print how long `mlsd diff`'s comparison, the three-way merge and the textconv text take on a
2,000-component design with a few edits on each side (the rule engine runs twice per diff)."""

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.diff import diff_designs  # noqa: E402
from app.diff.merge import merge_designs  # noqa: E402
from app.diff.textconv import design_text  # noqa: E402
from app.domain.catalog import default_catalog  # noqa: E402
from app.domain.model import Design  # noqa: E402
from tests.factories import large_design  # noqa: E402


def _median_ms(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _edited(design: Design, offset: int) -> Design:
    copy = design.model_copy(deep=True)
    copy.invalidate_indexes()
    for component in copy.components[offset::97]:
        component.name += " (edited)"
    copy.links[offset].flow = "eval"
    return copy


def main() -> None:
    catalog = default_catalog()
    base = large_design(catalog, 2_000, 3_000)
    ours, theirs = _edited(base, 0), _edited(base, 1)
    diff = diff_designs(base, ours, catalog=catalog)
    print(f"2,000 components / 3,000 links; {len(diff.changes)} changes on one side")
    diff_ms = _median_ms(lambda: diff_designs(base, ours, catalog=catalog))
    print(f"diff (with both rule runs): median {diff_ms:.0f} ms")
    print(f"merge: median {_median_ms(lambda: merge_designs(base, ours, theirs, catalog)):.0f} ms")
    print(f"textconv text: median {_median_ms(lambda: design_text(ours)):.0f} ms")


if __name__ == "__main__":
    main()
