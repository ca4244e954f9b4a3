"""Text, JSON and SARIF renderings of a check result (used by `mlsd check`).

In the text rendering, names (in the coverage lines and in the findings' messages) are
wrapped in bidi isolates (FSI ... PDI) when they hold right-to-left letters or bidi controls,
and every line keeps only the bidi controls closed within it: a name cannot reorder the rest
of its line, nor the lines after it, in a terminal that lays text out bidirectionally. A name
past NAME_LIMIT characters is shortened there with an ellipsis (app.domain.long_names): a
5,000-letter name printed whole filled the terminal on every line quoting it. The JSON and
SARIF renderings keep every name and message whole.
"""

from __future__ import annotations

import gc
import hashlib
import os
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

from app import __version__
from app.domain.catalog import STAGE_IDS, Catalog
from app.domain.long_names import NAME_LIMIT, Quote, as_is, quoting_long_names, shortened
from app.domain.model import Design
from app.domain.text import balance_bidi, isolate
from app.rules.component_sets import MIN_SET, ComponentSets, json_bytes, share_components, write_json
from app.rules.engine import CheckResult, result_to_json_data
from app.rules.model import OTHER_STAGE_LABELS, SEVERITY_RANK, Finding

if TYPE_CHECKING:
    from app.rules.rubric import Rubric

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GROUP_ORDER = ("all", *STAGE_IDS, "structure")


def format_text(result: CheckResult, design: Design, catalog: Catalog, file: str) -> str:
    """Findings grouped by stage, most severe first, after the stage coverage summary."""
    names: dict[str, str] = {}
    quotable = []  # the names a finding's message may need set apart or shortened (the rest: as is)
    for component in design.components:
        # an unnamed component is quoted by its id, which may hold a line break too
        name = component.name or component.id
        names[component.id] = isolate(shortened(name))
        if len(name) > NAME_LIMIT or not name.isascii():
            quotable.append(name)
    quoted = quoting_long_names(quotable)
    title = isolate(shortened(design.meta.title))  # on one line, shortened as a name
    lines = [f"{file}: {title}", "", "Stage coverage:"]
    for stage_id in STAGE_IDS:
        cov = result.coverage[stage_id]
        stage = catalog.stage(stage_id)
        if cov.covered:
            shown = ", ".join(names.get(c, c) for c in cov.components[:6])
            more = f" (+{len(cov.components) - 6:,} more)" if len(cov.components) > 6 else ""
            lines.append(f"  [x] {stage.number}. {stage.label}: {shown}{more}")
        else:
            kinds = ", ".join(catalog.kinds[k].label for k in cov.missing_kinds)
            lines.append(f"  [ ] {stage.number}. {stage.label}: missing (add one of: {kinds})")
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.stage, []).append(finding)
    for stage_id in sorted(groups, key=lambda s: _GROUP_ORDER.index(s) if s in _GROUP_ORDER else 99):
        if stage_id in STAGE_IDS:
            title = catalog.stage(stage_id).label
        else:
            title = OTHER_STAGE_LABELS.get(stage_id, stage_id)
        found = sorted(groups[stage_id], key=lambda f: (f.accepted, -SEVERITY_RANK[f.severity]))
        lines += ["", f"{title} ({_counts(found)}):"]
        for finding in found:
            lines.extend(_finding_lines(finding, quoted))
    summary = result.summary()
    lines += [
        "",
        f"{_plural(summary['error'], 'error')}, {_plural(summary['warning'], 'warning')}, "
        f"{summary['info']} info, {summary['accepted']} accepted ({len(result.rules_checked)} rules checked)",
    ]
    if result.overrides_applied:
        shown = ", ".join(
            f"{rule}={level}" for rule, level in sorted(result.overrides_applied.items(), key=_rule_key)
        )
        lines.append(f"Rule overrides applied: {shown}")
    if not result.findings:
        lines.append("No findings: the design passes every rule.")
    return balance_bidi("\n".join(lines)) + "\n"


def _rule_key(item: tuple[str, str]) -> tuple[int, str]:
    digits = "".join(ch for ch in item[0] if ch.isdigit())
    return (int(digits) if digits else 0, item[0])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _counts(findings: list[Finding]) -> str:
    parts = []
    for severity in ("error", "warning", "info"):
        count = sum(1 for f in findings if f.severity == severity and not f.accepted)
        if count:
            parts.append(_plural(count, severity) if severity != "info" else f"{count} info")
    accepted = sum(1 for f in findings if f.accepted)
    if accepted:
        parts.append(f"{accepted} accepted")
    return ", ".join(parts)


def _finding_lines(finding: Finding, quoted: Quote) -> list[str]:
    """A finding's lines; the message and the rationale each on one line, so that a name holding
    a line break cannot start a line that reads as a finding of its own. The names the message
    quotes are set by `quoted` (shortened past NAME_LIMIT, isolated)."""
    mark = "accepted " if finding.accepted else ""
    override = f" (override: was {finding.default_severity})" if finding.overridden else ""
    message = " ".join(finding.message.split())
    if quoted is not as_is:
        message = quoted(message)
    lines = [f"  {mark}{finding.severity.upper():7} {finding.rule}: {message}{override}"]
    if finding.accepted and finding.rationale:
        lines.append(f"      decision: {' '.join(finding.rationale.split())}")
    elif finding.suggestion:
        lines.append(f"      fix: {finding.suggestion}")
    return lines


def check_json_data(
    result: CheckResult, file: str, rubric: Rubric | None = None, *, estimates: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The data of `mlsd check --format json` (with the rubric under "rubric" and the design's
    figures under "estimates" when given). Long component lists that findings share are written
    once under "component_sets" (before "findings"; see app/rules/component_sets.py)."""
    data = result_to_json_data(result, file)
    sets = share_components(data["findings"])
    if sets:
        ordered: dict[str, Any] = {}
        for key, value in data.items():
            if key == "findings":
                ordered["component_sets"] = sets
            ordered[key] = value
        data = ordered
    if rubric is not None:
        data["rubric"] = rubric.to_json_data()
    if estimates is not None:
        data["estimates"] = estimates
    return data


def format_json(
    result: CheckResult, file: str, rubric: Rubric | None = None, *, estimates: dict[str, Any] | None = None
) -> str:
    """The JSON of `mlsd check --format json` as text (`check_json_data`, indented)."""
    return json_bytes(check_json_data(result, file, rubric, estimates=estimates)).decode("utf-8")


def write_check_json(
    out: BinaryIO,
    result: CheckResult,
    file: str,
    rubric: Rubric | None = None,
    *,
    estimates: dict[str, Any] | None = None,
) -> None:
    """`format_json`'s bytes written to `out` a finding at a time.

    The cyclic garbage collector is paused meanwhile: building the findings' dicts creates no
    cycles, but on a large design each of its passes would walk every object of the design and
    of the check (most of the encoding time on 10,000 components)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        write_json(check_json_data(result, file, rubric, estimates=estimates), out)
    finally:
        if paused:
            gc.enable()


def _fingerprint(finding: Finding) -> str:
    """Stable across runs: the rule and the components it concerns (as decisions match)."""
    key = finding.rule + "|" + ",".join(sorted(finding.components)) + "|" + ",".join(sorted(finding.links))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def sarif_uri(file: str) -> str:
    """The file as SARIF's artifactLocation.uri, a URI reference: percent-encoded (a name's '#'
    would start a fragment, its spaces and '%' are not allowed), a file: URI when absolute."""
    if os.path.isabs(file):
        return PurePath(file).as_uri()
    return quote(os.fsencode(PurePath(file).as_posix()), safe="/")  # a name's bytes, even not UTF-8


def format_sarif(result: CheckResult, file: str) -> str:
    """SARIF 2.1.0, so code-scanning tools show the findings of a design file in a repo."""
    uri = sarif_uri(file)
    rules = [
        {
            "id": spec.id,
            "name": spec.title,
            "shortDescription": {"text": spec.title},
            "fullDescription": {"text": spec.rationale},
            "help": {"text": f"{spec.suggestion} Sources: {'; '.join(spec.sources)}"},
            "defaultConfiguration": {"level": _SARIF_LEVEL[spec.severity]},
            "properties": {"stage": spec.stage, "sources": list(spec.sources)},
        }
        for spec in result.rules_checked
    ]
    index = {spec.id: i for i, spec in enumerate(result.rules_checked)}
    sets = ComponentSets(f.components for f in result.findings)
    results: list[dict[str, Any]] = []
    for finding in result.findings:
        shared = sets.reference(finding.components)
        # A long shared list is written once, in the run's properties; the finding names its
        # first components as locations and refers to the set for the whole list.
        located = finding.components[:MIN_SET] if shared else finding.components
        listed = {"componentSet": shared} if shared else {"components": list(finding.components)}
        item: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": uri}},
                    "logicalLocations": [{"name": cid, "kind": "object"} for cid in located],
                }
            ],
            "partialFingerprints": {"mlsdFinding/v1": _fingerprint(finding)},
            "properties": {
                "stage": finding.stage,
                **listed,
                "links": list(finding.links),
                **(
                    {"override": {"from": finding.default_severity, "to": finding.severity}}
                    if finding.overridden
                    else {}
                ),
            },
        }
        if finding.rule in index:
            item["ruleIndex"] = index[finding.rule]
        if finding.accepted:
            item["suppressions"] = [{"kind": "inSource", "justification": finding.rationale or ""}]
        results.append(item)
    table = sets.table()
    doc: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "MLSD Studio",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "artifacts": [{"location": {"uri": uri}}],
                "invocations": [{"executionSuccessful": not any(f.internal_error for f in result.findings)}],
                "results": results,
                **({"properties": {"componentSets": table}} if table else {}),
            }
        ],
    }
    return json_bytes(doc).decode("utf-8")
