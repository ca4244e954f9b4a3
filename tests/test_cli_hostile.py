"""Hostile arguments to `mlsd` commands: each is refused with one line naming the argument and
the problem, exit 2, no traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "resources" / "examples" / "example.mlsd")

EMPTY_NAMES = [
    (["check", ""], "file"),
    (["estimate", ""], "file"),
    (["textconv", ""], "file"),
    (["migrate", ""], "file"),
    (["migrate", EXAMPLE, "-o", ""], "-o/--output"),
    (["layout", "", "-o", "x.mlsd"], "file"),
    (["layout", EXAMPLE, "-o", ""], "-o/--output"),
    (["new", ""], "out"),
    (["export", "", "--dot", "x.dot"], "file"),
    (["export", EXAMPLE, "--dot", ""], "--dot"),
    (["export", EXAMPLE, "--pdf", "x.pdf", "--since", ""], "--since"),
    (["diff", EXAMPLE, ""], "new"),
    (["merge", EXAMPLE, "", EXAMPLE], "ours"),
]


@pytest.mark.parametrize(
    ("argv", "argument"), EMPTY_NAMES, ids=[" ".join(a[:1] + [n]) for a, n in EMPTY_NAMES]
)
def test_an_empty_file_name_is_refused_not_taken_for_the_current_folder(
    argv: list[str],
    argument: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `mlsd check "$UNSET"` said '.: is a folder, not a design file'; `mlsd new ""`,
    # '.: already exists'; `layout -o ""`, 'refusing to overwrite ...; pass -o OUT'
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"mlsd {argv[0]}: error: argument {argument}: the file name is empty")
    assert list(tmp_path.iterdir()) == []
