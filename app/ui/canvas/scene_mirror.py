"""SceneMirror: the scene's items follow the document's signals, one item per signal.

A component or link added, removed or changed in the document adds, removes or updates its
item; a moved component moves its card (and raises it over the cards it now covers).
design_reset rebuilds the whole scene (DesignScene.rebuild).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from app.ui.canvas.component_item import ComponentItem
    from app.ui.canvas.scene import DesignScene

SCENE_MARGIN = 1200.0
CONTENTS_MS = 30  # contents_changed is emitted this long after the last added, removed or moved card


class SceneMirror(QObject):
    """Connects the document's signals to the scene's items (a child of the scene)."""

    def __init__(self, scene: DesignScene):
        super().__init__(scene)
        self.scene = scene
        self.contents_timer = QTimer(scene)
        self.contents_timer.setSingleShot(True)
        self.contents_timer.setInterval(CONTENTS_MS)
        self.contents_timer.timeout.connect(scene.contents_settled)
        document = scene.document
        document.component_added.connect(self._component_added)
        document.component_removed.connect(self._component_removed)
        document.component_changed.connect(self._component_changed)
        document.component_moved.connect(self._component_moved)
        document.link_added.connect(self._link_added)
        document.link_removed.connect(self._link_removed)
        document.link_changed.connect(self._link_changed)
        document.design_reset.connect(scene.rebuild)

    def _component_added(self, component_id: str) -> None:
        scene = self.scene
        scene.add_component_item(component_id)
        self._grow_to(scene._components[component_id])
        self.contents_timer.start()

    def _grow_to(self, item: ComponentItem) -> None:
        """Make room for a card at once (so the view can scroll to it); shrinking waits."""
        margin = SCENE_MARGIN
        needed = item.card_rect().adjusted(-margin, -margin, margin, margin)
        rect = self.scene.sceneRect()
        if not rect.contains(needed):
            self.scene.setSceneRect(rect.united(needed))

    def _component_removed(self, component_id: str) -> None:
        scene = self.scene
        item = scene._components.pop(component_id, None)
        if item is None:
            return
        if scene.connections.source() is item:
            scene.connections.cancel()
        for link in list(item.links):
            self.remove_link_item(link.link_id)
        item.owner = None
        scene.connections.forget(component_id)
        scene.unbatch_card(item)
        scene.removeItem(item)
        scene.overview_dirty()
        self.contents_timer.start()

    def _component_changed(self, component_id: str) -> None:
        scene = self.scene
        item = scene._components.get(component_id)
        if item is None:
            return
        item.set_component(scene.document.component(component_id))
        for link in item.links:
            link.set_link(scene.document.link(link.link_id))

    def _component_moved(self, component_id: str) -> None:
        scene = self.scene
        item = scene._components.get(component_id)
        if item is None:
            return
        position = scene.document.component(component_id).position
        item.setPos(position.x, position.y)
        scene.stack.raise_card(item, scene._components.values())  # a card dropped on another covers it
        self._grow_to(item)
        self.contents_timer.start()

    def _link_added(self, link_id: str) -> None:
        self.scene.add_link_item(link_id)
        self.scene.flush_link_updates()

    def _link_removed(self, link_id: str) -> None:
        self.remove_link_item(link_id)

    def remove_link_item(self, link_id: str) -> None:
        scene = self.scene
        item = scene._links.pop(link_id, None)
        if item is None:
            return
        item.owner = None
        item.source.links.discard(item)
        item.target.links.discard(item)
        scene.pending_links.discard(item)
        # the links left on both cards spread over the freed ports
        scene.links_need_update(item.source.links | item.target.links)
        scene.link_batches.removed(item)
        scene.removeItem(item)
        scene.overview_dirty()

    def _link_changed(self, link_id: str) -> None:
        scene = self.scene
        item = scene._links.get(link_id)
        if item is not None:
            item.set_link(scene.document.link(link_id))
            scene.overview_dirty()
            scene.labels_timer.start()
