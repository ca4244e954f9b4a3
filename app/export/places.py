"""What a finding, a decision or a risk concerns, as a reader is told it: the components'
names, capped, or the finding's subject."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.long_names import Quote
from app.domain.model import Design
from app.rules.model import Finding

# Names one place (a table cell, a line) lists at most: a finding or decision about more
# components names the first PLACE_LIMIT - 1 and counts the rest ("a; b; c and 1,426 more");
# each component's own risks and decisions are listed with it under "Design by stage".
PLACE_LIMIT = 10


def _as_is(name: str) -> str:
    return name


def component_names(design: Design, ids: Sequence[str], quote: Quote = _as_is) -> list[str]:
    index = design.component_by_id()
    return [quote(" ".join((index[c].name or index[c].id).split()) if c in index else c) for c in ids]


def capped_names(
    design: Design, ids: Sequence[str], limit: int | None = PLACE_LIMIT, quote: Quote = _as_is
) -> str:
    """The components' names joined by "; ", past `limit` the first ones and "and N more"
    (all of them with `limit` None), each set by `quote`."""
    if limit is None or len(ids) <= limit:
        return "; ".join(component_names(design, ids, quote))
    shown = component_names(design, ids[: limit - 1], quote)
    return "; ".join(shown) + f" and {len(ids) - len(shown):,} more"


def places_of(findings: Sequence[Finding], design: Design, shown: int = 3, quote: Quote = _as_is) -> str:
    """What several findings concern, each place once: the first `shown` components (or, for
    a finding about none, its subject) and a count of the rest. Listing each finding's own
    places instead repeated a component two findings share, and joined one finding's names
    with the next finding's by the same "; "."""
    ids = list(dict.fromkeys(c for f in findings for c in f.components))
    places = component_names(design, ids, quote)
    places += list(dict.fromkeys(finding_place(f, design) for f in findings if not f.components))
    if len(places) <= shown:
        return "; ".join(places)
    return "; ".join(places[:shown]) + f" and {len(places) - shown:,} more"


def finding_place(
    finding: Finding, design: Design, limit: int | None = PLACE_LIMIT, quote: Quote = _as_is
) -> str:
    """What a finding concerns: its components' names (capped at `limit`, each set by
    `quote`), else its subject, else the design."""
    names = capped_names(design, finding.components, limit, quote)
    if names:
        return names
    if finding.subject.startswith("stage:"):
        return "stage " + finding.subject.split(":", 1)[1]
    return finding.subject or "the whole design"
