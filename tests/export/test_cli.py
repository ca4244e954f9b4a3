"""`mlsd export`."""

from __future__ import annotations

import os
import struct
import xml.etree.ElementTree as ET

import pytest

from app.cli import main
from app.export.renderer import ENV_DOT
from app.persistence import save_design
from tests.export.pdfread import text_of
from tests.factories import large_design


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


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_renderer_that_prints_something_else_leaves_the_good_file_alone(
    design_file, tmp_path, capsys, monkeypatch, fake_renderer, fmt
):
    # A renderer (wrapper) exiting 0 with 'garbage' on stdout: `--png a.png` replaced a good
    # picture with the 8 bytes 'garbage\n', exit 0
    monkeypatch.setenv(ENV_DOT, fake_renderer("echo garbage"))
    out = tmp_path / f"a.{fmt}"
    out.write_bytes(b"the good picture")
    assert main(["export", str(design_file), f"--{fmt}", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == f"mlsd: export {fmt}: fake-dot wrote no {fmt.upper()} (its output began b'garbage\\n')"
    assert out.read_bytes() == b"the good picture"


def test_a_renderer_s_escape_sequences_are_shown_not_sent_to_the_terminal(
    design_file, tmp_path, capsys, monkeypatch, fake_renderer
):
    # a clear-screen, a window title and a right-to-left override, on stderr
    script = "printf 'Error: \\033[2J\\033]0;owned\\007 \\342\\200\\256x' >&2; exit 1"
    monkeypatch.setenv(ENV_DOT, fake_renderer(script))
    assert main(["export", str(design_file), "--svg", str(tmp_path / "a.svg")]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.endswith("rendering svg: Error: \\x1b[2J\\x1b]0;owned\\x07 \\u202ex")


def test_slow_renderer_times_out(design_file, tmp_path, capsys, monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer("exec sleep 60"))
    assert main(["export", str(design_file), "--png", str(tmp_path / "a.png"), "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    # The advice names what set the time: raising MLSD_RENDER_TIMEOUT does nothing against --timeout.
    assert "1 s timeout" in err and "raise --timeout" in err and "MLSD_RENDER_TIMEOUT" not in err


def test_report_needs_no_renderer(design_file, tmp_path, capsys, monkeypatch, fake_renderer):
    """The report draws its figures itself: a broken Graphviz does not matter to it."""
    monkeypatch.setenv(ENV_DOT, fake_renderer('echo "Error: no fonts" >&2\nexit 1'))
    pdf = tmp_path / "a.pdf"
    assert main(["export", str(design_file), "--pdf", str(pdf)]) == 0
    assert "rendering diagrams" not in capsys.readouterr().err
    text = text_of(pdf.read_bytes())
    assert "could not be drawn" not in text and "Feed ranking framing" in text


def _png_size(path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@pytest.fixture
def big_file(catalog, tmp_path):
    path = tmp_path / "big.mlsd"
    save_design(large_design(catalog, 200, 300), path)
    return path


def test_png_long_side_is_capped_unless_scaled(big_file, tmp_path, capsys, any_renderer):
    default, scaled = tmp_path / "default.png", tmp_path / "scaled.png"
    assert main(["export", str(big_file), "--png", str(default)]) == 0
    assert max(_png_size(default)) <= 8000
    assert main(["export", str(big_file), "--png", str(scaled), "--scale", "0.5"]) == 0
    width, height = _png_size(scaled)
    assert max(width, height) < max(_png_size(default)) and width > 500
    assert main(["export", str(big_file), "--svg", str(tmp_path / "x.svg"), "--scale", "2"]) == 2
    assert "--scale sets the PNG resolution" in capsys.readouterr().err
    assert main(["export", str(big_file), "--png", str(tmp_path / "y.png"), "--scale", "40"]) == 2
    assert "pixels long" in capsys.readouterr().err and not (tmp_path / "y.png").exists()


def test_graphviz_layout_still_available(design_file, tmp_path, any_renderer):
    ours, theirs = tmp_path / "ours.svg", tmp_path / "theirs.svg"
    assert main(["export", str(design_file), "--svg", str(ours)]) == 0
    assert main(["export", str(design_file), "--svg", str(theirs), "--layout", "graphviz"]) == 0
    assert b"lane0" in ours.read_bytes() and b"lane0" not in theirs.read_bytes()
    assert b"cluster_0" in theirs.read_bytes()  # Graphviz's stage clusters
    png = tmp_path / "theirs.png"
    assert main(["export", str(design_file), "--png", str(png), "--layout", "graphviz"]) == 0
    assert png.read_bytes().startswith(b"\x89PNG") and max(_png_size(png)) <= 8000


def test_the_layout_of_svg_and_png_is_refused_without_them_not_ignored(design_file, tmp_path, capsys):
    # `--dot x.dot --layout graphviz` wrote our DOT, exit 0, as if asked for nothing more
    # (--scale, --rubric and --since are refused the same way)
    assert main(["export", str(design_file), "--dot", str(tmp_path / "x.dot"), "--layout", "graphviz"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "mlsd: export: --layout sets how SVG and PNG are laid out; give --svg OUT or --png OUT too\n"
    )
    assert not (tmp_path / "x.dot").exists()


def test_bad_arguments(design_file, capsys):
    assert main(["export", str(design_file), "--dot", "-", "--mermaid", "-"]) == 2
    assert main(["export", str(design_file), "--svg", "x.svg", "--timeout", "0"]) == 2


@pytest.mark.parametrize("timeout", ["inf", "nan", "1e300", "86401"])
def test_a_timeout_no_wait_can_take_is_refused_before_rendering(design_file, tmp_path, timeout, capsys):
    # inf and 1e300 overflowed the wait (an internal error); nan was taken for no limit at all
    out = tmp_path / "x.svg"
    assert main(["export", str(design_file), "--svg", str(out), "--timeout", timeout]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "mlsd: export: --timeout must be a number of seconds above 0 and at most 86400"
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["pdf", "md", "dot"])
def test_an_output_over_the_input_is_refused(design_file, fmt, capsys):
    """`--pdf design.mlsd` (a slip of the finger) would replace the design with its report."""
    before = design_file.read_bytes()
    assert main(["export", str(design_file), f"--{fmt}", str(design_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"mlsd: export: {design_file}: --{fmt} would overwrite the design file; nothing was written"
    assert design_file.read_bytes() == before


def test_an_output_over_since_or_another_output_is_refused(design_file, tmp_path, capsys):
    old = tmp_path / "old.mlsd"
    old.write_bytes(design_file.read_bytes())
    linked = tmp_path / "link.pdf"
    linked.symlink_to(old)
    assert main(["export", str(design_file), "--pdf", str(linked), "--since", str(old)]) == 2
    assert "would overwrite --since" in capsys.readouterr().err
    assert old.read_bytes() == design_file.read_bytes()
    out = tmp_path / "out"
    assert main(["export", str(design_file), "--dot", str(out), "--mermaid", str(out)]) == 2
    assert "both --dot and --mermaid would write it" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["pdf", "md", "svg", "png", "dot", "mermaid"])
def test_an_output_named_like_a_design_is_refused(design_file, tmp_path, fmt, capsys):
    """`--pdf other.mlsd` replaced another design with a report (or left a .mlsd that won't load)."""
    other = tmp_path / "Other.MLSD"
    other.write_bytes(design_file.read_bytes())
    assert main(["export", str(design_file), f"--{fmt}", str(other)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mlsd: export: {other}: --{fmt} would write ") and err.endswith(
        "nothing was written"
    )
    assert other.read_bytes() == design_file.read_bytes()


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("missing/out.svg", "/missing does not exist"),
        ("folder", "/folder: is a folder"),
        ("recommender.mlsd/out.svg", "/recommender.mlsd is not a folder"),
        pytest.param(
            "/proc/out.svg",
            "no file can be created in /proc",
            marks=pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc"),
        ),
    ],
    ids=["missing_folder", "a_folder", "under_a_file", "a_folder_taking_no_file"],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_is_written(
    design_file, tmp_path, capsys, where, problem
):
    """`--pdf report.pdf --svg missing/out.svg` rendered both, wrote the report and only then
    failed on the SVG: exit 2 with one of the two files updated."""
    (tmp_path / "folder").mkdir()
    report = tmp_path / "report.pdf"
    report.write_bytes(b"the old report")
    argv = ["export", str(design_file), "--pdf", str(report), "--dot", str(tmp_path / "new.dot")]
    assert main([*argv, "--svg", str(tmp_path / where)]) == 2
    err = capsys.readouterr().err
    assert problem in err and "wrote" not in err and "rendering" not in err
    assert report.read_bytes() == b"the old report" and not (tmp_path / "new.dot").exists()


def test_the_scale_help_gives_the_png_limits_that_apply(capsys):
    """The help said an explicit --scale 'is not capped'; a PNG longer than HARD_PNG_SIDE is
    refused."""
    from app.export.placed import HARD_PNG_SIDE, MAX_PNG_SIDE

    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"at most {MAX_PNG_SIDE} px" in help_text and f"pass {HARD_PNG_SIDE} px" in help_text
    assert "not capped" not in help_text


@pytest.mark.parametrize("fmt", ["pdf", "png"])
def test_binary_output_is_not_written_to_a_terminal(design_file, capsys, monkeypatch, fmt):
    """`mlsd export design.mlsd --png -` typed at a terminal filled it with PNG bytes (and
    whatever escape sequences they happened to hold)."""
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["export", str(design_file), f"--{fmt}", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"--{fmt} -: not writing binary data to the terminal" in captured.err
    assert main(["export", str(design_file), "--mermaid", "-"]) == 0  # text is fine
    assert capsys.readouterr().out.startswith("---\ntitle:")


@pytest.mark.parametrize("scale", ["0.0001", "1e-300"])
def test_a_scale_below_one_dpi_is_refused_before_rendering(design_file, tmp_path, capsys, scale):
    """--scale 0.0001 failed after rendering with 'dot produced no png output', and --scale
    1e-300 (-Gdpi=0.000, which Graphviz reads as its default) wrote a full-size PNG."""
    out = tmp_path / "tiny.png"
    assert main(["export", str(design_file), "--png", str(out), "--scale", scale]) == 2
    err = capsys.readouterr().err
    assert "--scale must be a number of pixels per point from 0.0139 (1 dpi) to 100" in err
    assert "rendering" not in err and not out.exists()
