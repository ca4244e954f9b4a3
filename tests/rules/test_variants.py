"""Variant designs per flaw class: each tests/rules/variants/<flaw_class>/expected.json maps a
design file to the rules that must fire on it and the rules that must stay quiet.

    {"broken.mlsd": {"fires": ["R16"], "quiet": []}, "sound.mlsd": {"fires": [], "quiet": ["R16"]}}

Every flaw class has at least three designs that raise a rule and one that is quiet on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.persistence import load_design
from app.rules import all_rules, check_design

VARIANTS = Path(__file__).resolve().parent / "variants"


def _manifests() -> dict[str, dict[str, dict[str, list[str]]]]:
    return {
        folder.name: json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        for folder in sorted(VARIANTS.iterdir())
        if (folder / "expected.json").is_file()
    }


CASES = [
    pytest.param(flaw, file, expected, id=f"{flaw}/{file}")
    for flaw, manifest in _manifests().items()
    for file, expected in manifest.items()
]


@pytest.mark.parametrize(("flaw", "file", "expected"), CASES)
def test_variant_raises_exactly_what_its_manifest_says(flaw, file, expected):
    catalog = default_catalog()
    loaded = load_design(VARIANTS / flaw / file, catalog)
    raised = {f.rule for f in check_design(loaded.design, catalog).findings if not f.internal_error}
    internal = [f.message for f in check_design(loaded.design, catalog).findings if f.internal_error]
    assert internal == []
    assert sorted(set(expected["fires"]) - raised) == [], f"{flaw}/{file} should raise these"
    assert sorted(set(expected["quiet"]) & raised) == [], f"{flaw}/{file} should not raise these"


def test_every_flaw_class_has_three_firing_designs_and_a_sound_one():
    known = {spec.id for spec in all_rules()}
    manifests = _manifests()
    assert manifests
    for flaw, manifest in manifests.items():
        assert all(set(e["fires"]) | set(e["quiet"]) <= known for e in manifest.values()), flaw
        firing = [f for f, e in manifest.items() if e["fires"]]
        quiet = [f for f, e in manifest.items() if e["quiet"] and not e["fires"]]
        assert len(firing) >= 3 and quiet, f"{flaw}: {len(firing)} firing, {len(quiet)} quiet designs"
        # the sound design is quiet on the rule its flawed siblings raise
        raised_by_siblings = set().union(*(manifest[f]["fires"] for f in firing))
        assert any(raised_by_siblings & set(manifest[f]["quiet"]) for f in quiet), flaw
