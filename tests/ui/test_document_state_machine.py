"""A hypothesis state machine over DesignDocument: random edits (add, remove, connect, edit a
property, a field or a link, move, paste, accept and revoke decisions, set and clear rule
overrides, refused edits), undo, redo, save and reload, with invariants checked after every
step:

- the scene mirrors the design: one item per component and per link, the same ids, the same
  positions;
- the incremental live check (the document's rule engine, updated edit by edit) equals a
  fresh full check of the same design;
- the design only holds text a file may hold (app/domain/safe_text.py), whatever was typed;
- while the document is not modified, the design is what was last saved or loaded;
- undo all gives back the design the history started from, and redo all the latest one
  (a rule, and once more at the end of every run);
- save then load gives the same design.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from PySide6.QtCore import QCoreApplication, QEvent

from app.domain.catalog import PropertySpec, default_catalog
from app.domain.errors import InvalidLinkError
from app.domain.model import FLOWS, Design
from app.domain.safe_text import clean_text, find_invalid_text
from app.persistence import design_to_bytes, load_design, save_design
from app.rules.engine import RuleEngine, check_design, result_to_json_data
from app.ui.canvas.clipboard import paste_items
from app.ui.canvas.scene import DesignScene
from app.ui.document import DesignDocument
from tests.factories import large_design

CATALOG = default_catalog()
KINDS = sorted(CATALOG.kinds)
RULE_IDS = [spec.id for spec in RuleEngine(Design(), CATALOG).rules]
LEVELS = ("off", "info", "warning", "error")
# Any text at all, lone surrogates and control characters included: the document cleans it.
TEXT = st.text(max_size=10)
COORD = st.integers(-2000, 4000)
EXAMPLES = 200


def _edits(design: Design) -> bytes:
    """The design without its save stamp (meta.modified): saving is not an edit."""
    data = design.to_json_data()
    data["meta"].pop("modified", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")


def _value(data: st.DataObject, spec: PropertySpec) -> object:
    if data.draw(st.integers(0, 5), label="unset") == 0:
        return None
    if spec.type in ("enum", "set"):
        values = st.sampled_from(spec.values)
        return data.draw(values if spec.type == "enum" else st.lists(values, unique=True, max_size=3))
    if spec.type == "bool":
        return data.draw(st.booleans())
    if spec.type in ("int", "float"):
        low = spec.minimum if spec.minimum is not None else -1e6
        high = min(spec.maximum if spec.maximum is not None else 1e6, 1e6)
        if spec.type == "int":
            return data.draw(st.integers(math.ceil(low), math.floor(high)))
        return data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    if spec.type == "list":
        return data.draw(st.lists(TEXT, max_size=3))
    return data.draw(TEXT)


class DocumentMachine(RuleBasedStateMachine):
    folder: Path  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self.doc = DesignDocument(catalog=CATALOG)
        self.scene = DesignScene(self.doc)
        self.path = self.folder / "design.mlsd"
        self._history_start()

    def _history_start(self) -> None:
        """The undo history starts here (a new document, or a reload)."""
        self.start = _edits(self.doc.design)
        self.clean = self.start

    # ---- helpers ----------------------------------------------------------------------------

    def _component_ids(self) -> list[str]:
        return [c.id for c in self.doc.design.components]

    def _some(self, data: st.DataObject, ids: list[str], most: int = 3) -> list[str]:
        if not ids:
            return []
        return data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=most))

    # ---- edits ------------------------------------------------------------------------------

    @initialize(size=st.integers(0, 6))
    def open_a_design(self, size: int) -> None:
        if size >= 2:
            self.doc.reset(large_design(CATALOG, size, size - 1, seed=size))
            self._history_start()

    @rule(kind=st.sampled_from(KINDS), x=COORD, y=COORD, name=st.none() | TEXT)
    def add(self, kind: str, x: int, y: int, name: str | None) -> None:
        cid = self.doc.add_component(kind, x, y, name)
        assert self.doc.component(cid).kind == kind

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        links = [lk.id for lk in self.doc.design.links]
        self.doc.remove_items(self._some(data, self._component_ids(), 2), self._some(data, links, 2))

    @rule(data=st.data())
    def connect(self, data: st.DataObject) -> None:
        ids = self._component_ids()
        if len(ids) < 2:
            return
        source, target = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
        count = self.doc.undo_stack.count()
        try:
            self.doc.connect(source, target, label=data.draw(TEXT))
        except InvalidLinkError:
            assert self.doc.undo_stack.count() == count

    @rule(data=st.data())
    def edit_property(self, data: st.DataObject) -> None:
        ids = self._component_ids()
        if not ids:
            return
        cid = data.draw(st.sampled_from(ids))
        spec = CATALOG.kind(self.doc.component(cid).kind)
        if spec is not None and spec.properties:
            prop = data.draw(st.sampled_from(spec.properties))
            self.doc.set_property(cid, prop.name, _value(data, prop))

    @rule(data=st.data(), field=st.sampled_from(("name", "technology", "notes")), text=TEXT)
    def edit_field(self, data: st.DataObject, field: str, text: str) -> None:
        ids = self._component_ids()
        if ids:
            try:
                self.doc.set_component_field(data.draw(st.sampled_from(ids)), field, text)
            except ValueError as exc:  # a blank name: refused, and named
                assert field == "name" and not clean_text(text).strip() and "name" in str(exc)

    @rule(field=st.sampled_from(("title", "author", "problem", "notes")), text=TEXT)
    def edit_meta(self, field: str, text: str) -> None:
        self.doc.set_meta_field(field, text)

    @rule(data=st.data())
    def edit_link(self, data: st.DataObject) -> None:
        links = [lk.id for lk in self.doc.design.links]
        if links:
            self.doc.set_link_fields(
                data.draw(st.sampled_from(links)),
                flow=data.draw(st.sampled_from(FLOWS)),
                phase=data.draw(st.sampled_from(("train", "serve", "both"))),
                feedback=data.draw(st.booleans()),
                label=data.draw(TEXT),
            )

    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        chosen = self._some(data, self._component_ids())
        self.doc.move_components({cid: (data.draw(COORD), data.draw(COORD)) for cid in chosen})

    @rule(data=st.data(), offset=st.integers(0, 90))
    def paste(self, data: st.DataObject, offset: int) -> None:
        chosen = set(self._some(data, self._component_ids(), 4))
        components = [c for c in self.doc.design.components if c.id in chosen]
        links = [lk for lk in self.doc.design.links if lk.source in chosen and lk.target in chosen]
        if components:
            new_ids, new_links, skipped = paste_items(self.doc, components, links, offset)
            assert (len(new_ids), len(new_links), skipped) == (len(components), len(links), 0)

    @rule(data=st.data(), rule_id=st.sampled_from(RULE_IDS), rationale=TEXT)
    def accept(self, data: st.DataObject, rule_id: str, rationale: str) -> None:
        components = self._some(data, self._component_ids(), 2)
        try:
            self.doc.accept_finding(rule_id, components, rationale)
        except ValueError as exc:  # nothing left once cleaned: refused, and named
            assert "rationale" in str(exc)

    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        decisions = [d.id for d in self.doc.design.decisions]
        if decisions:
            self.doc.remove_decision(data.draw(st.sampled_from(decisions)))

    @rule(rule_id=st.sampled_from(RULE_IDS), level=st.none() | st.sampled_from(LEVELS))
    def override(self, rule_id: str, level: str | None) -> None:
        self.doc.set_rule_override(rule_id, level)

    @rule(data=st.data())
    def refused_edit(self, data: st.DataObject) -> None:
        ids, links = self._component_ids(), [lk.id for lk in self.doc.design.links]
        edits = [
            lambda: self.doc.remove_decision("no-such-decision"),
            lambda: self.doc.set_meta_field("created", "x"),
            lambda: self.doc.set_rule_override("R1", "loud"),
        ]
        if ids:
            cid = data.draw(st.sampled_from(ids))
            edits += [
                lambda: self.doc.set_component_field(cid, "kind", "x"),
                lambda: self.doc.move_components({cid: (math.nan, 0)}),
                lambda: self.doc.set_property(cid, "no_such_property", 1),
            ]
        if links:
            lid = data.draw(st.sampled_from(links))
            edits += [lambda: self.doc.set_link_fields(lid, feedback="yes")]
        before, count = design_to_bytes(self.doc.design), self.doc.undo_stack.count()
        modified = self.doc.is_modified()
        try:
            data.draw(st.sampled_from(edits))()
        except ValueError:
            pass
        else:
            raise AssertionError("the edit was not refused")
        assert self.doc.undo_stack.count() == count and self.doc.is_modified() == modified
        assert design_to_bytes(self.doc.design) == before

    @rule()
    def undo(self) -> None:
        if self.doc.undo_stack.canUndo():
            self.doc.undo_stack.undo()

    @rule()
    def redo(self) -> None:
        if self.doc.undo_stack.canRedo():
            self.doc.undo_stack.redo()

    @rule()
    def undo_all_then_redo_all(self) -> None:
        self._assert_undo_all_and_redo_all()

    @rule(reload=st.booleans())
    def save(self, reload: bool) -> None:
        written = save_design(self.doc.design, self.path)
        self.doc.set_path(self.path)
        self.doc.mark_saved()
        self.clean = _edits(self.doc.design)
        assert written == design_to_bytes(self.doc.design)
        loaded = load_design(self.path, CATALOG)
        assert all("refers to missing components" in w for w in loaded.warnings)  # revoked cards
        assert design_to_bytes(loaded.design) == written  # save then load: the same design
        if reload:
            self.doc.reset(loaded.design, self.path)
            self._history_start()

    # ---- invariants -------------------------------------------------------------------------

    @invariant()
    def scene_mirrors_the_design(self) -> None:
        self.scene.flush_link_updates()
        design = self.doc.design
        assert sorted(i.component_id for i in self.scene.component_items()) == sorted(
            c.id for c in design.components
        )
        assert sorted(i.link_id for i in self.scene.link_items()) == sorted(lk.id for lk in design.links)
        for component in design.components:
            item = self.scene.component_item(component.id)
            assert item is not None
            assert (item.pos().x(), item.pos().y()) == (component.position.x, component.position.y)

    @invariant()
    def live_check_equals_a_fresh_full_check(self) -> None:
        fresh = Design.model_validate(self.doc.design.to_json_data())
        live = result_to_json_data(self.doc.engine.check())
        assert live == result_to_json_data(check_design(fresh, CATALOG))

    @invariant()
    def the_design_holds_only_valid_text(self) -> None:
        assert find_invalid_text(self.doc.design.to_json_data()) is None

    @invariant()
    def an_unmodified_document_is_what_was_saved(self) -> None:
        if not self.doc.is_modified():
            assert _edits(self.doc.design) == self.clean

    def _assert_undo_all_and_redo_all(self) -> None:
        stack = self.doc.undo_stack
        latest, index = _edits(self.doc.design), stack.index()
        while stack.canUndo():
            stack.undo()
        assert _edits(self.doc.design) == self.start
        self.scene_mirrors_the_design()
        while stack.canRedo():
            stack.redo()
        while stack.index() > index:  # back to where the user was
            stack.undo()
        assert _edits(self.doc.design) == latest

    def teardown(self) -> None:
        try:
            self._assert_undo_all_and_redo_all()
            self.live_check_equals_a_fresh_full_check()
        finally:
            self.scene.clear()
            self.scene.deleteLater()
            self.doc.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.slow  # about 45 s on a busy two-core machine
def test_the_document_state_machine(qapp, tmp_path):
    DocumentMachine.folder = tmp_path
    run_state_machine_as_test(
        DocumentMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
