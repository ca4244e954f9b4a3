"""`mlsd export`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.cli import main
from app.export.renderer import ENV_DOT
from app.persistence import save_design
from tests.export.pdfread import text_of


@pytest.fixture
def design_file(recommender, tmp_path):
    path = tmp_path / "recommender.mlsd"
    save_design(recommender, path)
    return path


def test_exports_every_format_at_once(design_file, tmp_path, capsys, any_renderer):
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("pdf", "svg", "png", "dot", "mmd")}
    code = main(
        [
            "export",
            str(design_file),
            "--pdf",
            str(outs["pdf"]),
            "--svg",
            str(outs["svg"]),
            "--png",
            str(outs["png"]),
            "--dot",
            str(outs["dot"]),
            "--mermaid",
            str(outs["mmd"]),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.count("mlsd: wrote ") == 5 and "rendering diagrams with" in err
    assert "Feed API" in text_of(outs["pdf"].read_bytes())
    assert ET.fromstring(outs["svg"].read_bytes()).tag.endswith("svg")
    assert outs["png"].read_bytes().startswith(b"\x89PNG")
    assert outs["dot"].read_text(encoding="utf-8").startswith("digraph design {")
    assert "flowchart LR" in outs["mmd"].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["recommender.mlsd", *(p.name for p in outs.values())]
    )


def test_text_formats_to_stdout(design_file, capsys):
    assert main(["export", str(design_file), "--mermaid", "-"]) == 0
    assert "flowchart LR" in capsys.readouterr().out


def test_needs_at_least_one_output(design_file, capsys):
    assert main(["export", str(design_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mlsd: export: give at least one output") and "\n" not in err


def test_unreadable_design_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.mlsd"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["export", str(bad), "--dot", str(tmp_path / "x.dot")]) == 2
    assert capsys.readouterr().err.startswith(f"mlsd: {bad}")
    assert main(["export", str(tmp_path / "missing.mlsd"), "--dot", "-"]) == 2
    assert not (tmp_path / "x.dot").exists()


def test_failing_renderer_exits_2_and_writes_nothing(
    design_file, tmp_path, capsys, monkeypatch, fake_renderer
):
    monkeypatch.setenv(ENV_DOT, fake_renderer('echo "Error: out of crayons" >&2\nexit 1'))
    dot, svg = tmp_path / "a.dot", tmp_path / "a.svg"
    assert main(["export", str(design_file), "--dot", str(dot), "--svg", str(svg)]) == 2
    err = capsys.readouterr().err
    assert "mlsd: export svg:" in err and "out of crayons" in err
    assert not dot.exists() and not svg.exists()


def test_slow_renderer_times_out(design_file, tmp_path, capsys, monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer("exec sleep 60"))
    assert main(["export", str(design_file), "--png", str(tmp_path / "a.png"), "--timeout", "1"]) == 2
    assert "1 s timeout" in capsys.readouterr().err


def test_report_survives_a_failing_renderer(design_file, tmp_path, capsys, monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer('echo "Error: no fonts" >&2\nexit 1'))
    pdf = tmp_path / "a.pdf"
    assert main(["export", str(design_file), "--pdf", str(pdf)]) == 0
    assert "warning: the report has a note instead of the diagram" in capsys.readouterr().err
    assert "The diagram could not be drawn" in text_of(pdf.read_bytes())


def test_bad_arguments(design_file, capsys):
    assert main(["export", str(design_file), "--dot", "-", "--mermaid", "-"]) == 2
    assert main(["export", str(design_file), "--svg", "x.svg", "--timeout", "0"]) == 2
