"""Rule checks, one module per area; importing this package registers them all.

coverage: R1-R11 (business framing, stage coverage, structure), data: R12-R15,
features: R16-R21, model: R22-R27, serving: R28-R34, monitoring: R35-R40.
"""

from app.rules.checks import coverage, data, features, model, monitoring, serving

__all__ = ["coverage", "data", "features", "model", "monitoring", "serving"]
