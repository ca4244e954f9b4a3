"""A component name of thousands of letters in `mlsd check`'s output for people: shortened at a
word's end with an ellipsis (as the PDF report shows it) on the coverage lines, in the findings'
messages and in the rubric's reasons, while `--format json` keeps every name whole. A 5,000-letter
name was printed whole on every line that quoted it: some 40 kB of terminal for one design."""

from __future__ import annotations

import json

import pytest

import app.export.shown as shown_module
import app.rules as rules_package
from app.cli import main
from app.domain.long_names import NAME_LIMIT, shortened
from app.domain.model import Component, Design, Meta
from app.domain.text import FSI, PDI
from app.persistence import save_design

WORDS = [f"w{i:04d}" for i in range(1, 1001)]
NAME = " ".join(WORDS)  # 5,999 characters, each word once
SHORT = shortened(NAME)


def three_metrics(first: str, second: str = "Precision", third: str = "F1") -> Design:
    """Three metrics, none tied to the business objective: R1 and R5 quote their names, and
    the rubric charges both in its reasons."""
    names = (first, second, third)
    metrics = [
        Component(
            id=f"m{i}",
            kind="metric",
            name=name,
            properties={"name": ("recall", "precision", "f1")[i], "role": "guardrail", "threshold": 0.8},
        )
        for i, name in enumerate(names)
    ]
    objective = Component(id="o", kind="business_objective", name="Revenue", properties={"kpi": "revenue"})
    return Design(meta=Meta(title="Metrics"), components=[*metrics, objective])


@pytest.fixture
def long_file(tmp_path):
    path = tmp_path / "long.mlsd"
    save_design(three_metrics(NAME), path)
    return path


def test_check_prints_a_long_name_shortened_on_every_line(long_file, capsys):
    main(["check", str(long_file)])
    out = capsys.readouterr().out
    assert WORDS[-1] not in out  # never whole
    assert len(SHORT) <= NAME_LIMIT + 1 and SHORT.endswith("…")
    coverage = next(line for line in out.splitlines() if line.startswith("  [x] 1. "))
    assert SHORT in coverage
    findings = [line for line in out.splitlines() if WORDS[0] in line and not line.startswith("  [x]")]
    assert len(findings) >= 2 and all(SHORT in line for line in findings)  # R1 and R5 quote it
    assert max(len(line) for line in out.splitlines()) < 2 * NAME_LIMIT + 200


def test_check_rubric_reasons_quote_a_long_name_shortened(long_file, capsys):
    main(["check", "--rubric", str(long_file)])
    out = capsys.readouterr().out
    rubric = out[out.index("Interview rubric:") :]
    reasons = [line for line in rubric.splitlines() if WORDS[0] in line]
    assert len(reasons) >= 2 and all(SHORT in line for line in reasons), reasons  # R1 and R5 again
    assert WORDS[-1] not in out


def test_check_json_keeps_the_long_name_whole(long_file, capsys):
    main(["check", "--rubric", "--format", "json", str(long_file)])
    data = json.loads(capsys.readouterr().out)
    messages = [f["message"] for f in data["findings"] if "m0" in f.get("components", [])]
    assert messages and all(NAME in m for m in messages)
    reasons = [r for d in data["rubric"]["dimensions"] for r in d["reasons"] if WORDS[0] in r]
    assert reasons and all(NAME in r for r in reasons)
    assert "…" not in json.dumps(data, ensure_ascii=False)


def test_check_isolates_right_to_left_names_in_finding_messages(tmp_path, capsys):
    """Two Hebrew names with only ", " between them read as one phrase, swapped, in a terminal
    that lays lines out bidirectionally; the coverage lines isolated them already."""
    path = tmp_path / "rtl.mlsd"
    save_design(three_metrics("אלפא", "בטא", "גמא"), path)
    main(["check", str(path)])
    out = capsys.readouterr().out
    tied = next(line for line in out.splitlines() if "are not tied to" in line)
    assert f"{FSI}אלפא{PDI}, {FSI}בטא{PDI} and {FSI}גמא{PDI}" in tied


def count_checks(monkeypatch) -> list[int]:
    """The longest name of each design the rules check from here on, in order."""
    checked: list[int] = []

    def counting(real):
        def check(design, *args, **kwargs):
            checked.append(max(len(c.name) for c in design.components))
            return real(design, *args, **kwargs)

        return check

    for module in (rules_package, shown_module):
        monkeypatch.setattr(module, "check_design", counting(module.check_design))
    return checked


def test_export_pdf_rubric_checks_the_shortened_copy_once(tmp_path, monkeypatch):
    """The rubric was scored on a shortened copy checked for it, and the report checked its own
    copy again: the rules ran twice over the same shortened design."""
    design = three_metrics(NAME)
    path, pdf = tmp_path / "long.mlsd", tmp_path / "long.pdf"
    save_design(design, path)
    checked = count_checks(monkeypatch)
    assert main(["export", str(path), "--pdf", str(pdf), "--rubric"]) == 0
    assert sorted(checked) == [len(SHORT), len(NAME)]  # the design once, its shortened copy once


def test_export_pdf_and_md_check_the_shortened_copy_once_for_both(tmp_path, monkeypatch):
    """The PDF report and the Markdown each shortened the design and checked their copy: with
    both asked for in one run, the rules ran twice over the same shortened design."""
    design = three_metrics(NAME)
    path = tmp_path / "long.mlsd"
    save_design(design, path)
    checked = count_checks(monkeypatch)
    argv = ["export", str(path), "--pdf", str(tmp_path / "long.pdf"), "--md", str(tmp_path / "long.md")]
    assert main(argv) == 0
    assert sorted(checked) == [len(SHORT), len(NAME)]  # the design once, its shortened copy once
    markdown = (tmp_path / "long.md").read_text(encoding="utf-8")
    assert SHORT in markdown and NAME in markdown  # shortened where quoted, whole once


def test_check_shortens_a_long_title(tmp_path, capsys):
    """The first line said the file and the title whole: 6,010 characters for this one."""
    design = three_metrics("Recall")
    design.meta.title = NAME
    path = tmp_path / "title.mlsd"
    save_design(design, path)
    main(["check", str(path)])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"{path}: {SHORT}"
