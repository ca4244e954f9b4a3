"""The font cache: a cached face is the parsed face, a changed font file is parsed again, and
a cache folder that cannot be used only means parsing (never an error)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from app.export.report import fontcache

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "fonts" / "Arimo-Regular.ttf"


@pytest.fixture
def font_file(tmp_path) -> Path:
    copy = tmp_path / "fonts" / "Body.ttf"
    copy.parent.mkdir()
    shutil.copyfile(SHIPPED, copy)
    return copy


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The font files fontcache had reportlab parse."""
    parsed: list[str] = []

    def parsing(name: str, font_file: Path) -> TTFont:
        parsed.append(str(font_file))
        return TTFont(name, str(font_file))

    monkeypatch.setattr(fontcache, "_parse", parsing)
    return parsed


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(fontcache.ENV_CACHE_DIR, str(folder))
    return folder / "fonts"


def _same_font(cached: TTFont, parsed: TTFont) -> None:
    assert set(vars(cached)) == set(vars(parsed))
    assert cached.fontName == parsed.fontName
    assert (cached.shapable, cached._asciiReadable) == (parsed.shapable, parsed._asciiReadable)
    face, fresh = vars(cached.face), vars(parsed.face)
    assert set(face) == set(fresh)
    for name, value in fresh.items():
        if name != "_pdfScale":
            assert face[name] == value, name
    for units in (0, 1, 517, 2048):
        assert cached.face._pdfScale(units) == parsed.face._pdfScale(units)
    text = "Feature store → ranker (p99 ≤ 40 ms)"
    assert cached.stringWidth(text, 9.5) == parsed.stringWidth(text, 9.5)


def test_a_font_is_parsed_once_then_read_from_the_cache(font_file, cache, parses):
    first = fontcache.load_ttfont("Body", font_file)
    assert parses == [str(font_file)]
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]  # written whole, no partial file left
    second = fontcache.load_ttfont("Body", font_file)
    assert parses == [str(font_file)]  # not parsed again
    _same_font(second, first)
    _same_font(second, TTFont("Body", str(font_file)))


def test_a_changed_font_file_is_parsed_again(font_file, cache, parses):
    fontcache.load_ttfont("Body", font_file)
    status = font_file.stat()
    os.utime(font_file, ns=(status.st_atime_ns, status.st_mtime_ns + 5_000_000_000))
    fontcache.load_ttfont("Body", font_file)
    assert len(parses) == 2
    shutil.copyfile(ROOT / "resources" / "fonts" / "Arimo-Bold.ttf", font_file)  # other content
    bold = fontcache.load_ttfont("Body", font_file)
    assert len(parses) == 3
    _same_font(bold, TTFont("Body", str(font_file)))
    assert len(list(cache.iterdir())) == 3


def test_a_broken_entry_is_replaced(font_file, cache, parses):
    fontcache.load_ttfont("Body", font_file)
    entry = fontcache.entry_path(font_file)
    assert entry is not None and entry.is_file()
    entry.write_bytes(b"not a pickle")
    font = fontcache.load_ttfont("Body", font_file)
    assert len(parses) == 2
    _same_font(font, TTFont("Body", str(font_file)))
    fontcache.load_ttfont("Body", font_file)
    assert len(parses) == 2  # the entry was written anew


def test_an_unusable_cache_folder_only_means_parsing(font_file, tmp_path, monkeypatch, parses):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv(fontcache.ENV_CACHE_DIR, str(blocker / "cache"))  # cannot be made
    for _ in range(2):
        _same_font(fontcache.load_ttfont("Body", font_file), TTFont("Body", str(font_file)))
    assert len(parses) == 2
    monkeypatch.delenv(fontcache.ENV_CACHE_DIR)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")  # no home folder: no cache, the font is still loaded
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert fontcache.cache_dir() is None
    fontcache.load_ttfont("Body", font_file)
    assert len(parses) == 3


def test_the_report_is_the_same_with_fonts_from_the_cache(tmp_path):
    """Two whole processes, the first parsing the fonts (and filling the cache), the second
    reading them from it: the same PDF, byte for byte (RL_invariant: no creation time)."""
    env = {**os.environ, fontcache.ENV_CACHE_DIR: str(tmp_path / "cache"), "RL_invariant": "1"}
    template = ROOT / "resources" / "templates" / "fraud_detection.mlsd"
    pdfs = []
    for run in (1, 2):
        out = tmp_path / f"r{run}.pdf"
        subprocess.run([sys.executable, "-m", "app.cli", "export", str(template), "--pdf", str(out)],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
        pdfs.append(out.read_bytes())
        assert len(list((tmp_path / "cache" / "fonts").glob("*.pickle"))) >= 4
    assert pdfs[0] == pdfs[1]
