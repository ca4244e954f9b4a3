"""A number a float cannot hold (1e400, a 400-digit whole number, more digits than a float
keeps) in a field this version does not know comes back from load and save as it was written,
wherever the field is, through `mlsd migrate`, the recovery file, textconv and the merge; in a
typed field (a property) one beyond a float's range is refused with its place."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.diff.merge import merge_designs
from app.diff.textconv import design_text
from app.domain.json_number import ExactNumber
from app.persistence import DesignLoadError, design_to_bytes, load_design_bytes, recovery

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
LITERALS = ["1e400", "-1e400", "1" * 400, "1.00000000000000000001", "1e-400", "[1e400, 2.5]"]
PLACES = {
    "top": lambda d: d,
    "meta": lambda d: d["meta"],
    "component": lambda d: d["components"][0],
    "position": lambda d: d["components"][0]["position"],
    "link": lambda d: d["links"][0],
    "decision": lambda d: d["decisions"][0],
    "nested": lambda d: d.setdefault("x_more", {"inner": {}})["inner"],
}


def _with_literal(version: str, place: str, literal: str) -> bytes:
    data = json.loads((GOLDEN / f"{version}.mlsd").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    PLACES[place](data)["x_extra"] = "@@"
    return json.dumps(data, indent=2).replace('"@@"', literal).encode()


def _extra(saved: bytes) -> str:
    match = re.search(r'"x_extra": (\[[^\]]*\]|[^,\n}]*)', saved.decode())
    assert match, saved.decode()
    return match.group(1)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("literal", LITERALS)
def test_unknown_fields_keep_numbers_a_float_cannot_hold(place: str, literal: str) -> None:
    saved = design_to_bytes(load_design_bytes(_with_literal("v3", place, literal)).design)
    assert _extra(saved) == literal
    assert design_to_bytes(load_design_bytes(saved).design) == saved


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_migrate_keeps_them(tmp_path: Path, version: str) -> None:
    path = tmp_path / "old.mlsd"
    path.write_bytes(_with_literal(version, "component", "1e400"))
    assert main(["migrate", str(path)]) == 0
    saved = path.read_bytes()
    assert json.loads(saved)["schema_version"] == 3
    assert _extra(saved) == "1e400"


def test_a_property_beyond_a_float_is_refused_with_its_place() -> None:
    data = json.loads((GOLDEN / "v3.mlsd").read_text(encoding="utf-8"))
    data["components"][0]["properties"]["x_unknown"] = "@@"
    raw = json.dumps(data).replace('"@@"', "1e400").encode()
    with pytest.raises(DesignLoadError) as caught:
        load_design_bytes(raw, "f.mlsd")
    assert caught.value.where == "$.components[0].properties.x_unknown"
    assert "too large" in caught.value.problem


def test_recovery_textconv_and_merge_keep_them(tmp_path: Path) -> None:
    design = load_design_bytes(_with_literal("v3", "top", "1e400")).design
    path = recovery.write_recovery("s1", design)
    restored, _ = recovery.restore(path)
    assert _extra(design_to_bytes(restored)) == "1e400"
    assert "design x_extra = 1e400" in design_text(design)

    theirs = design.model_copy(deep=True)
    theirs.x_extra = ExactNumber("1e401")  # type: ignore[attr-defined]
    merged = merge_designs(design, design.model_copy(deep=True), theirs)
    assert not merged.conflicts
    assert _extra(design_to_bytes(merged.design)) == "1e401"  # not "the same": both are inf


def test_exact_numbers_compare_by_value() -> None:
    values: list[Any] = [ExactNumber("1e400"), ExactNumber("10e399"), ExactNumber("1e401"), 1.0]
    assert values[0] == values[1] and hash(values[0]) == hash(values[1])
    assert values[0] != values[2] and values[0] != float("inf")
    assert ExactNumber("1.00000000000000000001") != 1.0


def test_diff_json_writes_them_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.mlsd", tmp_path / "new.mlsd"
    old.write_bytes(_with_literal("v3", "component", "1"))
    new.write_bytes(_with_literal("v3", "component", "[1e400, 1.00000000000000000001]"))
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    out = capsys.readouterr().out
    data = json.loads(out, parse_float=str)  # strict JSON: was 'inf' and '0.1' ('1.0')
    (change,) = [c for c in data["changes"] if c["field"] == "x_extra"]
    assert change["old"] == 1 and change["new"] == ["1e400", "1.00000000000000000001"]
