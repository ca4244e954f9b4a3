"""`mlsd layout`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.persistence import load_design, save_design
from tests.factories import staged_design
from tests.layout.checks import figures

TEMPLATE = Path(__file__).resolve().parents[2] / "resources" / "templates" / "fraud_detection.mlsd"


def _without_positions(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["meta"].pop("modified", None)
    for c in data["components"]:
        c.pop("position")
    return data


def test_layout_round_trips_and_changes_only_positions(tmp_path, capsys):
    source = tmp_path / "fraud.mlsd"
    shutil.copy(TEMPLATE, source)
    save_design(load_design(source).design, source)  # at the current schema version
    before_bytes = source.read_bytes()
    out = tmp_path / "out.mlsd"
    assert main(["layout", str(source), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    assert source.read_bytes() == before_bytes
    before, after = json.loads(before_bytes), json.loads(out.read_bytes())
    assert _without_positions(before) == _without_positions(after)
    design = load_design(out).design
    moved = sum(
        1
        for a, b in zip(before["components"], after["components"], strict=True)
        if a["position"] != b["position"]
    )
    assert moved > 30
    got = figures(design, {c.id: (c.position.x, c.position.y) for c in design.components})
    assert got["overlaps"] == 0 and 1.2 <= got["aspect"] <= 2.0


def test_in_place_and_aspect(tmp_path, catalog):
    path = tmp_path / "d.mlsd"
    save_design(staged_design(catalog, 60), path)
    assert main(["layout", str(path), "--in-place", "--aspect", "4:3"]) == 0
    design = load_design(path).design
    got = figures(design, {c.id: (c.position.x, c.position.y) for c in design.components})
    assert got["overlaps"] == 0
    assert abs(got["aspect"] - 4 / 3) < 0.4


def test_pinned_cards_keep_their_place(tmp_path, catalog):
    design = staged_design(catalog, 20)
    design.components[3].pinned = True
    design.components[3].position.x, design.components[3].position.y = 5000.0, 7000.0
    path = tmp_path / "p.mlsd"
    save_design(design, path)
    assert main(["layout", str(path), "--in-place"]) == 0
    got = load_design(path).design.components[3].position
    assert (got.x, got.y) == (5000.0, 7000.0)


def test_refuses_to_overwrite_without_a_flag(tmp_path, capsys):
    path = tmp_path / "d.mlsd"
    shutil.copy(TEMPLATE, path)
    before = path.read_bytes()
    assert main(["layout", str(path)]) == 2
    err = capsys.readouterr().err
    assert "-o" in err and "--in-place" in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_bad_file_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.mlsd"
    bad.write_text('{"format": "mlsd-studio/design", "components": [', encoding="utf-8")
    before = bad.read_bytes()
    out = tmp_path / "out.mlsd"
    assert main(["layout", str(bad), "-o", str(out)]) == 2
    assert main(["layout", str(bad), "--in-place"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("bad.mlsd" in line for line in err)
    assert "Traceback" not in "\n".join(err)
    assert bad.read_bytes() == before and not out.exists()


@pytest.mark.parametrize("aspect", ["wide", "16:0", "0", "-1.5", "1:100"])
def test_bad_aspect_exits_2(tmp_path, capsys, aspect):
    path = tmp_path / "d.mlsd"
    shutil.copy(TEMPLATE, path)
    before = path.read_bytes()
    assert main(["layout", str(path), "--in-place", "--aspect", aspect]) == 2
    err = capsys.readouterr().err
    assert "--aspect" in err and aspect in err
    assert path.read_bytes() == before


def test_both_outputs_is_a_usage_error(tmp_path):
    path = tmp_path / "d.mlsd"
    shutil.copy(TEMPLATE, path)
    assert main(["layout", str(path), "--in-place", "-o", str(tmp_path / "x.mlsd")]) == 2
    assert not (tmp_path / "x.mlsd").exists()


@pytest.mark.parametrize(
    ("text", "value"), [("16:10", 1.6), ("4:3", 4 / 3), ("1.6", 1.6), (" 16 x 9 ", 16 / 9)]
)
def test_parse_aspect(text, value):
    from app.layout import parse_aspect

    assert parse_aspect(text) == pytest.approx(value)
