"""The report's "Changes since OLD" section: what changed in meaning since an earlier version.

Placed right after the summary (`mlsd export NEW --pdf OUT --since OLD`): the changes grouped
by what they concern (design details, components, links, decisions, rule overrides), the
findings the new version introduced and resolved, and the change in stage coverage. Every
piece of user text goes through `markup` (escaped, shaped), or, quoted in a sentence, `quote`
or `said` (escaped, kept in logical order until the sentence is broken into lines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import cast

from reportlab.platypus import Flowable

from app.diff import DesignDiff, diff_designs
from app.diff.formats import HEADINGS
from app.diff.model import TARGETS, Change, finding_key
from app.diff.values import show
from app.domain.catalog import Catalog
from app.domain.long_names import NAME_LIMIT, Quote, quoting_long_names, shortened
from app.domain.model import Design, PropertyValue
from app.domain.text import isolate
from app.export.design_doc import format_value, property_label
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.sections import ExtraSection
from app.export.report.spans import quote, said
from app.export.report.styles import (
    MUTED,
    OK_GREEN,
    SEVERITY_COLORS,
    Styles,
    heading,
    hex_of,
    make_styles,
    rich,
)
from app.rules.model import Finding

ACTION_COLORS = {
    "added": OK_GREEN,
    "removed": SEVERITY_COLORS["error"][0],
    "changed": SEVERITY_COLORS["warning"][0],
}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _intro(diff: DesignDiff, old_name: str, styles: Styles) -> Paragraph:
    name = quote(old_name, styles.fonts)
    if diff.is_empty():
        return rich(f"Nothing changed in meaning since <b>{name}</b>.", styles.body)
    counts = {action: 0 for action in ACTION_COLORS}
    for change in diff.changes:
        counts[change.action] += 1
    text = (
        f"Compared with <b>{name}</b>: {_plural(len(diff.changes), 'change')} in meaning "
        f"({counts['added']} added, {counts['removed']} removed, {counts['changed']} changed); "
        f"{_plural(len(diff.introduced), 'finding')} introduced and {len(diff.resolved)} resolved. "
        "Moves on the canvas are not listed."
    )
    return rich(text, styles.body)


def _without_verb(action: str, summary: str) -> str:
    """'Added Feature cache (cache)' -> 'Feature cache (cache)': the coloured tag says it."""
    verb = action.capitalize() + " "
    return summary[len(verb) :] if summary.startswith(verb) else summary


def _quoted(diff: DesignDiff) -> Quote:
    """Text with the names of the components of either version in it isolated, and those past
    NAME_LIMIT characters shortened as the rest of the report shows them (the diff compares
    the designs as they are: a rename past the limit is a change too)."""
    return quoting_long_names([*diff.names_old.values(), *diff.names_new.values()])


def _change_line(action: str, summary: str, styles: Styles, quoted: Quote) -> Paragraph:
    color = hex_of(ACTION_COLORS.get(action, MUTED))
    text = said(quoted(_without_verb(action, summary)), styles.fonts)
    body = f'<font color="{color}"><b>{action}</b></font> {text}'
    return rich(body, styles.bullet, "•")


def _finding_line(
    diff: DesignDiff, finding: Finding, resolved: bool, styles: Styles, quoted: Quote
) -> Paragraph:
    strong = SEVERITY_COLORS.get(finding.severity, SEVERITY_COLORS["info"])[0]
    names = [diff.name_of(c) for c in finding.components]
    names = [shortened(n) if len(n) > NAME_LIMIT else n for n in names]
    concerns = " <i>(" + "; ".join(quote(n, styles.fonts) for n in names) + ")</i>" if names else ""
    message = said(quoted(finding.message), styles.fonts)
    body = (
        f'<font color="{hex_of(strong)}"><b>{markup(finding.rule)} · {finding.severity}</b></font> '
        f"<b>{markup(finding.title, styles.fonts)}</b>: {message}{concerns}"
    )
    decision = diff.accepted_in_new.get(finding_key(finding)) if resolved else None
    if decision is not None:
        accepted = f" by decision {quote(decision)}" if decision else ""
        body += f" <i>Accepted{accepted} rather than fixed.</i>"
    return rich(body, styles.bullet, "•")


def _coverage(diff: DesignDiff, styles: Styles) -> list[Flowable]:
    before = sum(1 for c in diff.coverage_before.values() if c.covered)
    after = sum(1 for c in diff.coverage_after.values() if c.covered)
    total = len(diff.coverage_after) or len(diff.coverage_before)
    labels = {s: c.label for s, c in {**diff.coverage_before, **diff.coverage_after}.items()}
    if before == after and not diff.coverage_gained() and not diff.coverage_lost():
        text = f"Unchanged: the design covers {after} of the {total} stages, as before."
    else:
        text = f"The design covered {before} of the {total} stages and now covers {after}."
    gained = [markup(labels[s], styles.fonts, newlines=False) for s in diff.coverage_gained()]
    lost = [markup(labels[s], styles.fonts, newlines=False) for s in diff.coverage_lost()]
    if gained:
        text += " Newly covered: " + ", ".join(gained) + "."
    if lost:
        text += " No longer covered: " + ", ".join(lost) + "."
    return [heading("Stage coverage change", styles, 1), rich(text, styles.body)]


def _property_summary(change: Change, kinds: Mapping[str, str], catalog: Catalog, name: str) -> str:
    """A property's change as the stage sections say its values: "Watch events: Events
    4,800,000,000 events/day -> unset", not "events_per_day 4800000000 events/day -> unset"."""
    prop = change.field.removeprefix("properties.")
    kind = catalog.kind(kinds.get(change.id, ""))
    spec = kind.property(prop) if kind else None
    old, new = (
        format_value(cast(PropertyValue, v), spec) if v is not None else "unset"
        for v in (change.old, change.new)
    )
    if old == new:  # values that read alike rounded ('12,345.7'): the diff's, which tell them apart
        old, new = (show(v, spec.unit if spec else None) for v in (change.old, change.new))
    return f"{name}: {property_label(prop, spec)} {old} -> {new}"


def _list_summary(change: Change) -> str | None:
    """A list of the design's (goals, non-goals, assumptions) changed: the items added and
    removed, each quoted, not the two lists whole in brackets, their items joined by the commas
    the items hold themselves."""
    old, new = change.old or [], change.new or []
    if not (isinstance(old, list) and isinstance(new, list)):
        return None
    parts = []
    for verb, items in (("added", _beyond(new, old)), ("removed", _beyond(old, new))):
        if items:
            parts.append(verb + " " + "; ".join(f"\u201c{' '.join(str(i).split())}\u201d" for i in items))
    return f"Design {change.field.replace('_', '-')}: " + ("; ".join(parts) or "the same items, reordered")


def _beyond(items: list[object], other: list[object]) -> list[object]:
    """The items of `items` that `other` does not hold, counting repeats: a goal listed twice
    and kept once was removed once."""
    extra = Counter(str(i) for i in items) - Counter(str(i) for i in other)
    found = []
    for item in items:
        if extra[str(item)] > 0:
            extra[str(item)] -= 1
            found.append(item)
    return found


def changes_section(
    diff: DesignDiff,
    old_name: str,
    styles: Styles | None = None,
    *,
    kinds: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> ExtraSection:
    """The section as (heading, flowables), for the report builder's `after_summary`.
    `kinds` (component id -> kind) and `catalog` word property changes as the stage sections
    do; without them the diff's own summaries are used."""
    styles = styles or make_styles()
    story: list[Flowable] = [_intro(diff, old_name, styles)]
    quoted = _quoted(diff)
    for target in TARGETS:
        changes = diff.changes_of(target)
        if not changes:
            continue
        story.append(heading(HEADINGS.get(target, target.title()), styles, 1))
        for c in changes:
            summary = c.summary or f"{c.id} {c.field}".strip()
            if kinds is not None and catalog is not None and c.field.startswith("properties."):
                summary = _property_summary(c, kinds, catalog, diff.name_of(c.id))
            elif c.target == "meta":
                summary = _list_summary(c) or summary
            story.append(_change_line(c.action, summary, styles, quoted))
    for title, findings, resolved in (
        ("Findings introduced", diff.introduced, False),
        ("Findings resolved", diff.resolved, True),
    ):
        if findings:
            story.append(heading(title, styles, 1))
            story += [_finding_line(diff, f, resolved, styles, quoted) for f in findings]
    story += _coverage(diff, styles)
    return (f"Changes since {isolate(old_name)}", story)


def since_section(old: Design, new: Design, old_name: str, catalog: Catalog) -> ExtraSection:
    """`--since OLD`: the changes from OLD to NEW as a section after the summary."""
    kinds = {c.id: c.kind for c in old.components} | {c.id: c.kind for c in new.components}
    return changes_section(diff_designs(old, new, catalog=catalog), old_name, kinds=kinds, catalog=catalog)
