"""The real app for the reliability tests: ``python -m tests.reliability.launch_app [ARGS]``.

Installs the test script hook (tests/reliability/script_hook.py, active when
$MLSD_TEST_SCRIPT is set; the shipped app has no such hook), then opens the window exactly as
``mlsd [ARGS]`` does, through app.ui.main.run_app, which starts the script once its windows
are shown.
"""

from __future__ import annotations

import sys

from app.ui.main import run_app
from tests.reliability import script_hook


def main(argv: list[str]) -> int:
    script_hook.install()
    return run_app(argv, started=script_hook.start)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
