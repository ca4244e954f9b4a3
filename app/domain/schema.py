"""The JSON Schema of design files, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from app.domain.model import Design

SCHEMA_ID = "urn:mlsd-studio:schema:design:1"


def design_json_schema() -> dict[str, Any]:
    schema = Design.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def design_json_schema_text() -> str:
    return json.dumps(design_json_schema(), indent=2, ensure_ascii=False) + "\n"
