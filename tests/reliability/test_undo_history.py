"""Guarantee 9: undo history has a set limit (app.ui.document.UNDO_LIMIT) so memory stays bounded,
and the saved/unsaved state stays right through undo, redo, new edits and the limit.

tests/ui/test_undo_fuzz.py proves undo-all and redo-all are exact for random edits;
tests/ui/test_document.py proves each edit is one step. Here: 10,000 edits in a window.
"""

from __future__ import annotations

import gc
import tracemalloc

from app.ui.document import UNDO_LIMIT


def edit(doc, cid: str, i: int) -> None:
    if i % 2:
        doc.move_components({cid: (float(i), float(i % 97))})
    else:
        doc.set_component_field(cid, "name", f"Name {i}")


def test_ten_thousand_edits_keep_the_history_and_memory_bounded(windows):
    window = windows()
    doc = window.document
    assert doc.undo_stack.undoLimit() == UNDO_LIMIT == 1000
    cid = doc.add_component("model", 0, 0, "Edited")
    for i in range(1, 3_900):
        edit(doc, cid, i)
    # Traced from here, every undo step alive at 5,000 is traced, so dropping it counts.
    tracemalloc.start()
    try:
        for i in range(3_900, 5_000):
            edit(doc, cid, i)
        assert doc.undo_stack.count() == UNDO_LIMIT
        gc.collect()
        at_5000 = tracemalloc.get_traced_memory()[0]
        for i in range(5_000, 10_000):
            edit(doc, cid, i)
        gc.collect()
        at_10000 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    growth = at_10000 - at_5000
    print(f"\nPython memory: {at_5000 / 1024:.0f} KiB at 5,000 edits, {at_10000 / 1024:.0f} KiB at 10,000")
    assert doc.undo_stack.count() == UNDO_LIMIT
    assert growth < 512 * 1024  # an unlimited history grows by about 2.5 MB over these edits
    assert window.history.view.model().rowCount() == UNDO_LIMIT + 1  # the history view: "Opened" + steps
    for _ in range(UNDO_LIMIT):
        doc.undo_stack.undo()
    assert not doc.undo_stack.canUndo()
    assert doc.component(cid).name == "Name 8998"  # the state before the oldest kept step, 9,000


def test_saved_state_follows_undo_redo_and_new_edits(windows):
    window = windows()
    doc = window.document
    cid = doc.add_component("model", 0, 0)
    for i in range(1, 10):
        edit(doc, cid, i)
    doc.mark_saved()  # saved at edit 10
    assert not doc.is_modified() and not window.isWindowModified()
    doc.undo_stack.undo()
    assert doc.is_modified() and window.isWindowModified()
    doc.undo_stack.redo()
    assert not doc.is_modified() and not window.isWindowModified()
    for _ in range(3):
        doc.undo_stack.undo()
    for _ in range(2):
        doc.undo_stack.redo()
    assert doc.is_modified()
    doc.undo_stack.redo()
    assert not doc.is_modified()
    edit(doc, cid, 11)
    assert doc.is_modified()
    doc.undo_stack.undo()
    assert not doc.is_modified()  # back at the saved state
    doc.undo_stack.undo()
    edit(doc, cid, 12)  # a new branch: the saved state can no longer be reached by redo
    assert doc.is_modified()
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
        assert doc.is_modified()


def test_saved_state_that_falls_off_the_limit_reports_modified(windows):
    window = windows()
    doc = window.document
    cid = doc.add_component("model", 0, 0)
    doc.mark_saved()
    for i in range(1, UNDO_LIMIT):
        edit(doc, cid, i)
    assert doc.undo_stack.cleanIndex() == 1  # still reachable
    for _ in range(UNDO_LIMIT - 1):
        doc.undo_stack.undo()
    assert not doc.is_modified()
    for _ in range(UNDO_LIMIT - 1):
        doc.undo_stack.redo()
    edit(doc, cid, UNDO_LIMIT)
    edit(doc, cid, UNDO_LIMIT + 1)  # the saved state's step drops off the bottom
    assert doc.undo_stack.cleanIndex() == -1
    assert doc.is_modified() and window.isWindowModified()
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
        assert doc.is_modified() and window.isWindowModified()
