"""Hostile arguments to `mlsd` commands: each is refused with one line naming the argument and
the problem, exit 2, no traceback, and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "resources" / "examples" / "example.mlsd")

EMPTY_NAMES = [
    (["check", ""], "FILE"),
    (["estimate", ""], "FILE"),
    (["textconv", ""], "FILE"),
    (["migrate", ""], "FILE"),
    (["migrate", EXAMPLE, "-o", ""], "-o/--output"),
    (["layout", "", "-o", "x.mlsd"], "FILE"),
    (["layout", EXAMPLE, "-o", ""], "-o/--output"),
    (["new", ""], "OUT"),
    (["export", "", "--dot", "x.dot"], "FILE"),
    (["export", EXAMPLE, "--dot", ""], "--dot"),
    (["export", EXAMPLE, "--pdf", "x.pdf", "--since", ""], "--since"),
    (["diff", EXAMPLE, ""], "NEW"),
    (["merge", EXAMPLE, "", EXAMPLE], "OURS"),
    (["git-setup", ""], "REPO"),  # set up the repository of the current folder
    (["install-desktop", "--prefix", ""], "--prefix"),  # installed into the current folder
    (["new", "x.mlsd", "--template", ""], "--template"),  # an empty design, not the template
]


@pytest.mark.parametrize(
    ("argv", "argument"), EMPTY_NAMES, ids=[" ".join(a[:1] + [n]) for a, n in EMPTY_NAMES]
)
def test_an_empty_file_name_is_refused_not_taken_for_the_current_folder(
    argv: list[str],
    argument: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `mlsd check "$UNSET"` said '.: is a folder, not a design file'; `mlsd new ""`,
    # '.: already exists'; `layout -o ""`, 'refusing to overwrite ...; pass -o OUT'
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"mlsd {argv[0]}: error: argument {argument}: the ") and "name is empty" in err
    assert list(tmp_path.iterdir()) == []


def _process(args: list[str], encoding: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_names_in_every_script_on_a_narrow_terminal_are_escaped_not_an_internal_error(
    encoding: str, tmp_path: Path
) -> None:
    # 'mlsd: check failed: UnicodeEncodeError: 'ascii' codec can't encode ... (an internal error)'
    data = json.loads(Path(EXAMPLE).read_bytes())
    data["meta"]["title"] = "عنوان 标题 한국어 עברית 🎉"
    data["components"][0]["name"] = "مخزن 🚀"
    (tmp_path / "scripts.mlsd").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    text = _process(["check", "scripts.mlsd"], encoding, tmp_path)
    assert text.returncode == 0, text.stderr.decode()
    assert b"\\u0639\\u0646\\u0648\\u0627\\u0646 \\u6807\\u9898" in text.stdout.splitlines()[0]
    for args in (
        ["estimate", "scripts.mlsd", "--format", "json"],
        ["diff", EXAMPLE, "scripts.mlsd", "--format", "json"],
    ):
        narrow = _process(args, encoding, tmp_path)
        wide = _process(args, "utf-8", tmp_path)
        assert narrow.returncode == wide.returncode and narrow.stderr == wide.stderr == b""
        assert json.loads(narrow.stdout.decode(encoding)) == json.loads(wide.stdout)  # the same data


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_json_and_sarif_on_a_narrow_terminal_are_valid_utf8_and_the_same_data(
    encoding: str, tmp_path: Path
) -> None:
    # With a Latin-1 stdout `rules --format json` (the sources' '§') and `check --format
    # sarif` of a design named 'Café' wrote Latin-1 bytes: not UTF-8, so not JSON to a reader
    # (GitHub's SARIF upload), while `check --format json` wrote UTF-8
    data = json.loads(Path(EXAMPLE).read_bytes())
    data["meta"]["title"] = "Café § naïve — 标题"
    data["components"][0]["name"] = "Données élèves"
    (tmp_path / "cafe.mlsd").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for args in (
        ["rules", "--format", "json"],
        ["catalog", "--format", "json"],
        ["check", "cafe.mlsd", "--format", "sarif"],
        ["check", "cafe.mlsd", "--format", "json", "--rubric"],
        ["estimate", "cafe.mlsd", "--format", "json"],
        ["diff", EXAMPLE, "cafe.mlsd", "--format", "json"],
    ):
        narrow = _process(args, encoding, tmp_path)
        wide = _process(args, "utf-8", tmp_path)
        assert narrow.returncode == wide.returncode and narrow.stderr == b"", narrow.stderr.decode()
        assert narrow.stdout.isascii(), args  # legible in any encoding, and UTF-8
        assert json.loads(narrow.stdout.decode("utf-8")) == json.loads(wide.stdout.decode("utf-8"))


def test_a_refused_save_on_the_command_line_does_not_say_use_save_as(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'mlsd migrate ro.mlsd' said '...; nothing was changed. Use Save As': the window's way out.
    design = tmp_path / "ro.mlsd"
    design.write_bytes(Path(EXAMPLE).read_bytes())
    monkeypatch.setattr(
        "app.persistence.atomic.os.access", lambda path, mode: False
    )  # read-only, even for root
    assert main(["migrate", str(design)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"mlsd: {design}: permission denied: the file is read-only; nothing was changed"
    assert design.read_bytes() == Path(EXAMPLE).read_bytes()


def test_a_name_with_a_line_break_cannot_forge_a_finding_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Names went into findings' messages and the rubric's reasons as they are: a name ending
    # in "\nERROR   R99: ..." printed a line of its own that read as a finding.
    data = json.loads(Path(EXAMPLE).read_bytes())
    for component in data["components"]:
        if component["kind"] in ("model", "endpoint"):
            component["name"] += "\nERROR   R99: forged\r\n"
    design = tmp_path / "forged.mlsd"
    design.write_text(json.dumps(data), encoding="utf-8")
    main(["check", str(design), "--rubric", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert out.count("R99: forged") >= 3  # quoted in messages and reasons...
    assert not [
        line for line in out.splitlines() if line.lstrip().startswith("ERROR   R99")
    ]  # ...never a line


def test_the_rubric_is_refused_with_sarif_not_dropped_without_a_word(capsys):
    """`check --rubric --format sarif` wrote SARIF without the rubric, exit 0, as if asked for
    nothing more (export refuses --rubric without --pdf the same way)."""
    assert main(["check", EXAMPLE, "--rubric", "--format", "sarif"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "mlsd: check: --rubric is written with --format text or json, not sarif\n"


def test_a_mistyped_command_is_named_not_opened_as_a_design(tmp_path, monkeypatch, capsys):
    """`mlsd chek design.mlsd` went to the window: with a display it failed with 'mlsd-studio:
    error: unrecognized arguments: design.mlsd', and `mlsd chek` opened a file 'chek'."""
    import app.cli

    opened: list[list[str]] = []
    monkeypatch.setattr(app.cli, "main_gui", lambda argv: opened.append(argv) or 0)
    monkeypatch.chdir(tmp_path)
    assert main(["chek", EXAMPLE]) == 2
    assert capsys.readouterr().err == "mlsd: no command or file 'chek' (did you mean 'mlsd check'?)\n"
    assert main(["exprot"]) == 2 and "did you mean 'mlsd export'?" in capsys.readouterr().err
    assert opened == []
    (tmp_path / "chek").write_text("{}", encoding="utf-8")  # a file of that name is opened
    assert main(["chek"]) == 0 and main(["design.mlsd"]) == 0 and main(["check.mlsd"]) == 0
    assert opened == [["chek"], ["design.mlsd"], ["check.mlsd"]]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{f}"],
        ["migrate", "{f}", "-o", "-"],
        ["export", "{f}", "--dot", "-"],
        ["estimate", "{f}"],
        ["layout", "{f}", "-o", "-"],
        ["diff", "{f}", "{f}"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_command_says_a_files_warnings_alike(tmp_path, capsys, argv):
    """check, migrate and diff wrote 'design.mlsd: warning: ...', export, estimate and layout
    'mlsd: design.mlsd: warning: ...' (as every error is written)."""
    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    data["components"][0]["properties"]["no_such_property"] = 1
    path = tmp_path / "design.mlsd"
    path.write_text(json.dumps(data), encoding="utf-8")
    main([part.replace("{f}", str(path)) for part in argv])
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning:" in line]
    assert warnings and all(line.startswith(f"mlsd: {path}: warning: ") for line in warnings)


def test_a_design_named_dash_says_it_is_not_standard_input(tmp_path, monkeypatch, capsys):
    """`mlsd new - | mlsd check -` said only '-: no such file', though '-' is standard output
    everywhere an output is named."""
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-"]) == 2
    assert capsys.readouterr().err == (
        "mlsd: -: no such file (a design is read from a file, not from standard input)\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["export", EXAMPLE, "--svg", "a.svg", "--svg", "b.svg"],
        ["export", EXAMPLE, "--pdf", "a.pdf", "--dot", "x.dot", "--pdf", "b.pdf"],
        ["layout", EXAMPLE, "-o", "a.mlsd", "--output", "b.mlsd"],
        ["migrate", EXAMPLE, "-o", "a.mlsd", "-o", "b.mlsd"],
    ],
    ids=["export", "export-pdf", "layout", "migrate"],
)
def test_an_output_option_given_twice_is_refused_not_half_done(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse kept the last of `--svg a.svg --svg b.svg`: b.svg was written, a.svg (asked
    for) was not, and the command said nothing about it."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert "given twice" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_huge_number_out_of_range_is_named_short_not_in_all_its_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'horizon_days: -1000000000000000010979063629440455417404923096773118463368106829...
    # is below the minimum 0': -1e308 in an integer property written out in 309 digits
    data = json.loads(Path(EXAMPLE).read_bytes())
    objective = next(c for c in data["components"] if c["kind"] == "business_objective")
    objective["properties"]["horizon_days"] = -1e308
    design = tmp_path / "huge.mlsd"
    design.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(design)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"mlsd: {design} at $.components[1].properties.horizon_days: -1e+308 is below the minimum 0\n"
    )


@pytest.mark.parametrize(
    ("argv", "usage"),
    [(["templates", "extra"], "usage: mlsd templates [-h]"), (["check", EXAMPLE, "y"], "usage: mlsd check ")],
)
def test_an_extra_argument_is_refused_with_the_command_s_own_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'usage: mlsd [-h] [--version] COMMAND ...' / 'mlsd: error: unrecognized arguments: extra':
    # the usage of `mlsd` itself, not of the command that was given one word too many
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(usage)
    assert err[-1] == f"mlsd {argv[0]}: error: unrecognized arguments: {argv[-1]}"
