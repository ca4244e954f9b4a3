"""Rule checks, one module per area; importing this package registers them all.

coverage: R1-R5 (business framing, stage coverage, orphans), structure: R6-R11 (loops,
lineage, labels, monitors), data: R12-R15, skew: R16, R41, leakage: R17, R18, R42,
features: R19-R21, model: R22, R23, R25-R27, latency: R24, release: R28, R29, experiments: R37,
serving: R30-R34, monitoring: R35, R36, R40, loops: R38, R39; decisions: R43, R47, R54,
labels: R44, R45, R50, R53, upstream: R48, R49, swaps: R51, online: R46, R52; capacity:
R55-R58 (and the computed cost of R34), judged on the estimated figures.
"""

from app.rules.checks import (
    capacity,
    coverage,
    data,
    decisions,
    experiments,
    features,
    labels,
    latency,
    leakage,
    loops,
    model,
    monitoring,
    online,
    release,
    serving,
    skew,
    structure,
    swaps,
    upstream,
)

__all__ = [
    "capacity",
    "coverage",
    "data",
    "decisions",
    "experiments",
    "features",
    "labels",
    "latency",
    "leakage",
    "loops",
    "model",
    "monitoring",
    "online",
    "release",
    "serving",
    "skew",
    "structure",
    "swaps",
    "upstream",
]
