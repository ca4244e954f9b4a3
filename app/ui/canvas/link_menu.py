"""A link dropped on empty canvas: a menu of the kinds to create there, already linked.

As in diagrams.net, releasing a new link where there is no card offers the kinds the new card
can be; picking one creates the card at the drop point with the link to it, in one undo step.
The kinds the catalog names as what the source usually feeds (its typical flows) come first;
every other kind follows, by stage. The catalog forbids no pair of kinds, so none is left out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.catalog import Catalog, KindSpec
from app.domain.errors import DesignError
from app.ui.canvas import style as st
from app.ui.document import DesignDocument
from app.ui.kind_icons import kind_icon

KindGroups = list[tuple[str, list[KindSpec]]]


def kinds_for_link(catalog: Catalog, source_kind: str) -> tuple[list[KindSpec], KindGroups]:
    """(the kinds `source_kind` usually feeds, [(stage label, the other kinds of that stage)])."""
    source = catalog.kind(source_kind)
    typical = [catalog.kinds[k] for k in (source.flows_to if source else {}) if k in catalog.kinds]
    chosen = {k.id for k in typical}
    groups: KindGroups = []
    for stage in catalog.stages:
        rest = [k for k in catalog.kinds_in_stage(stage.id) if k.id not in chosen]
        if rest:
            groups.append((stage.label, rest))
    return typical, groups


def create_linked_card(
    document: DesignDocument, source_id: str, kind: str, scene_pos: QPointF, snap: bool = False
) -> tuple[str, str]:
    """The new card centred on `scene_pos`, linked from `source_id` (one undo step); raises
    DesignError when it cannot be (the source was deleted meanwhile, an unknown kind)."""
    x, y = scene_pos.x() - st.CARD_W / 2, scene_pos.y() - st.CARD_H / 2
    if snap:
        x, y = st.snap_value(x), st.snap_value(y)
    return document.add_linked_component(source_id, kind, x, y)


def build_link_menu(
    document: DesignDocument,
    source_id: str,
    scene_pos: QPointF,
    done: Callable[[str, str], None],
    refused: Callable[[str], None],
    snap: bool = False,
    parent: QWidget | None = None,
) -> QMenu:
    """The menu; `done(component_id, link_id)` runs after a pick created the linked card,
    `refused(text)` says why a pick could not be created."""
    catalog = document.catalog
    source = document.component(source_id)
    typical, groups = kinds_for_link(catalog, source.kind)
    menu = QMenu(parent)
    menu.setObjectName("link_drop_menu")
    menu.setToolTipsVisible(True)
    title = menu.addAction(f"New card linked from {source.name or source.id}")
    title.setEnabled(False)
    menu.addSeparator()

    def add(target: QMenu, spec: KindSpec) -> None:
        action = target.addAction(kind_icon(spec.icon), spec.label)  # light ink on the dark theme
        action.setData(spec.id)
        action.setToolTip(spec.description)

        def pick(_checked: bool = False, kind: str = spec.id) -> None:
            try:
                made = create_linked_card(document, source_id, kind, scene_pos, snap)
            except DesignError as exc:
                refused(f"Cannot add the linked card: {exc}")
                return
            done(*made)

        action.triggered.connect(pick)

    for spec in typical:
        add(menu, spec)
    if typical:
        menu.addSeparator()
    for label, kinds in groups:
        sub = menu.addMenu(label)
        for spec in kinds:
            add(sub, spec)
    return menu
