"""`mlsd estimate`'s text with names of thousands of letters: shortened at a word's end with an
ellipsis in the headings, the derivations and the missing inputs that quote them, as `mlsd
check` shows them, while `--format json` keeps them whole. One 6,000-letter name per component
made lines of 18,000 characters (three names in one derivation) and 347 kB of text for the
bundled example."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Link, Meta
from app.persistence import load_design, save_design
from app.templates import find_template

WORDS = [f"w{i:04d}" for i in range(1, 1001)]
NAME = " ".join(WORDS)  # 5,999 characters


@pytest.fixture
def long_names(tmp_path):
    """The fraud template with every component (and the title) named NAME and its number."""
    design = load_design(find_template("fraud_detection").path).design
    for number, component in enumerate(design.components):
        component.name = f"{NAME} n{number}"
    design.meta.title = NAME
    path = tmp_path / "long.mlsd"
    save_design(design, path)
    return path


def test_estimate_text_shortens_long_names_and_the_title(long_names, capsys):
    assert main(["estimate", str(long_names)]) == 0
    out = capsys.readouterr().out
    assert WORDS[-1] not in out  # no name whole, nor the title
    assert out.startswith(shortened(NAME))
    headings = [line for line in out.splitlines() if line.startswith(WORDS[0])]
    assert len(headings) >= 5 and all(shortened(NAME) in line for line in headings)
    derivations = [line for line in out.splitlines() if line.startswith("    ") and WORDS[0] in line]
    assert derivations and all("…" in line for line in derivations)
    # a derivation quotes up to a few names: each at most NAME_LIMIT + 1 characters
    assert max(len(line) for line in out.splitlines()) < 4 * (NAME_LIMIT + 1) + 200


def test_estimate_json_keeps_long_names_whole(long_names, capsys):
    assert main(["estimate", "--format", "json", str(long_names)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(c["name"].startswith(NAME) for c in data["components"])
    assert any(NAME in f["derivation"] for c in data["components"] for f in c["figures"])
    assert "…" not in json.dumps(data, ensure_ascii=False)


def test_estimate_text_keeps_an_id_with_a_line_break_on_its_line(tmp_path, capsys):
    """An unnamed component is quoted by its id: one holding a line break started a line of its
    own in the derivation and in its missing inputs ('  peak_qps: 0 QPS = 1,000 events/day'
    read as a figure of the dataset)."""
    odd = "src\n  peak_qps: 0 QPS"
    design = Design(
        meta=Meta(title="Line breaks"),
        components=[
            Component(id=odd, kind="data_source", name="", properties={"events_per_day": 1000}),
            Component(id="ds", kind="dataset", name="Data"),
        ],
        links=[Link(id="l", source=odd, target="ds")],
    )
    path = tmp_path / "breaks.mlsd"
    save_design(design, path)
    assert main(["estimate", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("peak_qps:")]
    assert "    1,000 from src peak_qps: 0 QPS = 1,000 events/day" in lines
    assert "    missing: src peak_qps: 0 QPS.bytes_per_event" in lines


def test_estimate_text_shortens_a_long_name_holding_an_unclosed_bidi_control(tmp_path, capsys):
    """A derivation quotes a name isolated, its unclosed controls dropped (app.domain.text):
    a long name holding an RLO was not found there in any form and was printed whole."""
    design = load_design(find_template("fraud_detection").path).design
    for number, component in enumerate(design.components):
        component.name = f"{NAME}\n\u202e\u2067 n{number}"
    path = tmp_path / "bidi.mlsd"
    save_design(design, path)
    assert main(["estimate", str(path)]) == 0
    out = capsys.readouterr().out
    assert WORDS[-1] not in out
    assert max(len(line) for line in out.splitlines()) < 4 * (NAME_LIMIT + 1) + 200
