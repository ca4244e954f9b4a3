"""`mlsd export`: write a design as PDF report, Markdown document, SVG, PNG, DOT and/or Mermaid.

Every output's place is checked first (its folder exists, it is not a folder), then every
output is produced and only then written (atomically), so neither a place that cannot be
written nor a failing renderer leaves a half-updated set of files. Problems are one line on
stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from app.errors import CliError, Once, input_name, output_name
from app.persistence.atomic import STDOUT, refuse_unwritable, write_output
from app.persistence.crashlog import debugging, describe_crash
from app.persistence.errors import display_path, load_warning

FORMATS = ("pdf", "md", "svg", "png", "dot", "mermaid")
_HELP = {
    "pdf": "the design report (PDF)",
    "md": "the design document as GitHub-flavoured Markdown (the system figure as a Mermaid block)",
    "svg": "the diagram as SVG",
    "png": "the diagram as PNG",
    "dot": "the diagram as Graphviz DOT source",
    "mermaid": "the diagram as a Mermaid flowchart",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `export` command to the `mlsd` parser."""
    parser = subparsers.add_parser(
        "export",
        help="export a design as PDF report, Markdown, SVG, PNG, DOT or Mermaid",
        description="Export a design. Give one or more outputs; '-' writes to stdout. "
        "SVG and PNG need Graphviz: `dot` on PATH, else the graphviz-pure executable, or MLSD_DOT; "
        "the PDF report draws its figures itself.",
    )
    parser.add_argument("file", metavar="FILE", type=input_name, help="design file (.mlsd)")
    for fmt in FORMATS:
        parser.add_argument(
            f"--{fmt}", action=Once, type=output_name, metavar="OUT", help=f"write {_HELP[fmt]} to OUT"
        )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="time allowed for each Graphviz run, at most a day (default: MLSD_RENDER_TIMEOUT or 30)",
    )
    parser.add_argument(
        "--layout",
        choices=("ours", "graphviz"),
        help="how SVG and PNG are laid out: 'ours' (default; the layout of the report and the canvas's "
        "auto-layout, drawn by Graphviz without re-layout) or 'graphviz' (Graphviz's own dot layout)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        metavar="FACTOR",
        help="PNG pixels per point of the drawing (default 1.33, i.e. 96 dpi, reduced so that the long "
        "side is at most 8000 px; an explicit FACTOR is used as given, and refused if the long side "
        "would pass 30000 px)",
    )
    parser.add_argument(
        "--rubric", action="store_true", help="add the interview rubric section to the PDF report"
    )
    parser.add_argument(
        "--since",
        type=input_name,
        metavar="OLD",
        help="add a 'Changes since OLD' section after the PDF report's summary: what changed in meaning "
        "since the design file OLD, the findings introduced and resolved, the coverage change",
    )
    parser.set_defaults(func=cmd_export)


def _say(message: str) -> None:
    print(f"mlsd: {message}", file=sys.stderr)


# An export makes a great many small objects, most of them short-lived, and few reference
# cycles: the cyclic garbage collector, run every 700 allocations by default, costs it a tenth
# of its time traversing the same long-lived objects (modules, the catalog, the document's
# flowables) again and again. It runs far less often during `mlsd export` (memory grows by a
# few MB for a 200-component report).
EXPORT_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(*EXPORT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def cmd_export(args: argparse.Namespace) -> int:
    with _fewer_collections():
        return _export(args)


def _export(args: argparse.Namespace) -> int:
    from app.domain.catalog import default_catalog
    from app.export.renderer import MAX_TIMEOUT_S, RenderError, find_renderer
    from app.export.shown import ShownDesign, shown_design
    from app.persistence import load_design
    from app.rules import check_design

    wanted = {fmt: getattr(args, fmt) for fmt in FORMATS if getattr(args, fmt)}
    if not wanted:
        raise CliError("export: give at least one output: " + ", ".join(f"--{f} OUT" for f in FORMATS))
    if args.timeout is not None and not 0 < args.timeout <= MAX_TIMEOUT_S:  # nan fails it too
        raise CliError(f"export: --timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}")
    scale = getattr(args, "scale", None)
    if scale is not None and "png" not in wanted:
        raise CliError("export: --scale sets the PNG resolution; give --png OUT too")
    if scale is not None:
        from app.export.placed import MIN_PNG_SCALE

        if not MIN_PNG_SCALE <= scale <= 100:  # below 1 dpi Graphviz drew nothing, or at 96 dpi
            lowest = f"{MIN_PNG_SCALE:.4f} (1 dpi)"
            raise CliError(f"export: --scale must be a number of pixels per point from {lowest} to 100")
    if getattr(args, "layout", None) is not None and not {"svg", "png"} & wanted.keys():
        raise CliError("export: --layout sets how SVG and PNG are laid out; give --svg OUT or --png OUT too")
    if getattr(args, "rubric", False) and "pdf" not in wanted:
        raise CliError("export: --rubric adds a section to the PDF report; give --pdf OUT too")
    since = getattr(args, "since", None)
    if since and "pdf" not in wanted:
        raise CliError("export: --since adds a section to the PDF report; give --pdf OUT too")
    stdout_targets = [fmt for fmt, out in wanted.items() if out == STDOUT]
    if len(stdout_targets) > 1:
        raise CliError("export: only one output can go to stdout ('-')")
    if {"pdf", "png"} & set(stdout_targets) and _is_terminal(sys.stdout):
        raise CliError(
            f"export: --{stdout_targets[0]} -: not writing binary data to the terminal; "
            "redirect it to a file (> out) or pipe it to a program"
        )
    _refuse_clashing_outputs(wanted, {"the design file": args.file, "--since": since})
    for out in wanted.values():  # not after writing some of them
        refuse_unwritable(out)

    loaded = load_design(args.file)
    for warning in loaded.warnings:
        print(load_warning(args.file, warning), file=sys.stderr)
    design = loaded.design
    catalog = default_catalog()
    result = check_design(design, catalog)
    if {"svg", "png"} & wanted.keys():
        try:
            _say(f"rendering diagrams with {find_renderer().describe()}")
        except RenderError as exc:
            raise CliError(f"export: {exc}") from None
    layout = getattr(args, "layout", None) or "ours"
    after_summary = None
    if since:
        from app.export.report.changes import since_section

        old = load_design(since)
        for warning in old.warnings:
            print(load_warning(since, warning), file=sys.stderr)
        after_summary = [since_section(old.design, design, Path(since).name, catalog)]

    documents: list[ShownDesign] = []  # the design as the PDF and the Markdown show it, made once

    def shown() -> ShownDesign:
        if not documents:
            documents.append(shown_design(design, catalog, result))
        return documents[0]

    def report() -> bytes:
        from app.export.report import report_bytes

        extra = None
        if getattr(args, "rubric", False):
            from app.export.report.rubric import rubric_section
            from app.rules.rubric import score_design

            # Scored on the design as it is: the section shortens the long names its reasons
            # quote (Rubric.shown), so only the report checks its shortened copy.
            extra = [rubric_section(score_design(design, result, catalog))]
        return report_bytes(
            design,
            result,
            catalog,
            extra_sections=extra,
            design_bytes=Path(args.file).read_bytes(),
            after_summary=after_summary,
            shown=shown(),
        )

    def svg() -> bytes:
        from app.export.placed import to_svg

        return to_svg(design, catalog, result, timeout=args.timeout, layout=layout)

    def png() -> bytes:
        from app.export.placed import to_png

        return to_png(design, catalog, result, timeout=args.timeout, layout=layout, scale=scale)

    def dot_source() -> bytes:
        from app.export.dot import to_dot

        return to_dot(design, catalog, result).encode("utf-8")

    def mermaid() -> bytes:
        from app.export.mermaid import to_mermaid

        return to_mermaid(design, catalog).encode("utf-8")

    def markdown() -> bytes:
        from app.export.markdown import to_markdown

        return to_markdown(design, result, catalog, shown=shown()).encode("utf-8")

    # Each output imports what it needs only when asked for (the PDF's reportlab, ...).
    producers: dict[str, Callable[[], bytes]] = {
        "dot": dot_source,
        "mermaid": mermaid,
        "md": markdown,
        "svg": svg,
        "png": png,
        "pdf": report,
    }
    outputs: dict[str, bytes] = {}
    for fmt in wanted:
        try:
            outputs[fmt] = producers[fmt]()
        except (RenderError, ValueError) as exc:
            raise CliError(f"export {fmt}: {exc}") from None
        except OSError as exc:
            raise CliError(f"export {fmt}: {exc}") from None
        except Exception as exc:  # a fault of ours (e.g. a report reportlab cannot lay out)
            if debugging():
                raise
            target = "the standard output" if wanted[fmt] == STDOUT else display_path(wanted[fmt])
            raise CliError(describe_crash(f"could not write {target}", exc)) from None
    for fmt, out in wanted.items():
        data = outputs[fmt]
        write_output(out, data)
        if out != STDOUT:
            _say(f"wrote {display_path(out)} ({fmt}, {_size(len(data))})")
    return 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):  # closed
        return False


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _refuse_clashing_outputs(wanted: dict[str, str], inputs: dict[str, str | None]) -> None:
    """An output written over an input or under a design's name (or two outputs over one file)
    would lose a file."""
    seen: dict[str, str] = {}
    for fmt, out in wanted.items():
        if out == STDOUT:
            continue
        for what, path in inputs.items():
            if path and _same_file(out, path):
                raise CliError(
                    f"export: {display_path(out)}: --{fmt} would overwrite {what}; nothing was written"
                )
        if out.lower().endswith(".mlsd"):  # another design (`--pdf old.mlsd`), or one that won't load
            raise CliError(
                f"export: {display_path(out)}: --{fmt} would write {_HELP[fmt]} under a design file's "
                "name (.mlsd); nothing was written"
            )
        for other, other_out in seen.items():
            if _same_file(out, other_out):
                raise CliError(f"export: {display_path(out)}: both --{other} and --{fmt} would write it")
        seen[fmt] = out


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"
