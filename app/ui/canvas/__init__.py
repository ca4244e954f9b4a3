"""The design canvas: a QGraphicsScene mirroring a DesignDocument and the view that edits it."""

from app.ui.canvas.clipboard import ITEMS_MIME_TYPE
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.kind_drop import KIND_MIME_TYPE
from app.ui.canvas.link_item import LinkItem
from app.ui.canvas.minimap import Minimap
from app.ui.canvas.scene import DesignScene
from app.ui.canvas.view import CanvasView

__all__ = [
    "ITEMS_MIME_TYPE",
    "KIND_MIME_TYPE",
    "CanvasView",
    "ComponentItem",
    "DesignScene",
    "LinkItem",
    "Minimap",
]
