"""Variant designs of the flaw classes of R43-R53 (tests/rules/variants/<flaw_class>/, written
by build_newrules_variants.py).

Each folder's expected.json maps a design to the rules that must fire on it and those that must
stay quiet: {"broken.mlsd": {"fires": ["R43"], "quiet": []}, "sound.mlsd": {"fires": [],
"quiet": ["R43"]}}. A flawed design must raise its rule by the flaw itself (a finding naming no
unset property); in unknown_is_not_safe, by the unset properties listed under "unset", which a
finding must name. The same manifest is in each design's meta.notes (`expect:`, `unset:`,
`quiet:` lines), the form the flaw-class runner of R1-R42 reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.persistence import load_design
from app.rules import all_rules, check_design

VARIANTS = Path(__file__).resolve().parent / "variants"
FLAW_CLASSES = (
    "calibration",
    "position_bias",
    "label_maturity",
    "metric_alignment",
    "cold_start",
    "pii_in_logs",
    "correction_cascade",
    "censored_outcomes",
    "swap_gate",
    "adversarial",
    "label_quality",
)
UNKNOWN = "unknown_is_not_safe"


def _manifest(flaw: str) -> dict[str, dict[str, list[str]]]:
    return json.loads((VARIANTS / flaw / "expected.json").read_text(encoding="utf-8"))


CASES = [
    pytest.param(flaw, file, expected, id=f"{flaw}/{file}")
    for flaw in (*FLAW_CLASSES, UNKNOWN)
    for file, expected in _manifest(flaw).items()
]


def _notes_manifest(notes: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in notes.splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = [v.strip() for v in value.split(",") if v.strip()]
    return found


@pytest.mark.parametrize(("flaw", "file", "expected"), CASES)
def test_variant_raises_what_its_manifest_says(flaw, file, expected):
    catalog = default_catalog()
    design = load_design(VARIANTS / flaw / file, catalog).design
    notes = _notes_manifest(design.meta.notes)
    assert notes.get("expect", []) == expected["fires"] and notes.get("quiet", []) == expected["quiet"]
    assert notes.get("unset", []) == expected.get("unset", [])
    assert 5 <= len(design.components) <= 15
    findings = check_design(design, catalog).findings
    assert [f.message for f in findings if f.internal_error] == []
    for rule_id in expected["fires"]:
        raised = [f for f in findings if f.rule == rule_id]
        if flaw == UNKNOWN:
            named = {u for f in raised for u in f.unset}
            assert set(expected["unset"]) <= named, f"{rule_id} does not name {expected['unset']}: {raised}"
        else:
            assert [f for f in raised if not f.unset], f"{rule_id} not raised by the flaw of {file}: {raised}"
    for rule_id in expected["quiet"]:
        assert [f.message for f in findings if f.rule == rule_id] == []


def test_every_flaw_class_has_three_flawed_designs_and_a_sound_one():
    known = {spec.id for spec in all_rules()}
    for flaw in FLAW_CLASSES:
        manifest = _manifest(flaw)
        assert {p.name for p in (VARIANTS / flaw).glob("*.mlsd")} == set(manifest), flaw
        flawed = [f for f, e in manifest.items() if e["fires"]]
        assert len(flawed) >= 3 and "sound.mlsd" in manifest, flaw
        assert manifest["sound.mlsd"]["fires"] == [], flaw
        raised = set().union(*(set(manifest[f]["fires"]) for f in flawed))
        quiet = set(manifest["sound.mlsd"]["quiet"])
        assert quiet and quiet <= raised <= known, flaw  # sound where its siblings are flawed
