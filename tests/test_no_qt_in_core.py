"""The headless packages never load Qt (docs/architecture.md: only app.ui imports PySide6)."""

import subprocess
import sys

CORE = ["app.domain", "app.persistence", "app.rules", "app.export", "app.layout", "app.diff", "app.cli"]


def test_core_packages_do_not_import_pyside6():
    code = (
        "import sys, importlib\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "import app.cli\n"
        "app.cli._build_parser()\n"
        "from app.rules import all_rules; all_rules()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt modules loaded by the core: {out.stdout.strip()}"
