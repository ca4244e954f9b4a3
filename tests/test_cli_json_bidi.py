"""JSON outputs carry names holding bidi controls as \\u escapes: the same data, but an
unclosed RLO cannot reverse the quotes and commas after it on a terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.templates import find_template

FRAUD = Path(find_template("fraud_detection").path)
RLO_NAME, LRI_NAME = "evil\u202eabc def", "iso\u2066late x"
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = json.loads(FRAUD.read_text(encoding="utf-8"))
    data["meta"]["title"] = "Fraud \u202ereversed"
    names = {"model": RLO_NAME, "endpoint": LRI_NAME}
    for component in data["components"]:
        component["name"] = names.get(component["id"], component["name"])
    new = tmp_path / "new.mlsd"
    new.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return FRAUD, new


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "json"],
        ["check", "--format", "json", "--rubric"],
        ["estimate", "--format", "json"],
    ],
)
def test_one_file_json_escapes_bidi_controls(files, args, capsys):
    main([*args, str(files[1])])
    out = capsys.readouterr().out
    assert CONTROLS.findall(out) == []
    assert "evil\\u202eabc def" in out
    assert RLO_NAME in json.dumps(json.loads(out), ensure_ascii=False)


def test_diff_json_escapes_bidi_controls(files, capsys):
    assert main(["diff", "--format", "json", str(files[0]), str(files[1])]) == 1
    out = capsys.readouterr().out
    assert CONTROLS.findall(out) == []
    data = json.dumps(json.loads(out), ensure_ascii=False)
    assert RLO_NAME in data and LRI_NAME in data and "Fraud \u202ereversed" in data
