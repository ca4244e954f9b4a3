"""Hostile component names in the text `mlsd` prints for people: a name holding bidi controls
or right-to-left letters is set apart (FSI ... PDI) wherever a line quotes it, so it cannot
reorder the rest of its line; a line break in it never starts a line of its own."""

from __future__ import annotations

from app.cli import main
from app.domain.text import FSI, PDI, RLO
from app.persistence import save_design
from tests.test_cli_long_names import three_metrics

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
