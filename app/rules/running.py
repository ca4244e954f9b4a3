"""Running one rule: the findings made of its hits, or an 'internal error' finding."""

from __future__ import annotations

import traceback

from app.rules.context import RuleContext
from app.rules.model import Finding, Hit, RuleSpec


def run_rule(
    spec: RuleSpec, context: RuleContext, made: dict[Hit, Finding] | None = None
) -> list[Finding]:
    """Run one rule; an exception becomes an 'internal error' finding, never silence.

    `made` maps the hits of the rule's last run to the findings made of them: a hit found
    again is the same finding (making one costs more than looking it up); it is left
    holding this run's.
    """
    try:
        hits = list(spec.check(context))
    except Exception as exc:  # a broken rule must be visible, not a clean result
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [
            Finding(
                rule=spec.id,
                severity="error",
                stage=spec.stage,
                title=f"Internal error in rule {spec.id}",
                message=f"internal error in rule {spec.id}: {type(exc).__name__}: {exc} "
                f"({where.name}, line {where.lineno})",
                suggestion="Report this as a bug in MLSD Studio; the other rules still ran.",
                sources=spec.sources,
                internal_error=True,
            )
        ]
    if made is None:
        return [_finding(spec, hit) for hit in hits]
    try:
        findings = [made.get(hit) or _finding(spec, hit) for hit in hits]
    except TypeError:  # a hit holding a list cannot be looked up
        made.clear()
        return [_finding(spec, hit) for hit in hits]
    made.clear()
    made.update(zip(hits, findings, strict=True))
    return findings


def _finding(spec: RuleSpec, hit: Hit) -> Finding:
    return Finding(
        rule=spec.id,
        severity=hit.severity or spec.severity,
        stage=spec.stage,
        title=spec.title,
        message=hit.message,
        components=tuple(hit.components),
        links=tuple(hit.links),
        subject=hit.subject,
        suggestion=spec.suggestion,
        sources=spec.sources,
        unset=tuple(hit.unset),
    )
