"""The `mlsd` command: headless commands over the core, or the window.

Qt is imported only when the window is asked for, so headless commands start fast and run
on machines without a display.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Sequence

# Importing the model (pydantic) allocates objects that all stay alive: automatic garbage
# collection, off meanwhile, would only walk them again and again (a tenth of `mlsd check`),
# and they are then moved out of its way for good (gc.freeze: no Qt object exists yet).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from app import APP_NAME, __version__, terminal
    from app.domain.catalog import default_catalog
    from app.domain.schema import design_json_schema_text
    from app.errors import CliError, Once, input_name, mistyped_command, output_name
    from app.persistence import (
        DesignLoadError,
        DesignSaveError,
        LoadedDesign,
        load_design,
        save_design,
        write_design,
    )
    from app.persistence.errors import display_path, load_warning, text_path
    from app.rules.engine import FAIL_LEVELS
finally:
    gc.freeze()
    if _COLLECTING:
        gc.enable()

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _load(path: str) -> LoadedDesign:
    loaded = load_design(path)
    for warning in loaded.warnings:
        print(load_warning(path, warning), file=sys.stderr)
    return loaded


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


# ---- commands ----------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from app.rules import check_design
    from app.rules.formats import format_sarif, format_text, write_check_json

    if args.rubric and args.format == "sarif":  # SARIF has no place for it: not silently dropped
        raise CliError("check: --rubric is written with --format text or json, not sarif")
    loaded = _load(args.file)
    catalog = default_catalog()
    result = check_design(loaded.design, catalog)
    rubric = None
    if args.rubric:
        from app.rules.rubric import format_rubric_text, score_design

        rubric = score_design(loaded.design, result, catalog)
    shown = text_path(args.file)
    with terminal.reader_may_stop():
        if args.format == "json":
            from app.estimates import estimate_design

            figures = estimate_design(loaded.design, catalog).to_json()
            if terminal.stdout_is_utf8():
                sys.stdout.flush()
                write_check_json(sys.stdout.buffer, result, shown, rubric, estimates=figures)
                sys.stdout.buffer.flush()
            else:
                data = io.BytesIO()
                write_check_json(data, result, shown, rubric, estimates=figures)
                terminal.write_json_text(data.getvalue().decode("utf-8"))
        elif args.format == "sarif":
            terminal.write_json_text(format_sarif(result, args.file))  # the name's own bytes, percent-encoded
        else:
            _write_stdout(format_text(result, loaded.design, catalog, display_path(args.file)))
            if rubric is not None:
                _write_stdout("\n" + format_rubric_text(rubric))
    return EXIT_FINDINGS if result.fails(args.fail_on) else EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    catalog = default_catalog()
    if args.format == "json":
        terminal.write_json_text(json.dumps(catalog.to_json_data(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    lines = []
    for stage in catalog.stages:
        lines.append(f"{stage.number}. {stage.label}")
        for kind in catalog.kinds_in_stage(stage.id):
            lines.append(f"   {kind.id:20} {kind.label}: {kind.description}")
            for prop in kind.properties:
                lines.append(f"      {prop.name:22} {prop.describe_type()}: {prop.description}")
        lines.append("")
    _write_stdout("\n".join(lines))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    _write_stdout(design_json_schema_text())
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    loaded = _load(args.file)
    if args.output is None:  # FILE is a file even when it is called '-'
        save_design(loaded.design, args.file, touch_modified=False)
    else:
        write_design(loaded.design, args.output, touch_modified=False)
    if loaded.migrated_from is not None:
        print(
            f"{display_path(args.file)}: migrated from schema version {loaded.migrated_from}", file=sys.stderr
        )
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from app.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        data = [r.metadata() for r in rules]
        terminal.write_json_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    lines = [f"{r.id:4} {r.severity:7} {r.stage:10} {r.title}  [{'; '.join(r.sources)}]" for r in rules]
    _write_stdout("\n".join(lines) + ("\n" if lines else "No rules registered.\n"))
    return EXIT_OK


# ---- parser ------------------------------------------------------------------------------


Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


# Commands that live beside the code they drive; each module's register() adds its parsers.
# A module is imported (with its package) only when one of its commands is asked for, or for
# --help: `mlsd check` never loads the export, diff, layout or estimates packages.
def _register_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.export import cli_commands

    cli_commands.register(sub)


def _register_layout(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.layout import cli_command

    cli_command.register(sub)


def _register_estimate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.estimates import cli_command

    cli_command.register(sub)


def _register_templates(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app import templates

    templates.register(sub)


def _register_desktop(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app import desktop_integration

    desktop_integration.register(sub)


def _register_diff(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.diff import cli_command

    cli_command.register(sub)


# Command name -> the registrar adding it (tests/test_cli_start.py checks this against the
# parsers each registrar really adds). Order: as listed in `mlsd --help`.
_COMMAND_REGISTRARS: dict[str, Registrar] = {
    "export": _register_export,
    "layout": _register_layout,
    "estimate": _register_estimate,
    "templates": _register_templates,
    "new": _register_templates,
    "install-desktop": _register_desktop,
    "diff": _register_diff,
    "textconv": _register_diff,
    "merge": _register_diff,
    "git-setup": _register_diff,
}
_BUILTIN_COMMANDS = ("check", "catalog", "schema", "migrate", "rules")


def _build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `mlsd` parser; with `command`, only that command's module is imported and
    registered beside the built-in commands (none for a built-in command or --version; all
    of them otherwise, as --help lists)."""
    parser = argparse.ArgumentParser(
        prog="mlsd",
        description="MLSD Studio: design, check and document machine learning systems. "
        "Without a command, opens the window (on FILE, or on the bundled example).",
        epilog="window: mlsd [FILE] [--screenshot OUT.png [--size WxH]] [--no-recovery] | "
        "mlsd --smoke-test [FILE]. "
        "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 unreadable file or misuse.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check a design against the rules")
    check.add_argument("file", metavar="FILE", type=input_name, help="design file (.mlsd)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument(
        "--fail-on",
        choices=FAIL_LEVELS,
        default="error",
        help="exit 1 when an unaccepted finding is at or above this level (default: error)",
    )
    check.add_argument(
        "--rubric", action="store_true", help="also print the interview rubric (text and json formats)"
    )
    check.set_defaults(func=cmd_check)

    catalog = sub.add_parser("catalog", help="list the component kinds and their properties")
    catalog.add_argument("--format", choices=("text", "json"), default="text")
    catalog.set_defaults(func=cmd_catalog)

    schema = sub.add_parser("schema", help="print the JSON Schema of design files")
    schema.set_defaults(func=cmd_schema)

    migrate = sub.add_parser("migrate", help="rewrite a design at the current schema version")
    migrate.add_argument(
        "file", metavar="FILE", type=input_name, help="design file (.mlsd), rewritten in place unless -o OUT"
    )
    migrate.add_argument(
        "-o",
        "--output",
        action=Once,
        type=output_name,
        metavar="OUT",
        help="write the migrated design to OUT ('-': standard output)",
    )
    migrate.set_defaults(func=cmd_migrate)

    rules = sub.add_parser("rules", help="list every rule with its metadata")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(func=cmd_rules)

    if command in _BUILTIN_COMMANDS or command == "--version":
        registrars: list[Registrar] = []
    elif command in _COMMAND_REGISTRARS:
        registrars = [_COMMAND_REGISTRARS[command]]
    else:
        registrars = list(dict.fromkeys(_COMMAND_REGISTRARS.values()))
    for register in registrars:
        register(sub)
    return parser


def _command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    return set(_command_parsers(parser))


def main(argv: Sequence[str] | None = None) -> int:
    as_process = argv is None  # called by the `mlsd` entry point, not by a test or a script
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (
        argv[0] not in _BUILTIN_COMMANDS
        and argv[0] not in _COMMAND_REGISTRARS
        and argv[0] not in ("-h", "--help", "--version")
    ):
        typo = mistyped_command(argv[0], [*_BUILTIN_COMMANDS, *_COMMAND_REGISTRARS]) if argv else None
        if typo:
            print(f"mlsd: {typo}", file=sys.stderr)
            return EXIT_USAGE
        status = main_gui(argv)
        return _end_screenshot_process(status, argv) if as_process else status
    if as_process:
        terminal.tolerate_closed_output()
        terminal.tolerate_narrow_output()
    parser = _build_parser(argv[0])
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser: its usage, not the list of every command
        _command_parsers(parser).get(argv[0], parser).error(f"unrecognized arguments: {' '.join(extra)}")
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        status = command(args)
        sys.stdout.flush()  # a full disk shows here, not at exit where it cannot be reported
        return status
    except DesignSaveError as exc:
        print(f"mlsd: {exc.command_line_message()}", file=sys.stderr)
        return EXIT_USAGE
    except (DesignLoadError, CliError) as exc:
        print(f"mlsd: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`mlsd check ... | head`): not an error
        terminal.detach_stdout()
        return EXIT_OK
    except OSError as exc:
        terminal.detach_stdout()
        print(f"mlsd: {_describe_os_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a fault of ours: one line and a crash log, never a traceback
        from app.persistence.crashlog import debugging, describe_crash

        if debugging():
            raise
        print(f"mlsd: {describe_crash(f'{argv[0]} failed', exc)}", file=sys.stderr)
        return EXIT_USAGE


def _describe_os_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is None:
        return f"cannot write the output: {reason}"
    return f"{display_path(os.fsdecode(exc.filename))}: {reason}"


def main_gui(argv: Sequence[str] | None = None) -> int:
    """Open the window (imports Qt)."""
    if argv is None:  # the `mlsd-studio` entry point
        argv = sys.argv[1:]
        return _end_screenshot_process(main_gui(argv), argv)
    argv = list(argv)
    headless = any(flag in argv for flag in ("--screenshot", "--smoke-test"))
    if sys.platform.startswith("linux") and not _has_display():
        if not headless:
            print(
                "mlsd: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
                "use the headless commands (mlsd --help) or set QT_QPA_PLATFORM=offscreen",
                file=sys.stderr,
            )
            return EXIT_USAGE
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if "--smoke-test" in argv:
        from app.ui.smoke import run_smoke_test

        return run_smoke_test([a for a in argv if a != "--smoke-test"])
    # The window collects garbage on its own thread, on a timer (app/ui/gc_pause.py): automatic
    # collection goes off now already, so the window's imports run without it (a hundred
    # collections of objects that all stay alive, about a tenth of the time to the first frame),
    # and in a process that had not imported Qt before, what they made (modules, classes, a few
    # module-level values such as sizes and rectangles; no application, window or widget: the
    # wrappers whose freezing crashed, see gc_pause) is frozen out of the way of every later
    # collection, as app.cli's own imports are. Frozen objects are never handed back.
    fresh = "PySide6.QtCore" not in sys.modules
    gc.disable()
    try:
        from app.ui.main import run_app
    except ImportError as exc:
        print(f"mlsd: the window needs PySide6 ({exc})", file=sys.stderr)
        return EXIT_USAGE
    if fresh:
        gc.freeze()
    return run_app(argv)


def _end_screenshot_process(status: int, argv: Sequence[str]) -> int:
    """A whole `mlsd [FILE] --screenshot OUT.png` process has nothing left to do once the
    picture is written (or refused): it leaves at once, its output flushed, instead of tearing
    down Qt and every module (about 0.15 s of a 1 s run). Only the entry points call this; an
    in-process caller of main() or run_app() gets the status back as usual."""
    if "--screenshot" not in argv:
        return status
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _has_display() -> bool:
    return bool(
        os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


if __name__ == "__main__":
    sys.exit(main())
