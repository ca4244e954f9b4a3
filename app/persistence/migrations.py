"""Migrations of raw design data between schema versions.

A migration takes the JSON data of version N and returns the data of version N + 1. They
run on plain dicts before validation, so a file of any known version loads.
Version 1 is the first released format. Version 2 adds `pinned` to components (absent
means not pinned, so the step only stamps the version).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.model import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]



def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return data


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}
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
