"""scripts/legibility_boxes.py (bench_legibility --per-card): the picture is the CLI's own
screenshot, and each cut-out is one card of it, in the order of the names listed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from app.persistence import load_design
from app.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = resource_path("templates", "spam_filter.mlsd")
SIZE = "1440x900"


def _run(args: list[str], home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / "c"),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with cut.png (the picture legibility_boxes took) and cards/ (its cut-outs)."""
    folder = tmp_path_factory.mktemp("legibility")
    _run([str(ROOT / "scripts" / "legibility_boxes.py"), str(TEMPLATE), str(folder / "cut.png"), SIZE,
          str(folder / "cards")], folder)
    return folder


def _names(cut: Path) -> list[str]:
    names: list[str] = json.loads((cut / "cards" / "cards.json").read_text(encoding="utf-8"))
    return names


def test_the_cut_out_cards_are_the_cards_of_the_clis_own_screenshot(cut: Path, tmp_path: Path) -> None:
    plain = tmp_path / "cli.png"
    _run(["-m", "app.cli", str(TEMPLATE), "--screenshot", str(plain), "--size", SIZE], tmp_path)
    assert QImage(str(cut / "cut.png")) == QImage(str(plain)), "the picture measured is not the CLI's"

    names = _names(cut)
    design = load_design(TEMPLATE).design
    assert sorted(names) == sorted(c.name for c in design.components)  # all in view at Fit
    white = QColor("white").rgb()
    for number in range(len(names)):
        card = QImage(str(cut / "cards" / f"card-{number}.png"))
        assert 60 < card.width() < 300 and 30 < card.height() < 200, (number, card.size())
        assert card.pixel(0, 0) == white and card.pixel(card.width() - 1, card.height() - 1) == white
        colours = {card.pixel(x, y) for x in range(card.width()) for y in range(0, card.height(), 3)}
        assert len(colours) > 8, f"card {number} ({names[number]}) is blank"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract (Debian: tesseract-ocr)")
def test_each_cut_out_card_reads_as_its_own_name(cut: Path) -> None:
    def letters(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", text.lower())

    names = _names(cut)
    read = 0
    for number, name in enumerate(names):
        ocr = ["tesseract", str(cut / "cards" / f"card-{number}.png"), "-", "--psm", "6"]
        read += letters(name)[:10] in letters(subprocess.run(ocr, capture_output=True, text=True).stdout)
    assert read >= 0.75 * len(names), f"{read} of {len(names)} cut-outs read as the name listed for them"
