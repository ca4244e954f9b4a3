"""graphviz-pure's two ways to a PNG (its own drawing for Latin text, resvg over its SVG for
any other) give images of the same size as the system dot's, and alike."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image, ImageChops, ImageStat

import app.export.renderer as renderer_module
from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export import to_png
from app.export.renderer import BUILT_IN_GLYPHS, ENV_DOT, which_tool

PURE = which_tool("graphviz-pure")
DOT = shutil.which("dot")
needs_pure = pytest.mark.skipif(not PURE, reason="the graphviz-pure executable is not installed")
NEVER = re.compile("(?!)")  # matches nothing: every graph goes through resvg


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_built_in_glyphs_are_latin_only() -> None:
    assert BUILT_IN_GLYPHS.fullmatch("a [label=<<B>Café – “Łódź” … 10 €</B>>];\n")
    for text in ("推荐", "نموذج", "מודל", "🚀", "Ω", "\ue000"):
        assert not BUILT_IN_GLYPHS.fullmatch(f'a [label="ok {text}"];'), text


@needs_pure
@pytest.mark.parametrize("options", [{}, {"scale": 0.5}, {"layout": "graphviz"}])
def test_pure_png_drawn_either_way_is_the_same_image(
    recommender: Design, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, options: dict[str, object]
) -> None:
    monkeypatch.setenv(ENV_DOT, str(PURE))
    direct = _image(to_png(recommender, catalog, **options))  # type: ignore[arg-type]
    monkeypatch.setattr(renderer_module, "BUILT_IN_GLYPHS", NEVER)
    through_svg = _image(to_png(recommender, catalog, **options))  # type: ignore[arg-type]
    assert direct.size == through_svg.size
    difference = ImageStat.Stat(ImageChops.difference(direct, through_svg).convert("L"))
    assert difference.mean[0] < 2.0  # of 255: anti-aliasing only, the drawing is the same
    assert ImageStat.Stat(direct.convert("L")).stddev[0] > 10  # and it is a drawing, not a blank


@needs_pure
@pytest.mark.skipif(not DOT, reason="the system Graphviz `dot` is not installed")
@pytest.mark.parametrize("latin", [True, False])
def test_pure_png_has_the_size_of_the_system_dots(
    recommender: Design, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, latin: bool
) -> None:
    monkeypatch.setenv(ENV_DOT, str(DOT))
    by_dot = _image(to_png(recommender, catalog))
    monkeypatch.setenv(ENV_DOT, str(PURE))
    if not latin:
        monkeypatch.setattr(renderer_module, "BUILT_IN_GLYPHS", NEVER)
    by_pure = _image(to_png(recommender, catalog))
    assert by_pure.size == by_dot.size
