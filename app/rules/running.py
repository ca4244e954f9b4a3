"""Running one rule: the findings made of its hits, or an 'internal error' finding."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from app.rules.context import RuleContext
from app.rules.model import Finding, Hit, RuleSpec


class Made:
    """The hits of a rule's last run and the findings made of them. They are looked up by hit
    only at the rule's next run: a check that runs once never hashes a hit, and a run finding
    the same hits in the same order (most re-runs) takes the findings as they are, comparing
    the hits pairwise instead of hashing them."""

    __slots__ = ("_findings", "_hits")

    def __init__(self) -> None:
        self._hits: list[Hit] = []
        self._findings: list[Finding] = []

    def same(self, hits: list[Hit]) -> list[Finding] | None:
        """The last run's findings (the very list) when it found `hits`, in this order (else None)."""
        try:
            return self._findings if self._hits and self._hits == hits else None
        except TypeError:
            return None

    def known(self) -> dict[Hit, Finding]:
        """The findings of the last run by hit (none when a hit holding a list cannot be looked up)."""
        try:
            return dict(zip(self._hits, self._findings, strict=True))
        except TypeError:
            return {}

    def keep(self, hits: list[Hit], findings: list[Finding]) -> None:
        self._hits, self._findings = hits, findings


def run_rule(spec: RuleSpec, context: RuleContext, made: Made | None = None) -> list[Finding]:
    """Run one rule; an exception becomes an 'internal error' finding, never silence.

    `made` holds the hits of the rule's last run and the findings made of them: a hit found
    again is the same finding (making one costs more than looking it up); it is left holding
    this run's.
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
    if made is not None and (again := made.same(hits)) is not None:
        made.keep(hits, again)
        return again
    make = _maker(spec)
    known = made.known() if made is not None else None
    if not known:
        findings = [make(hit) for hit in hits]
    else:
        try:
            findings = [known.get(hit) or make(hit) for hit in hits]
        except TypeError:  # a hit holding a list cannot be looked up
            findings = [make(hit) for hit in hits]
    if made is not None:
        made.keep(hits, findings)
    return findings


def _maker(spec: RuleSpec) -> Callable[[Hit], Finding]:
    """Makes the finding of a hit of `spec`: what `Finding(rule=spec.id, ...)` makes, from a copy
    of the fields the rule gives every finding (a frozen dataclass's __init__ sets each of its 16
    fields through object.__setattr__, which cost more than the rest of a finding)."""
    template: dict[str, object] = dict.fromkeys(Finding.__dataclass_fields__)
    template.update(
        rule=spec.id,
        stage=spec.stage,
        title=spec.title,
        suggestion=spec.suggestion,
        sources=spec.sources,
        accepted=False,
        rationale=None,
        decision=None,
        default_severity=None,
        internal_error=False,
    )
    severity = spec.severity
    new = object.__new__
    set_dict = object.__setattr__

    def make(hit: Hit) -> Finding:
        fields = template.copy()
        fields["severity"] = hit.severity or severity
        fields["message"] = hit.message
        fields["components"] = tuple(hit.components)
        fields["links"] = tuple(hit.links)
        fields["subject"] = hit.subject
        fields["unset"] = tuple(hit.unset)
        finding: Finding = new(Finding)
        set_dict(finding, "__dict__", fields)
        return finding

    return make
