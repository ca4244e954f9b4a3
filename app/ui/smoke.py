"""`mlsd --smoke-test [FILE]`: open the window, check, export every format, exit 0 only if all
of it worked. Used on the frozen bundle in CI; a watchdog ends a hung run with exit code 3."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

WATCHDOG_SECONDS = float(os.environ.get("MLSD_SMOKE_TIMEOUT", "180"))


def _watchdog(seconds: float) -> threading.Timer:
    def expire() -> None:
        sys.stderr.write(f"smoke test: no result after {seconds:.0f} s, giving up\n")
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


class SmokeTestError(Exception):
    """A smoke check failed. Raised explicitly (not with assert) so `python -O` still checks."""


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise SmokeTestError(problem)


def _check_pdf(data: bytes) -> None:
    _require(data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], "not a complete PDF")


def _check_svg(data: bytes) -> None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SmokeTestError(f"not an SVG document ({exc})") from None
    _require(root.tag.endswith("svg"), "not an SVG document")


def _check_png(data: bytes) -> None:
    _require(data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, "not a PNG image")


def run_smoke_test(argv: Sequence[str]) -> int:
    timer = _watchdog(WATCHDOG_SECONDS)
    try:
        return _run(list(argv))
    finally:
        timer.cancel()


def _run(argv: list[str]) -> int:
    from app import export
    from app.persistence import design_to_bytes, load_design
    from app.ui.main import make_application, open_example
    from app.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow(restore_layout=False)
    window.persist_settings = False
    failures: list[str] = []

    def step(name: str, action: Callable[[], object]) -> None:
        started = time.perf_counter()
        try:
            detail = action()
        except Exception as exc:  # every step reports; the exit code says if any failed
            failures.append(name)
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
            return
        extra = f" ({detail})" if detail else ""
        print(f"ok   {name}{extra} [{(time.perf_counter() - started) * 1000:.0f} ms]", flush=True)

    with tempfile.TemporaryDirectory(prefix="mlsd-smoke-") as folder:
        out = Path(folder)

        def open_design() -> str:
            if argv:
                loaded = load_design(argv[0], window.document.catalog)
                window.load_design(loaded.design, Path(argv[0]))
            else:
                open_example(window)
            window.resize(1600, 1000)
            window.show()
            app.processEvents()
            count = len(window.document.design.components)
            _require(count > 0, "the design has no components")
            return f"{count} components"

        step("open window", open_design)
        design = window.document.design
        catalog = window.document.catalog
        state: dict[str, object] = {}

        def check() -> str:
            result = window.checker.check_now()
            state["result"] = result
            _require(len(result.rules_checked) >= 40, f"only {len(result.rules_checked)} rules ran")
            summary = result.summary()
            return (
                f"{len(result.rules_checked)} rules, {summary['error']} errors, {summary['warning']} warnings"
            )

        step("rule check", check)
        result = state.get("result")

        def write(name: str, data: bytes, checker: Callable[[bytes], None] | None = None) -> str:
            path = out / name
            path.write_bytes(data)
            if checker:
                checker(path.read_bytes())
            return f"{len(data):,} bytes"

        step("export DOT", lambda: write("design.dot", export.to_dot(design, catalog, result).encode()))
        step("export Mermaid", lambda: write("design.mmd", export.to_mermaid(design, catalog).encode()))
        step("export SVG", lambda: write("design.svg", export.to_svg(design, catalog, result), _check_svg))
        step("export PNG", lambda: write("design.png", export.to_png(design, catalog, result), _check_png))
        step(
            "export PDF report",
            lambda: write(
                "report.pdf",
                export.report_bytes(design, result, catalog, design_bytes=design_to_bytes(design)),
                _check_pdf,
            ),
        )

        def canvas_image(fmt: str) -> str:
            path = out / f"canvas.{fmt}"
            window.canvas.render_to_image(path, fmt)
            (_check_png if fmt == "png" else _check_svg)(path.read_bytes())
            return f"{path.stat().st_size:,} bytes"

        step("canvas PNG", lambda: canvas_image("png"))
        step("canvas SVG", lambda: canvas_image("svg"))

    window.close()
    app.processEvents()
    if failures:
        print(f"smoke test FAILED: {', '.join(failures)}", flush=True)
        return 1
    print("smoke test passed", flush=True)
    return 0
