"""The acceptance test of the flaw classes: every variant design raises its flaw, every sound
design stays quiet (tests/rules/variants/<flaw_class>/*.mlsd, written by build_variants.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.persistence import load_design
from app.rules import check_design

ROOT = Path(__file__).resolve().parent / "variants"
FILES = sorted(ROOT.glob("*/*.mlsd"))
FLAW_CLASSES = (
    "skew",
    "temporal_leakage",
    "uncorrected_sampling",
    "class_imbalance_metrics",
    "release_safety",
    "online_evaluation",
    "interference",
    "feedback_loop",
    "unknown_is_not_safe",
)


def manifest(notes: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in notes.splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = [v.strip() for v in value.split(",") if v.strip()]
    return found


def test_every_flaw_class_has_three_flawed_designs_and_a_sound_one():
    for flaw in FLAW_CLASSES:
        names = {p.stem for p in (ROOT / flaw).glob("*.mlsd")}
        assert "sound" in names, flaw
        assert len(names - {"sound"}) >= 3, flaw


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_variant(path):
    catalog = default_catalog()
    design = load_design(path, catalog).design
    wanted = manifest(design.meta.notes)
    assert wanted.get("expect") or wanted.get("quiet"), f"{path.name} has no manifest"
    findings = check_design(design, catalog).findings
    for rule_id in wanted.get("expect", []):
        raised = [f for f in findings if f.rule == rule_id]
        if path.parent.name == "unknown_is_not_safe":
            named = {u for f in raised for u in f.unset}
            assert set(wanted["unset"]) <= named, f"{rule_id} does not name {wanted['unset']}: {raised}"
        else:  # raised by the flaw itself, not by an unset property
            assert [f for f in raised if not f.unset], f"{rule_id} not raised by {path.stem}: {raised}"
    for rule_id in wanted.get("quiet", []):
        assert [f.message for f in findings if f.rule == rule_id] == []
