"""The acceptance test of the flaw classes: every variant design raises its flaw, every sound
design stays quiet (tests/rules/variants/<flaw_class>/*.mlsd, written by build_variants.py for
R1-R42, build_newrules_variants.py for R43-R54 and build_capacity_variants.py for R34's
computed cost and R55-R58).

Each design carries its manifest in meta.notes, one item a line: `expect: R16` (rules that must
fire), `quiet: R16, R41` (rules that must not) and, in unknown_is_not_safe, `unset:
eval.gate` (properties the finding must name). A flawed design must raise its rule by the flaw
itself (a finding naming no unset property); in unknown_is_not_safe, by the unset properties.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.persistence import load_design
from app.rules import all_rules, check_design

ROOT = Path(__file__).resolve().parent / "variants"
FILES = sorted(ROOT.glob("*/*.mlsd"))
UNKNOWN = "unknown_is_not_safe"
FLAW_CLASSES = (
    "skew",
    "temporal_leakage",
    "uncorrected_sampling",
    "class_imbalance_metrics",
    "release_safety",
    "online_evaluation",
    "interference",
    "feedback_loop",
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
    "unrecorded_choice",
    "capacity",
)


def manifest(notes: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in notes.splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = [v.strip() for v in value.split(",") if v.strip()]
    return found


def _manifests(flaw: str) -> dict[str, dict[str, list[str]]]:
    catalog = default_catalog()
    return {p.stem: manifest(load_design(p, catalog).design.meta.notes) for p in (ROOT / flaw).glob("*.mlsd")}


def test_every_folder_is_a_known_flaw_class():
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {*FLAW_CLASSES, UNKNOWN}


@pytest.mark.parametrize("flaw", FLAW_CLASSES)
def test_every_flaw_class_has_three_flawed_designs_and_a_sound_one(flaw):
    known = {spec.id for spec in all_rules()}
    manifests = _manifests(flaw)
    assert "sound" in manifests, flaw
    flawed = [name for name, m in manifests.items() if m.get("expect")]
    assert len(flawed) >= 3, flaw
    assert not manifests["sound"].get("expect"), flaw
    raised = set().union(*(set(manifests[name]["expect"]) for name in flawed))
    quiet = set(manifests["sound"].get("quiet", []))
    assert quiet and quiet <= raised <= known, flaw  # sound where its siblings are flawed


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_variant(path):
    catalog = default_catalog()
    design = load_design(path, catalog).design
    wanted = manifest(design.meta.notes)
    assert wanted.get("expect") or wanted.get("quiet"), f"{path.name} has no manifest"
    assert 3 <= len(design.components) <= 15, "variants are small designs"
    findings = check_design(design, catalog).findings
    assert [f.message for f in findings if f.internal_error] == []
    for rule_id in wanted.get("expect", []):
        raised = [f for f in findings if f.rule == rule_id]
        if path.parent.name == UNKNOWN:
            named = {u for f in raised for u in f.unset}
            assert set(wanted["unset"]) <= named, f"{rule_id} does not name {wanted['unset']}: {raised}"
        else:  # raised by the flaw itself, not by an unset property
            assert [f for f in raised if not f.unset], f"{rule_id} not raised by {path.stem}: {raised}"
    for rule_id in wanted.get("quiet", []):
        assert [f.message for f in findings if f.rule == rule_id] == []
