"""Running Graphviz: finding a renderer, and calling it safely in a subprocess.

Renderer lookup, first match wins:

1. the ``MLSD_DOT`` environment variable (a path or a command name);
2. ``dot`` on PATH (the system Graphviz);
3. ``graphviz-pure`` next to the running Python, else on PATH (the pip-installed Rust port
   of dot, invoked exactly like dot: ``graphviz-pure -Tsvg``).

Every call runs with a timeout (``MLSD_RENDER_TIMEOUT`` seconds, 30 by default) in its own
process group, which is killed on timeout, and with layout limits (nslimit, mclimit) so a
pathological graph ends in a RenderError instead of a hang.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_DOT = "MLSD_DOT"
ENV_TIMEOUT = "MLSD_RENDER_TIMEOUT"
DEFAULT_TIMEOUT_S = 30.0
FORMATS = ("svg", "png", "plain", "json", "dot", "xdot")
# Graph attributes bounding the layout passes (network simplex iterations per node; mincross).
LAYOUT_LIMITS: dict[str, str] = {"nslimit": "30", "nslimit1": "30", "mclimit": "1.0", "searchsize": "30"}
_STDERR_CHARS = 600


class RenderError(RuntimeError):
    """Graphviz is missing, failed, or took too long; the message says which and why."""


@dataclass(frozen=True)
class Renderer:
    """A Graphviz executable and how it was found."""

    path: str
    name: str
    found_by: str

    def describe(self) -> str:
        return f"{self.name} ({self.path}, {self.found_by})"


def which_tool(command: str) -> str | None:
    """A pip-installed executable: first the one beside the running interpreter (installed
    with this environment, and found even when the environment is not activated; no pyenv
    shim in between), then PATH."""
    folders = [Path(sys.executable).parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # a PyInstaller bundle ships graphviz-pure in its bin/ folder (build.spec)
        folders.insert(0, Path(bundle) / "bin")
    candidates = [folder / name for folder in folders for name in (command, f"{command}.exe")]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(command)


def find_renderer() -> Renderer:
    """The Graphviz executable to use, or RenderError when there is none."""
    override = os.environ.get(ENV_DOT, "").strip()
    if override:
        path = override if os.sep in override or (os.altsep and os.altsep in override) else None
        if path is None:
            path = shutil.which(override)
        if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
            raise RenderError(f"{ENV_DOT}={override!r} is not an executable file; unset it or fix the path")
        return Renderer(path=path, name=Path(path).name, found_by=f"set by {ENV_DOT}")
    dot = shutil.which("dot")
    if dot:
        return Renderer(path=dot, name="dot", found_by="Graphviz on PATH")
    pure = which_tool("graphviz-pure")
    if pure:
        return Renderer(path=pure, name="graphviz-pure", found_by="pip package graphviz-pure")
    raise RenderError(
        "no Graphviz renderer found: install Graphviz (the `dot` command) or the Python package "
        f"graphviz-pure, or set {ENV_DOT} to a dot executable"
    )


def default_timeout() -> float:
    """Seconds a render may take: MLSD_RENDER_TIMEOUT, or 30."""
    raw = os.environ.get(ENV_TIMEOUT, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            raise RenderError(f"{ENV_TIMEOUT}={raw!r} is not a number of seconds") from None
        if value > 0:
            return value
    return DEFAULT_TIMEOUT_S


def _summarise(stderr: bytes) -> str:
    text = stderr.decode("utf-8", errors="replace").strip()
    if len(text) > _STDERR_CHARS:
        text = text[:_STDERR_CHARS].rstrip() + " ..."
    return " | ".join(line.strip() for line in text.splitlines() if line.strip()) or "(no error output)"


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def render(
    dot_source: str,
    fmt: str,
    *,
    timeout: float | None = None,
    renderer: Renderer | None = None,
    options: tuple[str, ...] = (),
) -> bytes:
    """Lay out and render DOT source with Graphviz.

    Args:
        dot_source: the graph, e.g. from to_dot().
        fmt: output format: svg, png, plain, json, dot or xdot.
        timeout: seconds before the renderer is killed (default: default_timeout()).
        renderer: the executable to use (default: find_renderer()).
        options: more command-line options, e.g. ("-Kneato", "-n2") to draw a graph whose
            nodes and edges carry their positions (app.export.placed).

    Raises:
        RenderError: no renderer, a failing renderer (its stderr is in the message) or a
            timeout.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}; use one of {', '.join(FORMATS)}")
    renderer = renderer or find_renderer()
    seconds = timeout if timeout is not None else default_timeout()
    args = [renderer.path, f"-T{fmt}", *(f"-G{k}={v}" for k, v in LAYOUT_LIMITS.items()), *options]
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise RenderError(f"could not start {renderer.describe()}: {exc.strerror or exc}") from None
    try:
        out, err = process.communicate(dot_source.encode("utf-8"), timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        raise RenderError(
            f"{renderer.name} did not finish within the {seconds:g} s timeout (layout too complex, "
            f"or the renderer hung); simplify the design or raise {ENV_TIMEOUT}"
        ) from None
    except BaseException:
        _kill(process)
        process.wait()
        raise
    if process.returncode != 0:
        raise RenderError(
            f"{renderer.name} failed (exit code {process.returncode}) rendering {fmt}: {_summarise(err)}"
        )
    if not out:
        raise RenderError(f"{renderer.name} produced no {fmt} output: {_summarise(err)}")
    return out
