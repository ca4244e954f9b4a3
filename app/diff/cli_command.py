"""`mlsd diff`, `mlsd textconv`, `mlsd merge` and `mlsd git-setup` (registered by app.cli)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.diff.formats import diff_to_json, diff_to_markdown, diff_to_text
from app.domain.catalog import default_catalog
from app.domain.json_number import dumps
from app.domain.model import Design
from app.domain.text import json_escape_bidi
from app.errors import input_name
from app.persistence import DesignLoadError, LoadedDesign, load_design, save_design
from app.persistence.errors import display_path, load_warning, text_path
from app.terminal import json_for_stdout, reader_may_stop

EXIT_SAME, EXIT_DIFFERENT, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str, label: str = "") -> LoadedDesign:
    loaded = load_design(path)
    for warning in loaded.warnings:
        print(load_warning(label or path, warning), file=sys.stderr)
    return loaded


def cmd_diff(args: argparse.Namespace) -> int:
    from app.diff import diff_designs

    old, new = _load(args.old).design, _load(args.new).design
    diff = diff_designs(old, new, positions=args.positions, catalog=default_catalog())
    if args.format == "json":
        data = {"old": text_path(args.old), "new": text_path(args.new), **diff_to_json(diff)}
        text = json_escape_bidi(dumps(data, indent=2, ensure_ascii=False)) + "\n"  # 1e400 stays 1e400
        text = json_for_stdout(text)
    elif args.format == "md":
        text = diff_to_markdown(diff)
    else:
        text = f"{display_path(args.old)} -> {display_path(args.new)}\n" + diff_to_text(diff)
    with reader_may_stop():
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_SAME if diff.is_empty() else EXIT_DIFFERENT


def cmd_textconv(args: argparse.Namespace) -> int:
    """git's textconv: the canonical text, or (for a file that is not a readable design, e.g.
    a broken revision in history) a note and the file as it is, so `git diff` still works."""
    from app.diff.textconv import design_text

    try:
        text = design_text(load_design(args.file).design)
    except DesignLoadError as exc:
        try:  # a pipe or device refused by the loader is not read: it could wait forever
            raw = Path(args.file).read_bytes() if Path(args.file).is_file() else b""
        except OSError as err:
            print(f"mlsd: {display_path(args.file)}: cannot read: {err.strerror or err}", file=sys.stderr)
            return EXIT_UNREADABLE
        text = f"# not a readable design: {exc.problem}\n" + raw.decode("utf-8", errors="replace")
    sys.stdout.write(text)
    sys.stdout.flush()
    return EXIT_SAME


def cmd_merge(args: argparse.Namespace) -> int:
    """git's merge driver: merge BASE, OURS and THEIRS by id and write the result over OURS."""
    from app.diff.merge import merge_designs

    name = display_path(args.name or args.ours)
    labels = {"base": args.base, "ours": args.ours, "theirs": args.theirs}
    designs: dict[str, Design | None] = {}
    for side, path in labels.items():
        if side == "base" and _is_empty_file(path):  # both branches added the file
            designs[side] = None
            continue
        try:
            designs[side] = load_design(path).design  # warnings are about content, not the merge
        except DesignLoadError as exc:
            print(
                f"mlsd merge: {name}: {side} side is not a readable design ({exc.problem}"
                + (f" at {exc.where}" if exc.where else "")
                + "); left for git's own conflict handling",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
    ours, theirs = designs["ours"], designs["theirs"]
    assert ours is not None and theirs is not None
    result = merge_designs(designs["base"], ours, theirs, default_catalog())
    save_design(result.design, args.ours, touch_modified=False)
    for note in result.notes:
        print(f"mlsd merge: {name}: {note}", file=sys.stderr)
    if not result.conflicts:
        return EXIT_SAME
    count = len(result.conflicts)
    print(
        f"mlsd merge: {name}: {count} conflict{'s' if count != 1 else ''}; "
        "the merged file keeps ours for each:",
        file=sys.stderr,
    )
    for conflict in result.conflicts:
        print(f"  {conflict.describe()}", file=sys.stderr)
    print(
        f"  (theirs: git show :3:{name}; compare: mlsd diff {name} THEIRS.mlsd; "
        "then git add the file to mark it resolved)",
        file=sys.stderr,
    )
    return EXIT_DIFFERENT


def _is_empty_file(path: str) -> bool:
    try:
        return Path(path).stat().st_size == 0
    except OSError:
        return False


def _git_command(text: str) -> str:
    from app.diff.git import command_problem

    problem = command_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def cmd_git_setup(args: argparse.Namespace) -> int:
    from app.diff.git import GitSetupError, git_setup

    try:
        done = git_setup(args.repo, command=args.command)
    except GitSetupError as exc:
        print(f"mlsd git-setup: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    sys.stdout.write("\n".join(done) + "\n")
    return EXIT_SAME


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = sub.add_parser(
        "diff",
        help="what changed between two designs, by meaning",
        description="Exit 0: same meaning; 1: they differ; 2: a file cannot be read.",
    )
    diff.add_argument("old", metavar="OLD", type=input_name, help="the earlier design (.mlsd)")
    diff.add_argument("new", metavar="NEW", type=input_name, help="the later design (.mlsd)")
    diff.add_argument(
        "--format", choices=("text", "json", "md"), default="text", help="md: a pull-request comment"
    )
    diff.add_argument("--positions", action="store_true", help="also list moved components")
    diff.set_defaults(func=cmd_diff)

    textconv = sub.add_parser("textconv", help="a design as one line per fact (git's diff textconv)")
    textconv.add_argument("file", metavar="FILE", type=input_name, help="design file (.mlsd)")
    textconv.set_defaults(func=cmd_textconv)

    merge = sub.add_parser(
        "merge",
        help="three-way merge of designs by id (git's merge driver)",
        description="Writes the merge over OURS. Exit 0: merged cleanly; 1: conflicts (listed on "
        "stderr, ours kept for each); 2: a file cannot be read (OURS left untouched).",
    )
    merge.add_argument("base", metavar="BASE", type=input_name, help="the common ancestor (%%O)")
    merge.add_argument(
        "ours", metavar="OURS", type=input_name, help="our version, overwritten with the merge (%%A)"
    )
    merge.add_argument("theirs", metavar="THEIRS", type=input_name, help="their version (%%B)")
    merge.add_argument("--name", default="", help="the file's path in the repository, for messages (%%P)")
    merge.set_defaults(func=cmd_merge)

    setup = sub.add_parser("git-setup", help="make git diff and merge .mlsd files by meaning")
    setup.add_argument(
        "repo",
        metavar="REPO",
        nargs="?",
        default=".",
        type=input_name,
        help="a folder in the repository (default: .)",
    )
    setup.add_argument(
        "--command",
        default=None,
        type=_git_command,
        help="how git should run mlsd (default: the mlsd that runs this command)",
    )
    setup.set_defaults(func=cmd_git_setup)
