"""Finding and running Graphviz: overrides, fallbacks, failures and timeouts."""

from __future__ import annotations

import os
import shutil
import time

import pytest

import app.export.renderer as render_module
from app.export import RenderError, find_renderer, render
from app.export.renderer import ENV_DOT, ENV_TIMEOUT, LAYOUT_LIMITS, default_timeout

SMALL = "digraph g { a [label=<A &amp; B>]; a -> b; }"


def test_mlsd_dot_overrides_everything(monkeypatch, fake_renderer):
    script = fake_renderer("exit 0")
    monkeypatch.setenv(ENV_DOT, script)
    found = find_renderer()
    assert found.path == script and "MLSD_DOT" in found.found_by


def test_mlsd_dot_must_be_executable(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_DOT, str(tmp_path / "missing-dot"))
    with pytest.raises(RenderError, match="MLSD_DOT=.*not an executable"):
        find_renderer()


def test_prefers_system_dot_then_graphviz_pure(monkeypatch, tmp_path):
    paths = {"dot": "/opt/gv/bin/dot", "graphviz-pure": "/venv/bin/graphviz-pure"}
    monkeypatch.setattr(render_module.shutil, "which", lambda name: paths.get(name))
    monkeypatch.setattr(render_module.sys, "executable", str(tmp_path / "python"))
    assert find_renderer().name == "dot"
    del paths["dot"]
    found = find_renderer()
    assert found.name == "graphviz-pure" and found.path == "/venv/bin/graphviz-pure"


def test_graphviz_pure_found_beside_the_interpreter(monkeypatch, fake_renderer, tmp_path):
    script = fake_renderer("exit 0", name="graphviz-pure")
    monkeypatch.setattr(
        render_module.shutil, "which", lambda name: "/shims/" + name if name != "dot" else None
    )
    monkeypatch.setattr(render_module.sys, "executable", str(tmp_path / "python"))
    assert find_renderer().path == script


def test_no_renderer_gives_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(render_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(render_module.sys, "executable", str(tmp_path / "python"))
    with pytest.raises(RenderError) as info:
        render(SMALL, "svg")
    message = str(info.value)
    assert "no Graphviz renderer found" in message and "graphviz-pure" in message and ENV_DOT in message


def test_slow_renderer_times_out_and_is_killed(monkeypatch, fake_renderer, tmp_path):
    pid_file = tmp_path / "sleeper.pid"
    monkeypatch.setenv(ENV_DOT, fake_renderer(f"sleep 60 &\necho $! > {pid_file}\nwait"))
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"did not finish within the 2 s timeout"):
        render(SMALL, "svg", timeout=2)
    assert time.monotonic() - started < 15
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the renderer's child process outlived the timeout")


def test_timeout_from_environment(monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer("exec sleep 60"))
    monkeypatch.setenv(ENV_TIMEOUT, "1")
    assert default_timeout() == 1.0
    with pytest.raises(RenderError, match="1 s timeout"):
        render(SMALL, "svg")
    monkeypatch.setenv(ENV_TIMEOUT, "soon")
    with pytest.raises(RenderError, match="not a number"):
        default_timeout()
    for endless in ("inf", "nan", "1e300"):  # overflowed the wait (an internal error), or no limit at all
        monkeypatch.setenv(ENV_TIMEOUT, endless)
        with pytest.raises(RenderError, match="not a number of seconds up to 86400"):
            default_timeout()


def test_failing_renderer_reports_its_stderr(monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer('echo "Error: <stdin>: syntax error in line 3" >&2\nexit 1'))
    with pytest.raises(RenderError) as info:
        render(SMALL, "png")
    message = str(info.value)
    assert "exit code 1" in message and "syntax error in line 3" in message and "png" in message


def test_empty_output_is_an_error(monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer("cat > /dev/null"))
    with pytest.raises(RenderError, match="produced no svg output"):
        render(SMALL, "svg")


def test_layout_limits_are_passed(monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer('echo "$@" >&2\nexit 3'))
    with pytest.raises(RenderError) as info:
        render(SMALL, "svg")
    for name, value in LAYOUT_LIMITS.items():
        assert f"-G{name}={value}" in str(info.value)
    assert "-Tsvg" in str(info.value)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unsupported format"):
        render(SMALL, "pdf; rm -rf /")


@pytest.mark.parametrize("fmt", ["svg", "png", "plain", "json"])
def test_real_renderers_produce_each_format(renderer, fmt):
    out = render(SMALL, fmt, renderer=renderer)
    assert out
    if fmt == "png":
        assert out.startswith(b"\x89PNG\r\n\x1a\n")
    elif fmt == "svg":
        assert b"<svg" in out and b"A &amp; B" in out


def test_real_renderer_reports_syntax_errors(renderer):
    with pytest.raises(RenderError, match="exit code"):
        render("digraph { a -> }", "svg", renderer=renderer)


@pytest.mark.skipif(shutil.which("dot") is None, reason="the system Graphviz `dot` is not installed")
def test_system_dot_is_found_first():
    assert find_renderer().name == "dot"
