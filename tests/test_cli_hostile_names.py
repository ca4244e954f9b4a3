"""Hostile component names in the text `mlsd` prints for people: a name holding bidi controls
or right-to-left letters is set apart (FSI ... PDI) wherever a line quotes it, so it cannot
reorder the rest of its line; a line break in it never starts a line of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.domain.long_names import shortened
from app.domain.text import FSI, PDI, RLO
from app.persistence import save_design
from tests.test_cli_long_names import three_metrics

EXAMPLE = str(Path(__file__).resolve().parent.parent / "resources" / "examples" / "example.mlsd")
OPEN_CONTROLS = "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
CLOSERS = "\u202c\u2069"


def unbalanced(line: str) -> bool:
    return sum(ch in OPEN_CONTROLS for ch in line) != sum(ch in CLOSERS for ch in line)


def test_rubric_questions_isolate_a_name_holding_an_override(tmp_path, capsys):
    """The follow-up questions quoted a name as it is: an RLO in it reversed the rest of the
    question ('... does not say "calibration": what is it?') on a bidirectional terminal."""
    design = three_metrics("Recall", "Precision", "F1")
    ranker = design.components[0].model_copy(
        update={"id": "ranker", "kind": "model", "name": f"{RLO}Ranker", "properties": {}}
    )
    design.components.append(ranker)
    path = tmp_path / "bidi.mlsd"
    save_design(design, path)
    main(["check", "--rubric", str(path)])
    out = capsys.readouterr().out
    questions = out[out.index("Follow-up questions:") :].splitlines()[1:]
    quoting = [line for line in questions if "Ranker" in line]
    assert quoting, questions
    assert all(f"{FSI}Ranker{PDI}" in line for line in quoting)  # the unclosed RLO dropped
    assert not [line for line in out.splitlines() if unbalanced(line)]


def test_check_quotes_an_unnamed_components_id_on_one_line_and_shortened(tmp_path, capsys):
    """A component without a name is quoted by its id: the coverage line printed it as it is,
    so an id holding a line break started a line of its own ('R99: ...' read as a finding)
    and a 6,000-letter id was printed whole."""
    long_id = " ".join(f"w{i:04d}" for i in range(1, 1001))
    design = three_metrics("Recall", "Precision", "F1")
    design.components[0].id, design.components[0].name = "m0\nR99: forged finding", ""
    design.components[1].id, design.components[1].name = long_id, ""
    path = tmp_path / "ids.mlsd"
    save_design(design, path)
    main(["check", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if line.startswith("R99")]
    coverage = next(line for line in lines if line.startswith("  [x] 1. "))
    assert "m0 R99: forged finding" in coverage and shortened(long_id) in coverage
    assert "w1000" not in "\n".join(lines)


def test_rubric_reasons_shorten_a_long_decision_title_and_kpi(tmp_path, capsys):
    """'+1 decisions made: ... ("<title>", ...)' and '+1 business objective with a KPI (<kpi>)'
    quoted a 6,000-letter title and KPI whole: an 18,000-character line for three titles."""
    from app.persistence import load_design

    long_text = " ".join(f"w{i:04d}" for i in range(1, 1001))
    design = load_design(EXAMPLE).design
    for decision in design.decisions:
        decision.title = f"{long_text}\n{RLO}X"
    objective = next(c for c in design.components if c.kind == "business_objective")
    objective.properties["kpi"] = long_text
    path = tmp_path / "titles.mlsd"
    save_design(design, path)
    main(["check", "--rubric", str(path)])
    out = capsys.readouterr().out
    rubric = out[out.index("Interview rubric:") :]
    assert "w1000" not in rubric
    made = next(line for line in rubric.splitlines() if "decisions made" in line)
    assert made.count(shortened(long_text)) == 3
    assert f"KPI ({shortened(long_text)})" in rubric
    assert not [line for line in out.splitlines() if unbalanced(line)]
    main(["check", "--rubric", "--format", "json", str(path)])
    assert capsys.readouterr().out.count("w1000") > 3  # whole in the JSON


LINE_BREAKER = " ".join(f"w{i:04d}" for i in range(1, 1001)) + f"\nR99 forged\n{RLO}"


def _example_with(tmp_path: Path, change) -> Path:
    import json

    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.mlsd"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _one_short_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 500, lines
    assert RLO not in err and "Traceback" not in err
    return lines[0]


def test_a_decision_accepting_an_odd_rule_is_refused_on_one_line(tmp_path, capsys):
    """'decision ... accepts <rule> but gives no rationale' printed the rule as it is: a rule
    holding line breaks and an RLO made three lines of 6,000 characters, the last reversed."""
    path = _example_with(tmp_path, lambda d: d["decisions"][0].update(rule=LINE_BREAKER, rationale=""))
    assert main(["check", str(path)]) == 2
    line = _one_short_line(capsys.readouterr().err)
    assert line.startswith(f"mlsd: {path} at $.decisions[0].rationale: decision ")
    assert "accepts 'w0001 w0002" in line and "(6,012 characters) but gives no rationale" in line


def test_a_decision_naming_missing_components_is_warned_about_on_one_short_line(tmp_path, capsys):
    """The warning printed the list of missing ids as Python shows it, every id whole."""
    path = _example_with(tmp_path, lambda d: d["decisions"][0].update(components=[LINE_BREAKER] * 5))
    assert main(["check", str(path)]) == 0
    line = _one_short_line(capsys.readouterr().err)
    assert line.startswith(f"mlsd: {path}: warning: $.decisions[0]: refers to missing components 'w0001")
    assert "and 2 more; they are left out" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", EXAMPLE, "--scale", "{x}"],
        ["layout", EXAMPLE, "-o", "{out}", "--aspect", "{x}"],
        ["new", "{out}", "--template", "{x}"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_huge_argument_value_is_quoted_cut_in_its_error(argv, tmp_path, capsys):
    """A 5,000-character --scale, --aspect or --template value was repeated whole in the one
    line saying it is wrong."""
    huge = "x" * 5000 + f"{RLO}\nR99"
    args = [a.replace("{x}", huge).replace("{out}", str(tmp_path / "out.mlsd")) for a in argv]
    try:
        status = main(args)
    except SystemExit as exc:  # refused by the parser
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert len(last) < 300 and "(5,005 characters)" in last and RLO not in err
    assert not list(tmp_path.iterdir())
