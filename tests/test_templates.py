"""The shipped templates and the `mlsd templates` / `mlsd new` commands."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.domain.catalog import STAGE_IDS
from app.persistence import load_design, save_design
from app.rules.engine import check_design
from app.templates import design_from_template, find_template, list_templates

TEMPLATES = list_templates()
NAMES = [t.name for t in TEMPLATES]


def test_eight_templates_with_a_name_title_summary_and_problem():
    assert len(TEMPLATES) == 8
    assert len(set(NAMES)) == len(NAMES)
    for template in TEMPLATES:
        assert template.title and template.summary and template.problem, template.name
        assert template.tags, template.name


@pytest.mark.parametrize("name", NAMES)
def test_template_covers_every_stage_with_no_errors_and_every_warning_decided(name, catalog):
    design = load_design(find_template(name).path, catalog).design
    result = check_design(design, catalog)
    assert [s for s in STAGE_IDS if not result.coverage[s].covered] == []
    errors = [f"{f.rule}: {f.message}" for f in result.findings if f.severity == "error"]
    assert errors == []
    open_warnings = [
        f"{f.rule}: {f.message}" for f in result.findings if f.severity == "warning" and not f.accepted
    ]
    assert open_warnings == []
    for finding in result.findings:
        if finding.accepted:
            assert finding.rationale and finding.rationale.strip(), finding.rule
    for decision in design.decisions:
        assert decision.rationale.strip()


def test_find_template_by_name_or_file_stem_and_unknown_names():
    first = TEMPLATES[0]
    assert find_template(first.name) == first
    assert find_template(first.path.stem).path == first.path
    with pytest.raises(LookupError, match="no template named 'nope'"):
        find_template("nope")


def test_design_from_template_is_a_fresh_copy_without_the_marker():
    design = design_from_template("recommendations")
    assert "template" not in (design.model_extra or {})
    assert design.meta.author == ""
    assert design.meta.created == design.meta.modified
    assert len(design.components) == len(load_design(find_template("recommendations").path).design.components)


# ---- CLI ----------------------------------------------------------------------------------


def test_mlsd_templates_lists_every_template(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == len(TEMPLATES)
    for template in TEMPLATES:
        assert any(line.startswith(template.name) and template.title in line for line in lines)


def test_mlsd_new_from_a_template_writes_a_loadable_design(tmp_path, capsys, catalog):
    out = tmp_path / "fraud.mlsd"
    assert main(["new", "--template", "fraud_detection", str(out)]) == 0
    assert "Payment fraud detection" in capsys.readouterr().out
    design = load_design(out, catalog).design
    template = load_design(find_template("fraud_detection").path, catalog).design
    assert [c.id for c in design.components] == [c.id for c in template.components]
    assert "template" not in json.loads(out.read_text(encoding="utf-8"))
    result = check_design(design, catalog)
    assert all(cov.covered for cov in result.coverage.values())


def test_mlsd_new_without_a_template_writes_an_empty_titled_design(tmp_path, capsys):
    out = tmp_path / "my-churn_design.mlsd"
    assert main(["new", str(out)]) == 0
    design = load_design(out).design
    assert design.components == [] and design.meta.title == "my churn design"
    assert "0 components" in capsys.readouterr().out


def test_mlsd_new_refuses_to_overwrite_unless_forced(tmp_path, capsys, builder):
    out = tmp_path / "mine.mlsd"
    builder.add("model", "Mine")
    save_design(builder.design, out)
    assert main(["new", "--template", "spam_filter", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert load_design(out).design.components[0].name == "Mine"
    assert main(["new", "--template", "spam_filter", "--force", str(out)]) == 0
    assert load_design(out).design.meta.title == find_template("spam_filter").title


def test_mlsd_new_with_an_unknown_template_exits_2(tmp_path, capsys):
    out = tmp_path / "x.mlsd"
    assert main(["new", "--template", "no_such", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no template named 'no_such'" in err and "recommendations" in err
    assert not out.exists()
