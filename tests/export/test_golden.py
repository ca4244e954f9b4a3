"""Golden files for DOT and Mermaid output.

Regenerate after an intended change with:

    MLSD_UPDATE_GOLDEN=1 python -m pytest tests/export/test_golden.py

and review the diff of tests/export/golden/ before committing it.
"""

from __future__ import annotations

import os

import pytest

from app.export import to_dot, to_mermaid
from tests.export.conftest import GOLDEN
from tests.export.designs import hostile_design, hostile_result, recommender_design, recommender_result

UPDATE = os.environ.get("MLSD_UPDATE_GOLDEN") == "1"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; run with MLSD_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.mark.parametrize("which", ["recommender", "hostile"])
def test_dot_golden(which, catalog):
    make, check = {
        "recommender": (recommender_design, recommender_result),
        "hostile": (hostile_design, hostile_result),
    }[which]
    design = make(catalog)
    _check(f"{which}.dot", to_dot(design, catalog, check(design, catalog)))


@pytest.mark.parametrize("which", ["recommender", "hostile"])
def test_mermaid_golden(which, catalog):
    make = {"recommender": recommender_design, "hostile": hostile_design}[which]
    _check(f"{which}.mmd", to_mermaid(make(catalog), catalog))
