"""The rule registry: every rule, by stable id, in id order."""

from __future__ import annotations

from collections.abc import Callable

from app.rules.model import ALL, LINKS, RULE_STAGES, SEVERITY_RANK, CheckFunction, RuleSpec

_RULES: dict[str, RuleSpec] = {}


def rule(
    id: str,
    title: str,
    stage: str,
    severity: str,
    rationale: str,
    suggestion: str,
    sources: tuple[str, ...] | list[str],
    *,
    condition: str = "",
    unset: str = "",
    escalates_to: str | None = None,
    kinds: tuple[str, ...] | str = ALL,
    reads_decisions: bool = False,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function as rule `id` (decorator).

    `condition` says in words when the rule fires; `unset` says what an unset rule-critical
    property means for it (both appear in docs/rules.md). `escalates_to` is the highest
    severity a hit may raise the rule to (the rubric charges an unknown at that ceiling).
    `kinds` names the component kinds whose properties and text fields the rule reads, and
    without any of which it raises nothing; or LINKS ("links") when it reads no property of
    any component, only which components exist and the links; ALL ("all", the default) runs it
    on every check. The engine skips a rule whose kinds are all absent, and after an edit of
    one component re-runs only the rules that inspect its kind. A rule that reads the design's
    decision records says `reads_decisions=True`: editing decisions then re-runs it.
    """
    if stage not in RULE_STAGES:
        raise ValueError(f"{id}: unknown stage {stage!r}")
    if severity not in SEVERITY_RANK:
        raise ValueError(f"{id}: unknown severity {severity!r}")
    if escalates_to is not None and SEVERITY_RANK.get(escalates_to, 0) <= SEVERITY_RANK[severity]:
        raise ValueError(f"{id}: escalates_to must be above the default severity {severity!r}")

    declared = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    if not declared or ((ALL in declared or LINKS in declared) and len(declared) > 1):
        raise ValueError(f"{id}: kinds must be component kinds, or {LINKS!r} or {ALL!r} alone")

    def register(check: CheckFunction) -> CheckFunction:
        if id in _RULES:
            raise ValueError(f"rule {id} registered twice")
        _RULES[id] = RuleSpec(
            id, title, stage, severity, rationale, suggestion, tuple(sources), check, condition, unset,
            escalates_to or severity, declared, reads_decisions,
        )
        return check

    return register


def _rule_number(rule_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return (int(digits) if digits else 0, rule_id)


def all_rules() -> list[RuleSpec]:
    """Every registered rule, in id order (R1, R2, ..., R10, ...)."""
    _load_checks()
    return sorted(_RULES.values(), key=lambda r: _rule_number(r.id))


def get_rule(rule_id: str) -> RuleSpec | None:
    _load_checks()
    return _RULES.get(rule_id)


def _load_checks() -> None:
    # Importing the checks package runs the @rule decorators once.
    import app.rules.checks  # noqa: F401
