"""Canvas legibility at Fit: the share of component names tesseract OCR reads in window screenshots.

Run: python scripts/bench_legibility.py [--sizes 1440x900 1600x1000] [--layout N] [--per-card]
    [--resolutions DPI ...] [--missed] [--keep DIR] [DESIGN ...]
Without designs: every template (resources/templates), resources/examples/example.mlsd and
docs/examples/feed-in-progress.mlsd. Each design is screenshotted offscreen by the CLI
(`python -m app.cli DESIGN --screenshot PNG --size WxH`) and read by tesseract.
A name counts as read when its first 14 letters/digits appear contiguously in tesseract's text
(case and punctuation ignored). --layout N also re-lays out the first N templates from stripped
positions (every position 0,0; `python -m app.cli layout`) and measures those.
Prints a table design x size -> read/total and the overall figure next to the 90% target;
no pass/fail exit. Exits 0 with a message when tesseract is missing.

--per-card adds a second figure that leaves tesseract's page layout out: each card is cut out
of the same screenshot (scripts/legibility_boxes.py; the picture is byte for byte the CLI's)
and read on its own as one block of text (--psm 6). Where this reads a name and the whole
screenshot does not, the name's pixels are legible and tesseract's page segmentation (names
of neighbouring cards joined into one text line, two-line names split) lost it.

--resolutions 72 120 ... reads the same screenshot again with only the resolution its PNG
declares changed (Qt writes 96 dpi; tesseract sizes its page layout by it): the pixels, so what
a person sees, are the same.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.90
PREFIX = 14


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def names_of(design: Path) -> list[str]:
    data = json.loads(design.read_text(encoding="utf-8"))
    return [c["name"] for c in data.get("components", []) if c.get("name")]


def read_names(names: list[str], ocr_text: str) -> list[str]:
    """The names whose first PREFIX letters/digits appear in the OCR text."""
    text = norm(ocr_text)
    return [n for n in names if norm(n)[:PREFIX] and norm(n)[:PREFIX] in text]


def screenshot(design: Path, png: Path, size: str, cards: Path | None = None) -> None:
    """The CLI's screenshot of `design`; with `cards`, each card cut out of it into that folder."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=false")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as home:  # a new user's settings: light theme, default docks
        env.update(HOME=home, XDG_CONFIG_HOME=str(Path(home) / ".config"))
        if cards is None:
            cmd = [sys.executable, "-m", "app.cli", str(design), "--screenshot", str(png), "--size", size]
        else:
            boxes = str(ROOT / "scripts" / "legibility_boxes.py")
            cmd = [sys.executable, boxes, str(design), str(png), size, str(cards)]
        subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True)


def retagged(png: Path, dpi: int) -> Path:
    """A copy of `png` with the same pixels that declares `dpi` dots per inch."""
    image = QImage(str(png))
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    copy = png.with_name(f"{png.stem}@{dpi}dpi.png")
    image.save(str(copy))
    return copy


def cards_read(cards: Path) -> tuple[int, int]:
    """How many of the cut-out cards tesseract reads the name of, each on its own."""
    names = json.loads((cards / "cards.json").read_text(encoding="utf-8"))
    read = 0
    for number, name in enumerate(names):
        png = cards / f"card-{number}.png"
        text = subprocess.run(
            ["tesseract", str(png), "-", "-l", "eng", "--psm", "6"], capture_output=True, text=True
        ).stdout
        read += bool(read_names([name], text))
    return read, len(names)


def ocr(png: Path) -> str:
    done = subprocess.run(["tesseract", str(png), "-", "-l", "eng"], capture_output=True, text=True)
    return done.stdout


def stripped_layout(template: Path, workdir: Path) -> Path:
    """The template with every position at 0,0, laid out again by `mlsd layout`."""
    data = json.loads(template.read_text(encoding="utf-8"))
    for comp in data.get("components", []):
        if "position" in comp:
            comp["position"] = {"x": 0, "y": 0} if isinstance(comp["position"], dict) else [0, 0]
    stripped = workdir / f"{template.stem}.stripped.mlsd"
    stripped.write_text(json.dumps(data), encoding="utf-8")
    out = workdir / f"{template.stem}@layout.mlsd"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(
        [sys.executable, "-m", "app.cli", "layout", str(stripped), "-o", str(out)],
        check=True, env=env, cwd=ROOT, capture_output=True,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="*", type=Path)
    parser.add_argument("--sizes", nargs="+", default=["1440x900", "1600x1000"])
    parser.add_argument("--layout", type=int, default=0, help="also measure N templates re-laid out")
    parser.add_argument("--keep", type=Path, help="keep the screenshots in this folder")
    parser.add_argument("--missed", action="store_true", help="list the names not read")
    parser.add_argument(
        "--per-card", action="store_true", help="also read each card cut out of the screenshot"
    )
    parser.add_argument(
        "--resolutions", nargs="+", type=int, default=[], metavar="DPI",
        help="also read each screenshot declaring these resolutions (same pixels)",
    )
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        print("tesseract is not installed: nothing measured")
        return 0
    templates = sorted((ROOT / "resources" / "templates").glob("*.mlsd"))
    designs = args.designs or [
        *templates,
        ROOT / "resources" / "examples" / "example.mlsd",
        ROOT / "docs" / "examples" / "feed-in-progress.mlsd",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        designs = list(designs) + [stripped_layout(t, work) for t in templates[: args.layout]]
        shots = args.keep or work
        shots.mkdir(parents=True, exist_ok=True)
        label_w = max(len(d.stem) for d in designs) + 2
        column = 28 if args.per_card else 14
        print(f"{'design':<{label_w}}" + "".join(f"{s:>{column}}" for s in args.sizes))
        total_read = total = cards_total_read = cards_total = 0
        worst = cards_worst = 1.0
        for design in designs:
            names = names_of(design)
            row = f"{design.stem:<{label_w}}"
            missed_all: list[str] = []
            by_resolution: list[str] = []
            for size in args.sizes:
                png = shots / f"{design.stem}-{size}.png"
                cards = shots / f"{design.stem}-{size}-cards" if args.per_card else None
                screenshot(design, png, size, cards)
                found = read_names(names, ocr(png))
                total_read += len(found)
                total += len(names)
                share = len(found) / len(names) if names else 1.0
                worst = min(worst, share)
                row += f"{len(found):>6}/{len(names):<3} {share:4.0%}"
                reads = [len(read_names(names, ocr(retagged(png, dpi)))) for dpi in args.resolutions]
                if reads:
                    by_resolution.append(f"{size} " + "/".join(map(str, reads)))
                if cards is not None:
                    card_read, card_count = cards_read(cards)
                    cards_total_read += card_read
                    cards_total += card_count
                    cards_worst = min(cards_worst, card_read / card_count if card_count else 1.0)
                    row += f"  cards {card_read:>3}/{card_count:<3}"
                missed_all += [f"{size}: {n}" for n in names if n not in found]
            print(row, flush=True)
            if by_resolution:
                dpis = "/".join(map(str, args.resolutions))
                print(f"    the same pixels declaring {dpis} dpi: " + ", ".join(by_resolution), flush=True)
            if args.missed and missed_all:
                print("    missed: " + "; ".join(missed_all))
    overall = total_read / total if total else 1.0
    print(
        f"overall {total_read}/{total} = {overall:.1%} "
        f"(target {TARGET:.0%} on every run; worst run {worst:.0%})"
    )
    if args.per_card:
        print(
            f"each card read on its own: {cards_total_read}/{cards_total} = "
            f"{cards_total_read / max(cards_total, 1):.1%} (worst run {cards_worst:.0%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
