"""Names in every script, and bidi controls that never leak, in every export.

The design has names in Arabic, Hebrew, Chinese, Japanese, Korean and emoji, and names holding
an RLO (U+202E) and an LRI (U+2066) without their terminators. Each export must carry every
name, leave no bidi control unclosed, and (PNG, PDF) draw real glyphs.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.domain.text import balance_bidi, isolate, strip_bidi
from app.export import report_bytes, to_dot, to_mermaid
from app.export.dot import to_png, to_svg
from app.export.renderer import Renderer, fit_wide_text, render
from app.export.report.fonts import draw_text, markup, report_fonts, shaped_runs
from app.export.report.shaping import visual_line
from app.fonts import BY_SCRIPT, font_files
from app.rules.engine import CheckResult, stage_coverage
from app.rules.formats import format_text
from app.rules.model import Finding
from tests.export.conftest import RENDERERS
from tests.export.pdfread import outline, reader, text_of
from tests.export.svgtext import SVG, node_texts
from tests.factories import DesignBuilder

ARABIC, HEBREW = "نموذج التوصية", "מודל דירוג"
CHINESE, JAPANESE, KOREAN = "推荐模型", "推薦モデル", "추천 모델"
EMOJI = "🚀 Ranker 🤖"
RLO_NAME = "evil\u202eabc def"  # an override never closed: must not reverse what follows
LRI_NAME = "iso\u2066late x"  # an isolate never closed
NAMES = [ARABIC, HEBREW, CHINESE, JAPANESE, KOREAN, EMOJI, RLO_NAME, LRI_NAME]
SHOWN = [strip_bidi(balance_bidi(name)) for name in NAMES]  # what a reader sees of each
RTL = (ARABIC, HEBREW)
OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"}
ISOLATE_OPENERS = {"\u2066", "\u2067", "\u2068"}
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def unbalanced(text: str) -> list[str]:
    """Problems of one label/line: an LRE/RLE/LRO/RLO not closed by PDF or an LRI/RLI/FSI not
    closed by PDI within it, or a closer with nothing open."""
    stack: list[str] = []
    problems = []
    for ch in text:
        if ch in OPENERS:
            stack.append("e")
        elif ch in ISOLATE_OPENERS:
            stack.append("i")
        elif ch == "\u202c":
            if not stack or stack[-1] != "e":
                problems.append("PDF closes nothing")
            else:
                stack.pop()
        elif ch == "\u2069":
            if not stack or stack[-1] != "i":
                problems.append("PDI closes no isolate (or an embedding is left open inside it)")
            else:
                stack.pop()
    problems.extend(f"{'embedding' if kind == 'e' else 'isolate'} left open" for kind in stack)
    return problems


def scripts_design(catalog):
    b = DesignBuilder(catalog, title=EMOJI)
    kinds = ["business_objective", "data_source", "feature_pipeline", "model", "endpoint", "monitor"]
    kinds += ["metric", "dataset"]
    for index, (kind, name) in enumerate(zip(kinds, NAMES, strict=True)):
        b.add(kind, name, id=f"c{index}", technology=f"{name} tech")
    b.link("c1", "c7", label=RLO_NAME)
    b.link("c7", "c2", label=ARABIC)
    b.link("c2", "c3")
    b.link("c3", "c4")
    b.link("c5", "c4", flow="watch")
    b.link("c6", "c0", flow="proxy")
    return b.design


@pytest.fixture
def design(catalog):
    return scripts_design(catalog)


@pytest.fixture
def result(design, catalog):
    findings = [
        Finding(
            rule="R35",
            severity="error",
            stage="monitoring",
            title="Check it",
            message=f"Component {c.name} needs attention, after it comes more text",
            components=(c.id,),
            suggestion="Fix it",
        )
        for c in design.components
    ]
    return CheckResult(findings=findings, coverage=stage_coverage(design, catalog), rules_checked=[])


# ---- the bidi safety functions ------------------------------------------------------------


def test_unclosed_controls_are_dropped_and_balanced_pairs_kept():
    assert balance_bidi("a\u202ebc") == "abc"
    assert balance_bidi("a\u202ebc\u202cd") == "a\u202ebc\u202cd"
    assert balance_bidi("x\u202cy\u2069z") == "xyz"  # closers with nothing open
    assert balance_bidi("\u2067a\u202bb\u2069c") == "\u2067ab\u2069c"  # the PDI would close the RLE
    assert balance_bidi("a\u202eb\nc\u202c") == "ab\nc"  # a newline ends every control
    assert strip_bidi("\u2068a\u202eb\u202c\u2069\u200f") == "ab\u200f"  # marks stay


def test_isolate_wraps_only_text_that_can_reorder():
    assert isolate("plain name") == "plain name"
    assert isolate(ARABIC) == f"\u2068{ARABIC}\u2069"
    assert isolate(RLO_NAME) == "\u2068evilabc def\u2069"
    assert not unbalanced(isolate(LRI_NAME))


# ---- DOT, Mermaid, CLI text ---------------------------------------------------------------


def test_dot_labels_carry_every_name_without_bidi_controls(design, catalog):
    source = to_dot(design, catalog)
    for name in SHOWN:
        assert name in source, name
    assert not CONTROLS.search(source)


def test_mermaid_labels_isolate_names(design, catalog):
    text = to_mermaid(design, catalog)
    for name in SHOWN:
        assert name in text, name
    assert f"\u2068{ARABIC}\u2069" in text and f"\u2068{HEBREW}\u2069" in text
    assert "\u202e" not in text and "\u2066" not in text  # the unclosed controls are dropped
    for line in text.splitlines():
        assert not unbalanced(line), line


def test_cli_text_keeps_controls_inside_each_name(design, catalog, result):
    text = format_text(result, design, catalog, "design.mlsd")
    for name in SHOWN:
        assert name in text, name
    for line in text.splitlines():
        assert not unbalanced(line), line
    assert "\u202e" not in text  # the unclosed override is gone


# ---- SVG and PNG, with each renderer ------------------------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_svg_text_nodes_carry_every_name(renderer: Renderer, design, catalog, monkeypatch):
    monkeypatch.setenv("MLSD_DOT", renderer.path)
    svg = to_svg(design, catalog)
    texts = node_texts(svg)
    for index, name in enumerate(SHOWN):
        assert name in texts[f"n{index}"], (name, texts[f"n{index}"])
    for node in ET.fromstring(svg).iter(f"{SVG}text"):
        assert not CONTROLS.search("".join(node.itertext()))


def _pixels(png: bytes) -> bytes:
    return Image.open(io.BytesIO(png)).convert("L").tobytes()


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize(
    ("script", "first", "second"),
    [
        ("arabic", "نموذج", "تصنيف"),
        ("hebrew", "מודל", "דירוג"),
        ("chinese", "推荐模型", "召回排序"),
        ("japanese", "モデル", "ランク"),
        ("korean", "추천모델", "랭킹모델"),
        ("emoji", "🚀🤖", "🧭🎯"),
    ],
)
def test_png_draws_real_glyphs(renderer: Renderer, script: str, first: str, second: str):
    """Two different words of a script draw differently, and unlike characters no font has
    (drawn as identical .notdef boxes): the glyphs are real."""

    def png(label: str) -> bytes:
        source = f'digraph G {{ node [shape=box fontname="Helvetica"]; a [label="{label}"]; }}'
        return _pixels(render(source, "png", renderer=renderer))

    tofu = png("\ue000" * len(first))
    one, two = png(first), png(second)
    assert one != two, f"{script}: two different words drew the same pixels"
    assert one != tofu, f"{script}: drawn as missing-glyph boxes"


@pytest.mark.parametrize("renderer", RENDERERS)
def test_png_of_the_design(renderer: Renderer, design, catalog, monkeypatch):
    monkeypatch.setenv("MLSD_DOT", renderer.path)
    image = Image.open(io.BytesIO(to_png(design, catalog)))
    assert image.width > 200 and image.height > 100


def test_wide_characters_are_drawn_at_the_size_graphviz_pure_laid_out():
    svg = '<text x="1" font-family="Helvetica" font-size="12.00">ab 推荐 c 🚀</text>'
    fitted = fit_wide_text(svg)
    assert fitted.count('<tspan font-size="10.00">') == 2
    assert "".join(ET.fromstring(fitted).itertext()) == "ab 推荐 c 🚀"


def test_shipped_fonts_cover_every_name():
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in font_files():
        covered |= set(TTFont(str(path), lazy=True).getBestCmap())
    for name in SHOWN:
        missing = [ch for ch in name if ord(ch) not in covered]
        assert not missing, (name, missing)


# ---- PDF ----------------------------------------------------------------------------------


def _fonts_and_chars(data: bytes) -> dict[str, set[str]]:
    """BaseFont (subset prefix removed) -> characters drawn in it, from the ToUnicode maps of
    every font on every page and in every form XObject (the diagrams)."""
    found: dict[str, set[str]] = {}

    def walk(resources: object) -> None:
        resources = resources.get_object() if resources is not None else {}
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont")).lstrip("/").split("+")[-1]
            chars = found.setdefault(name, set())
            if "/ToUnicode" in font:
                cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
                entries = cmap.split("beginbfchar")[-1].split("endbfchar")[0]
                for value in re.findall(r"<[0-9A-F]+> <([0-9A-F]+)>", entries):
                    text = bytes.fromhex(value).decode("utf-16-be")
                    chars.update(ch for ch in text if ch != "\x00")
        for ref in resources.get("/XObject", {}).values():
            walk(ref.get_object().get("/Resources"))

    for page in reader(data).pages:
        walk(page.get("/Resources"))
    return found


def _registered_faces() -> dict[str, set[int]]:
    faces: dict[str, set[int]] = {}
    for font_name in pdfmetrics.getRegisteredFontNames():
        face = getattr(pdfmetrics.getFont(font_name), "face", None)
        if face is not None and hasattr(face, "charToGlyph"):
            name = face.name.decode() if isinstance(face.name, bytes) else str(face.name)
            faces[name] = set(face.charToGlyph)
    return faces


@pytest.mark.parametrize("figures", [True, False], ids=["with-figures", "text-only"])
def test_pdf_text_has_every_name_shaped_in_the_shipped_fonts(design, catalog, result, figures):
    pdf = report_bytes(design, result, catalog, diagram_error=None if figures else "no figures")
    text = unicodedata.normalize("NFKC", text_of(pdf))
    for name in RTL:  # drawn in visual order (pypdf's extraction turns it back to logical order)
        assert unicodedata.normalize("NFKC", visual_line(name)) == name[::-1]
    for name in SHOWN:
        assert name in text, name
    assert not CONTROLS.search(text_of(pdf))
    assert re.search("[\ufe70-\ufeff]", text_of(pdf)), "Arabic is not in its joined presentation forms"
    fonts = _fonts_and_chars(pdf)
    for script in ("arabic", "hebrew", "cjk", "emoji"):
        expected = {"arabic": "NotoSansArabic", "hebrew": "NotoSansHebrew", "cjk": "MLSDSansCJK"}.get(
            script, "NotoEmoji"
        )
        assert any(name.startswith(expected) for name in fonts), (script, sorted(fonts))
        assert BY_SCRIPT[script].path().is_file()
    for char, font_prefix in (("ﻧ", "NotoSansArabic"), ("ד", "NotoSansHebrew"), ("추", "MLSDSansCJK")):
        holders = [name for name, chars in fonts.items() if char in chars]
        assert holders and all(h.startswith(font_prefix) for h in holders), (char, holders)
    assert any("🚀" in chars for name, chars in fonts.items() if name.startswith("NotoEmoji"))


def _drawn_text_by_font(data: bytes) -> dict[str, str]:
    """BaseFont (subset prefix removed) -> the text drawn in it, through pypdf's text visitor
    (every text-showing operator with its font)."""
    drawn: dict[str, str] = {}

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if font is not None and text:
            name = str(font.get("/BaseFont")).lstrip("/").split("+")[-1]
            drawn[name] = drawn.get(name, "") + text

    for page in reader(data).pages:
        page.extract_text(visitor_text=visit)
    return drawn


def test_pdf_uses_no_notdef_glyph(design, catalog, result):
    pdf = report_bytes(design, result, catalog)  # with its figures, drawn by the report itself
    faces = _registered_faces()
    drawn = _drawn_text_by_font(pdf)
    assert any(name.startswith("NotoEmoji") for name in drawn) and any(
        name.startswith("MLSDSansCJK") for name in drawn
    )
    for name, text in drawn.items():
        if name not in faces:  # a standard Type 1 font (Helvetica): no embedded glyphs to miss
            continue
        missing = {ch for ch in text if ord(ch) not in faces[name] and not ch.isspace()}
        assert not missing, (name, missing)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdftotext_reads_the_cjk_and_emoji_names(design, catalog, result, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes(design, result, catalog, diagram_error="not needed"))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    for name in (CHINESE, JAPANESE, KOREAN, "Ranker", "evilabc def"):
        assert name in out, name


def test_a_character_no_font_has_becomes_a_visible_replacement():
    runs = shaped_runs("\U00010400 \U0001d11e")  # Deseret, a musical symbol: in no shipped font
    assert "".join(text for _font, text in runs).count("\ufffd") >= 1
    assert all(text.strip() or text == " " for _font, text in runs)
    for font, text in runs:
        face = pdfmetrics.getFont(font).face
        assert all(ord(ch) in face.charToGlyph for ch in text), (font, text)


def test_draw_text_fits_shapes_and_never_draws_blank():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    width = draw_text(canvas, EMOJI, 100, 700, 14)
    assert width > 0
    narrow = draw_text(canvas, ARABIC + " " + CHINESE * 5, 300, 600, 14, max_width=80, anchor="middle")
    assert 0 < narrow <= 80.01
    draw_text(canvas, RLO_NAME + " and after", 100, 500, 12)
    canvas.showPage()
    canvas.save()
    raw = text_of(buffer.getvalue())
    text = unicodedata.normalize("NFKC", raw)
    assert EMOJI in text and "evilabc def and after" in text
    assert "…" in raw  # the too-long line was cut
    assert not CONTROLS.search(text)


def test_paragraph_markup_escapes_and_orders_each_piece_on_its_own():
    fonts = report_fonts()
    value = markup(f"<b>{HEBREW}</b> & {RLO_NAME}", fonts)
    assert "&lt;b&gt;" in value and "&amp;" in value
    assert "\u202e" not in value
    assert HEBREW[::-1] in value


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig's fc-list is not installed")
def test_system_dot_sees_the_shipped_fonts_through_fontconfig():
    from app.export.renderer import fontconfig_file

    config = fontconfig_file()
    assert config is not None and config.is_file()
    env = {"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, env=env, check=True).stdout.decode()
    for script in ("arabic", "hebrew", "cjk", "emoji"):
        assert BY_SCRIPT[script].family in out, script


def test_a_long_right_to_left_note_is_cut_into_lines_in_reading_order():
    from app.export.report.shaping import RTL_CHUNK, visual_lines

    note = " ".join([HEBREW] * 12)  # 131 characters of Hebrew
    lines = visual_lines(note)
    assert len(lines) >= 3 and all(len(line) <= RTL_CHUNK for line in lines)
    assert " ".join(line[::-1] for line in lines) == note  # each line reversed back: the note
    assert visual_lines("short " * 30) == ["short " * 30]  # left-to-right text is not cut
    assert "<br/>" not in markup(note, newlines=False)


def test_pdf_outline_and_metadata_close_every_bidi_control(design, catalog, result):
    """Bookmarks and the title, author and subject are shown beside other text (the viewer's
    title bar, its bookmark pane): an RLO left open there reversed what follows it."""
    design.meta.title = "Plan \u202eRLO and \u2066LRI"
    design.meta.author = RLO_NAME
    design.meta.problem = LRI_NAME + " then more"
    pdf = report_bytes(design, result, catalog, diagram_error="not needed")
    titles = [title for _level, title, _page in outline(pdf)]
    assert "evilabc def" in titles and "isolate x" in titles
    meta = reader(pdf).metadata
    shown = [*titles, meta.title, meta.author, meta.subject]
    assert [text for text in shown if unbalanced(text)] == []
    assert (meta.title, meta.author, meta.subject) == (
        "Plan RLO and LRI",
        "evilabc def",
        "ML system design: isolate x then more",
    )
