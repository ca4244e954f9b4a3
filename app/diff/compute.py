"""diff_designs: what changed between two designs, by meaning.

Components, links and decisions are matched by id and compared field by field over their JSON
data, so fields a newer format adds (or a newer tool wrote) are compared too. Positions are
left out unless asked for; meta.modified (when the file was saved) is never a difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.diff.model import Change, DesignDiff, finding_key
from app.diff.values import (
    BOOKKEEPING_META,
    created_unstated,
    display_name,
    extra_fields,
    natural_key,
    property_unit,
    show,
)
from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Component, Design, Link
from app.rules.engine import check_design

_COMPONENT_FIRST = ("kind", "name", "technology", "notes", "pinned")


def diff_designs(
    old: Design, new: Design, *, positions: bool = False, catalog: Catalog | None = None
) -> DesignDiff:
    """Changes from OLD to NEW, the findings NEW has and OLD lacks (introduced) and the other
    way round (resolved), and the stage coverage of both."""
    catalog = catalog or default_catalog()
    names_old = {c.id: display_name(c, catalog) for c in old.components}
    names_new = {c.id: display_name(c, catalog) for c in new.components}
    names = {**names_old, **names_new}
    changes = [
        *_meta_changes(old, new),
        *_component_changes(old, new, catalog, names, positions),
        *_link_changes(old, new, names),
        *_decision_changes(old, new),
        *_override_changes(old, new),
    ]
    before, after = check_design(old, catalog), check_design(new, catalog)
    open_before = {finding_key(f): f for f in before.open_findings()}
    open_after = {finding_key(f): f for f in after.open_findings()}
    accepted_after = {finding_key(f): f.decision or "" for f in after.findings if f.accepted}
    resolved = tuple(f for k, f in open_before.items() if k not in open_after)
    return DesignDiff(
        changes=tuple(changes),
        introduced=tuple(f for k, f in open_after.items() if k not in open_before),
        resolved=resolved,
        coverage_before=before.coverage,
        coverage_after=after.coverage,
        accepted_in_new={
            finding_key(f): accepted_after[finding_key(f)]
            for f in resolved
            if finding_key(f) in accepted_after
        },
        names_old=names_old,
        names_new=names_new,
    )


def _ordered_keys(a: dict[str, Any], b: dict[str, Any], first: tuple[str, ...] = ()) -> list[str]:
    keys = [k for k in first if k in a or k in b]
    keys += [k for k in b if k not in keys]
    keys += [k for k in a if k not in keys]
    return keys


_MISSING: Any = object()


def _meta_changes(old: Design, new: Design) -> Iterator[Change]:
    a, b = old.meta.model_dump(), new.meta.model_dump()
    a.update({f"design.{k}": v for k, v in extra_fields(old).items()})
    b.update({f"design.{k}": v for k, v in extra_fields(new).items()})
    both_unstated = created_unstated(old) and created_unstated(new)  # two readings of a clock
    for key in _ordered_keys(a, b):
        if key in BOOKKEEPING_META or (key == "created" and both_unstated):
            continue
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        if va == vb:
            continue
        label = key.replace("_", " ")
        if va is _MISSING:
            yield Change("added", "meta", key, key, None, vb, f"Design {label} added: {show(vb)}")
        elif vb is _MISSING:
            yield Change("removed", "meta", key, key, va, None, f"Design {label} removed (was {show(va)})")
        else:
            yield Change("changed", "meta", key, key, va, vb, f"Design {label}: {show(va)} -> {show(vb)}")


def _component_changes(
    old: Design, new: Design, catalog: Catalog, names: dict[str, str], positions: bool
) -> Iterator[Change]:
    a, b = old.component_by_id(), new.component_by_id()
    for cid in sorted(a.keys() | b.keys(), key=natural_key):
        if cid not in b:
            yield Change(
                "removed", "component", cid, "", _data(a[cid]), None, f"Removed {names[cid]} ({a[cid].kind})"
            )
        elif cid not in a:
            yield Change(
                "added", "component", cid, "", None, _data(b[cid]), f"Added {names[cid]} ({b[cid].kind})"
            )
        else:
            yield from _component_fields(a[cid], b[cid], catalog, names, positions)


def _data(item: Component | Link | Any) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump()
    return data


def _component_fields(
    old: Component, new: Component, catalog: Catalog, names: dict[str, str], positions: bool
) -> Iterator[Change]:
    cid, name = new.id, names[new.id]
    a, b = _data(old), _data(new)
    for key in _ordered_keys(a, b, _COMPONENT_FIRST):
        va, vb = a.get(key), b.get(key)
        if key == "id" or va == vb:
            continue
        if key == "properties":
            yield from _property_changes(old, new, catalog, name)
        elif key == "position":
            if positions:
                yield Change(
                    "changed",
                    "component",
                    cid,
                    "position",
                    va,
                    vb,
                    f"{name}: moved from {_point(va)} to {_point(vb)}",
                )
        elif key == "name":
            yield Change(
                "changed", "component", cid, "name", va, vb, f"Renamed {show(va)} to {show(vb)} ({cid})"
            )
        elif key == "pinned":
            pinned = "pinned" if vb else "unpinned"
            yield Change("changed", "component", cid, key, va, vb, f"{name}: {pinned}")
        elif key == "notes":
            yield Change("changed", "component", cid, key, va, vb, f"{name}: notes changed")
        else:
            yield Change("changed", "component", cid, key, va, vb, f"{name}: {key} {show(va)} -> {show(vb)}")


def _property_changes(old: Component, new: Component, catalog: Catalog, name: str) -> Iterator[Change]:
    a, b = old.properties, new.properties
    for prop in _ordered_keys(a, b):
        va, vb = a.get(prop), b.get(prop)
        if va == vb and (prop in a) == (prop in b):
            continue
        if va is None and vb is None:
            continue  # absent and null both mean unset
        unit = property_unit(new, prop, catalog) or property_unit(old, prop, catalog)
        summary = f"{name}: {prop} {show(va, unit)} -> {show(vb, unit)}"
        yield Change("changed", "component", new.id, f"properties.{prop}", va, vb, summary)


def _point(value: Any) -> str:
    if isinstance(value, dict):
        return f"({show(value.get('x'))}, {show(value.get('y'))})"
    return show(value)


def _link_changes(old: Design, new: Design, names: dict[str, str]) -> Iterator[Change]:
    a, b = old.link_by_id(), new.link_by_id()

    def ends(link: Link) -> str:
        return f"{names.get(link.source, link.source)} -> {names.get(link.target, link.target)}"

    for lid in sorted(a.keys() | b.keys(), key=natural_key):
        if lid not in b:
            yield Change("removed", "link", lid, "", _data(a[lid]), None, f"Removed link {ends(a[lid])}")
            continue
        link = b[lid]
        if lid not in a:
            extra = ", feedback" if link.feedback else ""
            yield Change(
                "added",
                "link",
                lid,
                "",
                None,
                _data(link),
                f"Added link {ends(link)} ({link.flow}, {link.phase}{extra})",
            )
            continue
        da, db = _data(a[lid]), _data(link)
        for key in _ordered_keys(da, db, ("source", "target")):
            va, vb = da.get(key), db.get(key)
            if key == "id" or va == vb:
                continue
            if key in ("source", "target"):
                verb = "starts at" if key == "source" else "ends at"
                summary = f"Link {ends(a[lid])} now {verb} {names.get(str(vb), str(vb))} (retargeted, {lid})"
            else:
                summary = f"Link {ends(link)}: {key} {show(va)} -> {show(vb)}"
            yield Change("changed", "link", lid, key, va, vb, summary)


def _decision_label(data: dict[str, Any]) -> str:
    title = data.get("title")
    if isinstance(title, str) and title.strip():
        return show(title)
    rule = data.get("rule")
    return f"acceptance of {rule}" if rule else str(data.get("id", ""))


def _decision_changes(old: Design, new: Design) -> Iterator[Change]:
    a = {d.id: _data(d) for d in old.decisions}
    b = {d.id: _data(d) for d in new.decisions}
    for did in sorted(a.keys() | b.keys(), key=natural_key):
        if did not in b:
            yield Change(
                "removed",
                "decision",
                did,
                "",
                a[did],
                None,
                f"Removed decision {did} ({_decision_label(a[did])})",
            )
        elif did not in a:
            yield Change(
                "added",
                "decision",
                did,
                "",
                None,
                b[did],
                f"Added decision {did} ({_decision_label(b[did])})",
            )
        else:
            label = _decision_label(b[did])
            for key in _ordered_keys(a[did], b[did]):
                va, vb = a[did].get(key), b[did].get(key)
                if key != "id" and va != vb:
                    what = _options_change(va, vb) if key == "options" else f"{show(va)} -> {show(vb)}"
                    yield Change(
                        "changed", "decision", did, key, va, vb, f"Decision {did} ({label}): {key} {what}"
                    )


def _options_change(old: Any, new: Any) -> str:
    """What changed among a decision's options, by name: "added 'B'; removed 'C'; 'A': cons changed"."""
    a = {str(o.get("name")): o for o in old or [] if isinstance(o, dict)}
    b = {str(o.get("name")): o for o in new or [] if isinstance(o, dict)}
    parts = [f"added {show(n)}" for n in b if n not in a] + [f"removed {show(n)}" for n in a if n not in b]
    for name in (n for n in b if n in a):
        fields = [f for f in ("pros", "cons") if a[name].get(f) != b[name].get(f)]
        if fields:
            parts.append(f"{show(name)}: {' and '.join(fields)} changed")
    return "; ".join(parts) or "reordered"


def _override_changes(old: Design, new: Design) -> Iterator[Change]:
    a, b = old.rule_overrides, new.rule_overrides
    for rule in sorted(a.keys() | b.keys(), key=natural_key):
        va, vb = a.get(rule), b.get(rule)
        if va == vb:
            continue
        if va is None:
            yield Change("added", "override", rule, "level", None, vb, f"Rule {rule} set to {vb}")
        elif vb is None:
            yield Change(
                "removed",
                "override",
                rule,
                "level",
                va,
                None,
                f"Rule {rule} back to its default severity (was {va})",
            )
        else:
            yield Change("changed", "override", rule, "level", va, vb, f"Rule {rule}: {va} -> {vb}")
