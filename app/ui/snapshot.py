"""What a background job reads of a document, taken in a few milliseconds on the UI thread.

Starting a job must not hold the window: at 2,000 components a deep copy of the design
(`model_copy(deep=True)` or `copy.deepcopy`) costs about 45 ms of CPU and the persistence
writer about 40 ms, while pydantic's own serialiser (`model_dump()`, in Rust) makes plain
data of it in about 5 ms (12-14 ms at 5,000; figures from scripts/bench_jobs.py's snapshot
line). So the UI thread only dumps the design; the worker validates the dump back into a
Design of its own (about 17 ms at 2,000, off the UI thread). The dump is made of new
containers and immutable scalars, so later edits of the document, which change its design in
place, never reach it. The round trip is exact for every design the file format accepts
(unknown fields included); a design holding a value the format rejects (a non-finite number)
fails the job with pydantic's message rather than exporting something unsaveable.

The catalog is replaced when it changes, never changed in place: the snapshot holds the
document's object and the worker deep-copies it. The check result likewise: the live
checker's result is passed when it was made for the document's current version; otherwise
the worker checks its own copy of the design (never the UI thread: a check of 2,000
components takes a few hundred milliseconds), with the rules the document's engine uses.

Qt-free: the worker calls `load()`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.catalog import Catalog
from app.domain.model import Design

if TYPE_CHECKING:
    from app.rules.engine import CheckResult
    from app.rules.model import RuleSpec


def dump_design(design: Design) -> dict[str, Any]:
    """The design as plain data (new containers, immutable scalars): cheap, on the UI thread."""
    return design.model_dump(warnings=False)


def load_design_data(data: dict[str, Any]) -> Design:
    """A Design of its own from dump_design()'s data (on the worker; call once per dump)."""
    return Design.model_validate(data)


@dataclass(frozen=True)
class DocumentSnapshot:
    """A document as a job started from it: design data, catalog, and the check if current."""

    design_data: dict[str, Any]
    catalog: Catalog
    result: CheckResult | None  # the live check's, made for this very version; None: check it
    rules: list[RuleSpec]  # the document engine's rules, for the worker's own check

    def load(self) -> tuple[Design, Catalog, CheckResult]:
        """The worker's own design, catalog and check result (checking the design if needed)."""
        design = load_design_data(self.design_data)
        catalog = copy.deepcopy(self.catalog)
        if self.result is not None:
            return design, catalog, copy.deepcopy(self.result)
        from app import progress
        from app.rules.engine import RuleEngine

        progress.checkpoint(None, "Checking the design")
        engine = RuleEngine(design, catalog)
        engine.rules = list(self.rules)
        return design, catalog, engine.check()


def take_snapshot(
    design: Design, catalog: Catalog, rules: list[RuleSpec], result: CheckResult | None
) -> DocumentSnapshot:
    """A snapshot of the document now (UI thread). `result` must be the check of this very
    version of the design, or None (the worker then checks)."""
    return DocumentSnapshot(dump_design(design), catalog, result, list(rules))
