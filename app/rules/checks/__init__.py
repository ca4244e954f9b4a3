"""Rule checks, one module per area; importing this package registers them all.

coverage: R1-R11 (business framing, stage coverage, structure), data: R12-R15,
features: R16-R21, model: R22-R27, serving: R28-R34, monitoring: R35-R40,
decisions: R43 R47, labels: R44 R45 R50 R53, upstream: R48 R49 R51, online: R46 R52.
"""

from app.rules.checks import (
    coverage,
    data,
    decisions,
    features,
    labels,
    model,
    monitoring,
    online,
    serving,
    upstream,
)

__all__ = [
    "coverage", "data", "features", "model", "monitoring", "serving",
    "decisions", "labels", "online", "upstream",
]  # fmt: skip
