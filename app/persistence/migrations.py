"""Migrations of raw design data between schema versions.

A migration takes the JSON data of version N and returns the data of version N + 1. They
run on plain dicts before validation, so a file of any known version loads.
Version 1 is the first released format. Version 2 adds `pinned` to components (absent
means not pinned, so the step only stamps the version). Version 3 turns decisions into
decision records: a decision is either an acceptance of a finding (every decision of
version 2 is one, and it stays accepted) or a design decision with options, a choice and
consequences; the design's meta gains goals, non-goals and assumptions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.model import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Every version 2 decision accepts a finding: mark it accepted, and give it a fixed date.

    A version 2 decision without a date would otherwise get today's date on every load,
    and a second migrate would not reproduce the first byte for byte.
    """
    meta = data.get("meta")
    fallback = meta.get("created", "") if isinstance(meta, dict) else ""
    decisions = data.get("decisions")
    if isinstance(decisions, list):
        migrated = []
        for decision in decisions:
            if isinstance(decision, dict):
                decision = dict(decision)
                decision.setdefault("status", "accepted")
                if "date" not in decision and isinstance(fallback, str):
                    decision["date"] = fallback[:10]
            migrated.append(decision)
        data["decisions"] = migrated
    return data


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3}
OLDEST_READABLE_VERSION = 1


def migrate(data: dict[str, Any], registry: dict[int, Migration] | None = None) -> dict[str, Any]:
    """Bring data of any readable version up to SCHEMA_VERSION."""
    registry = MIGRATIONS if registry is None else registry
    version = data["schema_version"]
    while version < SCHEMA_VERSION:
        step = registry.get(version)
        if step is None:
            raise LookupError(f"no migration from schema version {version}")
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data
