"""`mlsd layout`: lay a design out with the layout engine and write it (atomically)."""

from __future__ import annotations

import argparse
import sys

from app.errors import CliError, Once, input_name, output_name


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `layout` command to the `mlsd` parser."""
    parser = subparsers.add_parser(
        "layout",
        help="lay a design out: stages as lanes, fitted to an aspect ratio",
        description="Give every card that is not pinned a new position (stages as lanes left to "
        "right, wrapped to fit the aspect ratio) and write the design to OUT, or back to FILE "
        "with --in-place. Only positions change.",
    )
    parser.add_argument("file", metavar="FILE", type=input_name, help="design file (.mlsd)")
    parser.add_argument(
        "-o",
        "--output",
        action=Once,
        type=output_name,
        metavar="OUT",
        help="write the laid-out design to OUT ('-': standard output)",
    )
    parser.add_argument("--in-place", action="store_true", help="rewrite FILE (atomically)")
    parser.add_argument(
        "--aspect", default="16:10", metavar="W:H", help="target width:height, e.g. 16:10, 4:3 or 1.6"
    )
    parser.set_defaults(func=cmd_layout)


def cmd_layout(args: argparse.Namespace) -> int:
    from app.domain.catalog import default_catalog
    from app.domain.model import Position
    from app.layout import layout_design, parse_aspect
    from app.persistence import load_design, save_design, write_design
    from app.persistence.atomic import STDOUT
    from app.persistence.errors import display_path, load_warning

    if args.output and args.in_place:
        raise CliError("layout: give either -o OUT or --in-place, not both")
    if not args.output and not args.in_place:
        raise CliError(
            f"layout: refusing to overwrite {display_path(args.file)}; "
            "pass -o OUT to write elsewhere or --in-place to rewrite it"
        )
    try:
        aspect = parse_aspect(args.aspect)
    except ValueError as exc:
        raise CliError(f"layout: --aspect: {exc}") from None
    loaded = load_design(args.file)
    for warning in loaded.warnings:
        print(load_warning(args.file, warning), file=sys.stderr)
    design = loaded.design
    result = layout_design(design, default_catalog(), aspect=aspect)
    for component in design.components:
        x, y = result.positions[component.id]
        component.position = Position(x=x, y=y)
    if args.in_place:  # FILE is a file even when it is called '-'
        save_design(design, args.file)
        shown = display_path(args.file)
    else:
        write_design(design, args.output)
        shown = "the standard output" if args.output == STDOUT else display_path(args.output)
    moved = sum(1 for c in design.components if not c.pinned)
    print(
        f"mlsd: wrote {shown} ({moved} of {len(design.components)} components placed in "
        f"{len(result.lanes)} lanes, {result.width:.0f} x {result.height:.0f})",
        file=sys.stderr,
    )
    return 0
