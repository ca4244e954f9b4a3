"""Errors shared across packages, in a module that imports nothing of the app.

A command module anywhere (`app/templates.py`, `app/export/cli_commands.py`, ...) raises
`CliError` and `app/cli.py` turns it into one line on stderr and exit code 2, without the
command module importing `app.cli` (which imports the command modules).
"""

from __future__ import annotations

import argparse
import difflib
import os


class CliError(Exception):
    """A problem with a command's arguments or files, reported as one line with exit code 2."""


# argparse types of file arguments: an empty name (`mlsd check "$UNSET"`) would otherwise be
# taken for the current folder ('.: is a folder').
def input_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("the file name is empty")
    return text


def output_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("the file name is empty (give a file, or '-' for standard output)")
    return text


class Once(argparse.Action):
    """An option given at most once: argparse keeps the last of `--svg a.svg --svg b.svg`, and
    a.svg, asked for, was silently not written."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"argument {option_string}: given twice (give each output once)")
        setattr(namespace, self.dest, values)


def mistyped_command(word: str, commands: list[str]) -> str | None:
    """What to say when the first word of `mlsd WORD ...` is near a command's name and names
    no file (`mlsd chek design.mlsd`), else None: such a word would be opened in the window as
    a design file."""
    if word.startswith("-") or "." in word or "/" in word or os.sep in word or os.path.lexists(word):
        return None  # an option, or a file's name ('check.mlsd' that is not there yet)
    near = difflib.get_close_matches(word, commands, n=1)
    return f"no command or file {word!r} (did you mean 'mlsd {near[0]}'?)" if near else None
