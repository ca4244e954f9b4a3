"""Running Graphviz: finding a renderer, and calling it safely in a subprocess.

Renderer lookup, first match wins:

1. the ``MLSD_DOT`` environment variable (a path or a command name);
2. ``dot`` on PATH (the system Graphviz);
3. ``graphviz-pure`` next to the running Python, else on PATH (the pip-installed Rust port
   of dot, invoked exactly like dot: ``graphviz-pure -Tsvg``).

Every call runs with a timeout (``MLSD_RENDER_TIMEOUT`` seconds, 30 by default) in its own
process group, which is killed on timeout, and with layout limits (nslimit, mclimit) so a
pathological graph ends in a RenderError instead of a hang. Inside a job that is cancelled
(app.progress: the window's exports run on a worker thread) the process is killed at once and
app.progress.Cancelled is raised.

Fonts, so that names in every script are drawn with real glyphs (resources/fonts):

* the system ``dot`` finds fonts through fontconfig: it runs with ``FONTCONFIG_FILE`` set to a
  generated configuration that includes the system one (or the one the user set) and adds the
  shipped fonts folder; Pango then shapes and orders the text itself;
* graphviz-pure draws PNG with only the Latin fonts built into it: a graph whose text is all
  Latin (BUILT_IN_GLYPHS) it draws as PNG itself; for any other it is asked for SVG, which
  resvg (the resvg-py package) rasterises with the shipped fonts: Arimo for Helvetica (same
  metrics), the script fonts for the characters Arimo lacks; resvg shapes Arabic and orders
  right-to-left text itself. Both ways give an image of the same size and look (the Latin
  fonts are alike), resvg taking about three times as long.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app import progress
from app.export.text import escape_xml
from app.fonts import BY_SCRIPT, font_dir, font_files

ENV_DOT = "MLSD_DOT"
ENV_TIMEOUT = "MLSD_RENDER_TIMEOUT"
DEFAULT_TIMEOUT_S = 30.0
MAX_TIMEOUT_S = 86_400.0  # a day; waits much longer overflow the system's poll() (about 24 days)
FORMATS = ("svg", "png", "plain", "json", "dot", "xdot")
# Graph attributes bounding the layout passes (network simplex iterations per node; mincross).
LAYOUT_LIMITS: dict[str, str] = {"nslimit": "30", "nslimit1": "30", "mclimit": "1.0", "searchsize": "30"}
_STDERR_CHARS = 600
CANCEL_POLL_S = 0.1  # how often a job's renderer checks whether the job was cancelled


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

    @property
    def is_pure(self) -> bool:
        """Whether this is graphviz-pure (its PNG has built-in Latin fonts only)."""
        return Path(self.path).name.lower().startswith("graphviz-pure")


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
        if not value <= MAX_TIMEOUT_S:  # nan and inf too
            raise RenderError(f"{ENV_TIMEOUT}={raw!r} is not a number of seconds up to {MAX_TIMEOUT_S:g}")
        if value > 0:
            return value
    return DEFAULT_TIMEOUT_S


def _summarise(stderr: bytes) -> str:
    """The renderer's stderr on one line, an escape sequence or bidi control it holds shown as
    an escape (\\x1b) rather than sent to the terminal that shows the message."""
    text = stderr.decode("utf-8", errors="replace").strip()
    if len(text) > _STDERR_CHARS:
        text = text[:_STDERR_CHARS].rstrip() + " ..."
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown = " | ".join("".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in line) for line in lines)
    return shown or "(no error output)"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _looks_like(fmt: str, out: bytes) -> bool:
    """Whether a renderer's output can be a PNG (its signature) or an SVG (an <svg element
    after the XML prolog): anything else (a wrapper's message on stdout) is a failure."""
    if fmt == "png":
        return out.startswith(PNG_SIGNATURE)
    return fmt != "svg" or b"<svg" in out[:4096]


_SYSTEM_FONTCONFIG = (
    "/etc/fonts/fonts.conf",
    "/opt/homebrew/etc/fonts/fonts.conf",
    "/usr/local/etc/fonts/fonts.conf",
)


def fontconfig_file() -> Path | None:
    """A fontconfig configuration adding the shipped fonts to the system's (or to the one in
    FONTCONFIG_FILE), written once into the temporary folder; None on Windows or when it
    cannot be written."""
    if os.name != "posix":
        return None
    fonts = font_dir()
    base = os.environ.get("FONTCONFIG_FILE", "").strip()
    includes = [base] if base else [path for path in _SYSTEM_FONTCONFIG if os.path.isfile(path)]
    body = "".join(f'  <include ignore_missing="yes">{escape_xml(path)}</include>\n' for path in includes)
    key = hashlib.sha256(f"{fonts}|{body}".encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"mlsd-studio-fontconfig-{os.getuid()}-{key}"
    target = folder / "fonts.conf"
    if target.is_file():
        return target
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f"{body}  <dir>{escape_xml(str(fonts))}</dir>\n"
        f"  <cachedir>{escape_xml(str(folder / 'cache'))}</cachedir>\n"
        "</fontconfig>\n"
    )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = folder / f"fonts.conf.{os.getpid()}"
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError:
        return None
    return target


def _environment(renderer: Renderer) -> dict[str, str] | None:
    if renderer.is_pure or not font_dir().is_dir():
        return None
    config = fontconfig_file()
    return None if config is None else {**os.environ, "FONTCONFIG_FILE": str(config)}


# graphviz-pure sizes labels for Helvetica and counts a wide (CJK, Hangul, emoji) character
# as 5/6 em; they are drawn at that size so the label fits the box it was given.
WIDE_SCALE = 5 / 6
_TEXT = re.compile(r'(<text\b[^>]*?font-size="([\d.]+)"[^>]*>)(.*?)(</text>)', re.S)
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\U0001f000-\U0003fffd]+"
)


def fit_wide_text(svg: str) -> str:
    """Graphviz-pure SVG with the wide characters of each label at WIDE_SCALE of its size."""

    def fix(match: re.Match[str]) -> str:
        size = float(match.group(2)) * WIDE_SCALE
        inner = _WIDE.sub(
            lambda wide: f'<tspan font-size="{size:.2f}">{wide.group(0)}</tspan>', match.group(3)
        )
        return match.group(1) + inner + match.group(4)

    return _TEXT.sub(fix, svg)


# What graphviz-pure's built-in fonts draw: ASCII, Latin-1, Latin Extended-A and common
# typographic punctuation (dashes, quotes, bullet, ellipsis, euro, trade mark).
BUILT_IN_GLYPHS = re.compile(
    "[\t\n\r\x20-\x7e\xa0-\u017f\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac\u2122]*"
)


def rasterise(svg: bytes, dpi: float = 96.0) -> bytes:
    """Graphviz SVG as PNG drawn by resvg with the shipped fonts.

    dpi: pixels per inch for the SVG's points: 96 as Graphviz draws PNG by default; 72 for SVG
    drawn with an explicit -Gdpi, whose sizes in points are then already the PNG's pixels.
    """
    import resvg_py  # a dependency, imported here so that other exports start without it

    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=fit_wide_text(svg.decode("utf-8")),
                skip_system_fonts=True,
                font_files=[str(path) for path in font_files()],
                font_family=BY_SCRIPT["latin"].family,
                sans_serif_family=BY_SCRIPT["latin"].family,
                serif_family=BY_SCRIPT["latin"].family,
                monospace_family=BY_SCRIPT["latin"].family,
                background="white",
                dpi=dpi,
            )
        )
    except ValueError as exc:
        raise RenderError(f"the diagram could not be drawn as PNG: {exc}") from None


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
    set_by = ENV_TIMEOUT if timeout is None else "--timeout"  # only `mlsd export` passes one
    if fmt == "png" and renderer.is_pure and not BUILT_IN_GLYPHS.fullmatch(dot_source):
        # Graphviz's PNG is at 96 dpi unless -Gdpi says otherwise; its SVG then has that
        # resolution built into its sizes in points.
        dpi = 72.0 if any(option.startswith("-Gdpi=") for option in options) else 96.0
        return rasterise(_run(renderer, dot_source, "svg", seconds, options, set_by), dpi)
    out = _run(renderer, dot_source, fmt, seconds, options, set_by)
    return with_font_fallbacks(out) if fmt == "svg" else out


# What an SVG viewer without the shipped Arimo draws instead: fonts of the same metrics first.
FONT_STACK = b'font-family="Arimo,Helvetica,Arial,sans-serif"'


def with_font_fallbacks(svg: bytes) -> bytes:
    """Graphviz writes font-family="Arimo" alone: a viewer lacking it would fall back to its
    default (often a serif); give it Helvetica's metric twins and a generic family."""
    return svg.replace(b'font-family="Arimo"', FONT_STACK)


def _run(
    renderer: Renderer,
    dot_source: str,
    fmt: str,
    seconds: float,
    options: tuple[str, ...],
    set_by: str = ENV_TIMEOUT,
) -> bytes:
    args = [renderer.path, f"-T{fmt}", *(f"-G{k}={v}" for k, v in LAYOUT_LIMITS.items()), *options]
    # The source is read from a file, not written down a pipe: see _communicate.
    with tempfile.TemporaryFile() as source:
        source.write(dot_source.encode("utf-8"))
        source.seek(0)
        return _run_from(renderer, args, source, fmt, seconds, set_by)


def _run_from(
    renderer: Renderer, args: list[str], source: IO[bytes], fmt: str, seconds: float, set_by: str
) -> bytes:
    try:
        process = subprocess.Popen(
            args,
            stdin=source,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
            env=_environment(renderer),
        )
    except OSError as exc:
        raise RenderError(f"could not start {renderer.describe()}: {exc.strerror or exc}") from None
    try:
        out, err = _communicate(process, seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        raise RenderError(
            f"{renderer.name} did not finish within the {seconds:g} s timeout (layout too complex, "
            f"or the renderer hung); simplify the design or raise {set_by}"
        ) from None
    except BaseException:  # Cancelled among others: the renderer must not outlive the call
        _kill(process)
        process.wait()
        raise
    if process.returncode != 0:
        raise RenderError(
            f"{renderer.name} failed (exit code {process.returncode}) rendering {fmt}: {_summarise(err)}"
        )
    if not out:
        raise RenderError(f"{renderer.name} produced no {fmt} output: {_summarise(err)}")
    if not _looks_like(fmt, out):
        raise RenderError(f"{renderer.name} wrote no {fmt.upper()} (its output began {out[:32]!r})")
    return out


def _communicate(process: subprocess.Popen[bytes], seconds: float) -> tuple[bytes, bytes]:
    """communicate() with a timeout; inside a job, in short waits that check for a cancel
    (progress.Cancelled is raised then, and the caller kills the process).

    The renderer reads its source from a file: communicate() called again after a timeout
    does not go on writing input it was given before (and may not be given it again), so a
    source larger than a pipe's buffer that the renderer had not read within the first short
    wait (a renderer slow to start on a loaded machine) was never finished, and the renderer
    waited for the rest of its input until the timeout."""
    if progress.current() is None:
        return process.communicate(timeout=seconds)
    progress.checkpoint(text="Drawing with Graphviz")
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise subprocess.TimeoutExpired(process.args, seconds)
        try:
            return process.communicate(timeout=min(CANCEL_POLL_S, left))
        except subprocess.TimeoutExpired:
            progress.checkpoint()
