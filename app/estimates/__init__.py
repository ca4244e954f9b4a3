"""Back-of-the-envelope estimates: volume, load, capacity and cost flow through the design.

Qt-free. `estimate_design(design)` derives figures (daily volume, storage, peak QPS, replicas
needed, accelerator-hours, monthly cost, review load) along the links, each with the text of
its derivation and the inputs it lacked; `EstimateEngine` keeps them current across edits.
"""

from app.estimates.engine import EstimateEngine, estimate_design
from app.estimates.model import (
    UTILISATION,
    DesignEstimate,
    Figure,
    MissingInput,
    assumptions,
    format_quantity,
)

__all__ = [
    "UTILISATION",
    "DesignEstimate",
    "EstimateEngine",
    "Figure",
    "MissingInput",
    "assumptions",
    "estimate_design",
    "format_quantity",
]
