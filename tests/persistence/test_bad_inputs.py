import json
import os

import pytest

from app.cli import main
from app.persistence import DesignLoadError, load_design, load_design_bytes
from app.persistence.loader import MAX_FILE_BYTES
from tests.persistence.bad_inputs import BAD_FILES, VALID, VALID_BYTES, _component, million_components


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_gets_its_own_clear_error(name, tmp_path):
    raw, expected = BAD_FILES[name]
    path = tmp_path / f"{name}.mlsd"
    path.write_bytes(raw)
    with pytest.raises(DesignLoadError) as info:
        load_design(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_reports_bad_files_with_exit_2_and_one_line(name, tmp_path, capsys):
    raw, expected = BAD_FILES[name]
    path = tmp_path / f"{name}.mlsd"
    path.write_bytes(raw)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert str(path) in err and expected in err
    assert "Traceback" not in err


def test_valid_corpus_base_loads():
    assert len(load_design_bytes(VALID_BYTES).design.components) == 2


def test_utf8_bom_is_tolerated():
    assert load_design_bytes(b"\xef\xbb\xbf" + VALID_BYTES).design.meta.title == "t"


def test_a_million_components_is_refused_with_a_message():
    with pytest.raises(DesignLoadError, match="1,000,000 components is over the limit"):
        load_design_bytes(million_components(), "big.mlsd")


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path):
    path = tmp_path / "huge.mlsd"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(DesignLoadError) as just_over:
        load_design(path)
    assert (
        just_over.value.problem == "file is over the 134 MB limit for design files"
    )  # was '134 MB, over the 134'
    with open(path, "wb") as handle:
        handle.truncate(2 * MAX_FILE_BYTES)
    with pytest.raises(DesignLoadError, match="file is 268 MB, over the 134 MB limit"):
        load_design(path)


def test_missing_file_and_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.mlsd")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(DesignLoadError, match="is a folder"):
        load_design(tmp_path)


def test_line_and_column_are_reported_for_json_errors():
    raw = b'{\n  "format": "mlsd-studio/design",\n  "schema_version": 1,,\n}'
    with pytest.raises(DesignLoadError, match="line 3 column"):
        load_design_bytes(raw, "x.mlsd")


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not hasattr(os, "mkfifo"), reason="POSIX only")
def test_devices_and_pipes_are_refused_without_reading(tmp_path, capsys):
    fifo = tmp_path / "pipe.mlsd"
    os.mkfifo(fifo)  # opening it would block until a writer came
    for path in ("/dev/zero", str(fifo)):
        with pytest.raises(DesignLoadError, match="not a regular file"):
            load_design(path)
        assert main(["check", path]) == 2
        assert "not a regular file" in capsys.readouterr().err


def test_long_lists_validated_in_slices_give_the_same_design_and_exact_places():
    import json

    from app.domain.model import Design
    from app.persistence.loader import VALIDATE_SLICE

    n = VALIDATE_SLICE * 2 + 3
    data = json.loads(VALID_BYTES)
    # Fixed times: left out, each validation stamps its own "now", a second apart now and then.
    data.setdefault("meta", {}).update(created="2026-01-01T00:00:00", modified="2026-01-01T00:00:00")
    data["components"] = [
        {"id": f"c{i}", "kind": "model", "name": f"n{i}", "position": {"x": i, "y": 0}, "future": i}
        for i in range(n)
    ]
    data["links"] = [{"id": f"l{i}", "source": f"c{i}", "target": f"c{i + 1}"} for i in range(n - 1)]
    design = load_design_bytes(json.dumps(data).encode()).design
    assert design.model_dump(mode="json") == Design.model_validate(data).model_dump(mode="json")
    assert design.component_by_id()[f"c{n - 1}"].name == f"n{n - 1}"
    data["components"][n - 2]["position"]["x"] = "left"
    with pytest.raises(DesignLoadError, match=rf"\$\.components\[{n - 2}\]\.position\.x"):
        load_design_bytes(json.dumps(data).encode(), "x.mlsd")
    data["components"][n - 2]["position"]["x"] = 0
    data["links"][VALIDATE_SLICE + 1]["flow"] = "teleport"
    with pytest.raises(DesignLoadError, match=rf"\$\.links\[{VALIDATE_SLICE + 1}\]\.flow"):
        load_design_bytes(json.dumps(data).encode(), "x.mlsd")


SURROGATE_COMMANDS = (
    ["check"],
    ["check", "--format", "json"],
    ["export", "--pdf", "{out}.pdf"],
    ["export", "--svg", "{out}.svg", "--mermaid", "{out}.mmd"],
    ["migrate"],
    ["layout", "-o", "{out}.laid.mlsd"],
)


@pytest.mark.parametrize("command", SURROGATE_COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_every_command_refuses_a_lone_surrogate_with_exit_2_naming_file_place_and_problem(
    command, tmp_path, capsys
):
    raw, expected = BAD_FILES["lone_surrogate"]
    path = tmp_path / "surrogate.mlsd"
    path.write_bytes(raw)
    out = str(tmp_path / "out")
    argv = [arg.format(out=out) for arg in command] + [str(path)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err == f"mlsd: {path} at {expected} at character 1: not valid Unicode " + (
        "(half of a UTF-16 pair), so it cannot be written as UTF-8"
    )
    assert "Traceback" not in captured.err and captured.out == ""
    assert path.read_bytes() == raw  # migrate never rewrites a file it cannot read
    assert sorted(p.name for p in tmp_path.iterdir()) == ["surrogate.mlsd"]  # no output written


def test_noncharacters_are_valid_text_and_survive_a_round_trip():
    import json

    data = json.loads(VALID_BYTES)
    data["components"][1]["name"] = "x\ufffe\uffff\ufdd0\U0010ffff"
    loaded = load_design_bytes(json.dumps(data).encode())
    assert loaded.design.components[1].name == "x\ufffe\uffff\ufdd0\U0010ffff"


def test_escaped_backslashes_are_not_mistaken_for_bad_escapes():
    raw = VALID_BYTES.replace(b'"A"', rb'"C:\\build\\ud800 \\u0000"')
    assert load_design_bytes(raw).design.components[0].name == r"C:\build\ud800 \u0000"


def test_a_place_naming_a_key_of_the_file_shows_it_escaped(tmp_path, capsys):
    """A key holding a line break or an RLO was copied raw into the place: the warning ran
    over two lines and the RLO reversed the rest of it."""
    from tests.persistence.bad_inputs import _component, _with

    path = tmp_path / "keys.mlsd"
    path.write_bytes(_component(properties={"evil\u202e\nkey": 1}))
    assert main(["check", str(path), "--fail-on", "never"]) == 0
    err = capsys.readouterr().err.strip()
    assert err == (
        f"mlsd: {path}: warning: $.components[1].properties['evil\\u202e\\nkey']: model has no property "
        "'evil\\u202e\\nkey'; kept as is"
    )
    path.write_bytes(_with(rule_overrides={"R1\u202e\nx": "loud"}))
    with pytest.raises(DesignLoadError) as info:
        load_design(path)
    assert info.value.where == "$.rule_overrides['R1\\u202e\\nx']"


LONG = "q" * 6000
LONG_VALUES = {
    "enum_value": _component(properties={"family": LONG}),
    "property_type": _component(properties={"params_millions": LONG}),
    "set_values": _component(kind="monitor", properties={"watches": [LONG] * 500}),
    "format": json.dumps({**VALID, "format": LONG}).encode(),
    "duplicate_id": json.dumps(
        {**VALID, "components": [{**VALID["components"][0], "id": LONG}] * 2, "links": []}
    ).encode(),
    "duplicate_key": VALID_BYTES.replace(b'"title": "t"', f'"{LONG}": 1, "{LONG}": 2'.encode()),
    "missing_link_end": json.dumps(
        {**VALID, "links": [{"id": LONG, "source": "a", "target": LONG}]}
    ).encode(),
    "chosen_option": json.dumps(
        {
            **VALID,
            "decisions": [{"id": LONG, "title": "t", "options": [{"name": LONG}], "chosen": LONG + "x"}],
        }
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(LONG_VALUES))
def test_a_long_value_is_quoted_short_in_the_message(name, tmp_path, capsys):
    # A 6,000-character value used to be quoted whole: a one-line error of 6,000 characters
    # and more (and 3 MB for a set of 500 of them), in the terminal or the window's dialog.
    path = tmp_path / f"{name}.mlsd"
    path.write_bytes(LONG_VALUES[name])
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and len(err) < len(str(path)) + 600, err[:800]
    assert "'qqqq" in err and ("(6,000 characters)" in err or "(6,001 characters)" in err)


def test_a_float_beyond_range_is_one_problem_at_its_property_not_each_refusing_type():
    raw, _ = BAD_FILES["huge_float_property"]
    with pytest.raises(DesignLoadError) as info:
        load_design_bytes(raw, "d.mlsd")
    assert str(info.value) == (
        "d.mlsd at $.components[1].properties.qps: the number is too large (more than 1.8e308)"
    )
    raw = raw.replace(b'"links": [{', b'"links": [7, {')  # a second problem, after it
    with pytest.raises(DesignLoadError) as info:
        load_design_bytes(raw, "d.mlsd")
    assert str(info.value).endswith("qps: the number is too large (more than 1.8e308) (and 1 more problems)")
