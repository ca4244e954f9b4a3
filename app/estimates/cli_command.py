"""`mlsd estimate`: the back-of-the-envelope figures of a design, with a what-if scale."""

from __future__ import annotations

import argparse
import json
import math
import sys

from app.domain.errors import quoted
from app.errors import CliError, input_name


def _factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a positive factor")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `estimate` command to the `mlsd` parser."""
    parser = subparsers.add_parser(
        "estimate",
        help="estimate volume, load, replicas, accelerator-hours and monthly cost",
        description="Derive the design's figures along its links (daily volume and storage, peak "
        "QPS and replicas needed, accelerator-hours, monthly cost by component, stage and in total, "
        "human review load), each with its derivation and the inputs it lacks. --scale and its "
        "specific forms multiply peak traffic and data volume without changing the file.",
    )
    parser.add_argument("file", metavar="FILE", type=input_name, help="design file (.mlsd)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--scale", type=_factor, default=None, metavar="F", help="what-if: multiply both QPS and volume by F"
    )
    parser.add_argument(
        "--scale-qps", type=_factor, default=None, metavar="F", help="what-if: multiply QPS by F"
    )
    parser.add_argument(
        "--scale-volume", type=_factor, default=None, metavar="F", help="what-if: multiply volumes by F"
    )
    parser.set_defaults(func=cmd_estimate)


def cmd_estimate(args: argparse.Namespace) -> int:
    from app.domain.catalog import default_catalog
    from app.estimates import estimate_design
    from app.persistence import load_design
    from app.persistence.errors import display_path, load_warning, text_path

    general = args.scale if args.scale is not None else 1.0
    qps = args.scale_qps if args.scale_qps is not None else general
    volume = args.scale_volume if args.scale_volume is not None else general
    loaded = load_design(args.file)
    for warning in loaded.warnings:
        print(load_warning(args.file, warning), file=sys.stderr)
    try:
        estimate = estimate_design(loaded.design, default_catalog(), qps_scale=qps, volume_scale=volume)
    except ValueError as exc:
        raise CliError(f"estimate: {exc}") from None
    if args.format == "json":
        data = {"file": text_path(args.file), **estimate.to_json()}
        from app.domain.text import json_escape_bidi
        from app.terminal import write_json_text

        write_json_text(json_escape_bidi(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        from app.domain.long_names import shortened
        from app.domain.text import isolate

        title = isolate(shortened(loaded.design.meta.title))
        sys.stdout.write(f"{title} ({isolate(display_path(args.file))})\n\n" + estimate.to_text())
    sys.stdout.flush()
    return 0
