"""The component catalog: kinds, their typed properties and default link flows.

The data lives in resources/catalog/; this module only reads and checks it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from app.domain.errors import NUMBER_TOO_LARGE, PropertyValueError, quoted
from app.domain.model import FLOWS, PropertyValue
from app.resources import resource_path

PROPERTY_TYPES = ("enum", "set", "bool", "int", "float", "text", "list")
STAGE_IDS = ("business", "data", "features", "model", "serving", "monitoring")


@dataclass(frozen=True)
class Stage:
    id: str
    number: int
    label: str
    color: str
    description: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    description: str
    values: tuple[str, ...] = ()
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    def describe_type(self) -> str:
        """Short human description of the accepted values."""
        if self.type == "enum":
            return "one of " + ", ".join(self.values)
        if self.type == "set":
            return "any of " + ", ".join(self.values)
        if self.type in ("int", "float") and self.unit:
            return f"{self.type} ({self.unit})"
        return {"list": "list of text"}.get(self.type, self.type)

    def validate(self, value: Any) -> PropertyValue:
        """Return the value in canonical form, or raise PropertyValueError."""
        if value is None:
            return None
        kind = self.type
        if kind == "bool":
            if isinstance(value, bool):
                return value
        elif kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                _as_float(self.name, value)  # refuses one beyond a float's range
                return self._check_range(value)
            if isinstance(value, float) and value.is_integer():
                return self._check_range(int(value))
        elif kind == "float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                number = _as_float(self.name, value)
                if not math.isfinite(number):
                    raise PropertyValueError(self.name, f"{quoted(value)} is not a finite number")
                return self._check_range(number)
        elif kind == "text":
            if isinstance(value, str):
                return value
        elif kind == "enum":
            if isinstance(value, str):
                if value in self.values:
                    return value
                raise PropertyValueError(self.name, f"{quoted(value)} is not one of {', '.join(self.values)}")
        elif kind in ("set", "list"):
            if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
                items = list(value)
                if kind == "list":
                    return items
                unknown = [v for v in items if v not in self.values]
                if unknown:
                    raise PropertyValueError(
                        self.name,
                        f"{', '.join(map(quoted, unknown[:3]))}{_more(unknown, 3)} not among "
                        f"{', '.join(self.values)}",
                    )
                return [v for v in self.values if v in set(items)]
        raise PropertyValueError(self.name, f"expected {self.describe_type()}, got {quoted(value)}")

    def _check_range(self, value: float) -> float:
        # At most 15 significant digits: -1e308 in an integer property was written out in full
        # (309 digits) in a message that quotes any other value in at most 60 characters.
        if self.minimum is not None and value < self.minimum:
            raise PropertyValueError(self.name, f"{value:.15g} is below the minimum {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise PropertyValueError(self.name, f"{value:.15g} is above the maximum {self.maximum:g}")
        return value


def _more(items: list[str], shown: int) -> str:
    return f" and {len(items) - shown:,} more" if len(items) > shown else ""


def _as_float(name: str, value: float) -> float:
    """The value as a float; an integer beyond a float's range (10**400 in a file) is refused,
    since every figure and rule computes in floats."""
    try:
        return float(value)
    except OverflowError:
        raise PropertyValueError(name, NUMBER_TOO_LARGE) from None


@dataclass(frozen=True)
class KindSpec:
    id: str
    label: str
    stage: str
    description: str
    icon: str
    properties: tuple[PropertySpec, ...]
    out_flow: str
    flows_to: dict[str, str] = field(default_factory=dict)

    def property(self, name: str) -> PropertySpec | None:
        """The named property's spec, None for a name the kind does not have."""
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None


@dataclass(frozen=True)
class Technology:
    name: str
    hint: str
    kinds: tuple[str, ...]


class Catalog:
    """Every kind the canvas offers, grouped by the six stages of the framework."""

    def __init__(self, stages: list[Stage], kinds: list[KindSpec], technologies: list[Technology]):
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.kinds: dict[str, KindSpec] = {k.id: k for k in kinds}
        self.technologies: tuple[Technology, ...] = tuple(technologies)
        self._stage_by_id = {s.id: s for s in stages}

    def kind(self, kind_id: str) -> KindSpec | None:
        return self.kinds.get(kind_id)

    def stage(self, stage_id: str) -> Stage:
        return self._stage_by_id[stage_id]

    def kinds_in_stage(self, stage_id: str) -> list[KindSpec]:
        return [k for k in self.kinds.values() if k.stage == stage_id]

    def stage_of(self, kind_id: str) -> str | None:
        spec = self.kinds.get(kind_id)
        return spec.stage if spec else None

    def default_flow(self, source_kind: str, target_kind: str) -> str:
        """The flow a new link between two kinds gets unless the user picks another."""
        source = self.kinds.get(source_kind)
        if source is None:
            return "data"
        return source.flows_to.get(target_kind, source.out_flow)

    def technology_suggestions(self, kind_id: str) -> list[str]:
        """Technologies to suggest for a kind first, then all the others."""
        first = [t.name for t in self.technologies if kind_id in t.kinds]
        rest = [t.name for t in self.technologies if kind_id not in t.kinds]
        return first + rest

    def to_json_data(self) -> dict[str, Any]:
        """The catalog as plain data (used by `mlsd catalog --format json`)."""
        return {
            "stages": [
                {
                    "id": s.id,
                    "number": s.number,
                    "label": s.label,
                    "description": s.description,
                    "kinds": [k.id for k in self.kinds_in_stage(s.id)],
                }
                for s in self.stages
            ],
            "kinds": [
                {
                    "id": k.id,
                    "label": k.label,
                    "stage": k.stage,
                    "description": k.description,
                    "icon": k.icon,
                    "default_flow": k.out_flow,
                    "flows_to": dict(k.flows_to),
                    "properties": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "description": p.description,
                            **({"values": list(p.values)} if p.values else {}),
                            **({"unit": p.unit} if p.unit else {}),
                            **({"min": p.minimum} if p.minimum is not None else {}),
                            **({"max": p.maximum} if p.maximum is not None else {}),
                        }
                        for p in k.properties
                    ],
                }
                for k in self.kinds.values()
            ],
            "common_fields": ["name", "technology", "notes"],
            "technologies": [t.name for t in self.technologies],
        }


class CatalogError(ValueError):
    """The shipped catalog data is malformed (a packaging bug, not a user error)."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc


def _parse_property(raw: dict[str, Any], where: str) -> PropertySpec:
    ptype = raw.get("type")
    if ptype not in PROPERTY_TYPES:
        raise CatalogError(f"{where}: unknown property type {ptype!r}")
    values = tuple(raw.get("values") or ())
    if ptype in ("enum", "set") and not values:
        raise CatalogError(f"{where}: {ptype} property needs values")
    return PropertySpec(
        name=raw["name"],
        type=ptype,
        description=raw.get("description", ""),
        values=values,
        unit=raw.get("unit"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
    )


def load_catalog(root: Path | None = None) -> Catalog:
    """Read and check the catalog folder (resources/catalog by default)."""
    root = root or resource_path("catalog")
    stages = [
        Stage(
            id=s["id"],
            number=s["number"],
            label=s["label"],
            color=s["color"],
            description=s.get("description", ""),
            prompts=tuple(s.get("prompts", ())),
        )
        for s in _read_json(root / "stages.json")["stages"]
    ]
    if tuple(s.id for s in stages) != STAGE_IDS:
        raise CatalogError(f"{root / 'stages.json'}: stages must be {', '.join(STAGE_IDS)}")
    kinds: list[KindSpec] = []
    for stage in stages:
        path = root / "kinds" / f"{stage.id}.json"
        for raw in _read_json(path)["kinds"]:
            where = f"{path.name}:{raw.get('id')}"
            kinds.append(
                KindSpec(
                    id=raw["id"],
                    label=raw["label"],
                    stage=stage.id,
                    description=raw.get("description", ""),
                    icon=raw.get("icon", f"{raw['id']}.svg"),
                    properties=tuple(
                        _parse_property(p, f"{where}.{p.get('name')}") for p in raw["properties"]
                    ),
                    out_flow=raw.get("out_flow", "data"),
                    flows_to=dict(raw.get("flows_to", {})),
                )
            )
    _check_kinds(kinds)
    tech_path = root / "technologies.json"
    technologies = []
    if tech_path.exists():
        technologies = [
            Technology(name=t["name"], hint=t.get("hint", ""), kinds=tuple(t.get("kinds", ())))
            for t in _read_json(tech_path)["technologies"]
        ]
    return Catalog(stages, kinds, technologies)


def _check_kinds(kinds: list[KindSpec]) -> None:
    ids = [k.id for k in kinds]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise CatalogError(f"duplicate kind ids: {sorted(duplicates)}")
    known = set(ids)
    for kind in kinds:
        flows = [kind.out_flow, *kind.flows_to.values()]
        bad = [f for f in flows if f not in FLOWS]
        if bad:
            raise CatalogError(f"{kind.id}: unknown flows {bad}")
        stray = [t for t in kind.flows_to if t not in known]
        if stray:
            raise CatalogError(f"{kind.id}: flows_to names unknown kinds {stray}")


@cache
def default_catalog() -> Catalog:
    """The catalog shipped in resources/ (loaded once)."""
    return load_catalog()
