"""`mlsd` never prints a traceback: an unexpected error (here a report reportlab cannot lay out)
ends with one line naming the output and the crash log, exit 2, the existing file untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.platypus.doctemplate import LayoutError

from app.cli import main
from app.persistence import save_design
from app.persistence.crashlog import crash_log_path

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = "Flowable <Table 60 rows x 3 cols> with cell(0,0) containing\n'Concerns' too large on page 358"


def _fail(*args, **kwargs):
    raise LayoutError(MESSAGE)


@pytest.fixture
def files(recommender, tmp_path):
    design = tmp_path / "design.mlsd"
    save_design(recommender, design)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF- the good report of yesterday")
    return design, out


def test_a_report_that_fails_to_build_ends_with_one_line(files, monkeypatch, capsys):
    design, out = files
    monkeypatch.setattr("app.export.report.report_bytes", _fail)
    assert main(["export", str(design), "--pdf", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"mlsd: could not write {out}: LayoutError: Flowable <Table 60 rows")
    assert "too large on page 358" in err  # the reason, on the same line
    log = crash_log_path()
    assert f"the details are in {log})" in err
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "LayoutError" in logged and "_fail" in logged
    assert out.read_bytes() == b"%PDF- the good report of yesterday"
    assert sorted(p.name for p in out.parent.iterdir()) == ["design.mlsd", "out.pdf"]  # no temp file


def test_mlsd_debug_shows_the_traceback(files, monkeypatch):
    design, out = files
    monkeypatch.setattr("app.export.report.report_bytes", _fail)
    monkeypatch.setenv("MLSD_DEBUG", "1")
    with pytest.raises(LayoutError):
        main(["export", str(design), "--pdf", str(out)])
    assert out.read_bytes() == b"%PDF- the good report of yesterday"


def test_any_command_ends_an_unexpected_error_with_one_line(files, monkeypatch, capsys):
    design, _out = files

    def broken(args):
        raise KeyError("components")

    monkeypatch.setattr("app.cli.cmd_check", broken)
    assert main(["check", str(design)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlsd: check failed: KeyError: 'components' (an internal error;")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_process_prints_no_traceback(files, tmp_path):
    design, out = files
    script = (
        "import sys\n"
        "from reportlab.platypus.doctemplate import LayoutError\n"
        "import app.export.report as report\n"
        "def fail(*a, **k):\n"
        f"    raise LayoutError({MESSAGE!r})\n"
        "report.report_bytes = fail\n"
        "from app.cli import main\n"
        "sys.exit(main())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MLSD_STUDIO_DATA_DIR": str(tmp_path / "data")}
    env.pop("MLSD_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-c", script, "export", str(design), "--pdf", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"mlsd: could not write {out}: LayoutError:")
    assert str(tmp_path / "data") in run.stderr
    assert out.read_bytes() == b"%PDF- the good report of yesterday"
