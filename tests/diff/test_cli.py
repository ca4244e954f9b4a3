"""`mlsd diff` and `mlsd textconv` from the command line: formats, exit codes, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.domain.model import Design
from app.persistence import load_design, save_design
from app.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path, Design]:
    design = load_design(resource_path("examples", "example.mlsd")).design
    old, new = tmp_path / "old.mlsd", tmp_path / "new.mlsd"
    save_design(design, old, touch_modified=False)
    save_design(design, new)  # a later save of the same design: same meaning
    return old, new, design


def test_same_meaning_exits_0(files, capsys):
    old, new, _ = files
    assert main(["diff", str(old), str(new)]) == 0
    assert "No changes in meaning." in capsys.readouterr().out


def test_a_change_exits_1_and_lists_it_with_its_unit(files, capsys):
    old, new, design = files
    design.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    save_design(design, new)
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "ms -> 80 ms" in out and "ranker" in out.lower()
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["same"] is False
    assert data["changes"][0]["field"] == "properties.p99_latency_ms" and data["changes"][0]["new"] == 80.0


def test_moves_show_only_with_positions(files, capsys):
    old, new, design = files
    design.components[0].position.x += 100
    save_design(design, new)
    assert main(["diff", str(old), str(new)]) == 0
    assert main(["diff", str(old), str(new), "--positions"]) == 1
    assert "moved from" in capsys.readouterr().out


def test_markdown_is_a_pull_request_comment_with_user_text_escaped(files, capsys):
    old, new, design = files
    design.components[0].name = "<script>x</script> [click](http://evil) **b**"
    save_design(design, new)
    assert main(["diff", str(old), str(new), "--format", "md"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("### Design changes\n") and "#### Components" in md
    assert "<script>" not in md and "[click](" not in md and "**b**" not in md
    assert r"&lt;script&gt;x&lt;/script&gt; \[click\]\(http://evil\) \*\*b\*\*" in md


def test_unreadable_file_exits_2_naming_it(files, tmp_path):
    old, _, _ = files
    broken = tmp_path / "broken.mlsd"
    broken.write_text('{"format": "mlsd-studio/design",', encoding="utf-8")
    for args in ([str(old), str(broken)], [str(tmp_path / "missing.mlsd"), str(old)]):
        done = subprocess.run(
            [sys.executable, "-m", "app", "diff", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert ("broken.mlsd" in done.stderr) or ("missing.mlsd: no such file" in done.stderr)


def test_textconv_writes_one_fact_per_line_and_survives_a_broken_revision(files, tmp_path, capsys):
    old, _, _ = files
    assert main(["textconv", str(old)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 'component ranker kind = "model"' in lines
    assert any(line.startswith("link ") and " -> " in line for line in lines)
    assert not any("modified" in line for line in lines)
    broken = tmp_path / "broken.mlsd"
    broken.write_text("{ not json", encoding="utf-8")
    assert main(["textconv", str(broken)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# not a readable design: invalid JSON") and "{ not json" in out


def test_textconv_escapes_bidi_controls(files, capsys):
    old, new, design = files
    design.components[0].name = "abc\u202edef"
    save_design(design, new)
    assert main(["textconv", str(new)]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "abc\\u202edef" in out


def test_the_diff_package_does_not_import_qt():
    code = (
        "import sys, app.diff, app.diff.merge, app.diff.textconv, app.diff.git, app.diff.cli_command\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip() == ""


def test_textconv_of_a_pipe_does_not_wait_for_a_writer(tmp_path):
    """The loader refuses a pipe without reading it; textconv then read it for its raw text,
    and waited forever for a writer."""
    import os

    fifo = tmp_path / "pipe.mlsd"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "textconv", str(fifo)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=20,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == (
        "# not a readable design: is not a regular file (a device, pipe or socket), not a design file\n"
    )
