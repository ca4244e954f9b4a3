"""app/domain/text.py: the left-to-right mark in front of a line that could be read right to left."""

from __future__ import annotations

from app.domain.text import FSI, LRM, PDI, isolate, left_to_right


def test_left_to_right_marks_only_a_line_that_could_turn_around():
    assert left_to_right("design.mlsd — MLSD Studio") == "design.mlsd — MLSD Studio"
    assert left_to_right("排序模型 🚀, Evaluation") == "排序模型 🚀, Evaluation"  # no right-to-left letter
    line = f"{isolate('نموذج')}, Evaluation"
    assert line == f"{FSI}نموذج{PDI}, Evaluation"
    assert left_to_right(line) == LRM + line
