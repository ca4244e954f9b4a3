"""Canvas legibility at Fit: the share of component names tesseract OCR reads in window screenshots.

Run: python scripts/bench_legibility.py [--sizes 1440x900 1600x1000] [--layout N] [DESIGN ...]
Without designs: every template (resources/templates), resources/examples/example.mlsd and
docs/examples/feed-in-progress.mlsd. Each design is screenshotted offscreen by the CLI
(`python -m app.cli DESIGN --screenshot PNG --size WxH`) and read by tesseract.
A name counts as read when its first 14 letters/digits appear contiguously in tesseract's text
(case and punctuation ignored). --layout N also re-lays out the first N templates from stripped
positions (every position 0,0; `python -m app.cli layout`) and measures those.
Prints a table design x size -> read/total and the overall figure next to the 90% target;
no pass/fail exit. Exits 0 with a message when tesseract is missing.
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


def screenshot(design: Path, png: Path, size: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=false")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as home:  # a new user's settings: light theme, default docks
        env.update(HOME=home, XDG_CONFIG_HOME=str(Path(home) / ".config"))
        cmd = [sys.executable, "-m", "app.cli", str(design), "--screenshot", str(png), "--size", size]
        subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True)


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
        print(f"{'design':<{label_w}}" + "".join(f"{s:>14}" for s in args.sizes))
        total_read = total = 0
        worst = 1.0
        for design in designs:
            names = names_of(design)
            row = f"{design.stem:<{label_w}}"
            missed_all: list[str] = []
            for size in args.sizes:
                png = shots / f"{design.stem}-{size}.png"
                screenshot(design, png, size)
                found = read_names(names, ocr(png))
                total_read += len(found)
                total += len(names)
                share = len(found) / len(names) if names else 1.0
                worst = min(worst, share)
                row += f"{len(found):>6}/{len(names):<3} {share:4.0%}"
                missed_all += [f"{size}: {n}" for n in names if n not in found]
            print(row, flush=True)
            if args.missed and missed_all:
                print("    missed: " + "; ".join(missed_all))
    overall = total_read / total if total else 1.0
    print(
        f"overall {total_read}/{total} = {overall:.1%} "
        f"(target {TARGET:.0%} on every run; worst run {worst:.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
