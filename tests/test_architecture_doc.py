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


def _paragraphs(text: str) -> list[str]:
    """The page cut at blank lines (a bullet list or the fenced layer block is one piece)."""
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _named_modules(text: str) -> set[str]:
    """Modules the page names: by path from the repository's root (`app/ui/jobs.py`), or by file
    name (`jobs.py`) in a paragraph that also names its folder (`app/ui/...`, `app/ui`)."""
    named = set(re.findall(r"(?<![\w/.])(app/[\w/]*?\w+\.py)\b", text))
    for paragraph in _paragraphs(text):
        folders = set()
        for token in re.findall(r"`(app/[\w/.]*)`", paragraph):
            folder = token if not token.endswith(".py") else token.rsplit("/", 1)[0]
            folders.add(folder.rstrip("/"))
        for name in re.findall(r"`(\w+\.py)`", paragraph):
            named |= {f"{folder}/{name}" for folder in folders}
    return named


def test_every_module_of_the_app_is_named_on_the_architecture_page() -> None:
    text = DOC.read_text(encoding="utf-8")
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert len(modules) > 200
    assert sorted(modules - _named_modules(text)) == []


def test_a_module_named_by_its_file_name_is_in_a_folder_its_paragraph_names() -> None:
    missing = []
    for paragraph in _paragraphs(DOC.read_text(encoding="utf-8")):
        folders = {
            (t if not t.endswith(".py") else t.rsplit("/", 1)[0]).rstrip("/")
            for t in re.findall(r"`(app/[\w/.]*)`", paragraph)
        }
        for name in re.findall(r"`(\w+\.py)`", paragraph):
            if not any((ROOT / folder / name).exists() for folder in folders):
                missing.append(f"{name} (folders named beside it: {sorted(folders)})")
    assert missing == []
