"""Three-way merge of designs by id, for `mlsd merge` (git's merge driver).

Works on the JSON data of the three loaded designs. Components, links and decisions are
matched by id and merged field by field (a component's properties one by one); rule
overrides by rule id; meta field by field. A field changed on one side only takes that
side's value; the same field changed to different values on both sides is a conflict and
keeps ours. An item removed on one side and changed on the other is a conflict and keeps
ours. Items both sides added under the same id with different content are both kept: theirs
gets a fresh id (and theirs' links and decisions follow it).

The result always loads: a link whose endpoint the other side removed is dropped, a link the
merge made into a loop or a repeat of another link goes back to ours' version (or is dropped),
decisions superseding in a circle or a removed decision get ours' `supersedes` (a new one of
theirs: none), and anything else the loader refuses goes back to ours'. Each is a conflict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from app.diff.values import one_line, show_apart
from app.domain.catalog import Catalog, default_catalog
from app.domain.decision_ops import supersede_cycle
from app.domain.model import Design
from app.domain.ops import next_id
from app.persistence.errors import DesignLoadError
from app.persistence.loader import design_from_data

_MISSING: Any = object()
_LISTS = (("components", "component"), ("links", "link"), ("decisions", "decision"))
_WHERE = re.compile(r"^\$\.(components|links|decisions)\[(\d+)\]")


@dataclass(frozen=True)
class Conflict:
    """Both sides changed `field` of one item differently (field "" = the item as a whole)."""

    target: str
    id: str
    field: str = ""
    base: object = None
    ours: object = None
    theirs: object = None
    note: str = ""
    unit: str = ""  # of a property's values, from the catalog
    resolution: str = "kept ours"

    @property
    def key(self) -> tuple[str, str, str]:
        return self.target, self.id, self.field

    def describe(self) -> str:
        where = f"{self.target} {one_line(self.id)}" + (f" {self.field}" if self.field else "")
        if self.note:
            return f"{where}: {self.note}; {self.resolution}"
        base, ours, theirs = show_apart([self.base, self.ours, self.theirs], self.unit or None, _MISSING)
        return f"{where}: base {base}, ours {ours}, theirs {theirs}; {self.resolution}"


@dataclass
class MergeResult:
    design: Design
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the merge did that is not a conflict


class _Merger:
    def __init__(self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]):
        self.b, self.o, self.t = base, ours, theirs
        self.conflicts: dict[tuple[str, str, str], Conflict] = {}
        self.notes: list[str] = []
        self.original: dict[tuple[str, str], str] = {}  # (target, renamed id) -> id as written

    def conflict(
        self,
        target: str,
        item_id: str,
        fld: str = "",
        b: Any = None,
        o: Any = None,
        t: Any = None,
        note: str = "",
        resolution: str = "",
    ) -> None:
        """Record a conflict; a later fix-up of the same item adds its note and resolution."""
        item_id = self.original.get((target, item_id), item_id)
        key = (target, item_id, fld)
        known = self.conflicts.get(key)
        if known is None:
            self.conflicts[key] = Conflict(
                target, item_id, fld, b, o, t, note, resolution=resolution or "kept ours"
            )
        elif resolution:
            joined = (
                f"{known.note}; {note}"
                if known.note and note and note not in known.note
                else known.note or note
            )
            self.conflicts[key] = replace(known, note=joined, resolution=resolution)

    # ---- values ------------------------------------------------------------------------

    def pick(self, b: Any, o: Any, t: Any, target: str, item_id: str, fld: str) -> str:
        """'ours' or 'theirs': whose value the merge takes (a conflict takes ours)."""
        if o == t or t == b:
            return "ours"
        if o == b:
            return "theirs"
        self.conflict(target, item_id, fld, b, o, t)
        return "ours"

    def merge_fields(
        self,
        b: dict[str, Any],
        o: dict[str, Any],
        t: dict[str, Any],
        target: str,
        item_id: str,
        prefix: str = "",
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in _keys(o, t, b):
            vb, vo, vt = b.get(key, _MISSING), o.get(key, _MISSING), t.get(key, _MISSING)
            if (
                key == "properties"
                and not prefix
                and all(isinstance(v, dict) or v is _MISSING for v in (vb, vo, vt))
            ):
                pb, po, pt = (v if isinstance(v, dict) else {} for v in (vb, vo, vt))
                result[key] = self.merge_fields(pb, po, pt, target, item_id, "properties.")
                continue
            if prefix:  # a property: absent and null both mean unset
                vb, vo, vt = (None if v is _MISSING else v for v in (vb, vo, vt))
            side = self.pick(vb, vo, vt, target, item_id, prefix + key)
            source = o if side == "ours" else t
            if key in source:
                result[key] = source[key]
        return result

    # ---- lists of items with ids -------------------------------------------------------

    def merge_list(self, name: str, target: str) -> list[dict[str, Any]]:
        b, o, t = (_by_id(d.get(name)) for d in (self.b, self.o, self.t))
        merged: dict[str, dict[str, Any]] = {}
        for item_id in set(b) | set(o) | set(t):
            bi, oi, ti = b.get(item_id), o.get(item_id), t.get(item_id)
            if oi == ti or ti == bi:  # the same on both sides, or changed (added, removed) by ours only
                result = oi
            elif oi == bi:  # changed, added or removed by theirs only
                result = ti
            elif oi is None or ti is None:  # removed on one side, changed on the other
                who = "ours" if oi is None else "theirs"
                self.conflict(target, item_id, note=f"removed by {who}, changed by the other side")
                if target == "component":
                    self._links_needing(item_id, self.t if oi is None else self.o)
                result = oi
            else:
                result = self.merge_fields(bi or {}, oi, ti, target, item_id)
            if result is not None:
                merged[item_id] = result
        return [
            merged[i] for i in _order(self.b.get(name), self.o.get(name), self.t.get(name)) if i in merged
        ]

    def _links_needing(self, component_id: str, changer: dict[str, Any]) -> None:
        """Links the changing side added or changed at a component the other side removed."""
        base_links = _by_id(self.b.get("links"))
        for link in changer.get("links") or []:
            if (
                component_id in (link.get("source"), link.get("target"))
                and base_links.get(link["id"]) != link
            ):
                self.conflict("link", link["id"], note=f"needs component {component_id}, removed by one side")

    # ---- both sides added the same id ---------------------------------------------------

    def rename_clashing_additions(self) -> None:
        taken = {str(i) for d in (self.b, self.o, self.t) for name, _ in _LISTS for i in _by_id(d.get(name))}
        for name, target in _LISTS:
            b, o, t = (_by_id(d.get(name)) for d in (self.b, self.o, self.t))
            for item_id in [i for i in t if i in o and i not in b and o[i] != t[i]]:
                new_id = next_id(re.sub(r"\d+$", "", item_id) or f"{target}_", taken)
                taken.add(new_id)
                self.original[(target, new_id)] = item_id
                self._rename_in_theirs(name, target, item_id, new_id)
                self.notes.append(f"both sides added {target} {item_id}; theirs is kept as {new_id}")

    def _rename_in_theirs(self, name: str, target: str, old: str, new: str) -> None:
        for item in self.t.get(name) or []:
            if item.get("id") == old:
                item["id"] = new
        if target == "component":
            for link in self.t.get("links") or []:
                for end in ("source", "target"):
                    if link.get(end) == old:
                        link[end] = new
            for decision in self.t.get("decisions") or []:
                if isinstance(decision.get("components"), list):
                    decision["components"] = [new if c == old else c for c in decision["components"]]
        elif target == "decision":
            for decision in self.t.get("decisions") or []:
                if decision.get("supersedes") == old:
                    decision["supersedes"] = new

    # ---- the whole design ----------------------------------------------------------------

    def merge(self) -> dict[str, Any]:
        if self.b:
            self.rename_clashing_additions()
        data: dict[str, Any] = {}
        for key in _keys(self.o, self.t, self.b):
            if key in ("components", "links", "decisions", "meta", "rule_overrides"):
                continue
            vb, vo, vt = (d.get(key, _MISSING) for d in (self.b, self.o, self.t))
            side = self.pick(vb, vo, vt, "meta", f"design.{key}", f"design.{key}")
            if (self.o if side == "ours" else self.t).get(key, _MISSING) is not _MISSING:
                data[key] = vo if side == "ours" else vt
        data["meta"] = self._merge_meta()
        for name, target in _LISTS:
            data[name] = self.merge_list(name, target)
        data["rule_overrides"] = self._merge_overrides()
        self._fix_links(data)
        self._break_supersede_circles(data)
        return data

    def _break_supersede_circles(self, data: dict[str, Any]) -> None:
        """Decisions the merge left superseding each other in a circle get ours' `supersedes` back
        (none for a decision only theirs has). Ours has no circle, so each round breaks one."""
        ours, items = _by_id(self.o.get("decisions")), data["decisions"]
        while cycle := supersede_cycle({str(d.get("id")): d.get("supersedes") or "" for d in items}):
            for index, item in enumerate(items):
                item_id, own = str(item.get("id")), ours.get(str(item.get("id")))
                value = (own or {}).get("supersedes") or ""
                if item_id in cycle and (item.get("supersedes") or "") != value:
                    items[index] = {**item, "supersedes": value}
                    done = "restored ours" if own is not None else "made it supersede nothing"
                    note = "the merged decisions supersede each other in a circle"
                    self.conflict("decision", item_id, "supersedes", note=note, resolution=done)

    def _merge_meta(self) -> dict[str, Any]:
        b, o, t = (d.get("meta") or {} for d in (self.b, self.o, self.t))
        saved = {k: d.pop("modified", _MISSING) for k, d in (("b", b), ("o", o), ("t", t))}
        merged = {}
        for key in _keys(o, t, b):
            vb, vo, vt = b.get(key, _MISSING), o.get(key, _MISSING), t.get(key, _MISSING)
            side = self.pick(vb, vo, vt, "meta", key, key)
            if key in (o if side == "ours" else t):
                merged[key] = (o if side == "ours" else t)[key]
        stamps = [s for s in (saved["o"], saved["t"]) if isinstance(s, str)]
        if saved["o"] == saved["b"] and isinstance(saved["t"], str):
            merged["modified"] = saved["t"]
        elif stamps:
            merged["modified"] = max(stamps)  # when it was saved: the later one, never a conflict
        return merged

    def _merge_overrides(self) -> dict[str, Any]:
        b, o, t = (d.get("rule_overrides") or {} for d in (self.b, self.o, self.t))
        merged = {}
        for rule in _keys(o, t, b):
            vb, vo, vt = b.get(rule, _MISSING), o.get(rule, _MISSING), t.get(rule, _MISSING)
            source = o if self.pick(vb, vo, vt, "override", rule, "level") == "ours" else t
            if rule in source:
                merged[rule] = source[rule]
        return merged

    def _fix_links(self, data: dict[str, Any]) -> None:
        """Drop or restore (ours') links the merge left dangling, looping or repeated."""
        ids = {c.get("id") for c in data["components"]}
        ours = _by_id(self.o.get("links"))
        fixed: list[dict[str, Any]] = []
        for link in data["links"]:
            ends = (link.get("source"), link.get("target"))
            if all(e in ids for e in ends) and ends[0] != ends[1]:
                fixed.append(link)
                continue
            problem = "loops on one component" if ends[0] == ends[1] else "an end component was removed"
            own = ours.get(link["id"])
            restored = own is not None and own["source"] in ids and own["target"] in ids
            self.conflict(
                "link",
                link["id"],
                note=f"the merged link {problem}",
                resolution="restored ours" if restored else "dropped",
            )
            if own is not None and restored:
                fixed.append(own)
        pairs: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for link in fixed:
            pairs.setdefault((link["source"], link["target"]), []).append(link)
        keep: list[dict[str, Any]] = []
        for link in fixed:
            same = pairs[(link["source"], link["target"])]
            if len(same) == 1:
                keep.append(link)
                continue
            winner = next((lk for lk in same if ours.get(lk["id"]) == lk), same[0])
            for lk in same:
                self.conflict(
                    "link",
                    lk["id"],
                    note="both sides link the same two components",
                    resolution="kept" if lk is winner else "dropped",
                )
            if link is winner:
                keep.append(link)
        data["links"] = keep


def _keys(*dicts: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(k for d in dicts for k in d))  # first seen first


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i.get("id")): i for i in items if isinstance(i, dict)}


def _order(base: Any, ours: Any, theirs: Any) -> list[str]:
    """Ours' order, or theirs' when ours kept the base order; then the other side's new ids."""
    b, o, t = (list(_by_id(items)) for items in (base, ours, theirs))
    first, second = (t, o) if o == b else (o, t)
    seen = set(first)
    return first + [i for i in second if i not in seen] + [i for i in b if i not in seen and i not in second]


def merge_designs(
    base: Design | None, ours: Design, theirs: Design, catalog: Catalog | None = None
) -> MergeResult:
    """Three-way merge by id (see the module docstring); the result always loads.

    `base` None: both sides added the file (git gives an empty base); whatever differs
    between them is a conflict that keeps ours (no item is renamed)."""
    catalog = catalog or default_catalog()
    merger = _Merger(base.to_json_data() if base else {}, ours.to_json_data(), theirs.to_json_data())
    data = merger.merge()
    ours_data = ours.to_json_data()
    for _attempt in range(len(data["components"]) + len(data["links"]) + len(data["decisions"]) + 2):
        try:
            design = design_from_data(data, "merged design", catalog).design
            break
        except DesignLoadError as exc:
            if not _restore_item(data, ours_data, exc, merger):
                merger.conflict(
                    "meta",
                    "design",
                    note=f"the merged design does not load ({exc.problem})",
                    resolution="kept ours as a whole",
                )
                data = ours.to_json_data()
    else:
        merger.conflict(
            "meta", "design", note="the merged design does not load", resolution="kept ours as a whole"
        )
        design = ours.model_copy(deep=True)
    conflicts = [_with_unit(c, design, catalog) for c in merger.conflicts.values()]
    return MergeResult(design, sorted(conflicts, key=lambda c: c.key), merger.notes)


def _with_unit(conflict: Conflict, design: Design, catalog: Catalog) -> Conflict:
    component = design.component_by_id().get(conflict.id) if conflict.target == "component" else None
    if component is None or not conflict.field.startswith("properties."):
        return conflict
    spec = catalog.kind(component.kind)
    prop = spec.property(conflict.field.removeprefix("properties.")) if spec else None
    return replace(conflict, unit=prop.unit) if prop is not None and prop.unit else conflict


def _restore_item(data: dict[str, Any], ours: dict[str, Any], exc: DesignLoadError, merger: _Merger) -> bool:
    """Put back ours' version of the item the loader refused (or drop it); False if none named."""
    match = _WHERE.match(exc.where or "")
    if match is None:
        return False
    name, index = match.group(1), int(match.group(2))
    target = dict(_LISTS)[name]
    items = data[name]
    if index >= len(items):
        return False
    item_id = str(items[index].get("id"))
    own = _by_id(ours.get(name)).get(item_id)
    unlinked = own is None and (exc.where or "").endswith(".supersedes")  # theirs' new decision: kept
    restore = own is not None and own != items[index]
    done = "restored ours" if restore else "made it supersede nothing" if unlinked else "dropped"
    note = f"the merged {target} is not valid ({exc.problem})"
    merger.conflict(target, item_id, note=note, resolution=done)
    if restore and own is not None:
        items[index] = own
    elif unlinked:
        items[index] = {**items[index], "supersedes": ""}
    else:
        del items[index]
    return True
