"""run_app, exports and templates from the window."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QImage

import app.export
from app.persistence import load_design
from app.templates import scan_templates
from app.ui import template_dialog
from app.ui.main import run_app
from app.ui.main_window import open_windows
from app.ui.template_dialog import TemplateDialog
from tests.ui.windows import WindowFactory


def test_screenshot_writes_a_1600_by_1000_png(qtbot, design_file, tmp_path):
    out = tmp_path / "window.png"
    assert run_app([str(design_file), "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1600, 1000)
    assert open_windows() == []


def test_screenshot_of_the_bundled_example(qtbot, tmp_path):
    out = tmp_path / "example.png"
    assert run_app(["--screenshot", str(out)]) == 0
    assert QImage(str(out)).size().toTuple() == (1600, 1000)


def test_screenshot_of_a_bad_file_exits_2(qtbot, tmp_path, capsys):
    bad = tmp_path / "bad.mlsd"
    bad.write_text("{", encoding="utf-8")
    out = tmp_path / "never.png"
    assert run_app([str(bad), "--screenshot", str(out)]) == 2
    assert "bad.mlsd" in capsys.readouterr().err
    assert not out.exists()
    assert run_app([str(tmp_path / "missing.mlsd"), "--screenshot", str(out)]) == 2


def test_a_screenshot_that_cannot_be_saved_leaves_the_file_as_it_was(qtbot, design_file, tmp_path, capsys):
    """`--screenshot design.mlsd` (or any name Qt has no format for) truncated the existing file
    to 0 bytes and then said 'could not write' (exit 1)."""
    before = design_file.read_bytes()
    assert run_app([str(design_file), "--screenshot", str(design_file)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"mlsd-studio: {design_file}: cannot save a picture as '.mlsd'; end the name in .png or .jpg"
    )
    assert design_file.read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    assert run_app([str(design_file), "--screenshot", str(notes)]) == 2
    assert notes.read_text(encoding="utf-8") == "keep me"
    assert open_windows() == []


def test_bad_arguments_exit_2(qtbot, capsys):
    assert run_app(["--no-such-option"]) == 2


# ---- exports -------------------------------------------------------------------------------


def test_export_mermaid_and_dot(qtbot, windows, fake_dialogs, design_file, tmp_path):
    window = windows()
    window.files.open(design_file)
    fake_dialogs.answer("get_save_path", str(tmp_path / "d.mmd"), str(tmp_path / "d.dot"))
    with qtbot.waitSignal(window.exports.export_finished, timeout=30_000):
        assert window.exports.export_diagram("mermaid") == str(tmp_path / "d.mmd")
    assert "Ranker" in (tmp_path / "d.mmd").read_text(encoding="utf-8")
    with qtbot.waitSignal(window.exports.export_finished, timeout=30_000):
        assert window.exports.export_diagram("dot") == str(tmp_path / "d.dot")
    assert "digraph" in (tmp_path / "d.dot").read_text(encoding="utf-8")
    suggested = fake_dialogs.args("get_save_path")[2]
    assert suggested.endswith(".mmd")


def test_export_design_document_as_markdown(qtbot, windows, fake_dialogs, design_file, tmp_path):
    window = windows()
    window.files.open(design_file)
    assert window.actions.export_diagram["md"].text() == "Design document as Markdown…"
    fake_dialogs.answer("get_save_path", str(tmp_path / "d.md"))
    with qtbot.waitSignal(window.exports.export_finished, timeout=30_000):
        assert window.exports.export_diagram("md") == str(tmp_path / "d.md")
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert "## Design by stage" in text and "```mermaid" in text and "Ranker" in text


def test_export_error_is_shown(qtbot, windows, fake_dialogs, tmp_path, monkeypatch):
    window = windows()

    def broken(*args, **kwargs):
        raise app.export.RenderError("Graphviz is not installed")

    monkeypatch.setattr(app.export, "to_svg", broken)
    fake_dialogs.answer("get_save_path", str(tmp_path / "d.svg"))
    with qtbot.waitSignal(window.exports.export_failed, timeout=30_000):
        assert window.exports.export_diagram("svg") == str(tmp_path / "d.svg")
    title, text = fake_dialogs.args("show_error")[1:]
    assert "Graphviz is not installed" in text
    assert not (tmp_path / "d.svg").exists()


def test_canvas_image_export(qtbot, windows, fake_dialogs, design_file, tmp_path):
    window = windows()
    window.files.open(design_file)
    fake_dialogs.answer("get_save_path", str(tmp_path / "canvas.png"))
    with qtbot.waitSignal(window.exports.export_finished, timeout=30_000):
        assert window.exports.export_canvas_image("png")
    assert not QImage(str(tmp_path / "canvas.png")).isNull()


def test_report_is_built_off_the_ui_thread(qtbot, windows, fake_dialogs, design_file, tmp_path, monkeypatch):
    import threading

    window = windows()
    window.files.open(design_file)
    seen = {}

    def fake_report(design, out_path, result=None, catalog=None, extra_sections=None, design_bytes=None):
        seen["thread"] = threading.current_thread() is threading.main_thread()
        seen["result"] = result
        seen["copy"] = design is not window.document.design
        Path(out_path).write_bytes(b"%PDF-1.4 fake")

    monkeypatch.setattr(app.export, "build_report", fake_report)
    fake_dialogs.answer("get_save_path", str(tmp_path / "report.pdf"))
    with qtbot.waitSignal(window.exports.report_finished, timeout=10_000) as blocker:
        assert window.exports.export_report() == str(tmp_path / "report.pdf")
        assert window.exports.progress is not None
    assert blocker.args == [str(tmp_path / "report.pdf")]
    assert seen == {"thread": False, "result": window.checker.result, "copy": True}
    assert window.exports.progress is None


def test_report_failure_is_shown(qtbot, windows, fake_dialogs, tmp_path, monkeypatch):
    window = windows()

    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(app.export, "build_report", failing)
    fake_dialogs.answer("get_save_path", str(tmp_path / "report.pdf"))
    with qtbot.waitSignal(window.exports.report_failed, timeout=10_000):
        window.exports.export_report()
    assert "disk full" in fake_dialogs.args("show_error")[2]


# ---- templates --------------------------------------------------------------------------


def test_template_dialog_lists_templates_and_shows_an_empty_state(qtbot, tmp_path, builder):
    folder = tmp_path / "templates"
    folder.mkdir()
    empty = TemplateDialog(folder=folder)
    qtbot.addWidget(empty)
    assert empty.is_empty() and "No templates found" in empty.empty.text()
    data = builder.design.to_json_data()
    data["meta"]["title"] = "Spam filter"
    data["meta"]["problem"] = "Keep spam out of inboxes."
    data["template"] = {"name": "spam", "summary": "Classify messages"}
    (folder / "spam.mlsd").write_text(json.dumps(data), encoding="utf-8")
    (folder / "broken.mlsd").write_text("{", encoding="utf-8")
    entries = scan_templates(folder)
    assert [e.title for e in entries] == ["Spam filter", "broken"]
    assert entries[0].summary == "Classify messages" and entries[1].error
    dialog = TemplateDialog(folder=folder)
    qtbot.addWidget(dialog)
    assert not dialog.is_empty()
    assert dialog.selected_path() == folder / "spam.mlsd"
    assert dialog.problem.toPlainText() == "Keep spam out of inboxes."
    dialog.list.setCurrentRow(1)
    assert dialog.selected_path() is None  # a broken template cannot be chosen


def test_new_from_template_opens_an_untitled_copy(windows, fake_dialogs, monkeypatch):
    templates = scan_templates()
    assert templates, "no templates found: resources/templates is missing from this install"
    chosen = templates[0]
    monkeypatch.setattr(template_dialog, "choose_template", lambda parent=None: chosen.path)
    window = windows()
    target = window.files.new_from_template()
    assert target is window  # an unused window takes it
    assert window.document.path is None
    assert window.document.design.meta.title == chosen.title
    assert len(window.document.design.components) == len(load_design(chosen.path).design.components)
    assert "template" not in (window.document.design.model_extra or {})
    window.document.add_component("model", 0, 0)
    other = window.files.new_from_template()
    assert other is not window


def test_opening_a_file_cleans_stale_temp_files(windows, design_file, builder):
    stale = design_file.parent / f".{design_file.name}.999999-deadbeef.mlsd-tmp"
    stale.write_bytes(b"partial")
    window = windows()
    window.files.open(design_file)
    assert not stale.exists()


def test_run_app_opens_the_file_offers_recovery_and_restores_the_excepthook(
    qtbot, fake_dialogs, design_file, builder, monkeypatch
):
    import sys

    from PySide6.QtCore import QTimer

    from tests.ui.test_autosave import crash_leftover

    leftover = crash_leftover(builder.design)
    fake_dialogs.answer("ask_restore", "later")
    seen = {}

    def inspect_then_close():
        seen["paths"] = [w.document.path for w in open_windows()]
        seen["hook"] = type(sys.excepthook).__name__
        WindowFactory.close_all()

    hook = sys.excepthook
    QTimer.singleShot(300, inspect_then_close)
    assert run_app([str(design_file)]) == 0
    assert seen == {"paths": [design_file], "hook": "CrashHandler"}
    assert sys.excepthook is hook
    assert "ask_restore" in fake_dialogs.names() and leftover.exists()


def test_real_pdf_report_from_the_window(qtbot, windows, fake_dialogs, design_file, tmp_path):
    window = windows()
    window.files.open(design_file)
    out = tmp_path / "report.pdf"
    fake_dialogs.answer("get_save_path", str(out))
    with qtbot.waitSignal(window.exports.report_finished, timeout=60_000):
        window.exports.export_report()
        window.document.add_component("metric", 0, 0)  # the window stays usable meanwhile
    assert out.read_bytes().startswith(b"%PDF")
    assert "show_error" not in fake_dialogs.names()


def test_a_screenshot_place_that_cannot_be_written_is_refused_before_the_window(
    qtbot, design_file, tmp_path, capsys, monkeypatch
):
    """`--screenshot missing/x.png` built the window and the picture, then failed to write it;
    `--screenshot -` at a terminal filled it with PNG bytes."""
    import sys

    out = tmp_path / "missing" / "x.png"
    assert run_app([str(design_file), "--screenshot", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"mlsd-studio: {out}: the folder {out.parent} does not exist"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert run_app([str(design_file), "--screenshot", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not writing a PNG to the terminal" in captured.err
    assert open_windows() == []
