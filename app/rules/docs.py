"""The rule reference, rendered from the registry as Markdown.

Regenerate docs/rules.md with:

    python -m app.rules.docs > docs/rules.md

A test fails when the committed file differs from what the registry renders.
"""

from __future__ import annotations

import sys

from app.domain.catalog import default_catalog
from app.rules.model import ALL, LINKS, OTHER_STAGE_LABELS, RULE_STAGES, RuleSpec
from app.rules.registry import all_rules

_STAGE_TITLES = {**{stage.id: stage.label for stage in default_catalog().stages}, **OTHER_STAGE_LABELS}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kinds(spec: RuleSpec) -> str:
    if spec.kinds == (ALL,):
        return "the whole design (runs on every check)"
    if spec.kinds == (LINKS,):
        return "components and links only, no property (re-run when components or links change)"
    if len(spec.kinds) == 1:
        return f"`{spec.kinds[0]}` (skipped when the design has none)"
    return ", ".join(f"`{k}`" for k in spec.kinds) + " (skipped when the design has none of these kinds)"


def render_rules_markdown(rules: list[RuleSpec] | None = None) -> str:
    """The whole rule reference: a summary table, then one section per rule."""
    rules = all_rules() if rules is None else rules
    lines = [
        "# Design rules",
        "",
        "<!-- Generated from the rule registry by `python -m app.rules.docs > docs/rules.md`. "
        "Do not edit by hand. -->",
        "",
        f"MLSD Studio checks every design against {len(rules)} rules. Each finding names the rule, "
        "its severity, the stage it belongs to, the components and links it concerns, a suggested "
        "fix and its sources. A finding can be accepted with a written decision (it stays listed "
        "but no longer fails `mlsd check`), and `rule_overrides` in a design switch a rule off or "
        "change its severity (`off`, `info`, `warning`, `error`).",
        "",
        "Unknown is not safe: when a property a rule needs is unset, the rule does not pass. It "
        'reports a finding "P of C is unset: why; set P (values)" at its own severity, or one '
        "level lower where the unknown is less certain than the flaw (each rule's *When a "
        "property is unset* says which), and the finding names the property (`unset` in JSON "
        "output) so the design can be completed rather than the finding accepted.",
        "",
        "Each rule declares what it *inspects*: the component kinds whose properties it reads "
        "(`@rule(kinds=...)`). A rule is skipped in a design with none of those kinds, and after an "
        "edit of one component only the rules inspecting its kind run again (all of them when "
        "components or links come, go or change, or a name changes).",
        "",
        "| Rule | Title | Stage | Default severity |",
        "| --- | --- | --- | --- |",
    ]
    for spec in rules:
        anchor = f"{spec.id.lower()}-{_slug(spec.title)}"
        lines.append(
            f"| [{spec.id}](#{anchor}) | {_cell(spec.title)} | {_STAGE_TITLES.get(spec.stage, spec.stage)} "
            f"| {spec.severity} |"
        )
    order = {stage: i for i, stage in enumerate(RULE_STAGES)}
    stages = sorted({spec.stage for spec in rules}, key=lambda s: order.get(s, len(order)))
    for stage in stages:
        lines += ["", f"## {_STAGE_TITLES.get(stage, stage)}"]
        for spec in (r for r in rules if r.stage == stage):
            lines += [
                "",
                f"### {spec.id} {spec.title}",
                "",
                f"- Stage: {stage}",
                f"- Default severity: {spec.severity}"
                + (f" (up to {spec.ceiling} in the cases below)" if spec.ceiling != spec.severity else ""),
                f"- Inspects: {_kinds(spec)}",
                "",
                spec.rationale,
                "",
                *([f"**Fires when.** {spec.condition}", ""] if spec.condition else []),
                *([f"**When a property is unset.** {spec.unset}", ""] if spec.unset else []),
                f"**Suggested fix.** {spec.suggestion}",
                "",
                "**Sources.**",
                "",
                *(f"- {source}" for source in spec.sources),
            ]
    return "\n".join(lines) + "\n"


def _slug(title: str) -> str:
    """GitHub's heading anchor for the words of a title."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -")
    return kept.replace(" ", "-")


def main() -> int:
    sys.stdout.write(render_rules_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
