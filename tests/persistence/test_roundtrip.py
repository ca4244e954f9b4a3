import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.domain.model import SCHEMA_VERSION
from app.domain.schema import design_json_schema_text
from app.persistence import design_to_bytes, load_design, save_design
from app.persistence.migrations import migrate
from app.resources import resource_path

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("v*.mlsd")), ids=lambda p: p.stem)
def test_golden_file_of_every_version_loads(golden):
    loaded = load_design(golden)
    assert loaded.design.schema_version == SCHEMA_VERSION
    assert len(loaded.design.components) == 4
    assert loaded.migrated_from == (int(golden.stem[1:]) if golden.stem != f"v{SCHEMA_VERSION}" else None)


def test_pinned_is_false_in_version_1_and_kept_from_version_2():
    old = load_design(GOLDEN / "v1.mlsd").design.component_by_id()
    assert not any(c.pinned for c in old.values())
    new = load_design(GOLDEN / "v2.mlsd").design.component_by_id()
    assert new["model"].pinned and not new["train"].pinned
    data = json.loads(design_to_bytes(load_design(GOLDEN / "v2.mlsd").design))
    assert data["schema_version"] == SCHEMA_VERSION
    assert next(c for c in data["components"] if c["id"] == "model")["pinned"] is True


def test_handwritten_design_keeps_unknown_fields_and_kinds(tmp_path):
    loaded = load_design(GOLDEN / "v1.mlsd")
    assert any("quantum_annealer" in w for w in loaded.warnings)
    data = json.loads(design_to_bytes(loaded.design))
    assert data["x_tool_extension"] == [1, 2, 3]
    train = next(c for c in data["components"] if c["id"] == "train")
    assert train["x_future_field"] == {"kept": True}
    mystery = next(c for c in data["components"] if c["id"] == "mystery")
    assert mystery["kind"] == "quantum_annealer" and mystery["properties"] == {"qubits": 5000}


def test_migrate_round_trips_byte_stably(tmp_path, capsys):
    path = tmp_path / "design.mlsd"
    shutil.copy(GOLDEN / "v1.mlsd", path)
    assert main(["migrate", str(path)]) == 0
    first = path.read_bytes()
    assert main(["migrate", str(path)]) == 0
    assert path.read_bytes() == first
    assert json.loads(first)["meta"]["modified"] == "2026-01-05T09:00:00+00:00"


def test_save_stamps_modified_and_load_gives_the_same_design(tmp_path):
    loaded = load_design(GOLDEN / "v1.mlsd")
    out = tmp_path / "saved.mlsd"
    save_design(loaded.design, out)
    again = load_design(out)
    assert again.design.meta.modified != "2026-01-05T09:00:00+00:00"
    assert design_to_bytes(again.design) == out.read_bytes()


def test_newer_schema_version_is_refused_and_not_rewritten(tmp_path, capsys):
    path = tmp_path / "future.mlsd"
    data = json.loads((GOLDEN / "v1.mlsd").read_text())
    data["schema_version"] = 99
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    assert main(["migrate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "newer MLSD Studio" in err and "schema version 99" in err
    assert path.read_bytes() == before


def test_migration_registry_runs_steps_in_order():
    def v0_to_v1(data):
        data["components"] = data.pop("nodes")
        return data

    def v1_to_v2(data):
        data["steps"] = [*data.get("steps", []), 2]
        return data

    def v2_to_v3(data):
        data["steps"] = [*data.get("steps", []), 3]
        return data

    migrated = migrate({"schema_version": 0, "nodes": []}, {0: v0_to_v1, 1: v1_to_v2, 2: v2_to_v3})
    assert migrated["steps"] == [2, 3]
    assert migrated["schema_version"] == SCHEMA_VERSION and migrated["components"] == []


def test_shipped_json_schema_matches_the_models():
    shipped = resource_path("schema", "design.schema.json").read_text(encoding="utf-8")
    assert shipped == design_json_schema_text(), (
        "resources/schema/design.schema.json is stale: "
        "run `mlsd schema > resources/schema/design.schema.json`"
    )
