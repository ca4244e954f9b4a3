"""The check forked into a child process gives the synchronous check's result, or says why not."""

from __future__ import annotations

import os

import pytest

from app.rules import check_process
from app.rules.engine import RuleEngine
from app.templates import design_from_template_file, list_templates

pytestmark = pytest.mark.skipif(not check_process.available(), reason="no fork here")


def test_the_forked_check_equals_the_synchronous_check(catalog):
    design = design_from_template_file(list_templates()[0].path)
    engine = RuleEngine(design, catalog)
    pending = check_process.start(engine)
    assert pending is not None
    result = pending.result()
    expected = engine.check()
    assert result is not None and result.findings  # a template has findings
    assert result.findings == expected.findings
    assert result.coverage == expected.coverage
    assert [r.id for r in result.rules_checked] == [r.id for r in expected.rules_checked]
    assert pending.result() is result  # asked again: the same, no second wait


class _Broken:
    def check(self):
        raise ValueError("no such rule")


class _Stuck:
    def check(self):
        os.read(os.pipe()[0], 1)  # never returns


def test_a_failed_check_gives_no_result_and_its_reason():
    pending = check_process.start(_Broken())  # type: ignore[arg-type]
    assert pending is not None
    assert pending.result() is None
    assert "ValueError: no such rule" in pending.error


def test_a_check_that_does_not_end_is_stopped():
    pending = check_process.start(_Stuck())  # type: ignore[arg-type]
    assert pending is not None
    assert pending.result(timeout=0.5) is None
    assert "more than" in pending.error
