"""'-' as the name of an output means standard output in every command that writes one (`export`,
`new`, `layout -o`, `migrate -o`): the design is printed, no file called '-' appears, and the
messages stay on stderr so the output parses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.persistence import load_design_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "example.mlsd"
GOLDEN_V1 = ROOT / "tests" / "fixtures" / "golden" / "v1.mlsd"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "components"),
    [
        (["new", "-"], 0),
        (["new", "--template", "fraud_detection", "-"], None),
        (["layout", str(EXAMPLE), "-o", "-"], 43),
        (["migrate", str(GOLDEN_V1), "-o", "-"], None),
    ],
    ids=["new", "new-template", "layout", "migrate"],
)
def test_a_design_written_to_dash_goes_to_stdout(
    tmp_path: Path, args: list[str], components: int | None
) -> None:
    before = GOLDEN_V1.read_bytes()
    done = _run(args, tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert list(tmp_path.iterdir()) == []  # no file called '-'
    data = json.loads(done.stdout)
    assert data["schema_version"] == 3
    design = load_design_bytes(done.stdout).design
    if components is not None:
        assert len(design.components) == components
    else:
        assert design.components
    assert GOLDEN_V1.read_bytes() == before  # `migrate -o` leaves FILE alone
    assert b"Traceback" not in done.stderr


def test_new_to_stdout_is_untitled_and_says_so_on_stderr(tmp_path: Path) -> None:
    done = _run(["new", "-"], tmp_path)
    assert json.loads(done.stdout)["meta"]["title"] == "Untitled design"
    assert done.stderr.decode().strip() == "mlsd: wrote the standard output: Untitled design (0 components)"


def test_layout_to_stdout_matches_layout_to_a_file(tmp_path: Path) -> None:
    to_file = _run(["layout", str(EXAMPLE), "-o", "out.mlsd"], tmp_path)
    assert to_file.returncode == 0
    to_stdout = _run(["layout", str(EXAMPLE), "-o", "-"], tmp_path)
    written = json.loads((tmp_path / "out.mlsd").read_bytes())
    printed = json.loads(to_stdout.stdout)
    for data in (written, printed):
        data["meta"].pop("modified")
    assert printed == written
    assert "wrote the standard output" in to_stdout.stderr.decode()


def test_in_place_still_means_the_file_itself(tmp_path: Path) -> None:
    # --in-place and `migrate FILE` rewrite FILE: a file called '-' stays a file
    (tmp_path / "-").write_bytes(GOLDEN_V1.read_bytes())
    migrated = _run(["migrate", "-"], tmp_path)
    assert migrated.returncode == 0 and migrated.stdout == b""
    assert json.loads((tmp_path / "-").read_bytes())["schema_version"] == 3
    laid_out = _run(["layout", "-", "--in-place"], tmp_path)
    assert laid_out.returncode == 0 and laid_out.stdout == b""


def test_help_says_what_dash_means() -> None:
    for command in ("migrate", "layout", "new"):
        shown = " ".join(_run([command, "--help"], ROOT).stdout.decode().split())
        assert "'-' writes it to standard output" in shown or "'-': standard output" in shown, command


def test_a_design_on_stdout_escapes_bidi_controls(tmp_path: Path) -> None:
    # A raw U+202E in a name reordered the terminal's line around it (as `check --format json`
    # and `diff --format json` already prevent); the JSON escape is the same data.
    data = json.loads(EXAMPLE.read_bytes())
    data["components"][0]["name"] = "evil\u202egnp.exe \u05e9\u05dc\u05d5\u05dd"
    source = tmp_path / "bidi.mlsd"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for args in (["layout", str(source), "-o", "-"], ["migrate", str(source), "-o", "-"]):
        done = _run(args, tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        assert "\u202e".encode() not in done.stdout and b"\\u202e" in done.stdout
        assert "שלום".encode() in done.stdout  # other text stays as it is
        printed = load_design_bytes(done.stdout).design
        assert printed.components[0].name == data["components"][0]["name"]


@pytest.mark.parametrize(
    "args", [["rules"], ["check", str(EXAMPLE)], ["export", str(EXAMPLE), "--dot", "-"]], ids=lambda a: a[0]
)
def test_a_closed_stdout_is_one_line_and_exit_2_not_an_internal_error(
    tmp_path: Path, args: list[str]
) -> None:
    """`mlsd rules >&-`: Python leaves sys.stdout None, and the command failed with 'rules
    failed: AttributeError: ... (an internal error ...)'."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2
    assert done.stderr.decode() == "mlsd: cannot write the output: standard output is closed\n"


def test_messages_never_go_into_the_output_when_stderr_is_closed(tmp_path: Path) -> None:
    """With standard error closed Python leaves sys.stderr None, and print(file=None) writes to
    standard output: `mlsd export d.mlsd --dot - 2>&-` had 'mlsd: wrote ...' lines in it and
    `mlsd check --format json bad.mlsd 2>&-` printed the error where the JSON goes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bad = tmp_path / "bad.mlsd"
    bad.write_text("{", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            capture_output=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
            preexec_fn=lambda: os.close(2),
        )

    done = run("export", str(EXAMPLE), "--dot", "-", "--mermaid", "x.mmd")
    assert done.returncode == 0 and done.stdout.startswith(b"digraph") and b"mlsd:" not in done.stdout
    done = run("check", "--format", "json", str(bad))
    assert done.returncode == 2 and done.stdout == b""


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{empty}"],
        ["check", "--format", "json", "{empty}"],
        ["check", "--format", "sarif", "{empty}"],
        ["diff", str(EXAMPLE), "{empty}"],
        ["diff", "--format", "json", str(EXAMPLE), "{empty}"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_a_reader_stopping_early_keeps_the_exit_code_of_findings_and_differences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """`mlsd check --format json bad.mlsd | head -1` (as `set -o pipefail` sees it) ended with
    0, as if there were no findings; a diff cut short said 'same meaning'."""
    empty = tmp_path / "empty.mlsd"
    empty.write_text('{"format": "mlsd-studio/design", "schema_version": 3}', encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone: every write fails with EPIPE
    with open(write_end, "w", encoding="utf-8") as left_pipe:
        monkeypatch.setattr(sys, "stdout", left_pipe)
        assert main([str(empty) if a == "{empty}" else a for a in args]) == 1
