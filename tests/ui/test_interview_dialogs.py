"""Interview mode's parts: the session clock, the start and compare dialogs, template
thumbnails and the README screenshots."""

from __future__ import annotations

import os

import pytest
from PySide6.QtGui import QImage

from app.domain.catalog import default_catalog
from app.domain.model import Design
from app.persistence import load_design
from app.rules.compare import compare_designs
from app.templates import find_template, list_templates
from app.ui import template_dialog
from app.ui.interview import start_dialog
from app.ui.interview.compare import CompareDialog, comparison_html
from app.ui.interview.screenshot import partial_components
from app.ui.interview.session import (
    EXPIRED,
    FINISHED,
    InterviewSession,
    InterviewSetup,
    format_clock,
    urgency,
)
from app.ui.interview.start_dialog import StartInterviewDialog, title_from_problem
from app.ui.main import run_app
from app.ui.main_window import open_windows
from app.ui.template_dialog import TemplateDialog, template_thumbnail
from tests.ui.test_interview import FakeClock

# ---- the session ---------------------------------------------------------------------------


def test_clock_format_and_urgency():
    assert format_clock(45 * 60) == "45:00"
    assert format_clock(1661) == "27:41"
    assert format_clock(0.2) == "00:01" and format_clock(0) == "00:00" and format_clock(-3) == "00:00"
    assert format_clock(59.9, round_up=False) == "00:59"
    assert format_clock(100 * 60) == "100:00"
    assert urgency(10 * 60 + 1) == "normal" and urgency(600) == "amber" and urgency(301) == "amber"
    assert urgency(300) == "red" and urgency(0) == "red"


def test_session_bookkeeping_with_a_fake_clock(qtbot):
    clock = FakeClock()
    session = InterviewSession(InterviewSetup("P", "T", 10), clock, tick_ms=10_000)
    ticks: list[float] = []
    session.tick.connect(ticks.append)
    session.start()
    assert ticks == [600.0] and session.is_active()
    clock.advance(120)
    session.pause()
    clock.advance(1000)
    session.resume()
    clock.advance(60)
    session.poll()
    assert session.elapsed() == pytest.approx(180) and ticks[-1] == pytest.approx(420)
    with qtbot.waitSignal(session.expired, timeout=1000):
        clock.advance(1000)
        session.poll()
    assert session.state == EXPIRED and session.remaining() == 0 and session.elapsed() == 600
    session.finish()  # nothing left to finish
    assert session.state == EXPIRED
    rows = dict(session.summary_rows())
    assert rows["Problem"] == "T" and rows["Time"] == "10:00 of 10:00 (time is up)" and "Started" in rows


def test_finishing_early_keeps_the_elapsed_time(qtbot):
    clock = FakeClock()
    session = InterviewSession(InterviewSetup("P", "T"), clock)
    assert session.duration == 45 * 60 and dict(session.summary_rows())["Time"].endswith("(not started)")
    session.start()
    clock.advance(61.5)
    session.finish()
    clock.advance(100)
    assert session.state == FINISHED and session.elapsed() == pytest.approx(61.5)
    assert dict(session.summary_rows())["Time"] == "01:01 of 45:00 (finished early)"


# ---- the start dialog ----------------------------------------------------------------------


def test_start_dialog_offers_the_templates_problems(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    templates = list_templates()
    assert dialog.list.count() == len(templates) + 1
    first = templates[0]
    setup = dialog.setup()
    assert setup == InterviewSetup(first.problem, first.title, 45, template=first.name)
    assert dialog.select_template("eta_prediction")
    eta = find_template("eta_prediction")
    assert dialog.setup().problem == eta.problem and dialog.title_edit.text() == eta.title
    dialog.minutes.setValue(30)
    assert dialog.setup().minutes == 30


def test_start_dialog_with_a_typed_problem(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    assert dialog.problem_edit.toPlainText() == "" and not dialog.start_button.isEnabled()
    dialog.problem_edit.setPlainText("Predict which telco customers will churn next month. Scale: 5M users.")
    assert dialog.title_edit.text() == "Predict which telco customers will churn next month"
    assert dialog.start_button.isEnabled()
    setup = dialog.setup()
    assert setup.template is None and setup.problem.startswith("Predict which telco")
    dialog.title_edit.setText("Telco churn")
    dialog.problem_edit.setPlainText("Predict churn. Again.")
    assert dialog.title_edit.text() == "Telco churn"  # a title the user typed stays


def test_editing_a_templates_problem_makes_it_your_own_and_keeps_the_title(qtbot):
    dialog = StartInterviewDialog()
    qtbot.addWidget(dialog)
    title = dialog.title_edit.text()
    dialog.problem_edit.setPlainText(dialog.problem_edit.toPlainText() + " Also: mobile only.")
    assert dialog.chosen_template() is None and dialog.title_edit.text() == title
    assert dialog.setup().template is None


def test_title_from_problem():
    assert title_from_problem("Rank search results. Users: 10M.") == "Rank search results"
    long = "Build a system that " + "really " * 20 + "works"
    title = title_from_problem(long)
    assert title.endswith("…") and len(title) <= 61 and not title.startswith(" ")


# ---- the comparison dialog ----------------------------------------------------------------


def test_compare_an_empty_interview_design_with_its_template(windows, monkeypatch):  # noqa: F811
    window = windows()
    setup = InterviewSetup("Rank videos", "Recs", 45, template="recommendations")
    monkeypatch.setattr(start_dialog, "ask_interview_setup", lambda parent=None: setup)
    window.interview.start_interview()
    dialog = window.interview.compare_with_template()
    assert dialog.isVisible() and dialog.chosen().name == "recommendations"
    assert all(c.missing and not c.shared for c in dialog.comparisons)
    assert len(dialog.comparisons) == 6
    assert dialog.mine_strip.covered_stages() == [] and len(dialog.theirs_strip.covered_stages()) == 6
    text = dialog.details.toPlainText()
    assert "Missing Monitor" in text and "template has" in text
    assert "lacks, in 6 of 6 stages" in dialog.summary.text()


def test_a_template_compared_with_itself_lacks_nothing(qtbot):
    catalog = default_catalog()
    design = load_design(find_template("spam_filter").path, catalog).design
    dialog = CompareDialog(design, catalog, initial="spam_filter")
    qtbot.addWidget(dialog)
    assert all(c.complete for c in dialog.comparisons)
    assert dialog.summary.text() == "Your design has every kind of component the template has."
    assert "Missing" not in dialog.details.toPlainText()
    dialog.picker.setCurrentIndex(dialog.picker.findData("recommendations"))
    assert dialog.chosen().name == "recommendations" and dialog.template_design is not None


def test_comparison_html_escapes_names(catalog, builder):
    builder.add("monitor", "<b>drift</b> & co")
    html = comparison_html(compare_designs(Design(), builder.design, catalog))
    assert "<b>drift</b>" not in html
    assert "template: &lt;b&gt;drift&lt;/b&gt; &amp; co" in html


# ---- template thumbnails -------------------------------------------------------------------


def test_template_thumbnails_are_drawn_by_the_canvas_and_cached(qtbot, tmp_path, builder):
    source = find_template("recommendations").path
    image = template_thumbnail(source)
    assert image is not None and not image.isNull()
    assert (image.width(), image.height()) == (640, 400) and image.devicePixelRatio() == 2
    colors = {image.pixel(x, y) for x in range(0, 640, 16) for y in range(0, 400, 16)}
    assert len(colors) > 5  # cards in several stage colours, not a blank picture
    assert template_thumbnail(source) is image  # cached
    path = tmp_path / "mine.mlsd"
    path.write_bytes(source.read_bytes())
    first = template_thumbnail(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert template_thumbnail(path) is not first  # a changed file gets a new picture
    broken = tmp_path / "broken.mlsd"
    broken.write_text("{", encoding="utf-8")
    assert template_thumbnail(broken) is None and template_thumbnail(tmp_path / "missing.mlsd") is None


def test_template_dialog_shows_a_thumbnail_per_template(qtbot):
    dialog = TemplateDialog()
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(list_templates())
    for row in range(dialog.list.count()):
        assert not dialog.list.item(row).icon().isNull()
    pixmap = dialog.preview.pixmap()
    assert pixmap is not None and not pixmap.isNull()
    assert dialog.preview.size() == template_dialog.THUMB_SIZE


# ---- the README screenshots -----------------------------------------------------------------


def test_partial_design_lights_some_stages_and_not_others():
    catalog = default_catalog()
    design = load_design(find_template("recommendations").path, catalog).design
    components, links = partial_components(design, catalog)
    stages = {catalog.stage_of(c.kind) for c in components}
    assert 0.35 * len(design.components) <= len(components) <= 0.45 * len(design.components)
    assert "business" in stages and "monitoring" not in stages
    ids = {c.id for c in components}
    assert links and all(lk.source in ids and lk.target in ids for lk in links)


def test_interview_screenshots(qtbot, tmp_path):
    window_png, rubric_png = tmp_path / "interview.png", tmp_path / "rubric.png"
    args = ["--screenshot", str(window_png), "--interview", "recommendations"]
    assert run_app([*args, "--rubric-screenshot", str(rubric_png)]) == 0
    assert QImage(str(window_png)).size().toTuple() == (1600, 1000)
    rubric = QImage(str(rubric_png))
    assert not rubric.isNull() and rubric.width() == 760 and 360 <= rubric.height() <= 900
    assert open_windows() == []


def test_interview_screenshot_of_an_unknown_template_exits_2(qtbot, tmp_path, capsys):
    out = tmp_path / "never.png"
    assert run_app(["--screenshot", str(out), "--interview", "nope"]) == 2
    assert "no template named 'nope'" in capsys.readouterr().err and not out.exists()
