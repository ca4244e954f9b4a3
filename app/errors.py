"""Errors shared across packages, in a module that imports nothing of the app.

A command module anywhere (`app/templates.py`, `app/export/cli_commands.py`, ...) raises
`CliError` and `app/cli.py` turns it into one line on stderr and exit code 2, without the
command module importing `app.cli` (which imports the command modules).
"""

from __future__ import annotations


class CliError(Exception):
    """A problem with a command's arguments or files, reported as one line with exit code 2."""
