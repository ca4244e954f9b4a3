"""The rule engine: rule specs, checks over the design graph, findings. No Qt here."""

from app.rules.engine import CheckResult, RuleEngine, check_design, result_to_json_data
from app.rules.model import Finding, Hit, RuleSpec
from app.rules.registry import all_rules, get_rule

__all__ = [
    "CheckResult",
    "Finding",
    "Hit",
    "RuleEngine",
    "RuleSpec",
    "all_rules",
    "check_design",
    "get_rule",
    "result_to_json_data",
]
