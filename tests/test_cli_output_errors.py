"""Output that cannot be written (a full disk, a closed pipe) ends `mlsd` with a message, never
a traceback."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "example.mlsd"
FORMATS = ("text", "json", "sarif")


def _run(args: list[str], stdout: int) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=60
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill the output")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_output_device_is_reported_in_one_line(fmt: str) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(["check", str(EXAMPLE), "--format", fmt], full.fileno())
    stderr = done.stderr.decode()
    assert done.returncode == 2
    assert stderr.strip() == "mlsd: cannot write the output: No space left on device"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux) to fill the output")
@pytest.mark.parametrize(
    "args",
    [
        ["rules"],
        ["catalog"],
        ["textconv", str(EXAMPLE)],
        ["new", "-"],
        ["layout", str(EXAMPLE), "-o", "-"],
        ["migrate", str(EXAMPLE), "-o", "-"],
    ],
)
def test_every_command_reports_a_full_output_device(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(args, full.fileno())
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"No space left on device" in done.stderr


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A design whose check output (0.5-2 MB) is far larger than a pipe's buffer."""
    from app.domain.catalog import default_catalog
    from app.persistence import save_design
    from tests.factories import large_design

    path = tmp_path_factory.mktemp("big") / "big.mlsd"
    save_design(large_design(default_catalog(), 2000, 2400), path)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reader_that_stops_early_ends_the_check_quietly(fmt: str, large_file: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "check", str(large_file), "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before the output comes, as `| true` does
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1  # still the check's verdict: the design has errors
    assert stderr == b""


def test_export_to_dev_stdout_writes_the_pipe() -> None:
    """`--mermaid /dev/stdout` resolved to /proc/PID/fd/pipe:[N] and failed ('the folder
    /proc/PID/fd does not exist'); on a terminal as root it replaced the terminal's device."""
    done = _run(["export", str(EXAMPLE), "--mermaid", "/dev/stdout"], subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().count("flowchart LR") == 1


def _export_into(log: Path, mode: str, *outputs: str) -> subprocess.CompletedProcess[bytes]:
    with open(log, mode) as out:
        return _run(["export", str(EXAMPLE), *outputs], out.fileno())


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link"])
def test_exporting_to_our_stdout_appends_to_the_redirected_file(tmp_path: Path, name: str) -> None:
    """`mlsd export d.mlsd --mermaid /dev/stdout >> log.txt` adds to log.txt, as `-` does."""
    if name == "link":
        name = str(tmp_path / "link")
        os.symlink("/dev/stdout", name)
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier lines\n")
    done = _export_into(log, "ab", "--mermaid", name)
    assert done.returncode == 0, done.stderr
    content = log.read_bytes()
    assert content.startswith(b"earlier lines\n") and b"flowchart" in content[14:]
    assert stat.S_ISREG(os.lstat(log).st_mode) and not list(tmp_path.glob(".*mlsd-tmp"))


@pytest.mark.parametrize(
    "outputs", [["--mermaid", "-", "--dot", "/dev/stdout"], ["--dot", "-", "--mermaid", "/dev/stdout"]]
)
def test_stdout_and_dev_stdout_outputs_both_arrive_in_order(tmp_path: Path, outputs: list[str]) -> None:
    """Formats are written in a fixed order (DOT before Mermaid); one through `-`, one through
    /dev/stdout, both land whole and in that order after what the file held."""
    alone = {}
    for fmt in ("dot", "mermaid"):
        single = tmp_path / f"{fmt}.txt"
        assert _export_into(single, "wb", f"--{fmt}", "-").returncode == 0
        alone[fmt] = single.read_bytes()
    log = tmp_path / "out.txt"
    log.write_bytes(b"earlier\n")
    done = _export_into(log, "ab", *outputs)
    assert done.returncode == 0, done.stderr
    assert log.read_bytes() == b"earlier\n" + alone["dot"] + alone["mermaid"]


@pytest.mark.parametrize(
    "args",
    [
        ["export", str(EXAMPLE), "--dot", "out/"],
        ["new", "out/"],
        ["layout", str(EXAMPLE), "-o", "out/"],
        ["migrate", str(EXAMPLE), "-o", "out/"],
    ],
    ids=lambda args: args[0],
)
def test_an_output_named_with_a_trailing_slash_is_refused_not_written_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """`--dot out/` wrote a file named 'out' (Path() drops the slash) where a folder was meant."""
    from app.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert capsys.readouterr().err == "mlsd: out/: ends in a slash, so it names a folder; give a file name\n"
    assert list(tmp_path.iterdir()) == []
