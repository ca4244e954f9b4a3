"""The Estimates dock: totals, the selected component's figures, missing inputs, the what-if."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.estimates import estimate_design, format_quantity
from app.persistence import design_to_bytes
from app.rules.model import Hit, RuleSpec
from app.templates import design_from_template
from app.ui.document import DesignDocument
from app.ui.estimates_panel import MISSING_ROLE
from app.ui.estimates_totals import COLUMNS, compact
from app.ui.estimates_whatif import scaled_design
from app.ui.theme import ThemeManager, is_dark


def _busy_components(context):
    """Any component whose QPS property is over 4,000 (a rule the what-if can trip)."""
    for component in context.design.components:
        for name, value in component.properties.items():
            if name.endswith("qps") and isinstance(value, int | float) and value > 4000:
                yield Hit(f"{component.name} takes {value:,.0f} QPS", components=(component.id,))


BUSY_RULE = RuleSpec(
    id="T17",
    title="Busy component",
    stage="serving",
    severity="warning",
    rationale="A test rule on load.",
    suggestion="Add replicas.",
    sources=("Test source",),
    check=_busy_components,
)


def _window(windows, design):
    window = windows(document=DesignDocument(design), restore_layout=False)
    window.persist_settings = False
    window.estimates_dock.show()
    window.estimates_dock.raise_()
    window.estimates.refresh()
    return window


def _endpoint(design):
    return next(c for c in design.components if c.kind == "endpoint" and c.properties.get("qps"))


def test_panel_shows_the_totals_by_stage_of_a_template(windows):
    design = design_from_template("fraud_detection")
    window = _window(windows, design)
    expected = estimate_design(design, window.document.catalog)
    rows = window.estimates.totals_rows()
    shown = [(key, title, unit) for key, title, unit, _tip in COLUMNS if expected.totals.get(key)]
    assert rows[0] == ["Stage", *(title for _key, title, _unit in shown)]  # empty columns hidden
    assert rows[-1] == ["Total", *(compact(expected.totals[key], unit) for key, _t, unit in shown)]
    assert expected.totals["monthly_cost"] > 0, "the template has cost figures"
    stages = {s.id: f"{s.number}. {s.label}" for s in window.document.catalog.stages}
    stage_rows = [row[0] for row in rows[1:-1]]
    with_figures = [
        stages[s]
        for s, values in expected.stage_totals.items()
        if s in stages and any(values.get(key) for key, *_rest in COLUMNS)
    ]
    assert set(with_figures) <= set(stage_rows) and stage_rows
    assert format_quantity(expected.totals["monthly_cost"], "USD/month") in window.estimates.summary.text()


def test_selecting_a_card_shows_its_figures_with_derivations(windows):
    design = design_from_template("fraud_detection")
    window = _window(windows, design)
    endpoint = _endpoint(window.document.design)
    window.canvas.select_components([endpoint.id])
    panel = window.estimates
    figures = panel.selected_figures()
    assert figures and all(f.component == endpoint.id for f in figures)
    text = panel.figures_view.toPlainText()
    assert endpoint.name in text
    for figure in figures:
        assert figure.label in text and figure.derivation in text
        assert format_quantity(figure.value, figure.unit) in text
    window.canvas.select_components([])
    assert panel.selected_figures() == () and "Select one component" in panel.figures_view.toPlainText()


def test_an_edit_updates_the_panel_and_undo_restores_it(windows, qtbot):
    design = design_from_template("fraud_detection")
    window = _window(windows, design)
    panel = window.estimates
    endpoint = _endpoint(window.document.design)
    before = panel.estimate.totals["peak_qps"]
    qps = endpoint.properties["qps"]
    window.document.set_property(endpoint.id, "qps", qps * 2)
    qtbot.waitUntil(lambda: not panel.pending() and panel.estimate.totals["peak_qps"] != before)
    after = estimate_design(window.document.design, window.document.catalog)
    assert panel.estimate.totals == after.totals
    header, *_rows, total = panel.totals_rows()
    assert total[header.index("QPS")] == compact(after.totals["peak_qps"], "qps")
    window.document.undo_stack.undo()
    qtbot.waitUntil(lambda: not panel.pending() and panel.estimate.totals["peak_qps"] == before)


def test_a_new_design_replaces_the_estimate(windows, qtbot, builder):
    window = _window(windows, design_from_template("fraud_detection"))
    builder.add("data_source", "Events")
    window.load_design(builder.design, None)
    panel = window.estimates
    qtbot.waitUntil(lambda: not panel.pending())
    assert panel.estimate.totals == estimate_design(builder.design, window.document.catalog).totals


def test_a_missing_input_selects_its_component_and_focuses_the_property(windows, qtbot):
    window = _window(windows, design_from_template("fraud_detection"))
    panel = window.estimates
    window.activateWindow()
    missing = panel.missing_inputs()
    assert missing == list(panel.estimate.missing)
    if not missing:  # every template input filled in: make one missing
        endpoint = _endpoint(window.document.design)
        window.document.set_property(endpoint.id, "qps", None)
        panel.refresh()
        missing = panel.missing_inputs()
    assert missing, "some input is missing"
    target = missing[0]
    panel.tabs.setCurrentIndex(1)
    rows = [panel.missing_list.item(i) for i in range(panel.missing_list.count())]
    row = next(r for r in rows if r.data(MISSING_ROLE) == target)
    panel.missing_list.itemClicked.emit(row)
    assert window.canvas.selected_component_ids() == [target.component]
    page = window.inspector.component_page
    assert page.component_id == target.component
    editor = page.property_editors.get(target.property)
    if editor is not None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() in (editor, editor.focusProxy()))


def test_a_number_typed_after_clicking_a_missing_input_is_taken(windows, qtbot, builder):
    builder.add("endpoint", "Scoring API", id="api", qps=3000)
    builder.add("model", "Scorer", id="scorer")
    builder.link("scorer", "api")
    window = _window(windows, builder.design)
    window.activateWindow()
    panel = window.estimates
    target = next(m for m in panel.missing_inputs() if m.property == "throughput_per_replica")
    panel.tabs.setCurrentIndex(1)
    rows = [panel.missing_list.item(i) for i in range(panel.missing_list.count())]
    panel.missing_list.itemClicked.emit(next(r for r in rows if r.data(MISSING_ROLE) == target))
    spin = window.inspector.component_page.property_editors["throughput_per_replica"].spin
    qtbot.waitUntil(spin.hasFocus)
    QTest.keyClicks(spin, "400")  # over "unspecified": digits typed into that word were refused
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.component("scorer").properties["throughput_per_replica"] == 400


def test_the_what_if_tab_opens_with_its_hint_not_a_blank_box(windows, qtbot):
    """Under X the What-if tab of a template opened on an empty white box below its factors
    (the hint came only after a factor was set and put back)."""
    window = windows()
    panel = window.estimates
    panel.tabs.setCurrentWidget(panel.what_if)
    assert panel.what_if.view.toPlainText() == "Set a factor above to see what would change."
    assert panel.what_if.lines() == ["Set a factor above to see what would change."]


def test_what_if_lists_changes_and_leaves_the_document_untouched(windows, qtbot, builder):
    builder.add("endpoint", "Scoring API", id="api", qps=3000)
    builder.add("model", "Scorer", id="scorer")
    builder.link("scorer", "api")
    window = _window(windows, builder.design)
    window.document.engine.rules = [BUSY_RULE]
    window.checker.check_now()
    doc = window.document
    saved = design_to_bytes(doc.design)
    steps = doc.undo_stack.count()
    panel = window.estimates
    current = panel.refresh()

    panel.what_if.set_factors(2.0, 3.0)
    result = panel.run_what_if(wait=True)
    scaled = panel.engine.estimate(qps_scale=2.0, volume_scale=3.0)
    differing = {
        (f.component, f.name)
        for figures in scaled.figures.values()
        for f in figures
        if (old := current.figure(f.component, f.name)) is None or old.value != f.value
    }
    assert {(c.component, c.name) for c in result.figures} == differing
    assert ("api", "peak_qps") in differing
    lines = panel.what_if.lines()
    titles = [line for line in lines if not line.startswith(" ")]
    figures_title = f"Figures that change ({len(result.figures)})"
    assert titles == ["Design totals", "Findings that change (1)", figures_title]  # what breaks first
    assert "  Peak load: 3,000 QPS → 6,000 QPS" in lines
    assert any(line.strip().startswith("Scoring API · ") and " → " in line for line in lines)
    assert [(c.change, c.finding.rule) for c in result.findings] == [("introduced", "T17")]
    assert "  New: T17 Scoring API takes 6,000 QPS" in lines

    panel.what_if.view.anchorClicked.emit(QUrl("show:0"))  # a row's link shows its component
    assert window.canvas.selected_component_ids() == [result.figures[0].component]

    # nothing of the design changed: same bytes, no undo step, not modified
    assert design_to_bytes(doc.design) == saved
    assert doc.undo_stack.count() == steps and not doc.is_modified()
    assert doc.design.component_by_id()["api"].properties["qps"] == 3000
    assert list(window.checker.check_now().findings) == []

    panel.what_if.reset()
    qtbot.waitUntil(lambda: not panel.pending())
    assert panel.what_if.lines() == ["Set a factor above to see what would change."]


def test_what_if_resolved_finding_when_scaled_down(windows, builder):
    builder.add("endpoint", "Scoring API", id="api", qps=6000)
    window = _window(windows, builder.design)
    window.document.engine.rules = [BUSY_RULE]
    window.checker.check_now()
    window.estimates.what_if.set_factors(0.5, 1.0)
    result = window.estimates.run_what_if(wait=True)
    assert [(c.change, c.finding.rule) for c in result.findings] == [("resolved", "T17")]
    assert window.document.design.component_by_id()["api"].properties["qps"] == 6000


def test_what_if_follows_the_factors_and_checks_off_the_gui_thread(windows, qtbot, builder):
    builder.add("endpoint", "Scoring API", id="api", qps=3000)
    window = _window(windows, builder.design)
    window.document.engine.rules = [BUSY_RULE]
    window.checker.check_now()
    what_if = window.estimates.what_if
    what_if.qps_spin.setValue(2.0)  # as typed: debounced, then the findings come back from the worker

    def done() -> bool:
        result = what_if.result
        return result is not None and result.qps_scale == 2.0 and not result.checking

    qtbot.waitUntil(done)
    assert [(c.change, c.finding.rule) for c in what_if.result.findings] == [("introduced", "T17")]
    assert "  New: T17 Scoring API takes 6,000 QPS" in what_if.lines()
    # an edit while the what-if is set re-runs it on the edited design
    window.document.set_property("api", "qps", 1000)
    qtbot.waitUntil(lambda: done() and what_if.result.findings == ())
    assert "  none" in what_if.lines() and not window.document.undo_stack.isClean()


def test_scaled_design_is_a_copy(builder):
    builder.add("endpoint", "API", id="api", qps=1000)
    copy = scaled_design(builder.design, qps_scale=2.5)
    assert copy.component_by_id()["api"].properties["qps"] == 2500
    assert builder.design.component_by_id()["api"].properties["qps"] == 1000


def test_estimates_dock_in_the_view_menu_and_dark_theme(windows):
    window = _window(windows, design_from_template("fraud_detection"))
    toggle = window.estimates_dock.toggleViewAction()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert toggle in view.actions() and toggle.shortcut().toString() == "Ctrl+Alt+6"
    assert any(toggle in actions for title, actions in window.actions.menus if title == "View")
    toggle.trigger()
    assert not window.estimates_dock.isVisible()
    toggle.trigger()
    assert window.estimates_dock.isVisible()
    window.canvas.select_components([_endpoint(window.document.design).id])
    light_html = window.estimates.figures_view.toHtml()
    try:
        window.actions.theme["dark"].trigger()
        assert is_dark()
        dark_html = window.estimates.figures_view.toHtml()
        assert dark_html != light_html  # the muted derivation colour follows the theme
    finally:
        ThemeManager.instance().set_mode("system")


def test_scaled_copy_estimates_as_the_engine_scales(builder, catalog):
    """The rules see the same load as the figures: estimating the scaled copy at 1x gives the
    engine's figures under the factors (capacities such as a cache's max QPS stay put)."""
    builder.add("data_source", "Clicks", id="src", events_per_day=2e8, bytes_per_event=500, retention_days=90)
    builder.add("dataset", "Click log", id="ds")
    builder.add("endpoint", "API", id="api", qps=1200, mean_qps=400, payload_bytes=2000)
    builder.add("model", "Ranker", id="model", throughput_per_replica=150)
    builder.add("cache", "Cache", id="cache", hit_rate=0.6, max_qps=5000)
    builder.add("human_review", "Review", id="review", items_per_day=900, capacity_per_day=2000)
    builder.link("src", "ds")
    builder.link("model", "api")
    builder.link("cache", "model")
    builder.link("model", "review")
    design = builder.design
    copy = scaled_design(design, qps_scale=3.0, volume_scale=0.5)
    assert copy.component_by_id()["cache"].properties["max_qps"] == 5000
    direct = estimate_design(design, catalog, qps_scale=3.0, volume_scale=0.5)
    via_copy = estimate_design(copy, catalog)
    values = {(f.component, f.name): f.value for figures in direct.figures.values() for f in figures}
    assert values == {(f.component, f.name): f.value for fs in via_copy.figures.values() for f in fs}
    assert values != {
        (f.component, f.name): f.value
        for fs in estimate_design(design, catalog).figures.values()
        for f in fs
    }


def test_incremental_estimate_matches_a_fresh_one_after_each_kind_of_edit(windows, qtbot, builder):
    builder.add("endpoint", "API", id="api", qps=1200)
    builder.add("model", "Ranker", id="model", throughput_per_replica=100)
    builder.add("data_source", "Clicks", id="src", events_per_day=1e7, bytes_per_event=200)
    window = _window(windows, builder.design)
    doc, panel = window.document, window.estimates

    def same_as_fresh() -> None:
        assert panel.pending()  # the edit reached the panel: it re-estimates shortly
        qtbot.waitUntil(lambda: not panel.pending())
        fresh = estimate_design(doc.design, doc.catalog)
        assert panel.estimate.figures == fresh.figures and panel.estimate.totals == fresh.totals

    assert panel.estimate.figure("model", "replicas_needed") is None  # not linked to the endpoint yet
    doc.connect("model", "api")
    same_as_fresh()
    assert panel.estimate.figure("model", "replicas_needed") is not None
    doc.set_property("model", "throughput_per_replica", 50)
    same_as_fresh()
    dataset = doc.add_component("dataset", 0, 0)
    doc.connect("src", dataset)
    same_as_fresh()
    doc.remove_items(["api"])
    same_as_fresh()
    for _ in range(3):
        doc.undo_stack.undo()
        same_as_fresh()
