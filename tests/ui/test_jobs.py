"""Nothing long on the UI thread: the job runner, exports and auto-layout on a worker thread,
with progress and Cancel, from a snapshot while the user goes on editing."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt

import app.export
import app.export.report as report_package
from app.export.markdown import to_markdown
from app.layout import layout_design
from app.persistence.atomic import TEMP_MARK
from app.progress import Cancelled, checkpoint
from app.ui.canvas import layout
from app.ui.document import DesignDocument
from app.ui.jobs import CANCELLED, DONE, FAILED, THREAD_PREFIX, JobRunner
from tests.export.pdfread import text_of
from tests.export.test_cancel import alive, slow_renderer
from tests.factories import large_design
from tests.ui.canvas_support import make_view


def job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]


def ended(qtbot, runner: JobRunner, start) -> str:
    """Call start() and wait for the runner's next job to end; its outcome."""
    seen: list[str] = []
    runner.ended.connect(lambda kind, state: seen.append(state))
    start()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    return seen[0]


# ---- the runner --------------------------------------------------------------------------------


def test_a_job_runs_off_the_ui_thread_and_reports_on_it(qtbot):
    runner = JobRunner()
    where: dict[str, bool] = {}

    def work() -> int:
        where["work on the UI thread"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value: int) -> None:
        where["result on the UI thread"] = threading.current_thread() is threading.main_thread()
        where["value"] = value == 42

    assert ended(qtbot, runner, lambda: runner.start("k", "Work", work, done)) == DONE
    assert where == {"work on the UI thread": False, "result on the UI thread": True, "value": True}
    assert not runner.busy("k") and job_threads() == []


def test_one_job_per_kind_and_failures_and_cancels_reach_their_callbacks(qtbot):
    runner = JobRunner()
    gate = threading.Event()
    calls: list[str] = []

    def waits() -> None:
        while not gate.wait(0.01):
            checkpoint()

    assert runner.start("export", "First", waits, calls.append, on_cancelled=lambda: calls.append("c"))
    assert runner.start("export", "Second", waits, calls.append) is None  # refused, not queued
    other = runner.start("layout", "Other kind", lambda: "fine", calls.append)
    assert other is not None  # different kinds run side by side
    assert ended(qtbot, runner, lambda: runner.cancel("export")) in (CANCELLED, DONE)
    qtbot.waitUntil(lambda: not runner.jobs, timeout=10_000)
    assert sorted(calls) == ["c", "fine"]

    def broken() -> None:
        raise ValueError("the engine said no")

    errors: list[BaseException] = []
    assert ended(qtbot, runner, lambda: runner.start("k", "B", broken, calls.append, errors.append)) == FAILED
    assert [str(e) for e in errors] == ["the engine said no"]
    gate.set()
    assert job_threads() == []


def test_a_result_that_arrives_after_cancel_is_dropped(qtbot):
    runner = JobRunner()
    results: list[str] = []
    release = threading.Event()

    def work() -> str:
        release.wait(5)
        return "late"  # no checkpoint after the cancel: the runner drops the result

    def start() -> None:
        runner.start("k", "Late", work, results.append, on_cancelled=lambda: results.append("cancelled"))
        assert runner.cancel("k")
        release.set()

    assert ended(qtbot, runner, start) == CANCELLED and results == ["cancelled"]


def test_the_status_bar_row_shows_progress_and_its_cancel_button_cancels(qtbot, windows):
    window = windows()
    runner, indicator = window.canvas.jobs, window.exports.indicator
    runner.show_after = 0.0
    gate = threading.Event()

    def work() -> None:
        checkpoint(0.4, "Halfway there")
        while not gate.wait(0.01):
            checkpoint()

    runner.start("export", "Exporting", work, lambda _: None)
    qtbot.waitUntil(lambda: "export" in indicator.rows and indicator.isVisible(), timeout=5_000)
    row = indicator.rows["export"]
    qtbot.waitUntil(lambda: row.label.text() == "Halfway there", timeout=5_000)
    assert row.bar.value() == 400 and row.cancel.isEnabled()
    with qtbot.waitSignal(runner.ended, timeout=10_000) as blocker:
        qtbot.mouseClick(row.cancel, Qt.MouseButton.LeftButton)
    assert blocker.args == ["export", CANCELLED]
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=5_000)
    gate.set()


# ---- exports -----------------------------------------------------------------------------------


@pytest.fixture
def big_window(windows, catalog):
    window = windows()
    window.document.reset(large_design(catalog, 300, 380))
    return window


@pytest.mark.parametrize("fmt", ["svg", "dot", "mermaid", "md"])
def test_worker_exports_equal_the_synchronous_ones(qtbot, big_window, fake_dialogs, tmp_path, fmt):
    if fmt == "svg" and not app.export.find_renderer():
        pytest.skip("no Graphviz renderer")
    window, target = big_window, tmp_path / f"out.{fmt}"
    doc, result = window.document, window.checker.check_now()
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.export_finished, timeout=60_000):
        assert window.exports.export_diagram(fmt) == str(target)
        assert window.exports.progress is not None
    if fmt == "mermaid":
        expected: str | bytes = app.export.to_mermaid(doc.design, doc.catalog)
    elif fmt == "md":
        expected = to_markdown(doc.design, result, doc.catalog)
    else:
        expected = {"svg": app.export.to_svg, "dot": app.export.to_dot}[fmt](doc.design, doc.catalog, result)
    expected = expected.encode("utf-8") if isinstance(expected, str) else expected
    assert target.read_bytes() == expected and len(expected) > 10_000
    assert window.exports.progress is None and job_threads() == []


def test_the_worker_report_equals_the_synchronous_one(qtbot, big_window, fake_dialogs, tmp_path):
    window, target = big_window, tmp_path / "report.pdf"
    doc = window.document
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.report_finished, timeout=120_000):
        window.exports.export_report()
    reference = tmp_path / "reference.pdf"
    app.export.build_report(doc.design, reference, result=window.checker.check_now(), catalog=doc.catalog)
    assert text_of(target.read_bytes()) == text_of(reference.read_bytes())
    assert "Appendix A" in text_of(target.read_bytes())


def test_editing_goes_on_while_an_export_runs_from_its_snapshot(qtbot, big_window, fake_dialogs, tmp_path):
    window, target = big_window, tmp_path / "doc.md"
    doc, result = window.document, window.checker.check_now()
    before = doc.design.model_copy(deep=True)
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.export_finished, timeout=60_000):
        window.exports.export_diagram("md")
        first = doc.design.components[0].id
        doc.set_component_field(first, "name", "Renamed while exporting")
        doc.add_component("model", 0, 0, "Added while exporting")
    text = target.read_text(encoding="utf-8")
    assert "while exporting" not in text
    assert text == to_markdown(before, result, doc.catalog)
    assert doc.component(first).name == "Renamed while exporting" and doc.undo_stack.count() == 2


@pytest.fixture
def check_threads(monkeypatch):
    """The name of the thread of every rule check (any engine, the document's or a worker's)."""
    from app.rules.engine import RuleEngine

    seen: list[str] = []
    original = RuleEngine.check

    def spy(self, *args, **kwargs):
        seen.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RuleEngine, "check", spy)
    return seen


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_a_stale_check_is_made_by_the_worker_never_on_the_ui_thread(
    qtbot, big_window, fake_dialogs, tmp_path, check_threads, fmt
):
    from app.rules.engine import check_design

    window = big_window
    doc = window.document
    window.checker.check_now()
    doc.set_component_field(doc.design.components[0].id, "name", "Edited just before the export")
    assert window.checker.pending()  # the live check has no result for this version yet
    before = doc.design.model_copy(deep=True)
    expected = check_design(before, doc.catalog)
    check_threads.clear()
    target = tmp_path / f"out.{fmt}"
    fake_dialogs.answer("get_save_path", str(target))
    finished = window.exports.report_finished if fmt == "pdf" else window.exports.export_finished
    with qtbot.waitSignal(finished, timeout=120_000):
        if fmt == "pdf":
            window.exports.export_report()
        else:
            window.exports.export_diagram(fmt)
        assert threading.main_thread().name not in check_threads  # starting it checked nothing here
    assert threading.main_thread().name not in check_threads
    assert THREAD_PREFIX + "export" in check_threads  # the worker checked its own copy
    if fmt == "md":
        assert target.read_text(encoding="utf-8") == to_markdown(before, expected, doc.catalog)
    else:
        reference = tmp_path / "reference.pdf"
        app.export.build_report(before, reference, result=expected, catalog=doc.catalog)
        assert text_of(target.read_bytes()) == text_of(reference.read_bytes())
        assert "Edited just before the export" in text_of(target.read_bytes())


def test_a_current_live_check_is_handed_to_the_worker_not_redone(
    qtbot, big_window, fake_dialogs, tmp_path, check_threads
):
    window, target = big_window, tmp_path / "doc.md"
    doc = window.document
    result = window.checker.check_now()
    assert not window.checker.pending()
    check_threads.clear()
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.export_finished, timeout=60_000):
        window.exports.export_diagram("md")
    assert check_threads == []
    assert target.read_text(encoding="utf-8") == to_markdown(doc.design, result, doc.catalog)


def test_a_snapshot_is_isolated_from_later_edits_and_loads_back_equal(catalog):
    from app.domain.model import Decision
    from app.ui.snapshot import take_snapshot

    design = large_design(catalog, 50, 60)
    first = design.components[0]
    first.properties["tags"] = ["a", "b"]
    design.decisions.append(Decision(id="d1", title="Batch scoring", components=[first.id]))
    design.meta.goals.append("Fresh scores daily")
    design.__pydantic_extra__["from_a_newer_tool"] = {"nested": [1, 2]}
    reference = design.model_copy(deep=True)
    snapshot = take_snapshot(design, catalog, [], None)
    first.properties["tags"].append("c")  # every kind of in-place edit after the snapshot
    first.position.x += 100
    first.name = "renamed"
    design.decisions[0].components.append("another")
    design.meta.goals.append("another goal")
    design.__pydantic_extra__["from_a_newer_tool"]["nested"].append(3)
    design.components.pop()
    loaded, loaded_catalog, result = snapshot.load()
    assert loaded.model_dump() == reference.model_dump() and loaded.components == reference.components
    assert loaded.__pydantic_extra__ == {"from_a_newer_tool": {"nested": [1, 2]}}
    assert loaded.component_by_id()[first.id] is loaded.components[0]  # its own index
    assert loaded_catalog is not catalog and result.rules_checked == []  # checked with the given rules


def test_a_second_export_waits_for_the_first(qtbot, big_window, fake_dialogs, tmp_path):
    window = big_window
    fake_dialogs.answer("get_save_path", str(tmp_path / "a.md"))
    with qtbot.waitSignal(window.exports.export_finished, timeout=60_000):
        assert window.exports.export_diagram("md")
        assert window.exports.export_diagram("mermaid") is None  # refused, without asking for a path
        assert window.exports.export_report() is None
        assert "export is running" in window.statusBar().currentMessage()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    script, pid_file = slow_renderer(tmp_path)
    monkeypatch.setenv("MLSD_DOT", str(script))
    return pid_file


def _wait_for_renderer(qtbot, pid_file) -> int:
    qtbot.waitUntil(lambda: pid_file.exists() and pid_file.read_text().strip() != "", timeout=60_000)
    return int(pid_file.read_text())


@pytest.mark.parametrize("existing", [None, b"<svg>the good old drawing</svg>"])
def test_a_cancelled_export_writes_nothing(qtbot, big_window, fake_dialogs, tmp_path, slow_dot, existing):
    window = big_window
    out = tmp_path / "out"
    out.mkdir()
    target = out / "diagram.svg"
    if existing is not None:
        target.write_bytes(existing)
    fake_dialogs.answer("get_save_path", str(target))
    window.exports.export_diagram("svg")
    pid = _wait_for_renderer(qtbot, slow_dot)  # Graphviz is drawing (and would for a minute)
    started = time.monotonic()
    with qtbot.waitSignal(window.exports.export_cancelled, timeout=10_000) as blocker:
        assert window.canvas.jobs.cancel("export")
    print(f"export cancelled in {time.monotonic() - started:.3f} s")
    assert blocker.args == [str(target)]
    assert not alive(pid)
    assert sorted(p.name for p in out.iterdir()) == ([] if existing is None else ["diagram.svg"])
    if existing is not None:
        assert target.read_bytes() == existing
    assert not list(out.glob(f"*{TEMP_MARK}")) and "show_error" not in fake_dialogs.names()
    assert "was not written" in window.statusBar().currentMessage()


def test_a_report_cancelled_midway_writes_nothing(qtbot, big_window, fake_dialogs, tmp_path, monkeypatch):
    window, target = big_window, tmp_path / "report.pdf"
    target.write_bytes(b"%PDF the report of yesterday")
    fake_dialogs.answer("get_save_path", str(target))
    # The worker waits at its first page-layout checkpoint until the test has pressed Cancel,
    # however fast the machine builds the report.
    laying_out, cancel_pressed = threading.Event(), threading.Event()
    report_progress = report_package._PassProgress.__call__

    def wait_for_cancel(self, kind: str, value: int) -> None:
        report_progress(self, kind, value)
        if kind == "PROGRESS" and not laying_out.is_set():
            laying_out.set()
            cancel_pressed.wait(30)
            report_progress(self, kind, value)  # the next checkpoint: raises Cancelled

    monkeypatch.setattr(report_package._PassProgress, "__call__", wait_for_cancel)
    with qtbot.waitSignal(window.exports.export_cancelled, timeout=60_000):
        window.exports.export_report()
        qtbot.waitUntil(laying_out.is_set, timeout=60_000)  # laying out the pages
        assert window.exports.progress.progress.fraction > 0.25
        assert window.canvas.jobs.cancel("export")
        cancel_pressed.set()
    assert target.read_bytes() == b"%PDF the report of yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_a_failed_export_leaves_the_file_there(qtbot, big_window, fake_dialogs, tmp_path, monkeypatch):
    window, target = big_window, tmp_path / "d.dot"
    target.write_text("digraph good {}", encoding="utf-8")

    def fails(*args, **kwargs):
        checkpoint(0.5)
        raise app.export.RenderError("the renderer crashed")

    monkeypatch.setattr(app.export, "to_dot", fails)
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.export_failed, timeout=30_000):
        window.exports.export_diagram("dot")
    assert target.read_text(encoding="utf-8") == "digraph good {}"
    assert "the renderer crashed" in fake_dialogs.args("show_error")[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.dot"]


def test_closing_the_window_stops_its_export_and_its_thread(
    qtbot, big_window, fake_dialogs, tmp_path, slow_dot
):
    window, target = big_window, tmp_path / "closing.svg"
    fake_dialogs.answer("get_save_path", str(target))
    window.exports.export_diagram("svg")
    pid = _wait_for_renderer(qtbot, slow_dot)
    started = time.monotonic()
    window.document.mark_saved()
    assert window.close()
    print(f"window closed in {time.monotonic() - started:.3f} s with an export running")
    assert job_threads() == [] and not alive(pid) and not target.exists()


# ---- auto-layout ------------------------------------------------------------------------------


def _positions(doc) -> dict[str, tuple[float, float]]:
    return {c.id: (c.position.x, c.position.y) for c in doc.design.components}


def _aspect(view) -> float:
    size = view.viewport().size()
    return size.width() / size.height()


@pytest.fixture
def big_view(qtbot, catalog):
    return make_view(qtbot, large_design(catalog, 600, 750))


def test_the_worker_layout_equals_the_synchronous_one(qtbot, big_view):
    doc, view = big_view
    reference = DesignDocument(doc.design.model_copy(deep=True))
    assert layout.auto_layout(reference, lambda _: None, aspect=_aspect(view))
    assert ended(qtbot, view.jobs, view.auto_layout) == DONE
    assert _positions(doc) == _positions(reference)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == layout.UNDO_TEXT
    direct = layout_design(reference.design, reference.catalog, aspect=_aspect(view), routes=False)
    assert _positions(doc) == {cid: direct.positions[cid] for cid in _positions(doc)}
    assert job_threads() == []


def test_cancelling_auto_layout_moves_nothing(qtbot, big_view):
    doc, view = big_view
    before, messages = _positions(doc), []
    view.message.connect(messages.append)

    def start_and_cancel() -> None:
        assert view.auto_layout()
        assert view.jobs.cancel("layout")

    assert ended(qtbot, view.jobs, start_and_cancel) == CANCELLED
    assert _positions(doc) == before and doc.undo_stack.count() == 0
    assert messages[-1] == "Auto-layout cancelled; nothing moved"


def test_edits_that_keep_the_layout_valid_let_it_apply(qtbot, big_view):
    doc, view = big_view
    reference = DesignDocument(doc.design.model_copy(deep=True))
    layout.auto_layout(reference, lambda _: None, aspect=_aspect(view))
    first = doc.design.components[0].id

    def start_then_edit() -> None:
        assert view.auto_layout()
        assert not view.auto_layout()  # one layout at a time
        doc.set_component_field(first, "name", "Renamed meanwhile")
        doc.move_components({first: (-5000.0, -5000.0)})  # a card the layout places anyway

    assert ended(qtbot, view.jobs, start_then_edit) == DONE
    assert _positions(doc) == _positions(reference)
    texts = [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())]
    assert texts[-1] == layout.UNDO_TEXT and len(texts) == 3
    doc.undo_stack.undo()
    assert doc.position_of(first).x == -5000.0


@pytest.mark.parametrize("edit", ["add", "remove", "pin", "undo-pin"])
def test_edits_that_invalidate_the_layout_refuse_it_with_a_message(qtbot, big_view, edit):
    doc, view = big_view
    messages: list[str] = []
    view.message.connect(messages.append)
    first = doc.design.components[0].id
    if edit == "undo-pin":  # pinned before the layout, unpinned by Undo while it runs
        doc.set_pinned([first], True)
        doc.undo_stack.clear()

    def start_then_edit() -> None:
        assert view.auto_layout()
        if edit == "add":
            doc.add_component("model", 0, 0)
        elif edit == "remove":
            doc.remove_items([first])
        elif edit == "pin":
            doc.set_pinned([first], True)
        else:
            doc.set_pinned([first], False)

    positions = None

    def snapshot_after_edit() -> None:
        nonlocal positions
        start_then_edit()
        positions = _positions(doc)

    assert ended(qtbot, view.jobs, snapshot_after_edit) == DONE
    assert _positions(doc) == positions and doc.undo_stack.count() == 1  # the edit, no layout
    assert messages[-1].startswith("Auto-layout not applied:") and "run Auto-Layout again" in messages[-1]


def test_a_selection_layout_is_refused_when_a_card_around_it_moved(qtbot, big_view):
    doc, view = big_view
    chosen = [c.id for c in doc.design.components[:5]]
    outside = doc.design.components[10].id
    view.select_components(chosen)
    messages: list[str] = []
    view.message.connect(messages.append)

    def start_then_move() -> None:
        assert view.auto_layout()
        doc.move_components({outside: (123.0, 456.0)})

    assert ended(qtbot, view.jobs, start_then_move) == DONE
    assert doc.undo_stack.count() == 1 and "cards it places others around were moved" in messages[-1]


def test_a_cancelled_layout_raises_in_the_engine_not_after_it(catalog):
    from app import progress

    plan_doc = DesignDocument(large_design(catalog, 100, 120))
    plan = layout.plan_layout(plan_doc, lambda _: None)
    assert plan is not None and plan.design_data == plan_doc.design.model_dump()  # loaded by the worker
    job = progress.Progress()
    job.cancel()
    with progress.running(job), pytest.raises(Cancelled):
        layout.compute_positions(plan)


# ---- canvas images -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_canvas_images_are_painted_here_and_written_by_the_worker(
    qtbot, windows, fake_dialogs, tmp_path, fmt
):
    window = windows()
    doc = window.document
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("model", 400, 0, "Ranker")
    doc.connect(a, b)
    window.checker.check_now()  # the findings' badges drawn now, not between the two pictures
    qtbot.wait(50)
    target = tmp_path / f"canvas.{fmt}"
    target.write_bytes(b"old picture")
    fake_dialogs.answer("get_save_path", str(target))
    with qtbot.waitSignal(window.exports.export_finished, timeout=30_000):
        assert window.exports.export_canvas_image(fmt) == str(target)
    reference = tmp_path / f"reference.{fmt}"
    window.canvas.render_to_image(reference, fmt)
    assert target.read_bytes() == reference.read_bytes() and len(reference.read_bytes()) > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"canvas.{fmt}", f"reference.{fmt}"]


def test_a_huge_canvas_png_is_scaled_to_the_side_limit(qtbot):
    from PySide6.QtGui import QImage

    from app.ui.canvas.image_export import MAX_PNG_SIDE, PNG_SCALE, image_bytes, paint_image

    doc, view = make_view(qtbot)
    doc.add_component("data_source", 0, 0)
    doc.add_component("model", 12_000, 0)  # 2x would be about 24,700 pixels wide
    picture, source = paint_image(view.design_scene, "png")
    assert isinstance(picture, QImage) and picture.width() == MAX_PNG_SIDE
    assert source.width() * PNG_SCALE > MAX_PNG_SIDE
    assert picture.height() == round(source.height() * MAX_PNG_SIDE / source.width())
    assert QImage.fromData(image_bytes(picture)).size() == picture.size()
