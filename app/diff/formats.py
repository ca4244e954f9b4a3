"""A DesignDiff as terminal text, a pull-request comment (Markdown) or JSON data."""

from __future__ import annotations

import re
from typing import Any

from app.diff.model import TARGETS, Change, DesignDiff, finding_key
from app.diff.values import one_line
from app.rules.model import Finding

HEADINGS = {
    "meta": "Design",
    "component": "Components",
    "link": "Links",
    "decision": "Decisions",
    "override": "Rule overrides",
}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|~<>&@$])")
# A list item's text starting "1. ", "- ", "+ " or "# " (a component's name) would nest a list
# or a heading inside the item: that first mark is escaped too.
_ITEM_START = re.compile(r"^(\d+)([.)])|^([-+#=])")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def headline(diff: DesignDiff) -> str:
    """One line: how many changes, findings introduced and resolved."""
    if diff.is_empty():
        return "No changes in meaning."
    n = len(diff.changes)
    parts = [f"{n} change{'s' if n != 1 else ''}"]
    parts.append(f"{len(diff.introduced)} finding{'s' if len(diff.introduced) != 1 else ''} introduced")
    parts.append(f"{len(diff.resolved)} resolved")
    return ", ".join(parts) + "."


def _covered(coverage: dict[str, Any]) -> int:
    return sum(1 for cov in coverage.values() if cov.covered)


def coverage_line(diff: DesignDiff) -> str:
    before, after = _covered(diff.coverage_before), _covered(diff.coverage_after)
    total = len(diff.coverage_after) or len(diff.coverage_before)
    line = f"Coverage: {before} of {total} stages -> {after} of {total}"
    labels = {s: c.label for s, c in {**diff.coverage_before, **diff.coverage_after}.items()}
    gained = [labels[s] for s in diff.coverage_gained()]
    lost = [labels[s] for s in diff.coverage_lost()]
    if gained:
        line += f"; now covers {', '.join(gained)}"
    if lost:
        line += f"; no longer covers {', '.join(lost)}"
    return line + "."


def finding_line(diff: DesignDiff, finding: Finding, resolved: bool = False) -> str:
    """A finding on one line: severity, rule, title, message (user text made one line)."""
    line = f"{finding.severity} {finding.rule} {one_line(finding.title)}: {one_line(finding.message)}"
    decision = diff.accepted_in_new.get(finding_key(finding)) if resolved else None
    if decision is not None:
        line += f" (accepted by decision {decision})" if decision else " (accepted)"
    return line


def _change_marker(change: Change) -> str:
    return {"added": "+", "removed": "-", "changed": "~"}[change.action]


def diff_to_text(diff: DesignDiff) -> str:
    lines = [headline(diff)]
    for target in TARGETS:
        changes = diff.changes_of(target)
        if changes:
            lines += ["", f"{HEADINGS[target]}:"]
            lines += [f"  {_change_marker(c)} {c.summary}" for c in changes]
    for title, findings, resolved in (
        ("Findings introduced", diff.introduced, False),
        ("Findings resolved", diff.resolved, True),
    ):
        if findings:
            lines += ["", f"{title}:"]
            lines += [f"  {finding_line(diff, f, resolved)}" for f in findings]
    lines += ["", coverage_line(diff)]
    return "\n".join(lines) + "\n"


def md_escape(text: str) -> str:
    """User text for inline Markdown: one line, HTML and Markdown punctuation escaped, so a name
    cannot open a link, an image, a table cell, an HTML tag or a mention."""
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITIES.get(m.group(1), "\\" + m.group(1)), one_line(text))


def _item_start(match: re.Match[str]) -> str:
    return f"{match.group(1)}\\{match.group(2)}" if match.group(1) else f"\\{match.group(3)}"


def _md_arrows(text: str) -> str:
    return _ITEM_START.sub(_item_start, md_escape(text.replace(" -> ", " \u2192 ")))


def diff_to_markdown(diff: DesignDiff, title: str = "Design changes") -> str:
    """A pull-request comment: a heading with the counts, a list per section, findings, coverage."""
    lines = [f"### {md_escape(title)}", "", f"**{headline(diff)}**"]
    for target in TARGETS:
        changes = diff.changes_of(target)
        if changes:
            lines += ["", f"#### {HEADINGS[target]}", ""]
            lines += [f"- {_md_arrows(c.summary)}" for c in changes]
    for heading, findings, resolved in (
        ("Findings introduced", diff.introduced, False),
        ("Findings resolved", diff.resolved, True),
    ):
        if findings:
            lines += ["", f"#### {heading}", ""]
            lines += [
                f"- **{f.severity}** {_md_arrows(finding_line(diff, f, resolved).split(' ', 1)[1])}"
                for f in findings
            ]
    lines += ["", _md_arrows(coverage_line(diff))]
    return "\n".join(lines) + "\n"


def diff_to_json(diff: DesignDiff) -> dict[str, Any]:
    def coverage(cov: dict[str, Any]) -> dict[str, Any]:
        return {stage: {"covered": c.covered, "components": list(c.components)} for stage, c in cov.items()}

    return {
        "same": diff.is_empty(),
        "changes": [c.to_json_data() for c in diff.changes],
        "findings": {
            "introduced": [f.to_json_data() for f in diff.introduced],
            "resolved": [
                {**f.to_json_data(), "accepted_by": diff.accepted_in_new.get(finding_key(f))}
                for f in diff.resolved
            ],
        },
        "coverage": {"before": coverage(diff.coverage_before), "after": coverage(diff.coverage_after)},
    }
