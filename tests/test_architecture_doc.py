"""docs/architecture.md stays true: every file or folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def test_every_path_the_architecture_doc_names_exists():
    text = DOC.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:app|resources|tests|docs|scripts)/[\w./<>-]*?)`", text))
    assert len(paths) > 20
    missing = []
    for path in sorted(paths):
        if "<" in path:  # a pattern such as tests/rules/variants/<flaw>/: its folder must exist
            path = path.split("<")[0].rsplit("/", 1)[0]
        if not (ROOT / path.rstrip("/")).exists():
            missing.append(path)
    assert missing == []


# Phrases that point a reader to documents the repository does not hold (spelled in pieces
# so that this file does not match itself).
OUTSIDE_POINTERS = ("ARCHITECTURE" + ".md", "the " + "spec", "the " + "issue")


def test_code_and_tests_do_not_point_to_documents_outside_the_repository():
    found = []
    for folder in ("app", "tests", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found += [f"{path.relative_to(ROOT)}:{number}: {p}" for p in OUTSIDE_POINTERS if p in line]
    assert found == []
