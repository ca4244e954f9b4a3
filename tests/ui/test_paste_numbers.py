"""Pasted items are read as a design file is: a number too large for a property is refused
with its place and the problem, and an unknown field's number a float cannot hold is pasted
as it was copied."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.persistence import design_to_bytes
from app.ui.canvas import ITEMS_MIME_TYPE
from tests.ui.canvas_support import make_view

ITEM = (
    '{"format": "mlsd-studio/items", "version": 1, "links": [], "components": '
    '[{"id": "m", "kind": "model", "name": "Ranker", "properties": {"p99_latency_ms": %s}, '
    '"x_extra": 1e400}]}'
)


def _put(payload: str) -> None:
    mime = QMimeData()
    mime.setData(ITEMS_MIME_TYPE, payload.encode())
    QGuiApplication.clipboard().setMimeData(mime)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("1e400", "at $.components[0].properties.p99_latency_ms: the number is too large"),
        ("1" * 400, "at $.components[0].properties.p99_latency_ms: the number is too large"),
        ("1" * 5000, "at line 1 column "),
    ],
    ids=["1e400", "400 digits", "5000 digits"],
)
def test_a_huge_property_is_refused_saying_where_and_why(qtbot, number, problem):
    doc, view = make_view(qtbot)
    messages: list[str] = []
    view.message.connect(messages.append)
    _put(ITEM % number)
    assert view.paste() == [] and doc.undo_stack.count() == 0
    assert messages[-1].startswith("Cannot paste: the copied items are not valid " + problem), messages


def test_an_unknown_fields_huge_number_survives_copy_and_paste(qtbot):
    doc, view = make_view(qtbot)
    _put(ITEM % "45")
    [pasted] = view.paste()
    view.select_components([pasted])
    assert view.copy_selection()
    [again] = view.paste()
    assert doc.design.component_by_id()[again].x_extra.text == "1e400"  # type: ignore[attr-defined]
    assert design_to_bytes(doc.design).decode().count('"x_extra": 1e400') == 2
