"""What a whole `mlsd` command imports: run in a fresh interpreter, its sys.modules read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules_after(argv: list[str], expect_status: int | None = None) -> set[str]:
    """The modules loaded once `app.cli.main(argv)` has returned (with `expect_status`, it must
    have returned that)."""
    check = f"assert status == {expect_status!r}, status\n" if expect_status is not None else ""
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"status = main({argv!r})\n"
        f"{check}"
        "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])
