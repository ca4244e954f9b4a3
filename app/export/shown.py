"""The design as the documents (the PDF report, the Markdown) show it: its names past
NAME_LIMIT characters shortened (app.domain.long_names), and checked as shown, since the
findings' messages quote the names. `mlsd export --pdf --md` makes it once for both."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.catalog import Catalog
from app.domain.long_names import with_short_names
from app.domain.model import Design
from app.rules.engine import CheckResult, check_design


@dataclass(frozen=True)
class ShownDesign:
    design: Design  # the design itself when no name is that long
    full_names: dict[str, str]  # the full names of the shortened components, by id
    result: CheckResult  # the check of `design`


def shown_design(design: Design, catalog: Catalog, result: CheckResult | None = None) -> ShownDesign:
    """`design` as a document shows it; `result` (design's own check) is reused when no name
    is shortened."""
    shown, full_names = with_short_names(design)
    if full_names or result is None:
        result = check_design(shown, catalog)
    return ShownDesign(shown, full_names, result)
